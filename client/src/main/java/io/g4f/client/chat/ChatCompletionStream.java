package io.g4f.client.chat;

import io.g4f.client.CancellableStream;
import io.g4f.client.impl.ListChunkStream;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The chunks of one streamed answer, as a Vert.x {@link io.vertx.core.streams.ReadStream} with real backpressure: while the
 * stream is paused (or its {@link #fetch fetched} demand is used up) the provider's socket is not
 * read, so a slow consumer slows the provider and at most one network read of chunks waits here.
 *
 * <p>Contract: chunks arrive in order on the Vert.x context that made the request; the stream
 * ends ({@link #endHandler}) or fails ({@link #exceptionHandler}) exactly once, also to a handler
 * set after the fact. No chunk is delivered while {@link #handler} is null. Handlers may be set from
 * any thread; such calls take effect on the stream's context, in call order. A failure after some
 * chunks were delivered is never retried or replaced.
 */
public interface ChatCompletionStream extends CancellableStream<ChatCompletionChunk> {

  /**
   * A stream of chunks already at hand, for custom providers whose answer is not streamed from the
   * network; delivered on the current Vert.x context (or a new one).
   */
  static ChatCompletionStream of(Vertx vertx, List<ChatCompletionChunk> chunks) {
    return new ListChunkStream(vertx, chunks);
  }

  @Override
  ChatCompletionStream exceptionHandler(@Nullable Handler<Throwable> handler);

  @Override
  ChatCompletionStream handler(@Nullable Handler<ChatCompletionChunk> handler);

  @Override
  ChatCompletionStream pause();

  @Override
  ChatCompletionStream resume();

  @Override
  ChatCompletionStream fetch(long amount);

  @Override
  ChatCompletionStream endHandler(@Nullable Handler<@Nullable Void> endHandler);
}
