package io.g4f.client.errors;

import org.jspecify.annotations.Nullable;

/** No answer in time: the connect, idle (between chunks) or total timeout elapsed, or the provider answered HTTP 408. Retryable. */
public class RequestTimeoutException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link ErrorDetails}. */
  public RequestTimeoutException(@Nullable String message, ErrorDetails details) {
    super(message, true, details);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public RequestTimeoutException(@Nullable String message, int status, @Nullable String provider) {
    this(message, new ErrorDetails().status(status).provider(provider));
  }
}
