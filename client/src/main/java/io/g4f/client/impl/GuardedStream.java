package io.g4f.client.impl;

import io.g4f.client.CancellableStream;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.client.messages.MessageStreamEvent;
import io.g4f.client.spi.toolkit.SseParser;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

/**
 * Wraps a provider's stream ({@link Chunks}, {@link Events}) with the client's guarantees: the idle timeout (silence
 * while the consumer has demand), the first-byte timeout and the total-call deadline, after which the upstream is
 * cancelled and the stream fails with {@link RequestTimeoutException}; and exactly one end or failure, whatever the
 * provider does. It reads the provider's first item before anyone sees the stream ({@link #first()}), so that an
 * attempt whose provider fails or stays silent before it is a failed attempt, which a retry or the next provider
 * of a fallback list can take over, and not a stream that has already been handed out. Lives on the context it was
 * created on. The timeouts are the {@link Watchdog} of the attempt that opened the stream, which an item only tells
 * the time.
 *
 * @param <I> the provider's items
 * @param <T> the items delivered
 * @param <S> the stream type of the subclass
 */
abstract class GuardedStream<I, T, S extends CancellableStream<T>> extends DemandStream<T, S> {

  private final CancellableStream<I> inner;
  private final Function<I, T> map;
  private final Watchdog watchdog;
  private final Promise<S> first = Promise.promise();
  /** The provider's first item, read by {@link #first()} and not yet delivered; null once delivered (or none). */
  private T held;
  /** Whether the provider ended, or failed ({@link #failure}), while {@link #held} waits for the consumer. */
  private boolean finishedAfterHeld;
  private Throwable failure;
  /** Whether the consumer's handler has the held item now. */
  private boolean relaying;

  /**
   * @param watchdog the attempt's, taken over: it fails this stream from now on
   * @param map makes the item delivered of each of the provider's
   */
  private GuardedStream(Vertx vertx, Watchdog watchdog, CancellableStream<I> inner, String provider,
                        Function<I, T> map, long idleTimeout) {
    super(vertx.getOrCreateContext());
    this.inner = inner;
    this.map = map;
    this.watchdog = watchdog;
    watchdog.expiry(reason -> timeout(switch (reason) {
      case IDLE -> new RequestTimeoutException(provider + " sent nothing for " + idleTimeout + " ms (idle timeout)",
          0, provider);
      case FIRST_BYTE -> new RequestTimeoutException(provider + " sent no first chunk within the first-byte timeout",
          new ErrorDetails().provider(provider).code(Retry.FIRST_BYTE_TIMEOUT));
      case TOTAL -> new RequestTimeoutException(provider + " did not finish the answer within the total timeout", 0,
          provider);
    }));
    watchdog.active(true);
    inner.exceptionHandler(this::onFailure);
    inner.endHandler(v -> onEnd());
    inner.pause();
    inner.handler(this::onItem);
    inner.fetch(1);
  }

  /**
   * Succeeds with this stream once the provider's first item came (or its answer ended without one); fails with
   * the provider's failure, a timeout or a cancellation before it.
   */
  final Future<S> first() {
    return first.future();
  }

  private void onItem(I item) {
    if (termination.done()) {
      return;
    }
    watchdog.firstByte();
    T delivered = map.apply(item);
    if (!first.future().isComplete()) {
      held = delivered;
      first.complete(self());
      watchdog.active(watchesIdleness());
      return;
    }
    if (demand != Long.MAX_VALUE) {
      demand--;
    }
    watchdog.active(watchesIdleness());
    Handler<T> current = handler;
    if (current != null) {
      current.handle(delivered);
    }
  }

  private void onEnd() {
    finish(null);
  }

  private void onFailure(Throwable error) {
    finish(error);
  }

  private void finish(Throwable error) {
    watchdog.stop();
    if (error != null && first.tryFail(error)) {
      termination.fail(error);
      return;
    }
    first.tryComplete(self());
    if (held != null) {
      finishedAfterHeld = true;
      failure = error;
    } else if (error == null) {
      termination.end();
    } else {
      termination.fail(error);
    }
  }

  /** Tells the end or failure that waited for the held item. */
  private void finishAfterHeld() {
    finishedAfterHeld = false;
    if (failure == null) {
      termination.end();
    } else {
      termination.fail(failure);
    }
  }

  private void timeout(RequestTimeoutException error) {
    if (!termination.done()) {
      onFailure(error);
      inner.cancel();
    }
  }

  /** Whether silence counts against the provider: the first item is awaited, or the consumer waits for an item. */
  private boolean watchesIdleness() {
    return !termination.done() && (!first.future().isComplete() || demand > 0 && handler != null);
  }

  /**
   * Hands the held first item to the consumer once it has a handler and demand, then its end or failure when the
   * provider finished meanwhile, else asks the provider (which has delivered nothing since that item) for as many
   * items as the consumer wants now.
   */
  private void relay() {
    if (handler == null || demand == 0) {
      return;
    }
    T item = held;
    held = null;
    if (demand != Long.MAX_VALUE) {
      demand--;
    }
    relaying = true;
    try {
      handler.handle(item);
    } finally {
      relaying = false;
    }
    if (finishedAfterHeld) {
      finishAfterHeld();
      return;
    }
    watchdog.active(watchesIdleness());
    if (demand > 0 && !termination.done()) {
      inner.fetch(demand);
    }
  }

  @Override
  void handlerSet() {
    if (held != null) {
      relay();
    } else if (first.future().isComplete()) {
      watchdog.active(watchesIdleness());
    }
  }

  @Override
  void paused() {
    watchdog.active(false);
    inner.pause();
  }

  @Override
  void demanded(long amount) {
    if (relaying || !first.future().isComplete()) {
      return; // the demand is counted; the relay (or the priming) asks the provider for it
    }
    if (held != null) {
      relay();
      return;
    }
    watchdog.active(watchesIdleness());
    inner.fetch(amount);
  }

  @Override
  public void cancel() {
    onContext(() -> {
      if (first.tryFail(new CancellationException("The stream was cancelled before its first item"))) {
        watchdog.stop();
      }
      held = null; // a consumer who cancels takes nothing more
      if (finishedAfterHeld) {
        finishAfterHeld();
      }
      inner.cancel();
    });
  }

  /** A provider's chunks. */
  static final class Chunks extends GuardedStream<ChatCompletionChunk, ChatCompletionChunk, ChatCompletionStream>
      implements ChatCompletionStream {

    /** @param renamesChunks whether each chunk's provider is set to {@code provider} (for a provider entry's stream) */
    Chunks(Vertx vertx, Watchdog watchdog, ChatCompletionStream inner, String provider, boolean renamesChunks,
           long idleTimeout) {
      super(vertx, watchdog, inner, provider, renamesChunks ? chunk -> chunk.setProvider(provider) : chunk -> chunk,
          idleTimeout);
    }
  }

  /** A provider's own Messages API events, as they came. */
  static final class Events extends GuardedStream<SseParser.Event, MessageStreamEvent,
      CancellableStream<MessageStreamEvent>> {

    Events(Vertx vertx, Watchdog watchdog, CancellableStream<SseParser.Event> inner, String provider,
           long idleTimeout) {
      super(vertx, watchdog, inner, provider, event -> new MessageStreamEvent(event.event(), event.data()),
          idleTimeout);
    }
  }
}
