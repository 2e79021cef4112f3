package io.g4f.client.spi.toolkit;

import io.g4f.client.chat.ChatCompletionChunk;

/**
 * A {@link ChunkDecoder} for a {@code text/event-stream} body: an {@link SseEventDecoder} whose
 * {@link #onEvent} turns each event into chat chunks and says whether it was the protocol's end marker. A body
 * that ends before the end marker is a truncated answer and fails the stream (see {@link #onEnd}).
 */
public abstract class SseDecoder extends SseEventDecoder<ChatCompletionChunk> implements ChunkDecoder {

  /** A decoder for {@code provider}'s stream. */
  protected SseDecoder(String provider) {
    super(provider);
  }
}
