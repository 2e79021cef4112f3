package io.g4f.server.api.translated;

import io.g4f.client.Usage;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ToolCall;
import io.g4f.client.spi.toolkit.Json;
import io.g4f.server.pipeline.Call;
import io.g4f.server.wire.OpenAiErrors;
import io.g4f.server.wire.RequestBodies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code POST /v1/responses} and {@code PREFIX.responses}: OpenAI's Responses API, stateless, served through chat
 * completions. {@code input} (a string, or items: messages with {@code input_text}/{@code output_text}/
 * {@code input_image} parts, {@code function_call} and {@code function_call_output}; {@code reasoning} items are
 * skipped) and {@code instructions} become chat messages; function {@code tools}, {@code tool_choice},
 * {@code text.format}, {@code max_output_tokens}, {@code temperature}, {@code top_p}, {@code user},
 * {@code parallel_tool_calls} their chat counterparts. {@code previous_response_id}, {@code conversation},
 * {@code store: true} and {@code background: true} are a 400 (nothing is stored); a few fields that only tune
 * OpenAI's own service ({@code reasoning}, {@code include}, {@code truncation}...) are accepted and ignored; any
 * other field is a 400 naming it. The answer is a {@code response} object ({@code completed}, or
 * {@code incomplete} when the model hit the token limit or a content filter); a stream is its typed events with
 * {@code sequence_number}s, closed by {@code response.completed}, {@code response.incomplete} or, when the
 * upstream fails after the start, {@code response.failed}. A refusal arrives as output text. Errors are OpenAI's.
 */
public final class ResponsesDialect implements ChatDialect {

  /** The HTTP route. */
  public static final String PATH = "/v1/responses";
  /** The event-bus address, after the prefix. */
  public static final String ADDRESS = ".responses";

  private static final JsonFields F = JsonFields.OPENAI;
  private static final Set<String> FIELDS = Set.of("model", "input", "instructions", "tools", "tool_choice", "text",
      "max_output_tokens", "temperature", "top_p", "stream", "metadata", "user", "parallel_tool_calls", "provider",
      "store", "background", "previous_response_id", "conversation", "reasoning", "include", "truncation",
      "service_tier", "prompt_cache_key", "safety_identifier", "stream_options", "top_logprobs", "max_tool_calls");
  private static final String STATELESS = " is not supported: this gateway is stateless and stores no responses";

  @Override
  public String name() {
    return "responses";
  }

  @Override
  public Call call(JsonObject body) {
    return new ResponseCall(body, RequestBodies.parse(chat(body).toBuffer(), ChatCompletionRequest.class));
  }

  @Override
  public OpenAiErrors.Error error(Throwable failure) {
    return OpenAiErrors.of(failure);
  }

  /** The chat completion body that serves a Responses body. */
  static JsonObject chat(JsonObject body) {
    F.onlyKnown(body, "", FIELDS);
    if (F.string(body, "", "previous_response_id", false) != null) {
      throw F.invalid("previous_response_id", "previous_response_id" + STATELESS + "; send the whole conversation"
          + " as 'input'");
    }
    if (F.value(body, "", "conversation", false) != null) {
      throw F.invalid("conversation", "conversation" + STATELESS + "; send the whole conversation as 'input'");
    }
    if (Boolean.TRUE.equals(F.bool(body, "", "store"))) {
      throw F.invalid("store", "store: true" + STATELESS + "; leave 'store' out or set it to false");
    }
    if (Boolean.TRUE.equals(F.bool(body, "", "background"))) {
      throw F.invalid("background", "background: true" + STATELESS + "; leave 'background' out or set it to false");
    }
    F.object(body, "", "metadata", false);
    JsonObject chat = new JsonObject();
    chat.put("model", F.string(body, "", "model", false));
    chat.put("provider", body.getValue("provider"));
    chat.put("temperature", F.number(body, "", "temperature"));
    chat.put("top_p", F.number(body, "", "top_p"));
    chat.put("max_completion_tokens", F.integer(body, "", "max_output_tokens", false, 1));
    chat.put("user", F.string(body, "", "user", false));
    chat.put("parallel_tool_calls", F.bool(body, "", "parallel_tool_calls"));
    chat.put("messages", messages(body));
    chat.put("tools", tools(F.array(body, "", "tools", false)));
    chat.put("tool_choice", toolChoice(F.value(body, "", "tool_choice", false)));
    chat.put("response_format", responseFormat(F.object(body, "", "text", false)));
    return ChatDialect.chatRequest(chat, Boolean.TRUE.equals(F.bool(body, "", "stream")));
  }

  private static JsonArray messages(JsonObject body) {
    JsonArray messages = new JsonArray();
    String instructions = F.string(body, "", "instructions", false);
    if (instructions != null) {
      messages.add(new JsonObject().put("role", "system").put("content", instructions));
    }
    Object input = F.stringOrArray(body, "", "input", true);
    if (input instanceof String text) {
      messages.add(new JsonObject().put("role", "user").put("content", text));
      return messages;
    }
    JsonArray items = (JsonArray) input;
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = F.object(items, "input", i);
      String path = F.at("input", i);
      String type = F.string(item, path, "type", false);
      switch (type == null ? "message" : type) {
        case "message" -> messages.add(message(item, path));
        case "function_call" -> functionCall(item, path, messages);
        case "function_call_output" -> messages.add(new JsonObject().put("role", "tool")
            .put("tool_call_id", F.string(item, path, "call_id", true))
            .put("content", text(F.stringOrArray(item, path, "output", true), F.at(path, "output"))));
        case "reasoning" -> { } // the upstream model's own reasoning state, which chat models do not take back
        default -> throw F.invalid(F.at(path, "type"), "'" + type + "' is not supported: input items are messages,"
            + " function_call and function_call_output (item_reference needs stored responses)");
      }
    }
    return messages;
  }

  private static JsonObject message(JsonObject item, String path) {
    String role = F.string(item, path, "role", true);
    if (!Set.of("user", "assistant", "system", "developer").contains(role)) {
      throw F.invalid(F.at(path, "role"), "must be one of user, assistant, system, developer");
    }
    JsonObject message = new JsonObject().put("role", role.equals("developer") ? "system" : role);
    Object content = F.stringOrArray(item, path, "content", true);
    if (content instanceof String text) {
      return message.put("content", text);
    }
    if (!role.equals("user")) {
      return message.put("content", text(content, F.at(path, "content")));
    }
    JsonArray parts = (JsonArray) content;
    JsonArray chatParts = new JsonArray();
    for (int j = 0; j < parts.size(); j++) {
      String partPath = F.at(F.at(path, "content"), j);
      JsonObject part = F.object(parts, F.at(path, "content"), j);
      String type = F.string(part, partPath, "type", true);
      switch (type) {
        case "input_text", "output_text" -> chatParts.add(new JsonObject().put("type", "text")
            .put("text", F.string(part, partPath, "text", true)));
        case "input_image" -> {
          if (part.getValue("image_url") == null && part.getValue("file_id") != null) {
            throw F.invalid(F.at(partPath, "file_id"), "file_id is not supported: send the image as image_url "
                + "(a URL or a data: URI)");
          }
          JsonObject image = new JsonObject().put("url", F.string(part, partPath, "image_url", true));
          String detail = F.string(part, partPath, "detail", false);
          if (detail != null) {
            image.put("detail", detail);
          }
          chatParts.add(new JsonObject().put("type", "image_url").put("image_url", image));
        }
        default -> throw F.invalid(F.at(partPath, "type"), "'" + type + "' is not supported: content parts are "
            + "input_text, input_image and output_text");
      }
    }
    return message.put("content", chatParts);
  }

  /** A string, or the text of an array of text parts ({@code input_text}, {@code output_text}, {@code refusal}). */
  private static String text(Object content, String path) {
    if (content instanceof String text) {
      return text;
    }
    JsonArray parts = (JsonArray) content;
    StringBuilder text = new StringBuilder();
    for (int j = 0; j < parts.size(); j++) {
      JsonObject part = F.object(parts, path, j);
      String partPath = F.at(path, j);
      String type = F.string(part, partPath, "type", true);
      switch (type) {
        case "input_text", "output_text" -> text.append(F.string(part, partPath, "text", true));
        case "refusal" -> text.append(F.string(part, partPath, "refusal", true));
        default -> throw F.invalid(F.at(partPath, "type"), "'" + type + "' is not supported here: only text parts");
      }
    }
    return text.toString();
  }

  /** Adds a function call to the assistant message before it, or as an assistant message of its own. */
  private static void functionCall(JsonObject item, String path, JsonArray messages) {
    JsonObject call = new JsonObject().put("id", F.string(item, path, "call_id", true)).put("type", "function")
        .put("function", new JsonObject().put("name", F.string(item, path, "name", true))
            .put("arguments", F.string(item, path, "arguments", true)));
    JsonObject last = messages.isEmpty() ? null : messages.getJsonObject(messages.size() - 1);
    if (last != null && "assistant".equals(last.getString("role"))) {
      if (last.getJsonArray("tool_calls") == null) {
        last.put("tool_calls", new JsonArray());
      }
      last.getJsonArray("tool_calls").add(call);
    } else {
      messages.add(new JsonObject().put("role", "assistant").put("tool_calls", new JsonArray().add(call)));
    }
  }

  private static JsonArray tools(JsonArray tools) {
    if (tools == null) {
      return null;
    }
    JsonArray chat = new JsonArray();
    for (int i = 0; i < tools.size(); i++) {
      JsonObject tool = F.object(tools, "tools", i);
      String path = F.at("tools", i);
      String type = F.string(tool, path, "type", true);
      if (!type.equals("function")) {
        throw F.invalid(F.at(path, "type"), "'" + type + "' is not supported: this gateway serves function tools");
      }
      JsonObject function = new JsonObject().put("name", F.string(tool, path, "name", true))
          .put("description", F.string(tool, path, "description", false))
          .put("parameters", F.object(tool, path, "parameters", false))
          .put("strict", F.bool(tool, path, "strict"));
      function.fieldNames().removeIf(name -> function.getValue(name) == null);
      chat.add(new JsonObject().put("type", "function").put("function", function));
    }
    return chat;
  }

  private static Object toolChoice(Object choice) {
    if (choice == null || choice instanceof String mode && Set.of("auto", "none", "required").contains(mode)) {
      return choice;
    }
    if (choice instanceof JsonObject named && "function".equals(named.getValue("type"))) {
      return new JsonObject().put("type", "function")
          .put("function", new JsonObject().put("name", F.string(named, "tool_choice", "name", true)));
    }
    throw F.invalid("tool_choice", "must be \"auto\", \"none\", \"required\" or {\"type\": \"function\", \"name\": ...}");
  }

  private static JsonObject responseFormat(JsonObject text) {
    JsonObject format = text == null ? null : F.object(text, "text", "format", false);
    if (format == null) {
      return null;
    }
    String type = F.string(format, "text.format", "type", true);
    return switch (type) {
      case "text" -> null;
      case "json_object" -> new JsonObject().put("type", "json_object");
      case "json_schema" -> {
        JsonObject schema = new JsonObject().put("name", F.string(format, "text.format", "name", true))
            .put("schema", F.object(format, "text.format", "schema", true))
            .put("description", F.string(format, "text.format", "description", false))
            .put("strict", F.bool(format, "text.format", "strict"));
        schema.fieldNames().removeIf(name -> schema.getValue(name) == null);
        yield new JsonObject().put("type", "json_schema").put("json_schema", schema);
      }
      default -> throw F.invalid("text.format.type", "must be text, json_object or json_schema");
    };
  }

  /** An output item of a response, as it stands. */
  private abstract static class Item {
    final String id;
    final int index;
    boolean done;

    Item(String id, int index) {
      this.id = id;
      this.index = index;
    }

    String status() {
      return done ? "completed" : "in_progress";
    }

    abstract JsonObject json();
  }

  /** A {@code message} item with one {@code output_text} part (once {@code partAdded}). */
  private static final class Message extends Item {
    final StringBuilder text = new StringBuilder();
    boolean partAdded;

    Message(int index) {
      super(ChatDialect.id("msg_"), index);
    }

    JsonObject part() {
      return new JsonObject().put("type", "output_text").put("text", text.toString())
          .put("annotations", new JsonArray()).put("logprobs", new JsonArray());
    }

    @Override
    JsonObject json() {
      return new JsonObject().put("id", id).put("type", "message").put("status", status()).put("role", "assistant")
          .put("content", partAdded ? new JsonArray().add(part()) : new JsonArray());
    }
  }

  /** A {@code function_call} item. */
  private static final class FunctionCall extends Item {
    final String callId;
    String name;
    final StringBuilder arguments = new StringBuilder();

    FunctionCall(int index, String callId, String name) {
      super(ChatDialect.id("fc_"), index);
      this.callId = callId != null ? callId : ChatDialect.id("call_");
      this.name = name;
    }

    @Override
    JsonObject json() {
      return new JsonObject().put("id", id).put("type", "function_call").put("status", status())
          .put("arguments", arguments.toString()).put("call_id", callId).put("name", name);
    }
  }

  /** One response: the request body it echoes, its items, and (streamed) the events so far. */
  private static final class ResponseCall extends Translation {

    private final JsonObject body;
    private final String id = ChatDialect.id("resp_");
    private final long createdAt = System.currentTimeMillis() / 1000;
    private final List<Item> items = new ArrayList<>();
    private final Map<Integer, FunctionCall> calls = new HashMap<>();
    /** The item deltas go to: the last one added, until it is closed. */
    private Item open;
    private int sequence = -1;

    ResponseCall(JsonObject body, ChatCompletionRequest request) {
      super(request);
      this.body = body;
    }

    @Override
    void wholeText(String text) {
      Message item = new Message(items.size());
      item.text.append(text);
      item.partAdded = true;
      item.done = true;
      items.add(item);
    }

    @Override
    void wholeToolCall(ToolCall call) {
      FunctionCall item = new FunctionCall(items.size(), call.getId(),
          call.getFunction() == null ? null : call.getFunction().getName());
      item.arguments.append(call.getFunction() == null || call.getFunction().getArguments() == null ? ""
          : call.getFunction().getArguments());
      item.done = true;
      items.add(item);
    }

    @Override
    JsonObject whole() {
      return response(status(), null);
    }

    @Override
    public void end(Consumer<Event> out) {
      start(out);
      close(out);
      String status = status();
      emit(out, "response." + status, new JsonObject().put("response", response(status, null)));
    }

    @Override
    public void fail(Throwable failure, Consumer<Event> out) {
      start(out);
      OpenAiErrors.Error error = OpenAiErrors.of(failure);
      emit(out, "response.failed", new JsonObject().put("response", response("failed", new JsonObject()
          .put("code", error.status() == 429 ? "rate_limit_exceeded" : "server_error")
          .put("message", error.body().getJsonObject("error").getString("message")))));
    }

    private String status() {
      return "length".equals(finishReason) || "content_filter".equals(finishReason) ? "incomplete" : "completed";
    }

    /** Emits {@code response.created} and {@code response.in_progress}, once. */
    @Override
    void start(Consumer<Event> out) {
      if (sequence < 0) {
        emit(out, "response.created", new JsonObject().put("response", response("in_progress", null)));
        emit(out, "response.in_progress", new JsonObject().put("response", response("in_progress", null)));
      }
    }

    @Override
    void textDelta(String delta, Consumer<Event> out) {
      if (!(open instanceof Message)) {
        close(out);
        Message message = new Message(items.size());
        open(message, out);
        message.partAdded = true;
        emit(out, "response.content_part.added", part(message).put("part", message.part()));
      }
      Message message = (Message) open;
      message.text.append(delta);
      emit(out, "response.output_text.delta", part(message).put("delta", delta).put("logprobs", new JsonArray()));
    }

    /** Closes the open item: its done events. */
    private void close(Consumer<Event> out) {
      Item closing = open;
      if (closing == null) {
        return;
      }
      open = null;
      closing.done = true;
      if (closing instanceof Message message) {
        emit(out, "response.output_text.done", part(message).put("text", message.text.toString())
            .put("logprobs", new JsonArray()));
        emit(out, "response.content_part.done", part(message).put("part", message.part()));
      } else if (closing instanceof FunctionCall call) {
        emit(out, "response.function_call_arguments.done", new JsonObject().put("item_id", call.id)
            .put("output_index", call.index).put("name", call.name).put("arguments", call.arguments.toString()));
      }
      emit(out, "response.output_item.done", new JsonObject().put("output_index", closing.index)
          .put("item", closing.json()));
    }

    /**
     * A tool call's delta: a new call closes the open item and opens its own; arguments go to their call (an upstream
     * that interleaves calls gets argument deltas for a call already done, which still count in the final response).
     */
    @Override
    void toolCallDelta(ToolCall delta, Consumer<Event> out) {
      int index = delta.getIndex() == null ? 0 : delta.getIndex();
      String name = delta.getFunction() == null ? null : delta.getFunction().getName();
      FunctionCall call = calls.get(index);
      if (call == null) {
        close(out);
        call = new FunctionCall(items.size(), delta.getId(), name);
        calls.put(index, call);
        open(call, out);
      } else if (call.name == null) {
        call.name = name;
      }
      String arguments = delta.getFunction() == null ? null : delta.getFunction().getArguments();
      if (arguments != null && !arguments.isEmpty()) {
        call.arguments.append(arguments);
        emit(out, "response.function_call_arguments.delta", new JsonObject().put("item_id", call.id)
            .put("output_index", call.index).put("delta", arguments));
      }
    }

    /** Adds {@code item} to the output, open. */
    private void open(Item item, Consumer<Event> out) {
      items.add(item);
      open = item;
      emit(out, "response.output_item.added", new JsonObject().put("output_index", item.index).put("item", item.json()));
    }

    private static JsonObject part(Message message) {
      return new JsonObject().put("item_id", message.id).put("output_index", message.index).put("content_index", 0);
    }

    private void emit(Consumer<Event> out, String type, JsonObject fields) {
      JsonObject data = new JsonObject().put("type", type).mergeIn(fields).put("sequence_number", ++sequence);
      out.accept(new Event(type, data));
    }

    /** The response object as it stands, with {@code status} and {@code error}. */
    private JsonObject response(String status, JsonObject error) {
      JsonArray output = new JsonArray();
      items.forEach(item -> output.add(item.json()));
      JsonObject textOptions = body.getJsonObject("text");
      boolean open = status.equals("in_progress");
      return new JsonObject().put("id", id).put("object", "response").put("created_at", createdAt)
          .put("status", status).put("background", false).put("error", error)
          .put("incomplete_details", status.equals("incomplete") ? new JsonObject().put("reason",
              "content_filter".equals(finishReason) ? "content_filter" : "max_output_tokens") : null)
          .put("instructions", body.getValue("instructions"))
          .put("max_output_tokens", body.getValue("max_output_tokens"))
          .put("model", model).put("output", output)
          .put("parallel_tool_calls", body.getBoolean("parallel_tool_calls", true))
          .put("previous_response_id", null)
          .put("reasoning", new JsonObject().put("effort", null).put("summary", null))
          .put("store", false).put("temperature", body.getValue("temperature"))
          .put("text", new JsonObject().put("format", textOptions != null && textOptions.getJsonObject("format") != null
              ? textOptions.getJsonObject("format") : new JsonObject().put("type", "text")))
          .put("tool_choice", body.getValue("tool_choice", "auto"))
          .put("tools", body.getJsonArray("tools", new JsonArray()))
          .put("top_p", body.getValue("top_p")).put("truncation", "disabled")
          .put("usage", open || usage == null ? null : usage(usage))
          .put("user", body.getValue("user"))
          .put("metadata", body.getJsonObject("metadata", new JsonObject()));
    }

    private static JsonObject usage(Usage usage) {
      JsonObject raw = new JsonObject(Json.encode(usage));
      JsonObject prompt = raw.getJsonObject("prompt_tokens_details", new JsonObject());
      int input = usage.getPromptTokens() == null ? 0 : usage.getPromptTokens();
      int output = usage.getCompletionTokens() == null ? 0 : usage.getCompletionTokens();
      return new JsonObject().put("input_tokens", input)
          .put("input_tokens_details", new JsonObject().put("cached_tokens", prompt.getInteger("cached_tokens", 0))
              .put("cache_write_tokens", prompt.getInteger("cache_write_tokens", 0)))
          .put("output_tokens", output)
          .put("output_tokens_details", new JsonObject().put("reasoning_tokens",
              raw.getJsonObject("completion_tokens_details", new JsonObject()).getInteger("reasoning_tokens", 0)))
          .put("total_tokens", usage.getTotalTokens() != null ? usage.getTotalTokens() : input + output);
    }
  }
}
