package io.g4f.server;

import io.g4f.client.ChatCompletion;
import io.g4f.client.ChatCompletionChunk;
import io.g4f.client.ChatCompletionRequest;
import io.g4f.client.InvalidRequestException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * An API the gateway serves by translating it to and from chat completions ({@link ResponsesApi},
 * {@link MessagesApi}), so that every provider and model group serves it; {@link DialectGateway} runs
 * the calls on HTTP and on the event bus. Translations are used on one event loop and are not thread-safe.
 */
interface ChatDialect {

  /**
   * The call a request body asks for.
   *
   * @throws InvalidRequestException naming the field (in this API's terms) that does not fit
   */
  Call call(JsonObject body);

  /** A failure as this API renders it: status, body in its error shape, and Retry-After seconds. */
  OpenAiErrors.Error error(Throwable failure);

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

  /** A server-sent event: {@code event: type} and its JSON {@code data}. */
  record Event(String type, JsonObject data) {

    /** The event as SSE bytes. */
    Buffer sse() {
      return Buffer.buffer("event: " + type + "\ndata: ").appendBuffer(data.toBuffer()).appendString("\n\n");
    }
  }

  /** A fresh random id with {@code prefix} ({@code resp_}, {@code msg_}...): 24 random bytes in hex. */
  static String id(String prefix) {
    byte[] random = new byte[24];
    ThreadLocalRandom.current().nextBytes(random);
    return prefix + HexFormat.of().formatHex(random);
  }
}
