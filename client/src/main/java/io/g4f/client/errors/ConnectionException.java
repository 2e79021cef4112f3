package io.g4f.client.errors;

import org.jspecify.annotations.Nullable;

/** The provider could not be reached or dropped the connection before answering. Retryable. */
public class ConnectionException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link ErrorDetails}. */
  public ConnectionException(@Nullable String message, ErrorDetails details) {
    super(message, true, details);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public ConnectionException(@Nullable String message, int status, @Nullable String provider) {
    this(message, new ErrorDetails().status(status).provider(provider));
  }
}
