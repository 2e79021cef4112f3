package io.g4f.client.impl;

import io.g4f.client.ChatCompletionChunk;
import io.g4f.client.ChatCompletionStream;
import io.g4f.client.RequestTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;

/**
 * Wraps a provider's stream with the client's guarantees: the idle timeout (silence while the
 * consumer has demand) and the total-call deadline, after which the upstream is cancelled and the
 * stream fails with {@link RequestTimeoutException}; and exactly one end or failure, whatever the provider
 * does. Lives on the context it was created on. A chunk only notes the time: the idle timer, set once, looks at
 * that time when it fires and sets itself again for what is left, so a stream of many chunks costs one timer
 * per idle period rather than one per chunk.
 */
final class GuardedStream implements ChatCompletionStream {

  private final Vertx vertx;
  private final Context context;
  private final ChatCompletionStream inner;
  private final String provider;
  private final boolean renamesChunks;
  private final long idleTimeout;
  private final long deadlineTimer;

  private final Termination termination = new Termination();
  private Handler<ChatCompletionChunk> handler;
  private long demand = Long.MAX_VALUE;
  private long idleTimer = -1;
  /** When the stream last sent a chunk or was given demand, in {@link System#nanoTime()}. */
  private long activeAt;

  /** @param renamesChunks whether each chunk's provider is set to {@code provider} (for a provider entry's stream) */
  GuardedStream(Vertx vertx, ChatCompletionStream inner, String provider, boolean renamesChunks, long idleTimeout,
                long remainingMillis) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.inner = inner;
    this.provider = provider;
    this.renamesChunks = renamesChunks;
    this.idleTimeout = idleTimeout;
    this.deadlineTimer = vertx.setTimer(Math.max(1, remainingMillis), id -> timeout(
        provider + " did not finish the answer within the total timeout"));
    inner.exceptionHandler(this::onFailure);
    inner.endHandler(v -> onEnd());
  }

  private void onChunk(ChatCompletionChunk chunk) {
    if (termination.done()) {
      return;
    }
    if (demand != Long.MAX_VALUE) {
      demand--;
    }
    armIdleTimer();
    if (renamesChunks) {
      chunk.setProvider(provider);
    }
    Handler<ChatCompletionChunk> current = handler;
    if (current != null) {
      current.handle(chunk);
    }
  }

  private void onEnd() {
    stopTimers();
    termination.end();
  }

  private void onFailure(Throwable error) {
    stopTimers();
    termination.fail(error);
  }

  private void timeout(String message) {
    if (!termination.done()) {
      onFailure(new RequestTimeoutException(message, 0, provider));
      inner.cancel();
    }
  }

  private void stopTimers() {
    vertx.cancelTimer(deadlineTimer);
    cancelIdleTimer();
  }

  /** Notes activity now and, while the consumer has demand, makes sure the idle timer runs. */
  private void armIdleTimer() {
    activeAt = System.nanoTime();
    if (idleTimer < 0 && watchesIdleness()) {
      idleTimer = vertx.setTimer(idleTimeout, id -> idleTimerFired());
    }
  }

  private boolean watchesIdleness() {
    return !termination.done() && demand > 0 && handler != null;
  }

  private void idleTimerFired() {
    idleTimer = -1;
    if (!watchesIdleness()) {
      return;
    }
    long left = idleTimeout - (System.nanoTime() - activeAt) / 1_000_000;
    if (left > 0) {
      idleTimer = vertx.setTimer(left, id -> idleTimerFired());
    } else {
      timeout(provider + " sent nothing for " + idleTimeout + " ms (idle timeout)");
    }
  }

  private void cancelIdleTimer() {
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }

  private void onContext(Runnable action) {
    Streams.onContext(context, action);
  }

  @Override
  public GuardedStream handler(Handler<ChatCompletionChunk> handler) {
    onContext(() -> {
      this.handler = handler;
      armIdleTimer();
      inner.handler(handler == null ? null : this::onChunk);
    });
    return this;
  }

  @Override
  public GuardedStream endHandler(Handler<Void> endHandler) {
    onContext(() -> termination.endHandler(endHandler));
    return this;
  }

  @Override
  public GuardedStream exceptionHandler(Handler<Throwable> handler) {
    onContext(() -> termination.exceptionHandler(handler));
    return this;
  }

  @Override
  public GuardedStream pause() {
    onContext(() -> {
      demand = 0;
      cancelIdleTimer();
      inner.pause();
    });
    return this;
  }

  @Override
  public GuardedStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public GuardedStream fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount must be >= 0");
    }
    onContext(() -> {
      demand = Streams.addDemand(demand, amount);
      armIdleTimer();
      inner.fetch(amount);
    });
    return this;
  }

  @Override
  public void cancel() {
    inner.cancel();
  }
}
