package io.g4f.client.impl;

import io.g4f.client.CancellableStream;
import io.vertx.core.Context;
import io.vertx.core.Handler;

/**
 * The consumer's side of the library's streams: its item handler, its demand, and exactly one end or failure
 * ({@link #termination}), all on one context; calls from other threads hop onto it, in call order. Subclasses say
 * what a new handler, a pause or more demand means for their source.
 *
 * @param <T> the items
 * @param <S> the stream type a subclass implements, returned by the fluent methods
 */
abstract class DemandStream<T, S extends CancellableStream<T>> implements CancellableStream<T> {

  /** The context all state lives on. */
  final Context context;
  final Termination termination = new Termination();
  /** The consumer's item handler; null while it has none. */
  Handler<T> handler;
  /** Items the consumer still takes; {@link Long#MAX_VALUE} while it is not paused. */
  long demand = Long.MAX_VALUE;

  DemandStream(Context context) {
    this.context = context;
  }

  /** On the context, after the consumer set {@link #handler}. */
  abstract void handlerSet();

  /** On the context, after the consumer paused: {@link #demand} is 0. */
  abstract void paused();

  /** On the context, after the consumer asked for {@code amount} more items, already added to {@link #demand}. */
  abstract void demanded(long amount);

  final void onContext(Runnable action) {
    Streams.onContext(context, action);
  }

  @SuppressWarnings("unchecked")
  final S self() {
    return (S) this;
  }

  @Override
  public final S handler(Handler<T> handler) {
    onContext(() -> {
      this.handler = handler;
      handlerSet();
    });
    return self();
  }

  @Override
  public final S endHandler(Handler<Void> endHandler) {
    onContext(() -> termination.endHandler(endHandler));
    return self();
  }

  @Override
  public final S exceptionHandler(Handler<Throwable> handler) {
    onContext(() -> termination.exceptionHandler(handler));
    return self();
  }

  @Override
  public final S pause() {
    onContext(() -> {
      demand = 0;
      paused();
    });
    return self();
  }

  @Override
  public final S resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public final S fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount must be >= 0");
    }
    onContext(() -> {
      demand = Streams.addDemand(demand, amount);
      demanded(amount);
    });
    return self();
  }
}
