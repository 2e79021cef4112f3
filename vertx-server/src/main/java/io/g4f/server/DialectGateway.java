package io.g4f.server;

import io.g4f.client.CallOptions;
import io.g4f.client.G4fException;
import io.g4f.client.InvalidRequestException;
import io.g4f.client.Usage;
import io.g4f.client.eventbus.EventBusProtocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs the calls of one API served through chat ({@link ChatDialect}) on HTTP ({@link #http}) and on the event bus
 * ({@link #bus}), as chat completions run: routed by {@link ModelRouter} (the {@code x-g4f-provider} header or
 * event-bus {@code provider} header, g4f's body field {@code provider}, model groups, fallback before the first
 * chunk), admitted by {@link Access} (403, 429), usage recorded; every error in the API's own shape. Over HTTP a
 * streamed answer is the API's server-sent events, with backpressure (a slow client pauses the upstream), and a
 * client that goes away cancels the upstream request; the {@code x-g4f-provider} response header names the provider
 * that served. On the event bus answers are whole: {@code "stream": true} is a 400 there.
 */
final class DialectGateway {

  private final ChatDialect dialect;
  private final ModelRouter router;
  private final Access access;
  private final GatewayMetrics metrics;

  DialectGateway(ChatDialect dialect, ModelRouter router, Access access, GatewayMetrics metrics) {
    this.dialect = dialect;
    this.router = router;
    this.access = access;
    this.metrics = metrics;
  }

  /** A call, routed and admitted. */
  private record Admitted(ChatDialect.Call call, ModelRouter.Route route, CallOptions options) {

    boolean streamed() {
      return Boolean.TRUE.equals(call.request().getStream());
    }
  }

  /** Route handler for the API's HTTP endpoint (behind {@link Access#authenticate} and a body handler). */
  void http(RoutingContext context) {
    HttpServerResponse response = context.response();
    Caller caller = context.get(Caller.CONTEXT_KEY);
    Promise<Void> left = Promise.promise();
    response.closeHandler(closed -> left.tryComplete());
    CallOptions options = ChatCompletionsHandler.upstreamOptions(context).setCancellation(left.future());
    AccessLog.Entry entry = AccessLog.entry(context);
    admit(context.body().buffer(), context.request().getHeader(ModelRouter.PROVIDER_HEADER), caller, entry,
        call -> options)
        .onFailure(failure -> OpenAiErrors.send(response, dialect.error(failure)))
        .onSuccess(admitted -> {
          if (admitted.streamed()) {
            router.stream(admitted.route(), admitted.call().request(), admitted.options())
                .onSuccess(served -> pipe(admitted.call(), served.answer(), served.target().provider(), response,
                    caller, entry))
                .onFailure(failure -> upstreamFailed(admitted.route().provider(), failure,
                    error -> OpenAiErrors.send(response, error)));
          } else {
            whole(admitted, caller, entry)
                .onSuccess(served -> response.putHeader("content-type", "application/json")
                    .putHeader(ModelRouter.PROVIDER_HEADER, served.target().provider())
                    .end(served.answer().toBuffer()))
                .onFailure(failure -> upstreamFailed(admitted.route().provider(), failure,
                    error -> OpenAiErrors.send(response, error)));
          }
        });
  }

  /** Consumer of the API's event-bus address: the HTTP body in, the whole answer back, or {@code fail(status, error)}. */
  void bus(Message<Object> message) {
    if (message.replyAddress() == null) {
      return;
    }
    Caller caller = Caller.fromHeader(message.headers().get(Caller.HEADER));
    AccessLog.Entry entry = AccessLog.entry(message);
    admit(EventBusGateway.body(message), message.headers().get(EventBusProtocol.PROVIDER), caller, entry, call -> {
      CallOptions options = EventBusGateway.callOptions(message);
      if (Boolean.TRUE.equals(call.request().getStream())) {
        throw InvalidRequestException.forParam("stream: true is not served on the event bus for this API; "
            + "ask for a whole answer, or stream over HTTP", null, "stream");
      }
      return options;
    })
        .onFailure(failure -> OpenAiErrors.fail(message, dialect.error(failure)))
        .onSuccess(admitted -> whole(admitted, caller, entry)
            .onSuccess(served -> message.reply(served.answer()))
            .onFailure(failure -> upstreamFailed(admitted.route().provider(), failure,
                error -> OpenAiErrors.fail(message, error))));
  }

  /**
   * Reads, routes and admits a call of {@code caller}, noting its model in its access-log {@code entry};
   * {@code options} checks the call and gives its settings (it may throw a {@link G4fException}).
   */
  private Future<Admitted> admit(Buffer body, String providers, Caller caller, AccessLog.Entry entry,
                                 Function<ChatDialect.Call, CallOptions> options) {
    ChatDialect.Call call;
    CallOptions settings;
    ModelRouter.Route route;
    try {
      call = dialect.call(json(body));
      entry.model(call.request().getModel());
      settings = options.apply(call);
      route = router.route(providers, call.request());
    } catch (G4fException e) {
      return Future.failedFuture(e);
    }
    return access.admit(caller, call.request().getModel()).map(admitted -> new Admitted(call, route, settings));
  }

  private static JsonObject json(Buffer body) {
    if (body == null || body.length() == 0) {
      throw InvalidRequestException.forParam("The request body must be a JSON object", null, null);
    }
    try {
      return body.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw InvalidRequestException.forParam("The request body must be a JSON object: " + e.getMessage(), null, null);
    }
  }

  /** The whole answer in the API's shape, its usage recorded (in {@code entry} too). */
  private Future<ModelRouter.Served<JsonObject>> whole(Admitted admitted, Caller caller, AccessLog.Entry entry) {
    return router.complete(admitted.route(), admitted.call().request(), admitted.options()).map(served -> {
      metrics.tokens(served.target().provider(), served.answer().getUsage());
      access.used(caller, served.answer().getUsage());
      entry.served(served.target().provider(), served.answer().getUsage());
      return new ModelRouter.Served<>(served.target(), admitted.call().answer(served.answer()));
    });
  }

  private void upstreamFailed(String provider, Throwable failure, Consumer<OpenAiErrors.Error> send) {
    metrics.upstreamError(provider, failure);
    send.accept(dialect.error(failure));
  }

  /**
   * Writes {@code stream}'s events to {@code response}; the last usage a chunk reported is {@code caller}'s at the end
   * (and {@code entry}'s).
   */
  private void pipe(ChatDialect.Call call, TargetStream stream, String provider, HttpServerResponse response,
                    Caller caller, AccessLog.Entry entry) {
    if (response.closed()) {
      stream.cancel();
      return;
    }
    ChatCompletionsHandler.startEventStream(response, "text/event-stream; charset=utf-8", provider);
    response.closeHandler(v -> stream.cancel());
    Usage[] usage = new Usage[1];
    Consumer<ChatDialect.Event> write = event -> {
      if (!response.closed() && !response.ended()) {
        response.write(event.sse());
        if (response.writeQueueFull()) {
          stream.pause();
          response.drainHandler(drained -> stream.resume());
        }
      }
    };
    stream.exceptionHandler(failure -> {
      access.used(caller, usage[0]);
      entry.served(provider, usage[0]);
      if (!response.closed() && !response.ended()) {
        metrics.upstreamError(provider, failure);
        call.fail(failure, write);
        response.end();
      }
    });
    stream.endHandler(v -> {
      access.used(caller, usage[0]);
      entry.served(provider, usage[0]);
      call.end(write);
      if (!response.closed() && !response.ended()) {
        response.end();
      }
    });
    stream.handler(chunk -> {
      metrics.tokens(provider, chunk.getUsage());
      usage[0] = chunk.getUsage() != null ? chunk.getUsage() : usage[0];
      call.chunk(chunk, write);
    });
  }
}
