package io.g4f.client.impl;

import io.g4f.client.spi.toolkit.ChunkDecoder;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.g4f.client.G4fException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * A {@link io.g4f.client.ChatCompletionStream} over a streamed HTTP response. Demand-driven: the
 * response is read only while the consumer has demand, so chunks wait here for at most one network
 * read. All state is touched on the response's context; calls from other threads hop onto it, in order.
 */
public final class HttpChunkStream extends QueuedChunkStream {

  private final HttpClientRequest request;
  private final HttpClientResponse response;
  private final ChunkDecoder decoder;
  private final String provider;
  private final String secret;
  private boolean upstreamPaused;

  /**
   * Starts reading {@code response}; must be called on its context, in the callback that received it.
   *
   * @param secret the API key, masked in any error message
   */
  public HttpChunkStream(HttpClientRequest request, HttpClientResponse response, ChunkDecoder decoder,
                         String provider, String secret) {
    super(Vertx.currentContext());
    if (context == null) {
      throw new IllegalStateException("HttpChunkStream must be created on the response's context");
    }
    this.request = request;
    this.response = response;
    this.decoder = decoder;
    this.provider = provider;
    this.secret = secret;
    response.handler(this::onBytes);
    response.endHandler(v -> onUpstreamEnd());
    response.exceptionHandler(this::onUpstreamFailure);
    onStarved(true);
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
}
