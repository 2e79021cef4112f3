package io.g4f.client;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The provider refused the credentials (HTTP 401) or the permission (HTTP 403), or the HTTP proxy
 * refused its credentials (HTTP 407). Not retryable.
 */
public class AuthenticationException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; arguments as in {@link G4fException}. */
  public AuthenticationException(@Nullable String message, int status, @Nullable String provider, @Nullable String type,
      @Nullable String code, @Nullable String param, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, status, provider, false, type, code, param, retryAfter, cause);
  }

  /** Creates the exception with a message and the provider that raised it. */
  public AuthenticationException(@Nullable String message, int status, @Nullable String provider) {
    this(message, status, provider, null, null, null, null, null);
  }
}
