package io.g4f.client.errors;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Root of every failure this library reports. Unchecked, like the rest of the Vert.x world: a failed
 * {@code Future} or stream carries one of the subclasses below.
 *
 * <p>{@link #status()} is the upstream HTTP status when a provider answered, or {@code 0} when no
 * answer arrived (connection failure, timeout, cancellation). {@link #retryable()} tells whether the
 * same request may succeed if sent again. Messages never contain API keys.
 */
public class G4fException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final @Nullable String provider;
  private final boolean retryable;
  private final @Nullable String type;
  private final @Nullable String code;
  private final @Nullable String param;
  private final @Nullable Duration retryAfter;

  /** Creates an exception; see {@link ErrorDetails} and the getters for what each detail means. */
  public G4fException(@Nullable String message, boolean retryable, ErrorDetails details) {
    super(message, details.cause);
    this.status = details.status;
    this.provider = details.provider;
    this.retryable = retryable;
    this.type = details.type;
    this.code = details.code;
    this.param = details.param;
    this.retryAfter = details.retryAfter;
  }

  /** Creates an exception with only a message, a status and a provider. */
  public G4fException(@Nullable String message, int status, @Nullable String provider, boolean retryable) {
    this(message, retryable, new ErrorDetails().status(status).provider(provider));
  }

  /** The upstream HTTP status, or 0 when no response was received. */
  public int status() {
    return status;
  }

  /** The name of the provider that failed, or null when the failure is not tied to one. */
  public @Nullable String provider() {
    return provider;
  }

  /** Whether sending the same request again may succeed (408, 409, 429, 5xx, connection errors, timeouts). */
  public boolean retryable() {
    return retryable;
  }

  /** The {@code error.type} of an OpenAI-style error body, or null. */
  public @Nullable String type() {
    return type;
  }

  /** The {@code error.code} of an OpenAI-style error body, or null. */
  public @Nullable String code() {
    return code;
  }

  /** The {@code error.param} of an OpenAI-style error body (the offending request field), or null. */
  public @Nullable String param() {
    return param;
  }

  /** How long the provider asked to wait before a retry ({@code Retry-After}), or null. */
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }
}
