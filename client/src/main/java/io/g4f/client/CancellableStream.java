package io.g4f.client;

import io.g4f.client.chat.ChatCompletionStream;
import io.vertx.core.streams.ReadStream;

/**
 * A Vert.x {@link ReadStream} of one upstream answer that its reader may abandon. The library's streams (chunks,
 * {@linkplain AsyncClient.Messages#stream native events}) follow {@link ChatCompletionStream}'s contract: items in
 * order on one context, real backpressure, exactly one end or failure.
 *
 * @param <T> the items
 */
public interface CancellableStream<T> extends ReadStream<T> {

  /**
   * Abandons the answer: the upstream request is closed at once and, unless the stream already
   * ended, it fails with a {@link java.util.concurrent.CancellationException}. Idempotent; callable
   * from any thread.
   */
  void cancel();
}
