package io.g4f.client.eventbus;

import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ModelNotFoundException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.errors.ProviderNotFoundException;
import io.g4f.client.errors.RateLimitException;
import io.g4f.client.errors.RequestTimeoutException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The gateway's event-bus protocol (docs/event-bus.md), the one definition shared by the gateway's
 * handlers and {@link io.g4f.client.EventBusAsyncClient}: address names, header and field names,
 * the batch answer of a stream, and how a failure travels (failure code = HTTP status, message =
 * the OpenAI error JSON) and is read back into the same {@link G4fException} subclass.
 */
public final class EventBusProtocol {

  /** Chat completions, whole or streamed: {@code {prefix}}{@value}. */
  public static final String CHAT_COMPLETIONS = ".chat.completions";
  /** Image generation: {@code {prefix}}{@value}. */
  public static final String IMAGES_GENERATE = ".images.generate";
  /** Embeddings: {@code {prefix}}{@value}. */
  public static final String EMBEDDINGS = ".embeddings";
  /** The configured models: {@code {prefix}}{@value}. */
  public static final String MODELS = ".models";
  /** A stream's own address, to pull from: {@code {prefix}}{@value}{@code UUID}. */
  public static final String STREAM = ".stream.";
  /** Field of a batch answer: the stream's address. */
  public static final String STREAM_ADDRESS = "stream";
  /** Header of a stream-opening request: the credits granted at once. Field of a pull: the credits added. */
  public static final String CREDITS = "credits";
  /** Field of a pull that abandons the stream. */
  public static final String CANCEL = "cancel";
  /** Field of a batch answer: the chunks, in order. */
  public static final String CHUNKS = "chunks";
  /** Field of a batch answer: true on the last one. */
  public static final String DONE = "done";
  /** Header of a chat request naming the provider (as {@code /api/{provider}/chat/completions} does). */
  public static final String PROVIDER = "provider";
  /** Header of a chat, image or embeddings request: its total timeout in ms, applied by the gateway. */
  public static final String TIMEOUT = "timeout";
  /** Header a bridge client sends the gateway's API key in. */
  public static final String API_KEY = "apiKey";
  /**
   * Header of a request to any gateway address: the caller's id for it (a token of at most 64 of
   * {@code A-Z a-z 0-9 . _ -}; otherwise, or when absent, the gateway makes one), as its access log names it and as
   * it goes upstream ({@code x-request-id}). Header of the gateway's answers too: the id the request got (a failure
   * reply carries no headers).
   */
  public static final String REQUEST_ID = "requestId";
  /** {@code type} of the error of a 502 caused by an unreachable provider. */
  public static final String CONNECTION_ERROR = "connection_error";
  /** {@code code} of the error of an unknown provider name. */
  public static final String PROVIDER_NOT_FOUND = "provider_not_found";

  private EventBusProtocol() {
  }

  /** A batch answer of the stream at {@code address}. */
  public static JsonObject batch(String address, JsonArray chunks, boolean done) {
    return new JsonObject().put(STREAM_ADDRESS, address).put(CHUNKS, chunks).put(DONE, done);
  }

  /** A pull: {@code credits} more chunks may be sent. */
  public static JsonObject pull(long credits) {
    return new JsonObject().put(CREDITS, credits);
  }

  /** The message of a pull that abandons the stream. */
  public static JsonObject cancel() {
    return new JsonObject().put(CANCEL, true);
  }

  /**
   * The exception for a failed event-bus request to {@code address}: a gateway's error becomes the
   * subclass the in-process client would have thrown; no answer in time a {@link RequestTimeoutException};
   * no gateway on the address, or one that went away, a {@link ConnectionException}.
   */
  public static G4fException failure(Throwable failure, String address) {
    if (failure instanceof G4fException g4f) {
      return g4f;
    }
    if (!(failure instanceof ReplyException reply)) {
      return new ConnectionException("The event bus failed to deliver to " + address + ": " + failure.getMessage(),
          new ErrorDetails().cause(failure));
    }
    switch (reply.failureType()) {
      case TIMEOUT:
        return new RequestTimeoutException("No answer on " + address + " in time: " + reply.getMessage(), 0, null);
      case NO_HANDLERS:
        return new ConnectionException("No gateway answers on " + address, 0, null);
      case ERROR:
        return new ConnectionException("The event bus failed to deliver to " + address + ": " + reply.getMessage(),
            new ErrorDetails().cause(reply));
      default:
        return fromGatewayError(reply.failureCode(), reply.getMessage());
    }
  }

  /** The inverse of the gateway's error mapping: status and OpenAI error JSON back to the exception class. */
  private static G4fException fromGatewayError(int status, String body) {
    JsonObject error;
    try {
      error = new JsonObject(body == null ? "{}" : body).getJsonObject("error");
    } catch (DecodeException | ClassCastException notOurs) {
      error = null;
    }
    if (error == null) {
      return new ProviderException("The gateway failed (" + status + "): " + body, status, null);
    }
    String message = error.getString("message");
    String type = error.getString("type");
    String code = error.getString("code");
    String param = error.getString("param");
    Long retryAfter = error.getLong("retry_after");
    Duration wait = retryAfter == null ? null : Duration.ofSeconds(retryAfter);
    ErrorDetails details = new ErrorDetails().status(status).type(type).code(code).param(param).retryAfter(wait);
    return switch (status) {
      case 400, 413, 422 -> new InvalidRequestException(message, details);
      case 401, 403 -> new AuthenticationException(message, details);
      case 404 -> PROVIDER_NOT_FOUND.equals(code) ? new ProviderNotFoundException(message)
          : new ModelNotFoundException(message, details);
      case 429 -> new RateLimitException(message, details);
      case 504 -> new RequestTimeoutException(message, details);
      default -> CONNECTION_ERROR.equals(type)
          ? new ConnectionException(message, details)
          : new ProviderException(message, details);
    };
  }
}
