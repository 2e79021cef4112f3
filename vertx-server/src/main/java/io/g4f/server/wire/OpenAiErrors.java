package io.g4f.server.wire;

import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ModelNotFoundException;
import io.g4f.client.errors.ProviderNotFoundException;
import io.g4f.client.errors.RateLimitException;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.client.eventbus.EventBusProtocol;
import io.g4f.server.routing.TargetsFailedException;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * The gateway's one mapping from failures to HTTP statuses and OpenAI-style error bodies,
 * {@code {"error":{"message","type","param","code"}}}, sent as HTTP responses and as event-bus
 * failures (read back by {@link EventBusProtocol#failure}). Client mistakes get 4xx (403 when the gateway itself
 * refuses a key a model); upstream failures 401, 404, 429, 502, 503 (every routing target's circuit open) or 504;
 * anything unexpected a 500 without details.
 */
public final class OpenAiErrors {

  private static final Pattern JAVA_EXCEPTION =
      Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ?");

  /**
   * An upstream's address in the message of an upstream's failure, which callers must not see (the log has it): a
   * URL, an IPv4 or
   * bracketed IPv6 address with or without a port (Netty writes {@code /127.0.0.1:19199}), or a host name with a port.
   */
  private static final Pattern ADDRESS = Pattern.compile("\\b(?:https?|wss?)://[^\\s\"',;)]+"
      + "|/?\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?\\b|/?\\[[0-9A-Fa-f:.]+](?::\\d{1,5})?"
      + "|\\b(?:localhost|[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+):\\d{1,5}\\b");

  /** What a request the gateway will not serve because it is stopping gets: 503. */
  public static final Error SHUTTING_DOWN = of(new ShuttingDownException());

  private OpenAiErrors() {
  }

  /** An error as status and body. */
  public record Error(int status, JsonObject body, Long retryAfterSeconds) {

    /** The body as the {@code data:} payload of an SSE error event. */
    public String encode() {
      return body.encode();
    }
  }

  public static Error of(int status, String message, String type, String param, String code) {
    return new Error(status, new JsonObject().put("error", new JsonObject().put("message", message)
        .put("type", type).put("param", param).put("code", code)), null);
  }

  /** The error for any failure of a call. */
  public static Error of(Throwable failure) {
    if (!(failure instanceof G4fException g4f)) {
      return of(500, "The gateway failed to process the request", "server_error", null, null);
    }
    int status;
    String type;
    String code = g4f.code();
    if (g4f instanceof InvalidRequestException) {
      status = g4f.status() == 413 || g4f.status() == 422 ? g4f.status() : 400;
      type = "invalid_request_error";
    } else if (g4f instanceof AuthenticationException) {
      status = g4f.status() == 403 && g4f.provider() == null ? 403 : 401;
      type = "authentication_error";
    } else if (g4f instanceof ModelNotFoundException) {
      status = 404;
      type = "invalid_request_error";
      code = code != null ? code : "model_not_found";
    } else if (g4f instanceof ProviderNotFoundException) {
      status = 404;
      type = "invalid_request_error";
      code = EventBusProtocol.PROVIDER_NOT_FOUND;
    } else if (g4f instanceof RateLimitException) {
      status = 429;
      type = "rate_limit_error";
    } else if (g4f instanceof RequestTimeoutException) {
      status = 504;
      type = "timeout_error";
    } else if (g4f instanceof TargetsFailedException || g4f instanceof ShuttingDownException) {
      status = g4f.status();
      type = g4f.type();
    } else if (g4f instanceof ConnectionException) {
      status = 502;
      type = EventBusProtocol.CONNECTION_ERROR;
    } else {
      status = 502;
      type = "upstream_error";
    }
    String message = clean(g4f.getMessage());
    if (message != null && status >= 500) {
      message = ADDRESS.matcher(message).replaceAll("[address]");
    }
    Error error = of(status, message, g4f.type() != null ? g4f.type() : type, g4f.param(), code);
    Long retryAfter = g4f.retryAfter() == null ? null : Math.max(1, (g4f.retryAfter().toMillis() + 999) / 1000);
    return new Error(status, error.body(), retryAfter);
  }

  /**
   * A failure's message as a caller may read it: its first line, without the names of the Java exceptions a
   * provider's message may quote ({@code com.fasterxml.jackson.databind.JsonMappingException: }).
   */
  static String clean(String message) {
    if (message == null) {
      return null;
    }
    return JAVA_EXCEPTION.matcher(message.lines().findFirst().orElse("")).replaceAll("").trim();
  }

  /** Ends {@code response} with the error, unless it was already ended. */
  public static void send(HttpServerResponse response, Error error) {
    if (response.ended() || response.closed()) {
      return;
    }
    if (error.retryAfterSeconds() != null) {
      response.putHeader("retry-after", String.valueOf(error.retryAfterSeconds()));
    }
    response.setStatusCode(error.status()).putHeader("content-type", "application/json").end(error.encode());
  }

  /** Fails an event-bus request with the error: failure code the status, message the error JSON (plus {@code retry_after}). */
  public static void fail(Message<?> message, Error error) {
    JsonObject body = error.body().copy();
    if (error.retryAfterSeconds() != null) {
      body.getJsonObject("error").put("retry_after", error.retryAfterSeconds());
    }
    message.fail(error.status(), body.encode());
  }
}
