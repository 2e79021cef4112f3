package io.g4f.client.spi.toolkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ModelNotFoundException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.errors.RateLimitException;
import io.g4f.client.errors.RequestTimeoutException;
import io.netty.handler.proxy.ProxyConnectException;
import io.vertx.core.MultiMap;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.ProxyOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Maps upstream statuses, error bodies and transport failures to the {@link G4fException} hierarchy. */
public final class ProviderErrors {

  private static final int MAX_BODY_IN_MESSAGE = 500;
  private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(1);
  /** Google's {@code ErrorInfo} reasons for a key it refused: {@code API_KEY_INVALID}, {@code API_KEY_SERVICE_BLOCKED}... */
  private static final String GOOGLE_KEY_REASON_PREFIX = "API_KEY_";

  private ProviderErrors() {
  }

  /**
   * The exception for an HTTP error answer. Reads OpenAI's {@code {"error":{"message","type","param",
   * "code"}}}, Google's {@code {"error":{"code":400,"message","status","details"}}} and the common
   * variants ({@code {"error":"..."}}, {@code {"message":...}}, {@code {"detail":...}}), else quotes
   * the start of the body. A Google error's code is its {@code ErrorInfo} reason or else its
   * {@code status}; a refused key ({@code API_KEY_...} reason) is an authentication failure whatever
   * the status, and a {@code RetryInfo} delay stands in for a missing {@code Retry-After}.
   * {@code secret} (the API key) is masked wherever the provider echoed it.
   */
  public static G4fException fromResponse(String provider, int status, MultiMap headers, Buffer body, String secret) {
    String message = null;
    String type = null;
    String code = null;
    String param = null;
    JsonNode json = parse(body);
    JsonNode error = json == null ? null : json.has("error") ? json.get("error") : json;
    if (error != null && error.isObject()) {
      message = text(error, "message");
      message = message != null ? message : text(error, "detail");
      type = text(error, "type");
      code = code(error);
      param = text(error, "param");
    } else if (error != null && error.isTextual()) {
      message = error.asText();
    }
    if (message == null && body != null && body.length() > 0) {
      String raw = body.toString(StandardCharsets.UTF_8);
      message = raw.length() > MAX_BODY_IN_MESSAGE ? raw.substring(0, MAX_BODY_IN_MESSAGE) + "..." : raw;
    }
    String text = redact(provider + " answered HTTP " + status + (message == null ? "" : ": " + message), secret);
    Duration retryAfter = headers == null ? null : retryAfter(headers);
    if (retryAfter == null && error != null) {
      retryAfter = googleRetryDelay(error);
    }
    ErrorDetails details = new ErrorDetails().status(status).provider(provider)
        .type(type).code(code).param(param).retryAfter(retryAfter);
    if (code != null && code.startsWith(GOOGLE_KEY_REASON_PREFIX)) {
      return new AuthenticationException(text, details);
    }
    return switch (status) {
      case 400, 413, 422 -> new InvalidRequestException(text, details);
      case 401, 403 -> new AuthenticationException(text, details);
      case 407 -> proxyRefused(provider);
      case 404 -> isAboutModel(code, message)
          ? new ModelNotFoundException(text, details)
          : new ProviderException(text, details);
      case 408 -> new RequestTimeoutException(text, details);
      case 429 -> new RateLimitException(text, details);
      default -> new ProviderException(text, details);
    };
  }

  /** The exception for an error reported inside a stream (an SSE error event, an error line). */
  public static G4fException fromStreamError(String provider, JsonNode errorBody, String secret) {
    JsonNode error = errorBody.has("error") ? errorBody.get("error") : errorBody;
    String message = error.isObject() ? text(error, "message") : error.asText();
    String type = error.isObject() ? text(error, "type") : null;
    String code = error.isObject() ? code(error) : null;
    String text = redact(provider + " failed mid-stream: " + (message == null ? error.toString() : message), secret);
    if ("rate_limit_exceeded".equals(code) || "rate_limit_error".equals(type) || "RESOURCE_EXHAUSTED".equals(code)) {
      return new RateLimitException(text, new ErrorDetails().provider(provider).type(type).code(code));
    }
    return new ProviderException(text, new ErrorDetails().provider(provider).type(type).code(code));
  }

  /** The exception for a transport failure: refused or dropped connection, proxy failure, timeout. */
  public static G4fException fromTransport(String provider, Throwable failure, String secret) {
    return fromTransport(provider, failure, secret, null);
  }

  /**
   * The exception for a transport failure of a call made through {@code proxy} (null: a direct one); a
   * connection that could not be made through a proxy is reported as the proxy's, naming its address.
   */
  public static G4fException fromTransport(String provider, Throwable failure, String secret,
                                           @Nullable ProxyOptions proxy) {
    if (failure instanceof G4fException g4f) {
      return g4f;
    }
    String detail = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    if (failure instanceof java.util.concurrent.TimeoutException
        || failure.getClass().getSimpleName().contains("Timeout")) {
      return new RequestTimeoutException(redact(provider + " did not answer in time: " + detail, secret), 0, provider);
    }
    if (failure instanceof ProxyConnectException && detail.contains("407")) {
      return proxyRefused(provider);
    }
    String what;
    if (failure instanceof ProxyConnectException) {
      what = " could not be reached through the proxy: ";
    } else if (proxy != null && (failure instanceof ConnectException || failure instanceof UnknownHostException)) {
      what = " could not be reached: the proxy " + proxy.getHost() + ":" + proxy.getPort() + " is unreachable: ";
    } else if (failure instanceof ConnectException || failure instanceof UnknownHostException) {
      what = " could not be reached: ";
    } else if (failure instanceof HttpClosedException || failure instanceof StreamResetException) {
      what = " closed the connection: ";
    } else if (failure instanceof IOException || failure instanceof VertxException) {
      what = " connection failed: ";
    } else {
      return new ProviderException(redact(provider + " failed: " + detail, secret),
          new ErrorDetails().provider(provider).cause(failure));
    }
    return new ConnectionException(redact(provider + what + detail, secret),
        new ErrorDetails().provider(provider).cause(failure));
  }

  private static G4fException proxyRefused(String provider) {
    return new AuthenticationException("The proxy refused the credentials (HTTP 407) for " + provider, 407, provider);
  }

  /** A stream that ended before {@code what} (its end marker, a finish reason): a truncated answer, never a shorter one. */
  public static G4fException truncated(String provider, String what) {
    return new ProviderException(provider + "'s stream ended before " + what + ": the answer is incomplete", 0,
        provider);
  }

  /** A provider's malformed answer (unparsable JSON, wrong shape). */
  public static G4fException malformed(String provider, String what, Throwable cause) {
    return new ProviderException(provider + " sent a malformed " + what + ": "
        + (cause.getMessage() == null ? cause.getClass().getSimpleName() : firstLine(cause.getMessage())),
            new ErrorDetails().provider(provider).cause(cause));
  }

  /** {@code Retry-After} as a delay: {@code retry-after-ms}, then seconds or an HTTP date; null if absent or over a minute. */
  public static Duration retryAfter(MultiMap headers) {
    Duration delay = null;
    String millis = headers.get("retry-after-ms");
    String value = headers.get("retry-after");
    try {
      if (millis != null) {
        delay = Duration.ofNanos((long) (Double.parseDouble(millis) * 1_000_000));
      } else if (value != null) {
        delay = Duration.ofNanos((long) (Double.parseDouble(value) * 1_000_000_000));
      }
    } catch (NumberFormatException notANumber) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        delay = Duration.between(ZonedDateTime.now(at.getZone()), at);
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
    return capped(delay);
  }

  /** A Google error's {@code RetryInfo} delay ({@code "retryDelay":"37s"}), or null. */
  private static Duration googleRetryDelay(JsonNode error) {
    for (JsonNode detail : error.path("details")) {
      String delay = detail.path("retryDelay").asText("");
      if (delay.endsWith("s")) {
        try {
          return capped(Duration.ofNanos((long) (Double.parseDouble(delay.substring(0, delay.length() - 1)) * 1e9)));
        } catch (NumberFormatException notANumber) {
          return null;
        }
      }
    }
    return null;
  }

  private static Duration capped(Duration delay) {
    if (delay == null || delay.isNegative() || delay.compareTo(MAX_RETRY_AFTER) > 0) {
      return null;
    }
    return delay;
  }

  /** {@code text} with every occurrence of {@code secret} masked. */
  public static String redact(String text, String secret) {
    if (text == null || secret == null || secret.length() < 4) {
      return text;
    }
    return text.replace(secret, "***");
  }

  private static boolean isAboutModel(String code, String message) {
    String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
    return "model_not_found".equals(code) || "DeploymentNotFound".equals(code)
        || text.contains("model") || text.contains("deployment");
  }

  /**
   * The error's code: {@code error.code}, except in Google's shape (a numeric {@code code} beside a
   * textual {@code status}), where it is the first {@code details[].reason} ({@code ErrorInfo}) or
   * else the {@code status}, e.g. {@code API_KEY_INVALID} or {@code RESOURCE_EXHAUSTED}.
   */
  private static String code(JsonNode error) {
    if (error.path("status").isTextual() && !error.path("code").isTextual()) {
      for (JsonNode detail : error.path("details")) {
        if (detail.path("reason").isTextual()) {
          return detail.get("reason").asText();
        }
      }
      return error.get("status").asText();
    }
    return text(error, "code");
  }

  private static JsonNode parse(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(body.getBytes());
    } catch (IOException notJson) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.isValueNode() ? value.asText() : value.toString();
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
