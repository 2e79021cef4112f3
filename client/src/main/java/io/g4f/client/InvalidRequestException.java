package io.g4f.client;

import java.time.Duration;

/** The request was rejected as malformed or unacceptable (HTTP 400, 413, 422, or a check done before sending). Not retryable. */
public class InvalidRequestException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; arguments as in {@link G4fException}. */
  public InvalidRequestException(String message, int status, String provider, String type, String code, String param,
      Duration retryAfter, Throwable cause) {
    super(message, status, provider, false, type, code, param, retryAfter, cause);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public InvalidRequestException(String message, int status, String provider) {
    this(message, status, provider, null, null, null, null, null);
  }
}
