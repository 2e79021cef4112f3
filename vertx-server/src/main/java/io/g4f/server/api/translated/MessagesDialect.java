package io.g4f.server.api.translated;

import io.g4f.client.Usage;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ToolCall;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.ProviderException;
import io.g4f.server.pipeline.Call;
import io.g4f.server.wire.OpenAiErrors;
import io.g4f.server.wire.RequestBodies;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code POST /v1/messages} and {@code PREFIX.messages}: Anthropic's Messages API served through chat completions.
 * {@code system} (a string or text blocks) and {@code messages} (text, {@code image} with a base64 or URL source,
 * {@code tool_use} and {@code tool_result} blocks; thinking blocks are skipped) become chat messages;
 * {@code tools} (custom tools: name, description, input_schema), {@code tool_choice} (auto, any, tool, none;
 * {@code disable_parallel_tool_use}), {@code max_tokens} (required), {@code stop_sequences}, {@code temperature},
 * {@code top_p} and {@code metadata.user_id} their chat counterparts; {@code top_k}, {@code thinking} and
 * {@code service_tier} are accepted and ignored; any other field is a 400 naming it. The answer is a
 * {@code message} ({@code stop_reason} end_turn, max_tokens, tool_use, or refusal for a content filter; chat does
 * not say which stop sequence ended an answer, so {@code stop_sequence} is always null); a stream is Anthropic's
 * events, {@code event: error} when the upstream fails after the start. Errors are in Anthropic's shape
 * ({@link #errorShape}). To a target whose provider speaks this API natively a call goes untranslated instead
 * ({@link MessagesPassthrough}).
 */
public final class MessagesDialect implements ChatDialect {

  /** The HTTP route. */
  public static final String PATH = "/v1/messages";
  /** The event-bus address, after the prefix. */
  public static final String ADDRESS = ".messages";

  private static final JsonFields F = JsonFields.ANTHROPIC;
  private static final Set<String> FIELDS = Set.of("model", "messages", "system", "max_tokens", "stop_sequences",
      "temperature", "top_p", "top_k", "stream", "metadata", "tools", "tool_choice", "provider", "thinking",
      "service_tier");
  /** Anthropic's error types, kept when a native upstream's error names one. */
  private static final Set<String> ERROR_TYPES = Set.of("invalid_request_error", "authentication_error",
      "billing_error", "permission_error", "not_found_error", "request_too_large", "rate_limit_error",
      "timeout_error", "api_error", "overloaded_error");
  private static final Map<String, String> STOP_REASONS = Map.of("stop", "end_turn", "length", "max_tokens",
      "tool_calls", "tool_use", "function_call", "tool_use", "content_filter", "refusal");

  @Override
  public String name() {
    return "messages";
  }

  @Override
  public Call call(JsonObject body) {
    return new MessageCall(RequestBodies.parse(chat(body).toBuffer(), ChatCompletionRequest.class));
  }

  @Override
  public OpenAiErrors.Error error(Throwable failure) {
    return errorShape(OpenAiErrors.of(failure));
  }

  @Override
  public boolean passesThrough() {
    return true;
  }

  /**
   * An error in Anthropic's shape, {@code {"type":"error","error":{"type","message"}}}, with the same status; the
   * type by status: invalid_request_error (4xx), authentication_error (401), permission_error (403), not_found_error
   * (404), request_too_large (413), rate_limit_error (429), overloaded_error (503, 529), api_error (other 5xx).
   */
  public static OpenAiErrors.Error errorShape(OpenAiErrors.Error error) {
    return shape(error.status(), type(error.status()), error.body().getJsonObject("error").getString("message"),
        error.retryAfterSeconds());
  }

  /**
   * The error of a call that an Anthropic upstream answered natively: as {@link #errorShape}, but with the
   * upstream's status when it answered with an error status (a 529 stays a 529) and its error type when it named
   * one of Anthropic's (an {@code overloaded_error} event stays one).
   */
  static OpenAiErrors.Error upstreamError(Throwable failure) {
    OpenAiErrors.Error error = errorShape(OpenAiErrors.of(failure));
    if (!(failure instanceof G4fException g4f) || g4f.provider() == null) {
      return error;
    }
    int status = g4f.status() >= 400 && g4f.status() < 600 ? g4f.status() : error.status();
    String type = g4f.type() != null && ERROR_TYPES.contains(g4f.type()) ? g4f.type() : type(status);
    return shape(status, type, error.body().getJsonObject("error").getString("message"), error.retryAfterSeconds());
  }

  private static String type(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, 529 -> "overloaded_error";
      default -> status < 500 ? "invalid_request_error" : "api_error";
    };
  }

  private static OpenAiErrors.Error shape(int status, String type, String message, Long retryAfterSeconds) {
    return new OpenAiErrors.Error(status, new JsonObject().put("type", "error").put("error", new JsonObject()
        .put("type", type).put("message", message)), retryAfterSeconds);
  }

  /**
   * The usage of an Anthropic {@code usage} object (cache reads and writes counted as input, as the Anthropic
   * provider counts them, and told apart in {@code prompt_tokens_details} as it tells them); a count it leaves out is
   * {@code before}'s (a {@code message_delta} may give only the output). Null for null.
   */
  static Usage usage(JsonObject usage, Usage before) {
    if (usage == null) {
      return before;
    }
    boolean inputGiven = usage.getValue("input_tokens") instanceof Number;
    int reads = count(usage, "cache_read_input_tokens");
    int writes = count(usage, "cache_creation_input_tokens");
    Integer input = inputGiven ? count(usage, "input_tokens") + writes + reads
        : before == null ? null : before.getPromptTokens();
    Integer output = usage.getValue("output_tokens") instanceof Number tokens ? tokens.intValue()
        : before == null ? null : before.getCompletionTokens();
    Usage read = new Usage(input, output, input == null || output == null ? null : input + output);
    Object details = inputGiven ? reads > 0 || writes > 0 ? Map.of("cached_tokens", reads, "cache_write_tokens", writes)
        : null : before == null ? null : before.getExtra().get("prompt_tokens_details");
    return details == null ? read : read.putExtra("prompt_tokens_details", details);
  }

  private static int count(JsonObject usage, String key) {
    return usage.getValue(key) instanceof Number tokens ? tokens.intValue() : 0;
  }

  /** The chat completion body that serves a Messages body. */
  static JsonObject chat(JsonObject body) {
    F.onlyKnown(body, "", FIELDS);
    JsonObject chat = new JsonObject();
    chat.put("model", F.string(body, "", "model", false));
    chat.put("provider", body.getValue("provider"));
    chat.put("max_completion_tokens", F.integer(body, "", "max_tokens", true, 1));
    chat.put("temperature", F.number(body, "", "temperature"));
    chat.put("top_p", F.number(body, "", "top_p"));
    JsonArray stops = F.array(body, "", "stop_sequences", false);
    if (stops != null) {
      for (int i = 0; i < stops.size(); i++) {
        if (!(stops.getValue(i) instanceof String)) {
          throw F.invalid(F.at("stop_sequences", i), "Input should be a valid string");
        }
      }
      chat.put("stop", stops);
    }
    JsonObject metadata = F.object(body, "", "metadata", false);
    if (metadata != null) {
      chat.put("user", F.string(metadata, "metadata", "user_id", false));
    }
    chat.put("messages", messages(body));
    chat.put("tools", tools(F.array(body, "", "tools", false)));
    toolChoice(F.object(body, "", "tool_choice", false), chat);
    return ChatDialect.chatRequest(chat, Boolean.TRUE.equals(F.bool(body, "", "stream")));
  }

  private static JsonArray messages(JsonObject body) {
    JsonArray messages = new JsonArray();
    Object system = F.stringOrArray(body, "", "system", false);
    if (system != null) {
      messages.add(new JsonObject().put("role", "system").put("content", system instanceof String text ? text
          : text((JsonArray) system, "system")));
    }
    JsonArray input = F.array(body, "", "messages", true);
    for (int i = 0; i < input.size(); i++) {
      JsonObject message = F.object(input, "messages", i);
      String path = F.at("messages", i);
      String role = F.string(message, path, "role", true);
      if (!role.equals("user") && !role.equals("assistant")) {
        throw F.invalid(F.at(path, "role"), "Input should be 'user' or 'assistant'");
      }
      Object content = F.stringOrArray(message, path, "content", true);
      if (content instanceof String text) {
        messages.add(new JsonObject().put("role", role).put("content", text));
      } else if (role.equals("user")) {
        user((JsonArray) content, F.at(path, "content"), messages);
      } else {
        assistant((JsonArray) content, F.at(path, "content"), messages);
      }
    }
    return messages;
  }

  /** A user turn: its {@code tool_result} blocks as tool messages, then its text and images as a user message. */
  private static void user(JsonArray blocks, String path, JsonArray messages) {
    JsonArray parts = new JsonArray();
    for (int j = 0; j < blocks.size(); j++) {
      JsonObject block = F.object(blocks, path, j);
      String at = F.at(path, j);
      String type = F.string(block, at, "type", true);
      switch (type) {
        case "text" -> parts.add(new JsonObject().put("type", "text").put("text", F.string(block, at, "text", true)));
        case "image" -> parts.add(new JsonObject().put("type", "image_url")
            .put("image_url", new JsonObject().put("url", imageUrl(F.object(block, at, "source", true),
                F.at(at, "source")))));
        case "tool_result" -> {
          Object content = F.stringOrArray(block, at, "content", false);
          F.bool(block, at, "is_error");
          messages.add(new JsonObject().put("role", "tool").put("tool_call_id", F.string(block, at, "tool_use_id", true))
              .put("content", content == null ? "" : content instanceof String text ? text
                  : text((JsonArray) content, F.at(at, "content"))));
        }
        default -> throw F.invalid(F.at(at, "type"), "'" + type + "' is not supported in a user message: blocks are"
            + " text, image and tool_result");
      }
    }
    if (!parts.isEmpty()) {
      messages.add(new JsonObject().put("role", "user").put("content", parts));
    }
  }

  /** An assistant turn: its text, and its {@code tool_use} blocks as tool calls. */
  private static void assistant(JsonArray blocks, String path, JsonArray messages) {
    StringBuilder text = null;
    JsonArray calls = new JsonArray();
    for (int j = 0; j < blocks.size(); j++) {
      JsonObject block = F.object(blocks, path, j);
      String at = F.at(path, j);
      String type = F.string(block, at, "type", true);
      switch (type) {
        case "text" -> text = (text == null ? new StringBuilder() : text).append(F.string(block, at, "text", true));
        case "tool_use" -> calls.add(new JsonObject().put("id", F.string(block, at, "id", true)).put("type", "function")
            .put("function", new JsonObject().put("name", F.string(block, at, "name", true))
                .put("arguments", F.object(block, at, "input", true).encode())));
        case "thinking", "redacted_thinking" -> { } // the upstream model's own reasoning, which chat models do not take back
        default -> throw F.invalid(F.at(at, "type"), "'" + type + "' is not supported in an assistant message: blocks"
            + " are text, tool_use and thinking");
      }
    }
    JsonObject message = new JsonObject().put("role", "assistant").put("content", text == null ? null : text.toString());
    if (!calls.isEmpty()) {
      message.put("tool_calls", calls);
    }
    messages.add(message);
  }

  /** The text of an array of text blocks. */
  private static String text(JsonArray blocks, String path) {
    StringBuilder text = new StringBuilder();
    for (int j = 0; j < blocks.size(); j++) {
      JsonObject block = F.object(blocks, path, j);
      String at = F.at(path, j);
      if (!"text".equals(F.string(block, at, "type", true))) {
        throw F.invalid(F.at(at, "type"), "only text blocks are supported here");
      }
      text.append(F.string(block, at, "text", true));
    }
    return text.toString();
  }

  /** An image source as a URL: {@code url}, or {@code base64} as a data: URI. */
  private static String imageUrl(JsonObject source, String path) {
    String type = F.string(source, path, "type", true);
    return switch (type) {
      case "base64" -> "data:" + F.string(source, path, "media_type", true) + ";base64,"
          + F.string(source, path, "data", true);
      case "url" -> F.string(source, path, "url", true);
      default -> throw F.invalid(F.at(path, "type"), "'" + type + "' is not supported: image sources are base64 and url");
    };
  }

  private static JsonArray tools(JsonArray tools) {
    if (tools == null) {
      return null;
    }
    JsonArray chat = new JsonArray();
    for (int i = 0; i < tools.size(); i++) {
      JsonObject tool = F.object(tools, "tools", i);
      String path = F.at("tools", i);
      String type = F.string(tool, path, "type", false);
      if (type != null && !type.equals("custom")) {
        throw F.invalid(F.at(path, "type"), "'" + type + "' is not supported: this gateway serves custom tools (name,"
            + " description, input_schema), not Anthropic's server tools");
      }
      JsonObject function = new JsonObject().put("name", F.string(tool, path, "name", true))
          .put("description", F.string(tool, path, "description", false))
          .put("parameters", F.object(tool, path, "input_schema", true));
      function.fieldNames().removeIf(name -> function.getValue(name) == null);
      chat.add(new JsonObject().put("type", "function").put("function", function));
    }
    return chat;
  }

  private static void toolChoice(JsonObject choice, JsonObject chat) {
    if (choice == null) {
      return;
    }
    String type = F.string(choice, "tool_choice", "type", true);
    chat.put("tool_choice", switch (type) {
      case "auto" -> "auto";
      case "any" -> "required";
      case "none" -> "none";
      case "tool" -> new JsonObject().put("type", "function")
          .put("function", new JsonObject().put("name", F.string(choice, "tool_choice", "name", true)));
      default -> throw F.invalid("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'");
    });
    if (Boolean.TRUE.equals(F.bool(choice, "tool_choice", "disable_parallel_tool_use"))) {
      chat.put("parallel_tool_calls", false);
    }
  }

  /** One message: whole, or streamed as its events. */
  private static final class MessageCall extends Translation {

    private final String id = ChatDialect.id("msg_");
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    /** The content blocks of a whole answer. */
    private final JsonArray content = new JsonArray();
    private boolean started;
    private int blocks;
    private int open = -1;

    MessageCall(ChatCompletionRequest request) {
      super(request);
    }

    @Override
    void wholeText(String text) {
      content.add(new JsonObject().put("type", "text").put("text", text));
    }

    @Override
    void wholeToolCall(ToolCall call) {
      content.add(toolUse(call).put("input", input(call)));
    }

    @Override
    JsonObject whole() {
      return message(content, stopReason()).put("usage", usage());
    }

    @Override
    void textDelta(String text, Consumer<Event> out) {
      if (open < 0 || toolBlocks.containsValue(open)) {
        startBlock(new JsonObject().put("type", "text").put("text", ""), out);
      }
      delta(open, new JsonObject().put("type", "text_delta").put("text", text), out);
    }

    @Override
    void toolCallDelta(ToolCall call, Consumer<Event> out) {
      int index = call.getIndex() == null ? 0 : call.getIndex();
      Integer block = toolBlocks.get(index);
      if (block == null) {
        block = startBlock(toolUse(call).put("input", new JsonObject()), out);
        toolBlocks.put(index, block);
      }
      String arguments = call.getFunction() == null ? null : call.getFunction().getArguments();
      if (arguments != null && !arguments.isEmpty()) {
        delta(block, new JsonObject().put("type", "input_json_delta").put("partial_json", arguments), out);
      }
    }

    @Override
    public void end(Consumer<Event> out) {
      start(out);
      closeBlock(out);
      JsonObject usage = usage();
      out.accept(event("message_delta", new JsonObject().put("delta", new JsonObject()
              .put("stop_reason", stopReason()).put("stop_sequence", null))
          .put("usage", new JsonObject().put("input_tokens", usage.getInteger("input_tokens"))
              .put("output_tokens", usage.getInteger("output_tokens")))));
      out.accept(event("message_stop", new JsonObject()));
    }

    @Override
    public void fail(Throwable failure, Consumer<Event> out) {
      out.accept(new Event("error", errorShape(OpenAiErrors.of(failure)).body()));
    }

    @Override
    void start(Consumer<Event> out) {
      if (!started) {
        started = true;
        out.accept(event("message_start", new JsonObject().put("message", message(new JsonArray(), null)
            .put("usage", new JsonObject().put("input_tokens", 0).put("output_tokens", 0)))));
      }
    }

    /** Closes the open block, starts {@code block}, and returns its index; the first block is followed by a ping. */
    private int startBlock(JsonObject block, Consumer<Event> out) {
      closeBlock(out);
      open = blocks++;
      out.accept(event("content_block_start", new JsonObject().put("index", open).put("content_block", block)));
      if (open == 0) {
        out.accept(event("ping", new JsonObject()));
      }
      return open;
    }

    private void closeBlock(Consumer<Event> out) {
      if (open >= 0) {
        out.accept(event("content_block_stop", new JsonObject().put("index", open)));
        open = -1;
      }
    }

    private static void delta(int index, JsonObject delta, Consumer<Event> out) {
      out.accept(event("content_block_delta", new JsonObject().put("index", index).put("delta", delta)));
    }

    private static Event event(String type, JsonObject fields) {
      return new Event(type, new JsonObject().put("type", type).mergeIn(fields));
    }

    private JsonObject message(JsonArray content, String stopReason) {
      return new JsonObject().put("id", id).put("type", "message").put("role", "assistant").put("model", model)
          .put("content", content).put("stop_reason", stopReason).put("stop_sequence", null);
    }

    private String stopReason() {
      return finishReason == null ? "end_turn" : STOP_REASONS.getOrDefault(finishReason, finishReason);
    }

    private JsonObject usage() {
      return new JsonObject()
          .put("input_tokens", usage == null || usage.getPromptTokens() == null ? 0 : usage.getPromptTokens())
          .put("output_tokens", usage == null || usage.getCompletionTokens() == null ? 0 : usage.getCompletionTokens());
    }

    private static JsonObject toolUse(ToolCall call) {
      return new JsonObject().put("type", "tool_use").put("id", call.getId() != null ? call.getId()
          : ChatDialect.id("toolu_")).put("name", call.getFunction() == null ? null : call.getFunction().getName());
    }

    /** A whole tool call's arguments as the {@code input} object; a provider error when they are no JSON object. */
    private static JsonObject input(ToolCall call) {
      String arguments = call.getFunction() == null ? null : call.getFunction().getArguments();
      try {
        return arguments == null || arguments.isBlank() ? new JsonObject() : new JsonObject(arguments);
      } catch (DecodeException | ClassCastException e) {
        throw new ProviderException("The model's arguments for tool '" + call.getFunction().getName()
            + "' are not a JSON object", 0, null);
      }
    }
  }
}
