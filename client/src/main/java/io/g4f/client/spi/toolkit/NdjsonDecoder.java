package io.g4f.client.spi.toolkit;

import io.g4f.client.chat.ChatCompletionChunk;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A {@link ChunkDecoder} for a newline-delimited JSON body ({@code application/x-ndjson}): splits the bytes into
 * lines (split anywhere, UTF-8 decoded once whole) and hands each non-blank one to {@link #onLine}. A body that
 * ends before the line {@code onLine} calls the last is a truncated answer and fails the stream.
 */
public abstract class NdjsonDecoder implements ChunkDecoder {

  private Buffer partial = Buffer.buffer();
  /** The provider's name, for errors. */
  protected final String provider;

  /** A decoder for {@code provider}'s stream. */
  protected NdjsonDecoder(String provider) {
    this.provider = provider;
  }

  @Override
  public final boolean decode(Buffer bytes, Consumer<ChatCompletionChunk> out) {
    partial.appendBuffer(bytes);
    int start = 0;
    for (int i = 0; i < partial.length(); i++) {
      if (partial.getByte(i) == '\n') {
        String line = partial.getString(start, i, StandardCharsets.UTF_8.name()).trim();
        start = i + 1;
        if (!line.isEmpty() && onLine(line, out)) {
          partial = Buffer.buffer();
          return true;
        }
      }
    }
    partial = partial.getBuffer(start, partial.length());
    return false;
  }

  @Override
  public final void end(Consumer<ChatCompletionChunk> out) {
    String rest = partial.toString(StandardCharsets.UTF_8).trim();
    if (rest.isEmpty() || !onLine(rest, out)) {
      throw ProviderErrors.truncated(provider, "its last line");
    }
  }

  /**
   * Emits the chunks of one line.
   *
   * @return true when the line is the protocol's last (later bytes are ignored)
   * @throws io.g4f.client.errors.G4fException for an error line or a malformed one
   */
  protected abstract boolean onLine(String line, Consumer<ChatCompletionChunk> out);
}
