package io.g4f.client.impl;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.ToolCall;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Folds streamed chunks into one {@link ChatCompletion}: the single place that knows how deltas join. */
public final class ChunkAccumulator {

  private final ChatCompletion completion = new ChatCompletion();
  private final Map<Integer, ChoiceState> choices = new TreeMap<>();
  private boolean first = true;

  /** Reads {@code stream} to its end and folds it; fails as the stream fails. */
  public static Future<ChatCompletion> collect(ReadStream<ChatCompletionChunk> stream) {
    Promise<ChatCompletion> promise = Promise.promise();
    ChunkAccumulator accumulator = new ChunkAccumulator();
    stream.exceptionHandler(promise::tryFail);
    stream.endHandler(v -> promise.tryComplete(accumulator.result()));
    stream.handler(accumulator::add);
    return promise.future();
  }

  /** Adds one chunk. */
  public void add(ChatCompletionChunk chunk) {
    if (first) {
      first = false;
      completion.setHeader(chunk);
    } else if (chunk.getUsage() != null) {
      completion.setUsage(chunk.getUsage());
    }
    for (ChatCompletionChunk.Choice choice : chunk.getChoices()) {
      choices.computeIfAbsent(choice.getIndex(), i -> new ChoiceState()).add(choice);
    }
  }

  /** The completion folded so far. */
  public ChatCompletion result() {
    List<ChatCompletion.Choice> folded = new ArrayList<>(choices.size());
    choices.forEach((index, state) -> folded.add(state.toChoice(index)));
    return completion.setChoices(folded);
  }

  private static final class ChoiceState {

    private String role;
    private StringBuilder content;
    private StringBuilder refusal;
    private final Map<Integer, ToolCall> toolCalls = new TreeMap<>();
    /** Each tool call's arguments so far: appended, since re-concatenating Strings is quadratic in the fragments. */
    private final Map<Integer, StringBuilder> arguments = new HashMap<>();
    private String finishReason;
    private Object logprobs;

    void add(ChatCompletionChunk.Choice choice) {
      ChatMessage delta = choice.getDelta();
      if (delta.getRole() != null) {
        role = delta.getRole();
      }
      content = append(content, delta.getContent());
      refusal = append(refusal, delta.getRefusal());
      if (delta.getToolCalls() != null) {
        for (ToolCall fragment : delta.getToolCalls()) {
          addToolCall(fragment);
        }
      }
      if (choice.getFinishReason() != null) {
        finishReason = choice.getFinishReason();
      }
      if (choice.getLogprobs() != null) {
        logprobs = choice.getLogprobs();
      }
    }

    private void addToolCall(ToolCall fragment) {
      int index = fragment.getIndex() != null ? fragment.getIndex() : toolCalls.size();
      ToolCall call = toolCalls.get(index);
      if (call == null) {
        call = new ToolCall().setId(fragment.getId()).setType(fragment.getType() == null ? "function" : fragment.getType())
            .setFunction(new ToolCall.FunctionCall());
        toolCalls.put(index, call);
        arguments.put(index, new StringBuilder());
      } else if (fragment.getId() != null) {
        call.setId(fragment.getId());
      }
      ToolCall.FunctionCall function = fragment.getFunction();
      if (function != null) {
        if (function.getName() != null) {
          call.getFunction().setName(function.getName());
        }
        if (function.getArguments() != null) {
          arguments.get(index).append(function.getArguments());
        }
      }
    }

    ChatCompletion.Choice toChoice(int index) {
      ChatMessage message = new ChatMessage(role == null ? ChatMessage.ASSISTANT : role,
          content == null ? null : content.toString());
      if (refusal != null) {
        message.setRefusal(refusal.toString());
      }
      if (!toolCalls.isEmpty()) {
        toolCalls.forEach((slot, call) -> call.getFunction().setArguments(arguments.get(slot).toString()));
        message.setToolCalls(new ArrayList<>(toolCalls.values()));
      }
      return new ChatCompletion.Choice().setIndex(index).setMessage(message).setFinishReason(finishReason)
          .setLogprobs(logprobs);
    }

    private static StringBuilder append(StringBuilder builder, String text) {
      if (text == null) {
        return builder;
      }
      return (builder == null ? new StringBuilder() : builder).append(text);
    }
  }
}
