package io.g4f.client.errors;

import org.jspecify.annotations.Nullable;

/** The request was rejected as malformed or unacceptable (HTTP 400, 413, 422, or a check done before sending). Not retryable. */
public class InvalidRequestException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link ErrorDetails}. */
  public InvalidRequestException(@Nullable String message, ErrorDetails details) {
    super(message, false, details);
  }

  /**
   * A request refused before it was sent: status 400, type {@code invalid_request_error}, naming the
   * offending {@code param} (null when no single one is at fault).
   */
  public static InvalidRequestException forParam(String message, @Nullable String provider, @Nullable String param) {
    return new InvalidRequestException(message,
        new ErrorDetails().status(400).provider(provider).type("invalid_request_error").param(param));
  }

  /** Creates the exception with a message and the provider that raised it. */
  public InvalidRequestException(@Nullable String message, int status, @Nullable String provider) {
    this(message, new ErrorDetails().status(status).provider(provider));
  }
}
