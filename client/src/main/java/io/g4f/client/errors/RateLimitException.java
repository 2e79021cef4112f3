package io.g4f.client.errors;

import org.jspecify.annotations.Nullable;

/** The provider is rate limiting (HTTP 429). Retryable unless the code is {@code insufficient_quota}; {@link #retryAfter()} says how long the provider asked to wait. */
public class RateLimitException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link ErrorDetails}. */
  public RateLimitException(@Nullable String message, ErrorDetails details) {
    super(message, !"insufficient_quota".equals(details.code), details);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public RateLimitException(@Nullable String message, int status, @Nullable String provider) {
    this(message, new ErrorDetails().status(status).provider(provider));
  }
}
