package io.g4f.client.chat;

import io.g4f.client.errors.G4fException;

/**
 * The chunks of a streamed answer for blocking callers: iterate it once, on any thread but an
 * event loop. {@code next()} blocks until the next chunk arrives and throws the stream's
 * {@link G4fException} if it fails. Backpressure holds: a slow loop slows the provider. Closing it
 * before the end cancels the upstream request.
 */
public interface ChatCompletionChunks extends Iterable<ChatCompletionChunk>, AutoCloseable {

  /** Cancels the stream if it has not ended. Idempotent. */
  @Override
  void close();
}
