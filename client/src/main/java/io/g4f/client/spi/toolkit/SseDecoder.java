package io.g4f.client.spi.toolkit;

import io.g4f.client.ChatCompletionChunk;
import io.g4f.client.ProviderException;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * A {@link ChunkDecoder} for a {@code text/event-stream} body: parses events with {@link SseParser} and hands
 * each, as soon as it is complete, to {@link #onEvent}, which turns it into chunks and says whether it was the protocol's end marker. A body
 * that ends before the end marker is a truncated answer and fails the stream (see {@link #onEnd}).
 */
public abstract class SseDecoder implements ChunkDecoder {

  private final SseParser parser = new SseParser(this::dispatch);
  /** Where the events' chunks go, while {@link #decode} runs. */
  private Consumer<ChatCompletionChunk> out;
  private boolean endMarkerSeen;
  /** The provider's name, for errors. */
  protected final String provider;

  /** A decoder for {@code provider}'s stream. */
  protected SseDecoder(String provider) {
    this.provider = provider;
  }

  @Override
  public final boolean decode(Buffer bytes, Consumer<ChatCompletionChunk> out) {
    this.out = out;
    try {
      parser.feed(bytes);
    } finally {
      this.out = null;
    }
    return endMarkerSeen;
  }

  @Override
  public final void end(Consumer<ChatCompletionChunk> out) {
    parser.end();
    if (!endMarkerSeen) {
      onEnd(out);
    }
  }

  /** Hands an event to {@link #onEvent} as the parser completes it; the end marker ends the parser. */
  private void dispatch(SseParser.Event event) {
    if (onEvent(event, out)) {
      endMarkerSeen = true;
      parser.end();
    }
  }

  /**
   * Emits the chunks of one event.
   *
   * @return true when the event is the protocol's end marker (later bytes are ignored)
   * @throws io.g4f.client.G4fException for an error event or a malformed one
   */
  protected abstract boolean onEvent(SseParser.Event event, Consumer<ChatCompletionChunk> out);

  /**
   * The body ended without the end marker. By default that is a truncated answer: a
   * {@link ProviderException}. A protocol without an end marker overrides this to check that the answer is
   * complete (a finish reason was seen, say).
   */
  protected void onEnd(Consumer<ChatCompletionChunk> out) {
    throw ProviderErrors.truncated(provider, "its end marker");
  }
}
