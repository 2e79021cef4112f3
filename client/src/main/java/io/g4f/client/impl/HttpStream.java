package io.g4f.client.impl;

import io.g4f.client.CancellableStream;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.errors.G4fException;
import io.g4f.client.spi.toolkit.ChunkDecoder;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.g4f.client.spi.toolkit.SseEventDecoder;
import io.g4f.client.spi.toolkit.SseParser;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A stream of items decoded from a streamed HTTP response: chat chunks ({@link Chunks}) or a provider's own
 * server-sent events ({@link Events}). Demand-driven: the response is paused as soon as items wait without a
 * consumer (no handler yet, or no demand), so items wait here for at most one network read; a consumer that sets
 * its handler in the callback that got the stream (the usual case) gets the items as they are read, without the
 * response ever being paused. All state is touched on the response's context; calls from
 * other threads hop onto it, in order.
 *
 * @param <T> the items
 * @param <S> the stream type of the subclass
 */
abstract class HttpStream<T, S extends CancellableStream<T>> extends QueuedStream<T, S> {

  /** Turns a response body into items, as {@link ChunkDecoder} does for chunks; one instance per response. */
  interface Decoder<T> {

    /** Decodes the next bytes and emits the items they complete; true once the protocol's end marker was seen. */
    boolean decode(Buffer bytes, Consumer<T> out);

    /** The body ended without an end marker: emit what is left, or throw if the answer is truncated. */
    void end(Consumer<T> out);
  }

  private final HttpClientRequest request;
  private final HttpClientResponse response;
  private final Decoder<T> decoder;
  private final String provider;
  private final String secret;
  private boolean upstreamPaused;

  /**
   * Starts reading {@code response}; must be called on its context, in the callback that received it.
   *
   * @param secret the API key, masked in any error message
   */
  HttpStream(HttpClientRequest request, HttpClientResponse response, Decoder<T> decoder, String provider,
             String secret) {
    super(Vertx.currentContext());
    if (context == null) {
      throw new IllegalStateException("An HTTP stream must be created on the response's context");
    }
    this.request = request;
    this.response = response;
    this.decoder = decoder;
    this.provider = provider;
    this.secret = secret;
    response.handler(this::onBytes);
    response.endHandler(v -> onUpstreamEnd());
    response.exceptionHandler(this::onUpstreamFailure);
  }

  private void onBytes(Buffer bytes) {
    if (completed()) {
      return;
    }
    try {
      if (decoder.decode(bytes, pending::add)) {
        complete(null);
      }
    } catch (G4fException e) {
      failWhenDrained(e);
    } catch (RuntimeException e) {
      failWhenDrained(ProviderErrors.malformed(provider, "stream", e));
    }
    drain();
  }

  private void onUpstreamEnd() {
    if (!completed()) {
      Throwable error = null;
      try {
        decoder.end(pending::add);
      } catch (G4fException e) {
        error = e;
      } catch (RuntimeException e) {
        error = ProviderErrors.malformed(provider, "stream", e);
      }
      complete(error);
    }
    drain();
  }

  private void onUpstreamFailure(Throwable cause) {
    complete(ProviderErrors.fromTransport(provider, cause, secret));
    drain();
  }

  private void failWhenDrained(G4fException error) {
    complete(error);
    request.reset();
  }

  @Override
  void onStarved(boolean starved) {
    if (starved && !upstreamPaused) {
      upstreamPaused = true;
      response.pause();
    } else if (!starved && upstreamPaused) {
      upstreamPaused = false;
      response.resume();
    }
  }

  /** After a clean end the rest of the body is read (and ignored) so the connection can be reused; otherwise it is reset. */
  @Override
  void onTerminated(Throwable error) {
    if (error == null) {
      response.resume();
    } else {
      request.reset();
    }
  }

  @Override
  String cancelledMessage() {
    return "The stream from " + provider + " was cancelled";
  }

  /** The chunks a provider's {@link ChunkDecoder} makes of the body. */
  static final class Chunks extends HttpStream<ChatCompletionChunk, ChatCompletionStream>
      implements ChatCompletionStream {

    Chunks(HttpClientRequest request, HttpClientResponse response, ChunkDecoder decoder, String provider,
           String secret) {
      super(request, response, new Decoder<>() {
        @Override
        public boolean decode(Buffer bytes, Consumer<ChatCompletionChunk> out) {
          return decoder.decode(bytes, out);
        }

        @Override
        public void end(Consumer<ChatCompletionChunk> out) {
          decoder.end(out);
        }
      }, provider, secret);
    }
  }

  /**
   * The body's server-sent events as they came, each read by {@code last} before it is queued: true after the
   * protocol's end marker (which is delivered, and ends the stream), a {@link G4fException} for an error event
   * (which fails it). A body that ends before the end marker fails the stream as truncated.
   */
  static final class Events extends HttpStream<SseParser.Event, CancellableStream<SseParser.Event>> {

    Events(HttpClientRequest request, HttpClientResponse response, Predicate<SseParser.Event> last, String provider,
           String secret) {
      super(request, response, new Decoder<>() {
        private final SseEventDecoder<SseParser.Event> events = new SseEventDecoder<>(provider) {
          @Override
          protected boolean onEvent(SseParser.Event event, Consumer<SseParser.Event> out) {
            boolean end = last.test(event);
            out.accept(event);
            return end;
          }
        };

        @Override
        public boolean decode(Buffer bytes, Consumer<SseParser.Event> out) {
          return events.decode(bytes, out);
        }

        @Override
        public void end(Consumer<SseParser.Event> out) {
          events.end(out);
        }
      }, provider, secret);
    }
  }
}
