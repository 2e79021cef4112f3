package io.g4f.client;

import java.time.Duration;

/** The provider does not know the requested model (HTTP 404). Not retryable. */
public class ModelNotFoundException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; arguments as in {@link G4fException}. */
  public ModelNotFoundException(String message, int status, String provider, String type, String code, String param,
      Duration retryAfter, Throwable cause) {
    super(message, status, provider, false, type, code, param, retryAfter, cause);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public ModelNotFoundException(String message, int status, String provider) {
    this(message, status, provider, null, null, null, null, null);
  }
}
