package io.g4f.client;

import java.time.Duration;

/** No answer in time: the connect, idle (between chunks) or total timeout elapsed, or the provider answered HTTP 408. Retryable. */
public class TimeoutException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; arguments as in {@link G4fException}. */
  public TimeoutException(String message, int status, String provider, String type, String code, String param,
      Duration retryAfter, Throwable cause) {
    super(message, status, provider, true, type, code, param, retryAfter, cause);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public TimeoutException(String message, int status, String provider) {
    this(message, status, provider, null, null, null, null, null);
  }
}
