package io.g4f.client.impl;

import io.g4f.client.ChatCompletionChunk;
import io.g4f.client.ChatCompletionStream;
import io.g4f.client.G4fException;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;

/**
 * A {@link ChatCompletionStream} over a streamed HTTP response. Demand-driven: the response is read
 * only while the consumer has demand, so chunks wait here for at most one network read. All state
 * is touched on the response's context; calls from other threads hop onto it, in order.
 */
public final class HttpChunkStream implements ChatCompletionStream {

  private final Context context;
  private final HttpClientRequest request;
  private final HttpClientResponse response;
  private final ChunkDecoder decoder;
  private final String provider;
  private final String secret;
  private final ArrayDeque<ChatCompletionChunk> pending = new ArrayDeque<>();

  private final Termination termination = new Termination();
  private Handler<ChatCompletionChunk> handler;
  private long demand = Long.MAX_VALUE;
  private boolean decoded;
  private Throwable failure;
  private boolean draining;
  private boolean upstreamPaused;

  /**
   * Starts reading {@code response}; must be called on its context, in the callback that received it.
   *
   * @param secret the API key, masked in any error message
   */
  public HttpChunkStream(HttpClientRequest request, HttpClientResponse response, ChunkDecoder decoder,
                         String provider, String secret) {
    this.context = Vertx.currentContext();
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
    updateUpstream();
  }

  private void onBytes(Buffer bytes) {
    if (decoded) {
      return;
    }
    try {
      decoded = decoder.decode(bytes, pending::add);
    } catch (G4fException e) {
      failWhenDrained(e);
    } catch (RuntimeException e) {
      failWhenDrained(Errors.malformed(provider, "stream", e));
    }
    drain();
  }

  private void onUpstreamEnd() {
    if (!decoded) {
      try {
        decoder.end(pending::add);
      } catch (G4fException e) {
        failure = e;
      } catch (RuntimeException e) {
        failure = Errors.malformed(provider, "stream", e);
      }
      decoded = true;
    }
    drain();
  }

  private void onUpstreamFailure(Throwable cause) {
    if (!decoded) {
      decoded = true;
      failure = Errors.fromTransport(provider, cause, secret);
    }
    drain();
  }

  private void failWhenDrained(G4fException error) {
    decoded = true;
    failure = error;
    request.reset();
  }

  private void drain() {
    if (draining || termination.done()) {
      return;
    }
    draining = true;
    try {
      while (demand > 0 && handler != null && !pending.isEmpty()) {
        ChatCompletionChunk chunk = pending.poll();
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        Handler<ChatCompletionChunk> current = handler;
        try {
          current.handle(chunk);
        } catch (RuntimeException e) {
          terminate(e);
          request.reset();
          return;
        }
      }
      if (pending.isEmpty() && decoded && handler != null) {
        terminate(failure);
        if (failure == null) {
          response.resume();
        }
      } else {
        updateUpstream();
      }
    } finally {
      draining = false;
    }
  }

  private void updateUpstream() {
    boolean starved = demand == 0 || handler == null;
    if (starved && !upstreamPaused) {
      upstreamPaused = true;
      response.pause();
    } else if (!starved && upstreamPaused) {
      upstreamPaused = false;
      response.resume();
    }
  }

  private void terminate(Throwable error) {
    pending.clear();
    if (error == null) {
      termination.end();
    } else {
      termination.fail(error);
    }
  }

  private void onContext(Runnable action) {
    Streams.onContext(context, action);
  }

  @Override
  public HttpChunkStream handler(Handler<ChatCompletionChunk> handler) {
    onContext(() -> {
      this.handler = handler;
      drain();
    });
    return this;
  }

  @Override
  public HttpChunkStream endHandler(Handler<Void> endHandler) {
    onContext(() -> termination.endHandler(endHandler));
    return this;
  }

  @Override
  public HttpChunkStream exceptionHandler(Handler<Throwable> handler) {
    onContext(() -> termination.exceptionHandler(handler));
    return this;
  }

  @Override
  public HttpChunkStream pause() {
    onContext(() -> {
      demand = 0;
      if (!termination.done()) {
        updateUpstream();
      }
    });
    return this;
  }

  @Override
  public HttpChunkStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public HttpChunkStream fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount must be >= 0");
    }
    onContext(() -> {
      demand = Streams.addDemand(demand, amount);
      drain();
    });
    return this;
  }

  @Override
  public void cancel() {
    onContext(() -> {
      if (!termination.done()) {
        decoded = true;
        terminate(new CancellationException("The stream from " + provider + " was cancelled"));
        request.reset();
      }
    });
  }
}
