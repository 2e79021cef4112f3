package io.g4f.client;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The request was rejected as malformed or unacceptable (HTTP 400, 413, 422, or a check done before sending). Not retryable. */
public class InvalidRequestException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; arguments as in {@link G4fException}. */
  public InvalidRequestException(@Nullable String message, int status, @Nullable String provider, @Nullable String type,
      @Nullable String code, @Nullable String param, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, status, provider, false, type, code, param, retryAfter, cause);
  }

  /**
   * A request refused before it was sent: status 400, type {@code invalid_request_error}, naming the
   * offending {@code param} (null when no single one is at fault).
   */
  public static InvalidRequestException forParam(String message, @Nullable String provider, @Nullable String param) {
    return new InvalidRequestException(message, 400, provider, "invalid_request_error", null, param, null, null);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public InvalidRequestException(@Nullable String message, int status, @Nullable String provider) {
    this(message, status, provider, null, null, null, null, null);
  }
}
