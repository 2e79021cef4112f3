package io.g4f.client.errors;

import org.jspecify.annotations.Nullable;

/**
 * The provider refused the credentials (HTTP 401) or the permission (HTTP 403), or the HTTP proxy
 * refused its credentials (HTTP 407). Not retryable.
 */
public class AuthenticationException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; see {@link ErrorDetails}. */
  public AuthenticationException(@Nullable String message, ErrorDetails details) {
    super(message, false, details);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public AuthenticationException(@Nullable String message, int status, @Nullable String provider) {
    this(message, new ErrorDetails().status(status).provider(provider));
  }
}
