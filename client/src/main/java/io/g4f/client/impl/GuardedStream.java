package io.g4f.client.impl;

import io.g4f.client.CancellableStream;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.client.messages.MessageStreamEvent;
import io.g4f.client.spi.toolkit.SseParser;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * Wraps a provider's stream ({@link Chunks}, {@link Events}) with the client's guarantees: the idle timeout (silence
 * while the consumer has demand) and the total-call deadline, after which the upstream is cancelled and the
 * stream fails with {@link RequestTimeoutException}; and exactly one end or failure, whatever the provider
 * does. Lives on the context it was created on. Both timeouts are the {@link Watchdog} of the attempt that opened
 * the stream, which an item only tells the time.
 *
 * @param <I> the provider's items
 * @param <T> the items delivered
 * @param <S> the stream type of the subclass
 */
abstract class GuardedStream<I, T, S extends CancellableStream<T>> extends DemandStream<T, S> {

  private final CancellableStream<I> inner;
  private final Function<I, T> map;
  private final Watchdog watchdog;

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
    watchdog.expiry(reason -> timeout(new RequestTimeoutException(switch (reason) {
      case IDLE -> provider + " sent nothing for " + idleTimeout + " ms (idle timeout)";
      case FIRST_BYTE -> provider + " sent no first chunk within the first-byte timeout";
      case TOTAL -> provider + " did not finish the answer within the total timeout";
    }, 0, provider)));
    watchdog.active(false);
    inner.exceptionHandler(this::onFailure);
    inner.endHandler(v -> onEnd());
  }

  private void onItem(I item) {
    if (termination.done()) {
      return;
    }
    if (demand != Long.MAX_VALUE) {
      demand--;
    }
    watchdog.firstByte();
    watchdog.active(watchesIdleness());
    T delivered = map.apply(item);
    Handler<T> current = handler;
    if (current != null) {
      current.handle(delivered);
    }
  }

  private void onEnd() {
    watchdog.stop();
    termination.end();
  }

  private void onFailure(Throwable error) {
    watchdog.stop();
    termination.fail(error);
  }

  private void timeout(RequestTimeoutException error) {
    if (!termination.done()) {
      onFailure(error);
      inner.cancel();
    }
  }

  /** Whether silence counts against the provider: the consumer waits for an item. */
  private boolean watchesIdleness() {
    return !termination.done() && demand > 0 && handler != null;
  }

  @Override
  void handlerSet() {
    watchdog.active(watchesIdleness());
    inner.handler(handler == null ? null : this::onItem);
  }

  @Override
  void paused() {
    watchdog.active(false);
    inner.pause();
  }

  @Override
  void demanded(long amount) {
    watchdog.active(watchesIdleness());
    inner.fetch(amount);
  }

  @Override
  public void cancel() {
    inner.cancel();
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
