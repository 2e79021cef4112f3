package io.g4f.client.spi.toolkit;

import io.g4f.client.errors.ProviderException;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Turns a {@code text/event-stream} body into items of any kind: parses events with {@link SseParser} and hands
 * each, as soon as it is complete, to {@link #onEvent}, which emits the event's items and says whether it was the
 * protocol's end marker (later bytes are ignored). A body that ends before the end marker is a truncated answer
 * (see {@link #onEnd}). One instance per response. {@link SseDecoder} is the one for chat chunks.
 *
 * @param <T> the items
 */
public abstract class SseEventDecoder<T> {

  private final SseParser parser = new SseParser(this::dispatch);
  /** Where the events' items go, while {@link #decode} runs. */
  private Consumer<T> out;
  private boolean endMarkerSeen;
  /** The provider's name, for errors. */
  protected final String provider;

  /** A decoder for {@code provider}'s stream. */
  protected SseEventDecoder(String provider) {
    this.provider = provider;
  }

  /**
   * Decodes the next bytes (split anywhere) and emits the items they complete.
   *
   * @return true once the protocol's end marker was seen
   * @throws io.g4f.client.errors.G4fException for an error event or a malformed one
   */
  public final boolean decode(Buffer bytes, Consumer<T> out) {
    this.out = out;
    try {
      parser.feed(bytes);
    } finally {
      this.out = null;
    }
    return endMarkerSeen;
  }

  /** The body ended: without the end marker, {@link #onEnd} says whether that is an error. */
  public final void end(Consumer<T> out) {
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
   * Emits the items of one event.
   *
   * @return true when the event is the protocol's end marker (later bytes are ignored)
   * @throws io.g4f.client.errors.G4fException for an error event or a malformed one
   */
  protected abstract boolean onEvent(SseParser.Event event, Consumer<T> out);

  /**
   * The body ended without the end marker. By default that is a truncated answer: a
   * {@link ProviderException}. A protocol without an end marker overrides this to check that the answer is
   * complete (a finish reason was seen, say).
   */
  protected void onEnd(Consumer<T> out) {
    throw ProviderErrors.truncated(provider, "its end marker");
  }
}
