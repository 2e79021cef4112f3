package io.g4f.server;

import io.g4f.client.AsyncClient;
import io.g4f.client.ChatCompletionChunk;
import io.g4f.client.ChatCompletionRequest;
import io.g4f.client.ChatCompletionStream;
import io.g4f.client.G4fException;
import io.g4f.client.impl.Codec;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/chat/completions} and {@code POST /api/{provider}/chat/completions} (or g4f's
 * {@code "provider"} body field, never sent upstream): a JSON completion, or with {@code "stream": true} server-sent
 * events, one {@code data:} event per upstream chunk as it arrives, {@code data: [DONE]} at the end.
 * Backpressure runs end to end (a slow client pauses the upstream) and a client that goes away
 * cancels the upstream request. A failure after the first byte becomes an error event.
 */
final class ChatCompletionsHandler implements Handler<RoutingContext> {

  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private final Upstreams upstreams;
  private final GatewayMetrics metrics;

  ChatCompletionsHandler(Upstreams upstreams, GatewayMetrics metrics) {
    this.upstreams = upstreams;
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext context) {
    ChatCompletionRequest request = RequestBodies.decode(context, ChatCompletionRequest.class);
    if (request == null) {
      return;
    }
    HttpServerResponse response = context.response();
    AsyncClient client;
    try {
      client = upstreams.forChat(context.pathParam("provider"), request);
    } catch (G4fException e) {
      OpenAiErrors.send(response, OpenAiErrors.of(e));
      return;
    }
    if (Boolean.TRUE.equals(request.getStream())) {
      client.chat().completions().stream(request)
          .onSuccess(stream -> pipe(stream, response))
          .onFailure(failure -> fail(response, failure));
    } else {
      client.chat().completions().create(request)
          .onSuccess(completion -> {
            metrics.tokens(completion.getProvider(), completion.getUsage());
            response.putHeader("content-type", "application/json").end(Codec.encode(completion));
          })
          .onFailure(failure -> fail(response, failure));
    }
  }

  private void fail(HttpServerResponse response, Throwable failure) {
    metrics.upstreamError(failure);
    OpenAiErrors.send(response, OpenAiErrors.of(failure));
  }

  private void pipe(ChatCompletionStream stream, HttpServerResponse response) {
    if (response.closed()) {
      stream.cancel();
      return;
    }
    response.setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
    response.closeHandler(v -> stream.cancel());
    stream.exceptionHandler(failure -> {
      if (!response.closed()) {
        metrics.upstreamError(failure);
        response.write("data: " + OpenAiErrors.of(failure).encode() + "\n\n");
        response.end(DONE);
      }
    });
    stream.endHandler(v -> response.end(DONE));
    stream.handler(chunk -> {
      metrics.tokens(chunk.getProvider(), chunk.getUsage());
      response.write(event(chunk));
      if (response.writeQueueFull()) {
        stream.pause();
        response.drainHandler(drained -> stream.resume());
      }
    });
  }

  private static Buffer event(ChatCompletionChunk chunk) {
    return Buffer.buffer("data: ").appendBuffer(Codec.encode(chunk)).appendString("\n\n");
  }
}
