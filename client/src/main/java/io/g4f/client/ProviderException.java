package io.g4f.client;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The provider failed: an HTTP 5xx, another unexpected status, a malformed response, or an error event in the middle of a stream. Retryable when {@link #status()} is 408, 409 or 5xx. */
public class ProviderException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; arguments as in {@link G4fException}. */
  public ProviderException(@Nullable String message, int status, @Nullable String provider, @Nullable String type,
      @Nullable String code, @Nullable String param, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, status, provider, status == 408 || status == 409 || status >= 500, type, code, param, retryAfter, cause);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public ProviderException(@Nullable String message, int status, @Nullable String provider) {
    this(message, status, provider, null, null, null, null, null);
  }
}
