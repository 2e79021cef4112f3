package io.g4f.client;

import io.g4f.client.chat.ChatCompletionStream;
import io.vertx.core.Future;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Settings for one call, passed beside its request and never sent as part of the body: the provider (or
 * fallback list), the total timeout and a cancellation signal. Every client honours them; the in-process
 * {@link AsyncClient} honours more ({@link DirectCallOptions}). Every setting is optional: null means the
 * client's own. Not thread-safe while being filled; a call reads it once, when it starts.
 */
public class CallOptions {

  private @Nullable String provider;
  private @Nullable Duration timeout;
  private @Nullable Future<?> cancellation;

  /** Options that change nothing. */
  public CallOptions() {
  }

  /** A copy of {@code other}. */
  public CallOptions(CallOptions other) {
    this.provider = other.provider;
    this.timeout = other.timeout;
    this.cancellation = other.cancellation;
  }

  /** The provider name or fallback list for this call, overriding the client's; or null. */
  public @Nullable String getProvider() {
    return provider;
  }

  /** Sets the provider (or a fallback list, {@code "Groq OpenAI"}) for this call; null for the client's. */
  public CallOptions setProvider(@Nullable String provider) {
    this.provider = provider;
    return this;
  }

  /** The total timeout of this call, retries and streaming included, overriding the client's; or null. */
  public @Nullable Duration getTimeout() {
    return timeout;
  }

  /**
   * Sets the total timeout of this call (positive), retries and streaming included; null for the client's.
   *
   * @throws IllegalArgumentException when it is zero or negative
   */
  public CallOptions setTimeout(@Nullable Duration timeout) {
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    this.timeout = timeout;
    return this;
  }

  /** Sets the total timeout of this call in ms (positive). */
  public CallOptions setTimeout(long millis) {
    return setTimeout(Duration.ofMillis(millis));
  }

  /**
   * What tells the call its caller gave up, or null. When it completes (either way) before the call did, the
   * call fails with a {@link java.util.concurrent.CancellationException} and its upstream request is closed; a
   * stream already returned is {@linkplain ChatCompletionStream#cancel() cancelled}.
   */
  public @Nullable Future<?> getCancellation() {
    return cancellation;
  }

  /**
   * Sets the cancellation signal: a future that completes when the caller gives up (a client that left, say). Each
   * call listens to it until it completes, so give each caller its own rather than one future that lives for ever.
   */
  public CallOptions setCancellation(@Nullable Future<?> cancellation) {
    this.cancellation = cancellation;
    return this;
  }
}
