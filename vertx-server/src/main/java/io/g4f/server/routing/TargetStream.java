package io.g4f.server.routing;

import io.g4f.client.CancellableStream;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.util.function.Consumer;

/**
 * A target's stream (of chat chunks, or of an API's events) as the router serves it: the client's stream, which its
 * future hands over only once the first item came (so that the router can still move on before it), passed through
 * with the upstream's backpressure, and watched: {@code seen} sees each item as it arrives, {@code done} is told once
 * when the upstream ends (null) or fails, a cancellation included (the failure), as {@link #finished()} is, whether
 * or not the consumer has set its handlers yet. Used on the context that opened the upstream.
 *
 * @param <T> the items
 */
public final class TargetStream<T> implements CancellableStream<T> {

  private final CancellableStream<T> upstream;
  private final Consumer<T> seen;
  private final Consumer<Throwable> done;
  private final Promise<Void> finished = Promise.promise();
  private Handler<T> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  /** Whether the consumer paused; until it does, setting a handler lets the items flow, as a ReadStream's do. */
  private boolean paused;
  private boolean delivered;

  TargetStream(CancellableStream<T> upstream, Consumer<T> seen, Consumer<Throwable> done) {
    this.upstream = upstream;
    this.seen = seen;
    this.done = done;
    upstream.pause();
    upstream.handler(this::item);
    upstream.endHandler(v -> finish(null));
    upstream.exceptionHandler(this::finish);
  }

  /** Completes once the upstream ended, or fails with its failure (a cancellation or {@link #abandon} included). */
  public Future<Void> finished() {
    return finished.future();
  }

  /** Gives up on the stream before anyone was served it: {@link #finished()} fails with {@code reason}, the upstream is cancelled. */
  void abandon(Throwable reason) {
    finish(reason);
    upstream.cancel();
  }

  private void item(T item) {
    if (finished.future().isComplete()) {
      return;
    }
    seen.accept(item);
    if (handler != null) {
      handler.handle(item);
    }
  }

  private void finish(Throwable cause) {
    if (finished.future().isComplete()) {
      return;
    }
    done.accept(cause);
    if (cause == null) {
      finished.complete();
    } else {
      finished.fail(cause);
    }
    deliver();
  }

  /** Tells the consumer the end or failure once it has the handler for it. */
  private void deliver() {
    if (delivered || !finished.future().isComplete()) {
      return;
    }
    Throwable failure = finished.future().cause();
    if (failure == null && endHandler != null) {
      delivered = true;
      endHandler.handle(null);
    } else if (failure != null && exceptionHandler != null) {
      delivered = true;
      exceptionHandler.handle(failure);
    }
  }

  @Override
  public TargetStream<T> handler(Handler<T> handler) {
    this.handler = handler;
    if (handler != null && !paused) {
      upstream.resume();
    }
    return this;
  }

  @Override
  public TargetStream<T> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    deliver();
    return this;
  }

  @Override
  public TargetStream<T> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    deliver();
    return this;
  }

  @Override
  public TargetStream<T> pause() {
    paused = true;
    upstream.pause();
    return this;
  }

  @Override
  public TargetStream<T> resume() {
    paused = false;
    upstream.resume();
    return this;
  }

  @Override
  public TargetStream<T> fetch(long amount) {
    upstream.fetch(amount);
    return this;
  }

  @Override
  public void cancel() {
    upstream.cancel();
  }
}
