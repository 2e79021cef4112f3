package io.g4f.client.typed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.g4f.client.CallOptions;
import io.g4f.client.GenericAsyncClient;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.Tool;
import io.g4f.client.chat.ToolCall;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Tools with their functions, run for the model until it answers: the model is asked, every tool call of its answer
 * is run (the calls of one answer concurrently, each function returning a {@link Future}), the results go back as
 * {@code tool} messages, and the model is asked again, until an answer asks for no tool. That answer is the result.
 *
 * <pre>{@code
 * ToolLoop tools = new ToolLoop().add(GetWeather.class, args -> weatherService.lookUp(args.city()));
 * client.chat().completions().runTools(ChatCompletionRequest.of("gpt-4o-mini", "Weather in Paris?"), tools)
 *     .onSuccess(answer -> System.out.println(answer.text()));
 * }</pre>
 *
 * <p>A call the loop cannot serve (no such tool, arguments that do not parse) or whose function fails is answered to
 * the model with {@code {"error": "<message>"}}, so that it can correct itself; the failure is in the step's
 * {@link ToolResult}. The loop fails with {@link ToolLoopException} when the model still asks for tools in step
 * {@link #setMaxSteps(int) maxSteps}, or asks again for a call it made before (the same tool and arguments), as G4F's
 * tool-loop detection stops it; and as the model call fails otherwise. Every step, the final answer included, goes
 * to the {@link #onStep(Consumer) listener} once its tools have run.
 *
 * <p>Configure it first, then use it from any thread, as often as you like: each run has its own conversation. A
 * function is called on the thread that completes the model's answer (a Vert.x event loop for {@code AsyncClient}),
 * so it must not block: it returns a {@code Future} (from {@code vertx.executeBlocking} for blocking work).
 */
public final class ToolLoop {

  /** The default {@link #setMaxSteps(int) step limit}: {@value}. */
  public static final int DEFAULT_MAX_STEPS = 10;

  private final Map<String, Entry<?>> tools = new LinkedHashMap<>();
  private ObjectMapper mapper = JsonSchemas.defaultMapper();
  private int maxSteps = DEFAULT_MAX_STEPS;
  private Consumer<ToolStep> listener = step -> { };

  /** A tool with the function that serves its calls. */
  private record Entry<A>(TypedTool<A> tool, Function<? super A, ? extends Future<?>> function) {

    Future<?> call(ToolCall call) {
      return function.apply(tool.arguments(call));
    }
  }

  /**
   * Adds the tool {@code TypedTool.of(type)} and its function.
   *
   * @throws IllegalArgumentException when {@code type} is not an object type or a tool of its name was added
   */
  public <A> ToolLoop add(Class<A> type, Function<? super A, ? extends Future<?>> function) {
    return add(TypedTool.of(type), function);
  }

  /**
   * Adds a tool and its function, which returns the result to send to the model: a string as it is, anything else as
   * its JSON (written by {@link #setMapper(ObjectMapper) the mapper}).
   *
   * @throws IllegalArgumentException when a tool of that name was added
   */
  public <A> ToolLoop add(TypedTool<A> tool, Function<? super A, ? extends Future<?>> function) {
    if (tools.putIfAbsent(tool.name(), new Entry<>(tool, function)) != null) {
      throw new IllegalArgumentException("A tool named " + tool.name() + " was already added");
    }
    return this;
  }

  /** The most answers the model may give, the last one not asking for tools; {@value #DEFAULT_MAX_STEPS} unless set. */
  public int getMaxSteps() {
    return maxSteps;
  }

  /**
   * Sets the most answers the model may give; the loop fails with {@link ToolLoopException} when the answer of the
   * last step allowed still asks for tools.
   *
   * @throws IllegalArgumentException when {@code maxSteps} is less than 1
   */
  public ToolLoop setMaxSteps(int maxSteps) {
    if (maxSteps < 1) {
      throw new IllegalArgumentException("maxSteps must be at least 1, not " + maxSteps);
    }
    this.maxSteps = maxSteps;
    return this;
  }

  /** Sets the mapper that writes the functions' results as JSON; {@link JsonSchemas#defaultMapper()} unless set. */
  public ToolLoop setMapper(ObjectMapper mapper) {
    this.mapper = mapper;
    return this;
  }

  /**
   * Sets the listener that sees every step once its tools have run (and the final answer), on the thread that
   * completed it; it must not block. Replaces the previous one.
   */
  public ToolLoop onStep(Consumer<ToolStep> listener) {
    this.listener = listener;
    return this;
  }

  /** The tools, as a request sends them. */
  public List<Tool> tools() {
    List<Tool> list = new ArrayList<>(tools.size());
    tools.values().forEach(entry -> list.add(entry.tool().tool()));
    return list;
  }

  /**
   * Runs the loop on {@code completions} (of any client), starting from {@code request}, whose own tools are kept and
   * which is left as it is: each step asks for a whole answer with the conversation so far.
   *
   * @param options each model call's settings, or null for the client's
   * @return the model's final answer; a {@link ToolLoopException} or the failure of a model call otherwise
   */
  public <O extends CallOptions> Future<ChatCompletion> run(GenericAsyncClient.ChatCompletions<O> completions,
                                                            ChatCompletionRequest request, @Nullable O options) {
    ChatCompletionRequest conversation = request.copy().setStream(null);
    List<Tool> sent = conversation.getTools() == null ? new ArrayList<>() : new ArrayList<>(conversation.getTools());
    sent.addAll(tools());
    conversation.setTools(sent);
    return new Run<>(completions, options, conversation).step(1);
  }

  /** One run: its conversation, the calls made so far and the steps. */
  private final class Run<O extends CallOptions> {

    private final GenericAsyncClient.ChatCompletions<O> completions;
    private final @Nullable O options;
    private final ChatCompletionRequest conversation;
    private final Set<String> calls = new HashSet<>();
    private final List<ToolStep> steps = new ArrayList<>();

    Run(GenericAsyncClient.ChatCompletions<O> completions, @Nullable O options, ChatCompletionRequest conversation) {
      this.completions = completions;
      this.options = options;
      this.conversation = conversation;
    }

    Future<ChatCompletion> step(int number) {
      return completions.create(conversation, options).compose(answer -> {
        ChatMessage message = answer.getChoices().isEmpty() ? null : answer.getChoices().get(0).getMessage();
        List<ToolCall> asked = message == null || message.getToolCalls() == null ? List.of() : message.getToolCalls();
        if (asked.isEmpty()) {
          finish(new ToolStep(number, answer, List.of()));
          return Future.succeededFuture(answer);
        }
        if (number == maxSteps) {
          return stop(new ToolStep(number, answer, List.of()), ToolLoopException.Reason.STEP_LIMIT,
              "The model still asked for tools after " + maxSteps + " steps");
        }
        for (ToolCall call : asked) {
          if (!calls.add(key(call))) {
            return stop(new ToolStep(number, answer, List.of()), ToolLoopException.Reason.REPEATED_CALL,
                "The model asked again for " + describe(call) + ", a call it made before");
          }
        }
        conversation.addMessage(message);
        List<Future<ToolResult>> results = new ArrayList<>(asked.size());
        asked.forEach(call -> results.add(run(call)));
        return Future.all(results).compose(all -> {
          List<ToolResult> done = all.list();
          done.forEach(result -> conversation.addMessage(ChatMessage.tool(result.call().getId(), result.content())));
          finish(new ToolStep(number, answer, done));
          return step(number + 1);
        });
      });
    }

    private void finish(ToolStep step) {
      steps.add(step);
      listener.accept(step);
    }

    private Future<ChatCompletion> stop(ToolStep step, ToolLoopException.Reason reason, String message) {
      finish(step);
      return Future.failedFuture(new ToolLoopException(message, reason, steps));
    }

    /** The call's result, never failed: a failure is the model's to see. */
    private Future<ToolResult> run(ToolCall call) {
      Entry<?> entry = call.getFunction() == null ? null : tools.get(call.getFunction().getName());
      Future<?> value;
      if (entry == null) {
        value = Future.failedFuture(new IllegalArgumentException("There is no tool named "
            + (call.getFunction() == null ? null : call.getFunction().getName()) + "; the tools are "
            + tools.keySet()));
      } else {
        try {
          value = entry.call(call);
        } catch (RuntimeException e) {
          value = Future.failedFuture(e);
        }
      }
      return value.transform(outcome -> Future.succeededFuture(result(call, outcome.succeeded() ? outcome.result()
          : null, outcome.cause())));
    }

    private ToolResult result(ToolCall call, @Nullable Object value, @Nullable Throwable failure) {
      if (failure != null) {
        return new ToolResult(call, null, error(failure), failure);
      }
      if (value instanceof String text) {
        return new ToolResult(call, value, text, null);
      }
      try {
        return new ToolResult(call, value, mapper.writeValueAsString(value), null);
      } catch (JsonProcessingException e) {
        return new ToolResult(call, value, error(e), e);
      }
    }

    private String error(Throwable failure) {
      return mapper.createObjectNode().put("error", String.valueOf(failure.getMessage())).toString();
    }
  }

  /** A call's tool and arguments, the arguments as canonical JSON when they parse. */
  private String key(ToolCall call) {
    String name = call.getFunction() == null ? null : call.getFunction().getName();
    String arguments = call.getFunction() == null ? null : call.getFunction().getArguments();
    try {
      return name + " " + (arguments == null ? "" : mapper.readTree(arguments).toString());
    } catch (JsonProcessingException e) {
      return name + " " + arguments;
    }
  }

  private static String describe(ToolCall call) {
    return call.getFunction() == null ? String.valueOf(call.getId())
        : call.getFunction().getName() + "(" + call.getFunction().getArguments() + ")";
  }
}
