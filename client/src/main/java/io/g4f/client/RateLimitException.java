package io.g4f.client;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The provider is rate limiting (HTTP 429). Retryable unless the code is {@code insufficient_quota}; {@link #retryAfter()} says how long the provider asked to wait. */
public class RateLimitException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; arguments as in {@link G4fException}. */
  public RateLimitException(@Nullable String message, int status, @Nullable String provider, @Nullable String type,
      @Nullable String code, @Nullable String param, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, status, provider, !"insufficient_quota".equals(code), type, code, param,
        retryAfter, cause);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public RateLimitException(@Nullable String message, int status, @Nullable String provider) {
    this(message, status, provider, null, null, null, null, null);
  }
}
