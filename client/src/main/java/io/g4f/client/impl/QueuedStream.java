package io.g4f.client.impl;

import io.g4f.client.CancellableStream;
import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;

/**
 * The one demand-driven delivery loop of the library's streams: items (chunks, events) queued by a source are
 * handed to the consumer while it has demand, then the end or the failure follows exactly once. All
 * state lives on one context; calls from other threads hop onto it, in call order. Subclasses feed
 * the queue and learn through {@link #onStarved} whether to keep reading their source.
 *
 * @param <T> the items
 * @param <S> the stream type a subclass implements, returned by the fluent methods
 */
abstract class QueuedStream<T, S extends CancellableStream<T>> extends DemandStream<T, S> {

  /** Items received but not yet delivered. */
  final ArrayDeque<T> pending = new ArrayDeque<>();
  private boolean complete;
  private Throwable failure;
  private boolean draining;

  QueuedStream(Context context) {
    super(context);
  }

  /** No more items will be queued; the stream ends (or fails with {@code error}) once the queue is delivered. */
  final void complete(Throwable error) {
    if (!complete) {
      complete = true;
      failure = error;
    }
  }

  /** Whether the source is done: {@link #complete} was called. */
  final boolean completed() {
    return complete;
  }

  /** Whether the stream has ended or failed. */
  final boolean terminated() {
    return termination.done();
  }

  /** Delivers queued items while there is demand, then the end or failure once all are delivered. */
  final void drain() {
    if (draining || termination.done()) {
      return;
    }
    draining = true;
    try {
      while (demand > 0 && handler != null && !pending.isEmpty()) {
        T item = pending.poll();
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        try {
          handler.handle(item);
        } catch (RuntimeException e) {
          terminate(e);
          return;
        }
      }
      if (pending.isEmpty() && complete && handler != null) {
        terminate(failure);
      } else {
        onStarved(demand == 0 || handler == null);
      }
    } finally {
      draining = false;
    }
  }

  /** Ends or fails the stream now, dropping what is queued. */
  final void terminate(Throwable error) {
    pending.clear();
    complete = true;
    if (error == null) {
      termination.end();
    } else {
      termination.fail(error);
    }
    onTerminated(error);
  }

  /** Called when the consumer's appetite changes: {@code starved} means stop reading the source. */
  void onStarved(boolean starved) {
  }

  /** Called once the stream ended ({@code error} null) or failed, to release the source. */
  void onTerminated(Throwable error) {
  }

  /** The message of the {@link CancellationException} a cancelled stream fails with. */
  abstract String cancelledMessage();

  @Override
  final void handlerSet() {
    drain();
  }

  @Override
  final void paused() {
    if (!termination.done()) {
      onStarved(true);
    }
  }

  @Override
  final void demanded(long amount) {
    drain();
  }

  @Override
  public void cancel() {
    onContext(() -> {
      if (!termination.done()) {
        terminate(new CancellationException(cancelledMessage()));
      }
    });
  }
}
