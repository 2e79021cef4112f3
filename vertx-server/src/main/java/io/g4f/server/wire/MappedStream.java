package io.g4f.server.wire;

import io.g4f.client.CancellableStream;
import io.vertx.core.Handler;
import java.util.ArrayDeque;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * An upstream stream with each item turned into zero or more items ({@code each}) and its end into a last few
 * ({@code atEnd}): a chat stream as an API's events, say. The upstream's backpressure holds: it is asked for one
 * item at a time, and only once the items made of the previous one were taken. A failure comes after the items
 * made before it. Used on the upstream's context.
 *
 * @param <A> the upstream's items
 * @param <B> the items made of them
 */
public final class MappedStream<A, B> implements CancellableStream<B> {

  private final CancellableStream<A> upstream;
  private final ArrayDeque<B> queue = new ArrayDeque<>();
  private long demand = Long.MAX_VALUE;
  private boolean asked;
  private boolean draining;
  private boolean again;
  private boolean ended;
  private Throwable failure;
  private boolean terminated;
  private Handler<B> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  public MappedStream(CancellableStream<A> upstream, BiConsumer<A, Consumer<B>> each, Consumer<Consumer<B>> atEnd) {
    this.upstream = upstream;
    upstream.pause();
    upstream.handler(item -> {
      asked = false;
      each.accept(item, queue::add);
      drain();
    });
    upstream.endHandler(v -> {
      atEnd.accept(queue::add);
      ended = true;
      drain();
    });
    upstream.exceptionHandler(cause -> {
      failure = cause;
      drain();
    });
  }

  /**
   * Delivers what is queued while there is demand, then the end or failure; else asks the upstream for an item. A
   * call from inside (a handler that fetches, an item the upstream delivers at once) makes the running one go round
   * again rather than recurse.
   */
  private void drain() {
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    try {
      do {
        again = false;
        while (!queue.isEmpty() && demand > 0 && handler != null && !terminated) {
          if (demand != Long.MAX_VALUE) {
            demand--;
          }
          handler.handle(queue.poll());
        }
        if (terminated || !queue.isEmpty()) {
          return;
        }
        if (failure != null && exceptionHandler != null) {
          terminated = true;
          exceptionHandler.handle(failure);
        } else if (ended && failure == null && endHandler != null) {
          terminated = true;
          endHandler.handle(null);
        } else if (!ended && failure == null && demand > 0 && handler != null && !asked) {
          asked = true;
          upstream.fetch(1);
        }
      } while (again);
    } finally {
      draining = false;
    }
  }

  @Override
  public MappedStream<A, B> handler(Handler<B> handler) {
    this.handler = handler;
    drain();
    return this;
  }

  @Override
  public MappedStream<A, B> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    drain();
    return this;
  }

  @Override
  public MappedStream<A, B> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    drain();
    return this;
  }

  @Override
  public MappedStream<A, B> pause() {
    demand = 0;
    return this;
  }

  @Override
  public MappedStream<A, B> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public MappedStream<A, B> fetch(long amount) {
    if (amount > 0) {
      demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
      drain();
    }
    return this;
  }

  @Override
  public void cancel() {
    upstream.cancel();
  }
}
