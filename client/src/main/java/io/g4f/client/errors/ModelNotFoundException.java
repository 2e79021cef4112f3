package io.g4f.client.errors;

import org.jspecify.annotations.Nullable;

/** The provider does not know the requested model (HTTP 404). Not retryable. */
public class ModelNotFoundException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link ErrorDetails}. */
  public ModelNotFoundException(@Nullable String message, ErrorDetails details) {
    super(message, false, details);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public ModelNotFoundException(@Nullable String message, int status, @Nullable String provider) {
    this(message, new ErrorDetails().status(status).provider(provider));
  }
}
