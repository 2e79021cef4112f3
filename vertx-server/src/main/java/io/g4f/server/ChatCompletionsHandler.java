package io.g4f.server;

import io.g4f.client.CancellableStream;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.Usage;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.G4fException;
import io.g4f.client.spi.toolkit.Json;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/chat/completions} and {@code POST /api/{provider}/chat/completions}, routed by
 * {@link ModelRouter} (providers named by the path, the {@code x-g4f-provider} header or g4f's
 * {@code "provider"} body field, never sent upstream; or a model group): a JSON completion, or with
 * {@code "stream": true} server-sent events, one {@code data:} event per upstream chunk as it arrives,
 * {@code data: [DONE]} at the end. The {@code x-g4f-provider} response header names the configured
 * provider that served (for a stream, the one whose first chunk came; it is sent before the first byte).
 * Backpressure runs end to end (a slow client pauses the upstream) and a client that goes away
 * cancels the upstream request. A failure after the first byte becomes an error event then {@code [DONE]}
 * ({@link #endWithError}); a plain {@code [DONE]} follows only a stream the client library saw complete (an
 * upstream stream that stops without its end is a failure there). Chunks that arrive together (from one upstream
 * read) go out in few writes.
 */
final class ChatCompletionsHandler implements Handler<RoutingContext> {

  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private final ModelRouter router;
  private final Access access;
  private final GatewayMetrics metrics;

  ChatCompletionsHandler(ModelRouter router, Access access, GatewayMetrics metrics) {
    this.router = router;
    this.access = access;
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext context) {
    ChatCompletionRequest request = RequestBodies.decode(context, ChatCompletionRequest.class);
    if (request == null) {
      return;
    }
    AccessLog.model(context, request.getModel());
    HttpServerResponse response = context.response();
    ModelRouter.Route route;
    try {
      String path = context.pathParam("provider");
      route = router.route(path != null ? path : context.request().getHeader(ModelRouter.PROVIDER_HEADER), request);
    } catch (G4fException e) {
      OpenAiErrors.send(response, OpenAiErrors.of(e));
      return;
    }
    Caller caller = context.get(Caller.CONTEXT_KEY);
    access.admit(caller, request.getModel()).onComplete(admitted -> {
      if (admitted.failed()) {
        OpenAiErrors.send(response, OpenAiErrors.of(admitted.cause()));
      } else if (Boolean.TRUE.equals(request.getStream())) {
        router.stream(route, request, upstreamOptions(context))
            .onSuccess(served -> pipe(served.answer(), served.target().provider(), response, caller,
                AccessLog.entry(context)))
            .onFailure(failure -> fail(response, route.provider(), failure));
      } else {
        Promise<Void> left = Promise.promise();
        response.closeHandler(closed -> left.tryComplete());
        router.complete(route, request, upstreamOptions(context).setCancellation(left.future()))
            .onSuccess(served -> {
              metrics.tokens(served.target().provider(), served.answer().getUsage());
              access.used(caller, served.answer().getUsage());
              AccessLog.entry(context).served(served.target().provider(), served.answer().getUsage());
              response.putHeader("content-type", "application/json")
                  .putHeader(ModelRouter.PROVIDER_HEADER, served.target().provider())
                  .end(Json.encode(served.answer()));
            })
            .onFailure(failure -> fail(response, route.provider(), failure));
      }
    });
  }

  /** The options of the upstream calls of {@code context}'s request: its {@code x-request-id} goes along. */
  static DirectCallOptions upstreamOptions(RoutingContext context) {
    return new DirectCallOptions().putHeader(AccessLog.REQUEST_ID_HEADER, AccessLog.requestId(context));
  }

  private void fail(HttpServerResponse response, String provider, Throwable failure) {
    metrics.upstreamError(provider, failure);
    OpenAiErrors.send(response, OpenAiErrors.of(failure));
  }

  /**
   * Pipes {@code stream} to {@code response}; when it ends or fails, the last usage a chunk reported (a running
   * total for Gemini, the only one for OpenAI) is counted once, in the metrics, for {@code caller} and in its
   * access-log {@code entry}.
   */
  private void pipe(CancellableStream<ChatCompletionChunk> stream, String provider, HttpServerResponse response,
                    Caller caller, AccessLog.Entry entry) {
    if (response.closed()) {
      stream.cancel();
      return;
    }
    startEventStream(response, "text/event-stream", provider);
    response.closeHandler(v -> stream.cancel());
    EventBatch events = new EventBatch(Vertx.currentContext(), stream, response);
    Usage[] usage = new Usage[1];
    stream.exceptionHandler(failure -> {
      metrics.tokens(provider, usage[0]);
      access.used(caller, usage[0]);
      entry.served(provider, usage[0]);
      events.flush();
      if (!response.closed()) {
        metrics.upstreamError(provider, failure);
        endWithError(response, OpenAiErrors.of(failure));
      }
    });
    stream.endHandler(v -> {
      metrics.tokens(provider, usage[0]);
      access.used(caller, usage[0]);
      entry.served(provider, usage[0]);
      events.flush();
      response.end(DONE);
    });
    stream.handler(chunk -> {
      usage[0] = chunk.getUsage() != null ? chunk.getUsage() : usage[0];
      events.add(event(chunk));
    });
  }

  /**
   * Starts an event stream of {@code contentType} served by {@code provider}: chunked, never cached, never
   * buffered by a proxy, and never compressed (a compressor holds events back until its block fills, and
   * costs a deflater per stream), though JSON answers are compressed for callers that ask.
   */
  static void startEventStream(HttpServerResponse response, String contentType, String provider) {
    response.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, contentType)
        .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("x-accel-buffering", "no")
        .putHeader(ModelRouter.PROVIDER_HEADER, provider);
  }

  /**
   * Ends an event stream that failed: an error event, {@code data: {"error":{...}}}, then {@code data: [DONE]}. OpenAI
   * itself sends the error event; its SDKs raise on it and never read further, and clients that read to
   * {@code [DONE]} (curl scripts, hand-written loops) still see an end. Nothing is written to an ended response.
   */
  static void endWithError(HttpServerResponse response, OpenAiErrors.Error error) {
    if (!response.ended() && !response.closed()) {
      response.write("data: " + error.encode() + "\n\n");
      response.end(DONE);
    }
  }

  /**
   * Writes a response's events so that a burst costs few socket writes without holding anything back
   * for long: the first chunk that arrives in an event-loop task is written at once; those decoded
   * after it in the same task (from the same upstream read) are gathered and written as one buffer,
   * when {@value #MAX_GATHERED} bytes are gathered or right after the task. A full write queue pauses
   * the upstream until it drains; a write that fails (the reader is gone, maybe before the response knows it is
   * closed) cancels it.
   */
  static final class EventBatch {

    private static final int MAX_GATHERED = 16 * 1024;

    private final Context context;
    private final CancellableStream<?> stream;
    private final HttpServerResponse response;
    private Buffer gathered;
    private boolean inTask;

    EventBatch(Context context, CancellableStream<?> stream, HttpServerResponse response) {
      this.context = context;
      this.stream = stream;
      this.response = response;
    }

    void add(Buffer event) {
      if (!inTask) {
        inTask = true;
        context.runOnContext(v -> {
          inTask = false;
          flush();
        });
        write(event);
      } else if (gathered == null) {
        gathered = event;
      } else {
        gathered.appendBuffer(event);
      }
      if (gathered != null && gathered.length() >= MAX_GATHERED) {
        flush();
      }
    }

    /** Writes what is gathered. */
    void flush() {
      Buffer events = gathered;
      gathered = null;
      if (events != null) {
        write(events);
      }
    }

    private void write(Buffer events) {
      if (response.closed() || response.ended()) {
        return;
      }
      response.write(events).onFailure(gone -> stream.cancel());
      // A write that fails at once (the reader is gone) cancels the stream, whose failure ends the response.
      if (!response.ended() && response.writeQueueFull()) {
        stream.pause();
        response.drainHandler(drained -> stream.resume());
      }
    }
  }

  private static Buffer event(ChatCompletionChunk chunk) {
    return Buffer.buffer("data: ").appendBuffer(Json.encode(chunk)).appendString("\n\n");
  }
}
