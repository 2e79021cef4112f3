package io.g4f.client.errors;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link G4fException} tells besides its message, given by name:
 * {@code new RateLimitException(message, new ErrorDetails().status(429).provider("OpenAI").retryAfter(wait))}.
 * Every part is optional (0 or null). A fluent builder: the exception copies the values when it is made.
 */
public final class ErrorDetails {

  int status;
  @Nullable String provider;
  @Nullable String type;
  @Nullable String code;
  @Nullable String param;
  @Nullable Duration retryAfter;
  @Nullable Throwable cause;

  /** The upstream HTTP status, or 0 when no answer was received. */
  public ErrorDetails status(int status) {
    this.status = status;
    return this;
  }

  /** The name of the provider that failed. */
  public ErrorDetails provider(@Nullable String provider) {
    this.provider = provider;
    return this;
  }

  /** The {@code error.type} of an OpenAI-style error body. */
  public ErrorDetails type(@Nullable String type) {
    this.type = type;
    return this;
  }

  /** The {@code error.code} of an OpenAI-style error body. */
  public ErrorDetails code(@Nullable String code) {
    this.code = code;
    return this;
  }

  /** The {@code error.param} of an OpenAI-style error body: the offending request field. */
  public ErrorDetails param(@Nullable String param) {
    this.param = param;
    return this;
  }

  /** How long the provider asked to wait before a retry ({@code Retry-After}). */
  public ErrorDetails retryAfter(@Nullable Duration retryAfter) {
    this.retryAfter = retryAfter;
    return this;
  }

  /** The failure underneath (a transport error, a parse error). */
  public ErrorDetails cause(@Nullable Throwable cause) {
    this.cause = cause;
    return this;
  }
}
