package io.g4f.client;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** No answer in time: the connect, idle (between chunks) or total timeout elapsed, or the provider answered HTTP 408. Retryable. */
public class TimeoutException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; arguments as in {@link G4fException}. */
  public TimeoutException(@Nullable String message, int status, @Nullable String provider, @Nullable String type,
      @Nullable String code, @Nullable String param, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, status, provider, true, type, code, param, retryAfter, cause);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public TimeoutException(@Nullable String message, int status, @Nullable String provider) {
    this(message, status, provider, null, null, null, null, null);
  }
}
