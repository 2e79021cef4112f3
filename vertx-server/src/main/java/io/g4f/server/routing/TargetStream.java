package io.g4f.server.routing;

import io.g4f.client.CancellableStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.util.function.Consumer;

/**
 * A target's stream (of chat chunks, or of an API's events), read up to its first item before anyone sees it, so
 * that the router can still move on when the target fails before that item ({@link #first()}). Once
 * {@link #first()} succeeded it is an ordinary stream: the held first item is delivered first (when a handler is set
 * and there is demand), then the upstream's items, end or failure, with the upstream's backpressure.
 * {@code seen} sees each item as it arrives (not after the stream was abandoned); {@code done} is told once when the
 * upstream ends (null) or fails, a cancellation included (the failure), as {@link #finished()} is. Used on the context
 * that opened the upstream; a consumer keeps a handler set while it lets items flow.
 *
 * @param <T> the items
 */
public final class TargetStream<T> implements CancellableStream<T> {

  private final CancellableStream<T> upstream;
  private final Context context;
  private final Consumer<T> seen;
  private final Consumer<Throwable> done;
  private final Promise<TargetStream<T>> first = Promise.promise();
  private final Promise<Void> finished = Promise.promise();
  private T held;
  private boolean relaying;
  private long demand = Long.MAX_VALUE;
  private boolean ended;
  private Throwable failure;
  private boolean terminated;
  private boolean scheduled;
  private Handler<T> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  TargetStream(CancellableStream<T> upstream, Context context, Consumer<T> seen, Consumer<Throwable> done) {
    this.upstream = upstream;
    this.context = context;
    this.seen = seen;
    this.done = done;
    upstream.pause();
    upstream.handler(this::item);
    upstream.endHandler(v -> ended());
    upstream.exceptionHandler(this::failed);
    upstream.fetch(1);
  }

  /**
   * Succeeds with this stream once the first item arrived (or the answer ended without one); fails
   * with the upstream's failure before it, or with {@link #abandon}'s reason.
   */
  Future<TargetStream<T>> first() {
    return first.future();
  }

  /** Completes once the upstream ended, or fails with its failure (a cancellation or {@link #abandon} included). */
  public Future<Void> finished() {
    return finished.future();
  }

  /** Gives up on the stream before its first item: {@link #first()} fails with {@code reason}, the upstream is cancelled. */
  void abandon(Throwable reason) {
    if (first.tryFail(reason)) {
      finish(reason);
      upstream.cancel();
    }
  }

  private void item(T item) {
    if (first.future().failed()) {
      return;
    }
    seen.accept(item);
    if (!first.future().isComplete()) {
      held = item;
      first.tryComplete(this);
    } else if (relaying && handler != null) {
      handler.handle(item);
    }
  }

  private void ended() {
    ended = true;
    finish(null);
    if (!first.tryComplete(this)) {
      drain();
    }
  }

  private void failed(Throwable cause) {
    failure = cause;
    finish(cause);
    if (!first.tryFail(cause)) {
      drain();
    }
  }

  private void finish(Throwable cause) {
    if (!finished.future().isComplete()) {
      done.accept(cause);
      if (cause == null) {
        finished.complete();
      } else {
        finished.fail(cause);
      }
    }
  }

  /** Delivers what waits: the held item (given a handler and demand), then the end or failure. */
  private void drain() {
    if (!first.future().succeeded() || terminated) {
      return;
    }
    if (held != null) {
      if (handler == null || demand == 0) {
        return;
      }
      T item = held;
      held = null;
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      handler.handle(item);
      relaying = true;
      if (demand == Long.MAX_VALUE) {
        upstream.resume();
      } else if (demand > 0) {
        upstream.fetch(demand);
      }
    }
    if (!terminated && held == null && (ended || failure != null)) {
      terminated = true;
      if (failure != null && exceptionHandler != null) {
        exceptionHandler.handle(failure);
      } else if (failure == null && endHandler != null) {
        endHandler.handle(null);
      } else {
        terminated = false;
      }
    }
  }

  private void schedule() {
    if (!scheduled) {
      scheduled = true;
      context.runOnContext(v -> {
        scheduled = false;
        drain();
      });
    }
  }

  @Override
  public TargetStream<T> handler(Handler<T> handler) {
    this.handler = handler;
    schedule();
    return this;
  }

  @Override
  public TargetStream<T> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    schedule();
    return this;
  }

  @Override
  public TargetStream<T> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    schedule();
    return this;
  }

  @Override
  public TargetStream<T> pause() {
    demand = 0;
    if (relaying) {
      upstream.pause();
    }
    return this;
  }

  @Override
  public TargetStream<T> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public TargetStream<T> fetch(long amount) {
    if (amount <= 0) {
      return this;
    }
    demand = amount == Long.MAX_VALUE || demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    if (relaying) {
      if (amount == Long.MAX_VALUE) {
        upstream.resume();
      } else {
        upstream.fetch(amount);
      }
    } else {
      schedule();
    }
    return this;
  }

  @Override
  public void cancel() {
    upstream.cancel();
  }
}
