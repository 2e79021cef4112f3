package io.g4f.client.errors;

import org.jspecify.annotations.Nullable;

/** The provider failed: an HTTP 5xx, another unexpected status, a malformed response, or an error event in the middle of a stream. Retryable when {@link #status()} is 408, 409 or 5xx. */
public class ProviderException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link ErrorDetails}. */
  public ProviderException(@Nullable String message, ErrorDetails details) {
    super(message, details.status == 408 || details.status == 409 || details.status >= 500, details);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public ProviderException(@Nullable String message, int status, @Nullable String provider) {
    this(message, new ErrorDetails().status(status).provider(provider));
  }
}
