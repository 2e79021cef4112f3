package io.g4f.client.impl;

import io.g4f.client.CancellableStream;
import io.g4f.client.ChatCompletionChunk;
import io.g4f.client.ChatCompletionStream;
import io.g4f.client.RequestTimeoutException;
import io.g4f.client.spi.toolkit.SseParser;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * Wraps a provider's stream ({@link Chunks}, {@link Events}) with the client's guarantees: the idle timeout (silence
 * while the consumer has demand) and the total-call deadline, after which the upstream is cancelled and the
 * stream fails with {@link RequestTimeoutException}; and exactly one end or failure, whatever the provider
 * does. Lives on the context it was created on. An item only notes the time: the idle timer, set once, looks at
 * that time when it fires and sets itself again for what is left, so a stream of many items costs one timer
 * per idle period rather than one per item.
 *
 * @param <T> the items
 * @param <S> the stream type of the subclass
 */
abstract class GuardedStream<T, S extends CancellableStream<T>> implements CancellableStream<T> {

  private final Vertx vertx;
  private final Context context;
  private final CancellableStream<T> inner;
  private final String provider;
  private final Consumer<T> stamp;
  private final long idleTimeout;
  private final long deadlineTimer;

  private final Termination termination = new Termination();
  private Handler<T> handler;
  private long demand = Long.MAX_VALUE;
  private long idleTimer = -1;
  /** When the stream last sent a chunk or was given demand, in {@link System#nanoTime()}. */
  private long activeAt;

  /** @param stamp sees each item before the consumer does */
  private GuardedStream(Vertx vertx, CancellableStream<T> inner, String provider, Consumer<T> stamp, long idleTimeout,
                        long remainingMillis) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.inner = inner;
    this.provider = provider;
    this.stamp = stamp;
    this.idleTimeout = idleTimeout;
    this.deadlineTimer = vertx.setTimer(Math.max(1, remainingMillis), id -> timeout(
        provider + " did not finish the answer within the total timeout"));
    inner.exceptionHandler(this::onFailure);
    inner.endHandler(v -> onEnd());
  }

  private void onItem(T item) {
    if (termination.done()) {
      return;
    }
    if (demand != Long.MAX_VALUE) {
      demand--;
    }
    armIdleTimer();
    stamp.accept(item);
    Handler<T> current = handler;
    if (current != null) {
      current.handle(item);
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

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  @Override
  public S handler(Handler<T> handler) {
    onContext(() -> {
      this.handler = handler;
      armIdleTimer();
      inner.handler(handler == null ? null : this::onItem);
    });
    return self();
  }

  @Override
  public S endHandler(Handler<Void> endHandler) {
    onContext(() -> termination.endHandler(endHandler));
    return self();
  }

  @Override
  public S exceptionHandler(Handler<Throwable> handler) {
    onContext(() -> termination.exceptionHandler(handler));
    return self();
  }

  @Override
  public S pause() {
    onContext(() -> {
      demand = 0;
      cancelIdleTimer();
      inner.pause();
    });
    return self();
  }

  @Override
  public S resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public S fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount must be >= 0");
    }
    onContext(() -> {
      demand = Streams.addDemand(demand, amount);
      armIdleTimer();
      inner.fetch(amount);
    });
    return self();
  }

  @Override
  public void cancel() {
    inner.cancel();
  }

  /** A provider's chunks. */
  static final class Chunks extends GuardedStream<ChatCompletionChunk, ChatCompletionStream>
      implements ChatCompletionStream {

    /** @param renamesChunks whether each chunk's provider is set to {@code provider} (for a provider entry's stream) */
    Chunks(Vertx vertx, ChatCompletionStream inner, String provider, boolean renamesChunks, long idleTimeout,
           long remainingMillis) {
      super(vertx, inner, provider, renamesChunks ? chunk -> chunk.setProvider(provider) : chunk -> { }, idleTimeout,
          remainingMillis);
    }
  }

  /** A provider's own server-sent events, as they came. */
  static final class Events extends GuardedStream<SseParser.Event, CancellableStream<SseParser.Event>> {

    Events(Vertx vertx, CancellableStream<SseParser.Event> inner, String provider, long idleTimeout,
           long remainingMillis) {
      super(vertx, inner, provider, event -> { }, idleTimeout, remainingMillis);
    }
  }
}
