package io.g4f.client.spi.toolkit;

import io.g4f.client.chat.ChatCompletionChunk;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/** Turns a provider's streamed response body into chunks; one instance per response. */
public interface ChunkDecoder {

  /**
   * Decodes the next bytes (split anywhere) and emits the chunks they complete.
   *
   * @return true once the protocol's end marker was seen (later bytes are ignored)
   * @throws io.g4f.client.errors.G4fException for an error reported inside the stream or a malformed chunk
   */
  boolean decode(Buffer bytes, Consumer<ChatCompletionChunk> out);

  /** The body ended without an end marker: emit what is left, or throw if the stream is truncated. */
  void end(Consumer<ChatCompletionChunk> out);
}
