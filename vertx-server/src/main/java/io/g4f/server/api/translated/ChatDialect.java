package io.g4f.server.api.translated;

import io.g4f.client.Usage;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.ToolCall;
import io.g4f.server.pipeline.Call;
import io.g4f.server.wire.OpenAiErrors;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * An API the gateway serves by translating it to and from chat completions ({@link ResponsesDialect},
 * {@link MessagesDialect}), so that every provider and model group serves it; {@link DialectApi} runs
 * the calls on HTTP and on the event bus. Translations are used on one event loop and are not thread-safe.
 */
interface ChatDialect {

  /** The API's name in the spend ledger: {@code responses}, {@code messages}. */
  String name();

  /**
   * The call a request body asks for.
   *
   * @throws InvalidRequestException naming the field (in this API's terms) that does not fit
   */
  Call call(JsonObject body);

  /** A failure as this API renders it: status, body in its error shape, and Retry-After seconds. */
  OpenAiErrors.Error error(Throwable failure);

  /**
   * Whether a call goes untranslated to a target whose provider speaks this API natively ({@link MessagesPassthrough},
   * for Anthropic's Messages); false by default.
   */
  default boolean passesThrough() {
    return false;
  }

  /** One call: its chat request, and how the chat answer goes back in this API's shape. */
  interface Call {

    /** The chat request that serves the call. */
    ChatCompletionRequest request();

    /** A whole chat answer as this API's answer. */
    JsonObject answer(ChatCompletion completion);

    /** The events a streamed chunk makes; the first call also emits the events that open the stream. */
    void chunk(ChatCompletionChunk chunk, Consumer<Event> out);

    /** The events that close a stream that ended. */
    void end(Consumer<Event> out);

    /** The events that close a stream that failed after it had opened. */
    void fail(Throwable failure, Consumer<Event> out);
  }

  /**
   * A {@link Call} that walks the chat answer the same way for every API: it keeps the model, usage and finish
   * reason the answer reported, and hands the first choice's text and tool calls, whole or as deltas, to the
   * API's own shape.
   */
  abstract class Translation implements Call {

    private final ChatCompletionRequest request;
    /** The model that answered: the request's until the answer names one. */
    protected String model;
    /** The last usage the answer reported, or null. */
    protected Usage usage;
    /** The last finish reason the answer reported, or null. */
    protected String finishReason;

    Translation(ChatCompletionRequest request) {
      this.request = request;
      this.model = request.getModel();
    }

    @Override
    public final ChatCompletionRequest request() {
      return request;
    }

    @Override
    public final JsonObject answer(ChatCompletion completion) {
      model = completion.getModel() != null ? completion.getModel() : model;
      usage = completion.getUsage();
      ChatMessage message = null;
      if (!completion.getChoices().isEmpty()) {
        ChatCompletion.Choice choice = completion.getChoices().get(0);
        finishReason = choice.getFinishReason();
        message = choice.getMessage();
      }
      String text = message == null ? null : text(message);
      if (text != null && !text.isEmpty()) {
        wholeText(text);
      }
      if (message != null && message.getToolCalls() != null) {
        message.getToolCalls().forEach(this::wholeToolCall);
      }
      return whole();
    }

    @Override
    public final void chunk(ChatCompletionChunk chunk, Consumer<Event> out) {
      model = chunk.getModel() != null ? chunk.getModel() : model;
      start(out);
      usage = chunk.getUsage() != null ? chunk.getUsage() : usage;
      for (ChatCompletionChunk.Choice choice : chunk.getChoices()) {
        if (choice.getIndex() != 0) {
          continue;
        }
        ChatMessage delta = choice.getDelta();
        String text = delta == null ? null : text(delta);
        if (text != null && !text.isEmpty()) {
          textDelta(text, out);
        }
        if (delta != null && delta.getToolCalls() != null) {
          delta.getToolCalls().forEach(call -> toolCallDelta(call, out));
        }
        finishReason = choice.getFinishReason() != null ? choice.getFinishReason() : finishReason;
      }
    }

    /** The whole answer's text (a refusal included). */
    abstract void wholeText(String text);

    /** One of the whole answer's tool calls. */
    abstract void wholeToolCall(ToolCall call);

    /** The whole answer, once its text and tool calls were handed over. */
    abstract JsonObject whole();

    /** Emits the events that open the stream, once (a no-op after the first call). */
    abstract void start(Consumer<Event> out);

    /** Emits the events of a piece of streamed text. */
    abstract void textDelta(String text, Consumer<Event> out);

    /** Emits the events of a streamed tool-call fragment. */
    abstract void toolCallDelta(ToolCall call, Consumer<Event> out);

    /** A chat message's text, a refusal included. */
    private static String text(ChatMessage message) {
      String content = message.getContent();
      String refusal = message.getRefusal();
      return refusal == null ? content : content == null ? refusal : content + refusal;
    }
  }

  /** A server-sent event: {@code event: type} and its JSON {@code data}, as text (an upstream's, relayed as it came). */
  record Event(String type, String data) {

    /** An event whose data is {@code data}. */
    Event(String type, JsonObject data) {
      this(type, data.encode());
    }

    /** The event as SSE bytes (data of several lines as several {@code data:} lines). */
    Buffer sse() {
      return Buffer.buffer("event: " + type + "\ndata: " + data.replace("\n", "\ndata: ") + "\n\n");
    }

    /** The data as a JSON object. */
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  /**
   * The chat request body {@code chat} as the call sends it: streamed with usage when {@code streamed}, and
   * without the fields the call left null.
   */
  static JsonObject chatRequest(JsonObject chat, boolean streamed) {
    if (streamed) {
      chat.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    }
    chat.fieldNames().removeIf(name -> chat.getValue(name) == null);
    return chat;
  }

  /** A fresh random id with {@code prefix} ({@code resp_}, {@code msg_}...): 24 random bytes in hex. */
  static String id(String prefix) {
    byte[] random = new byte[24];
    ThreadLocalRandom.current().nextBytes(random);
    return prefix + HexFormat.of().formatHex(random);
  }
}
