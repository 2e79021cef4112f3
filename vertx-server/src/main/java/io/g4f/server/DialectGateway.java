package io.g4f.server;

import io.g4f.client.AsyncClient;
import io.g4f.client.CallOptions;
import io.g4f.client.CancellableStream;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.Usage;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.eventbus.EventBusProtocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs the calls of one API served through chat ({@link ChatDialect}) on HTTP ({@link #http}) and on the event bus
 * ({@link #bus}), as chat completions run: routed by {@link ModelRouter} (the {@code x-g4f-provider} header or
 * event-bus {@code provider} header, g4f's body field {@code provider}, model groups, fallback before the first
 * chunk), admitted by {@link Access} (403, 429), usage recorded; every error in the API's own shape. A call to a
 * target whose provider speaks the API natively goes untranslated ({@link ChatDialect#passesThrough},
 * {@link MessagesPassthrough}); a fallback to another target is translated. A streamed answer is the API's events
 * with backpressure (a slow reader pauses the upstream), and a reader that goes away cancels the upstream request:
 * over HTTP as server-sent events, the {@code x-g4f-provider} response header naming the provider that served, a
 * failure after the start as the API's last event; on the event bus as the chunks of a stream
 * ({@link EventBusGateway#stream}), each chunk an event's data, a failure after the start as the failed pull.
 */
final class DialectGateway {

  private final ChatDialect dialect;
  private final ModelRouter router;
  private final Access access;
  private final GatewayMetrics metrics;
  private final MessagesPassthrough passthrough;

  DialectGateway(ChatDialect dialect, ModelRouter router, Access access, GatewayMetrics metrics) {
    this.dialect = dialect;
    this.router = router;
    this.access = access;
    this.metrics = metrics;
    this.passthrough = dialect.passesThrough() ? new MessagesPassthrough(router) : null;
  }

  /** A whole answer in the API's shape, as bytes, and the usage it reported (or null). */
  record Answer(Buffer body, Usage usage) {
  }

  /**
   * One call, read, routed and admitted: the body, its translation to chat (null when it has none, with the reason
   * in {@code untranslatable}, for a call that may still pass through), and the usage and native failure seen so far.
   */
  private static final class Exchange {

    final JsonObject body;
    final ChatDialect.Call call;
    final G4fException untranslatable;
    final ModelRouter.Route route;
    final String model;
    final CallOptions options;
    final String beta;
    Usage usage;
    Throwable nativeFailure;
    /** The call's access-log entry, once admitted. */
    AccessLog.Entry entry;

    Exchange(JsonObject body, ChatDialect.Call call, G4fException untranslatable, ModelRouter.Route route,
             String model, CallOptions options, String beta) {
      this.body = body;
      this.call = call;
      this.untranslatable = untranslatable;
      this.route = route;
      this.model = model;
      this.options = options;
      this.beta = beta;
    }

    boolean streamed() {
      return Boolean.TRUE.equals(body.getValue("stream"));
    }

    /** The translation, or the reason there is none. */
    Future<ChatDialect.Call> translated() {
      return call != null ? Future.succeededFuture(call) : Future.failedFuture(untranslatable);
    }
  }

  /** Route handler for the API's HTTP endpoint (behind {@link Access#authenticate} and a body handler). */
  void http(RoutingContext context) {
    HttpServerResponse response = context.response();
    Caller caller = context.get(Caller.CONTEXT_KEY);
    Promise<Void> left = Promise.promise();
    response.closeHandler(closed -> left.tryComplete());
    CallOptions options = ChatCompletionsHandler.upstreamOptions(context).setCancellation(left.future());
    List<String> beta = context.request().headers().getAll(MessagesPassthrough.ANTHROPIC_BETA);
    admit(context.body().buffer(), context.request().getHeader(ModelRouter.PROVIDER_HEADER), caller, body -> options,
        beta.isEmpty() ? null : String.join(",", beta))
        .onFailure(failure -> OpenAiErrors.send(response, dialect.error(failure)))
        .onSuccess(exchange -> {
          exchange.entry = AccessLog.entry(context).model(exchange.model);
          Consumer<OpenAiErrors.Error> send = error -> OpenAiErrors.send(response, error);
          if (exchange.streamed()) {
            stream(exchange)
                .onSuccess(served -> pipe(exchange, served, response, caller))
                .onFailure(failure -> upstreamFailed(exchange, failure, send));
          } else {
            whole(exchange, caller)
                .onSuccess(served -> response.putHeader("content-type", "application/json")
                    .putHeader(ModelRouter.PROVIDER_HEADER, served.target().provider())
                    .end(served.answer().body()))
                .onFailure(failure -> upstreamFailed(exchange, failure, send));
          }
        });
  }

  /**
   * Consumer of the API's event-bus address: the HTTP body in, the whole answer back, or with {@code "stream": true}
   * a stream served by {@code streams}; or {@code fail(status, error)}.
   */
  void bus(Message<Object> message, EventBusGateway streams) {
    if (message.replyAddress() == null) {
      return;
    }
    Caller caller = Caller.fromHeader(message.headers().get(Caller.HEADER));
    long[] credits = new long[1];
    admit(EventBusGateway.body(message), message.headers().get(EventBusProtocol.PROVIDER), caller, body -> {
      CallOptions options = EventBusGateway.callOptions(message);
      if (Boolean.TRUE.equals(body.getValue("stream"))) {
        try {
          credits[0] = EventBusGateway.credits(message.headers().get(EventBusProtocol.CREDITS));
        } catch (NumberFormatException e) {
          throw InvalidRequestException.forParam("The credits header must be a non-negative integer", null,
              EventBusProtocol.CREDITS);
        }
      }
      return options;
    }, message.headers().get(MessagesPassthrough.ANTHROPIC_BETA))
        .onFailure(failure -> OpenAiErrors.fail(message, dialect.error(failure)))
        .onSuccess(exchange -> {
          exchange.entry = AccessLog.entry(message).model(exchange.model);
          Consumer<OpenAiErrors.Error> fail = error -> OpenAiErrors.fail(message, error);
          if (exchange.streamed()) {
            stream(exchange)
                .onSuccess(served -> {
                  Target target = served.target();
                  streams.stream(message, credits[0], served.answer(), target.provider(), ChatDialect.Event::json,
                      () -> counted(exchange, target.provider(), caller), failure -> streamError(target, failure));
                })
                .onFailure(failure -> upstreamFailed(exchange, failure, fail));
          } else {
            whole(exchange, caller)
                .onSuccess(served -> message.reply(served.answer().body().toJsonObject()))
                .onFailure(failure -> upstreamFailed(exchange, failure, fail));
          }
        });
  }

  /**
   * Reads, routes and admits a call of {@code caller}; {@code settings} gives the settings of a body known to be good
   * (it may throw a {@link G4fException}). A body the API's translation refuses is refused, unless a target of its
   * route takes it untranslated.
   */
  private Future<Exchange> admit(Buffer raw, String providers, Caller caller,
                                 Function<JsonObject, CallOptions> settings, String beta) {
    Exchange exchange;
    try {
      exchange = exchange(json(raw), providers, settings, beta);
    } catch (G4fException e) {
      return Future.failedFuture(e);
    }
    return access.admit(caller, exchange.model).map(admitted -> exchange);
  }

  private Exchange exchange(JsonObject body, String providers, Function<JsonObject, CallOptions> settings,
                            String beta) {
    ChatDialect.Call call = null;
    G4fException untranslatable = null;
    try {
      call = dialect.call(body);
    } catch (G4fException e) {
      if (passthrough == null) {
        throw e;
      }
      untranslatable = e;
    }
    ChatCompletionRequest routed;
    ModelRouter.Route route;
    try {
      routed = call != null ? call.request() : MessagesPassthrough.routing(body);
      route = router.route(providers, routed);
    } catch (G4fException e) {
      throw untranslatable != null ? untranslatable : e;
    }
    if (untranslatable != null && route.targets().stream().noneMatch(passthrough::serves)) {
      throw untranslatable;
    }
    return new Exchange(body, call, untranslatable, route, routed.getModel(), settings.apply(body), beta);
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

  /** Whether calls to {@code target} pass through untranslated. */
  private boolean passesThrough(Target target) {
    return passthrough != null && passthrough.serves(target);
  }

  /** The whole answer in the API's shape, its usage recorded. */
  private Future<ModelRouter.Served<Answer>> whole(Exchange exchange, Caller caller) {
    return router.complete(exchange.route, exchange.model, exchange.options, (target, client, options, span) ->
            passesThrough(target)
                ? passthrough.whole(exchange.body, exchange.beta, target, client, options, span)
                    .onFailure(failure -> exchange.nativeFailure = failure)
                : exchange.translated().compose(call -> client.chat().completions()
                    .create(ModelRouter.forTarget(call.request(), target), options)
                    .map(completion -> {
                      span.answer(completion);
                      return new Answer(call.answer(completion).toBuffer(), completion.getUsage());
                    })))
        .onSuccess(served -> {
          exchange.usage = served.answer().usage();
          counted(exchange, served.target().provider(), caller);
        });
  }

  /** The streamed answer as the API's events, served once a target's first event is at hand. */
  private Future<ModelRouter.Served<TargetStream<ChatDialect.Event>>> stream(Exchange exchange) {
    return router.stream(exchange.route, exchange.model, exchange.options,
        (target, client, options, span) -> passesThrough(target)
            ? passthrough.stream(exchange.body, exchange.beta, target, client, options, span,
                usage -> exchange.usage = usage).onFailure(failure -> exchange.nativeFailure = failure)
            : translatedStream(exchange, client, target, options, span),
        (target, span) -> event -> { });
  }

  /** A target's chat stream as the API's events, the usage its chunks report noted. */
  private static Future<CancellableStream<ChatDialect.Event>> translatedStream(Exchange exchange, AsyncClient client,
                                                                              Target target, DirectCallOptions options,
                                                                              AttemptSpan span) {
    return exchange.translated().compose(call -> client.chat().completions()
        .stream(ModelRouter.forTarget(call.request(), target), options)
        .<CancellableStream<ChatDialect.Event>>map(chunks -> new MappedStream<>(chunks, (chunk, out) -> {
          span.chunk(chunk);
          exchange.usage = chunk.getUsage() != null ? chunk.getUsage() : exchange.usage;
          call.chunk(chunk, out);
        }, call::end)));
  }

  /**
   * Records the call's usage (the last its answer reported) for {@code provider} and {@code caller}, and in its
   * access-log entry.
   */
  private void counted(Exchange exchange, String provider, Caller caller) {
    metrics.tokens(provider, exchange.usage);
    access.used(caller, exchange.usage);
    exchange.entry.served(provider, exchange.usage);
  }

  /** A failure before the answer started, in the upstream's terms when a native upstream failed, else the API's. */
  private void upstreamFailed(Exchange exchange, Throwable failure, Consumer<OpenAiErrors.Error> send) {
    metrics.upstreamError(exchange.route.provider(), failure);
    send.accept(failure == exchange.nativeFailure ? MessagesApi.upstreamError(failure) : dialect.error(failure));
  }

  /** A failure of the stream {@code target} serves, after it started. */
  private OpenAiErrors.Error streamError(Target target, Throwable failure) {
    return passesThrough(target) ? MessagesApi.upstreamError(failure) : dialect.error(failure);
  }

  /**
   * Writes the events of the stream {@code served} to {@code response}; a failure ends it with the API's last events
   * (a translation's: {@code response.failed}, {@code error}; a native stream's: an {@code error} event). The usage
   * is {@code caller}'s at the end.
   */
  private void pipe(Exchange exchange, ModelRouter.Served<TargetStream<ChatDialect.Event>> served,
                    HttpServerResponse response, Caller caller) {
    TargetStream<ChatDialect.Event> stream = served.answer();
    String provider = served.target().provider();
    if (response.closed()) {
      stream.cancel();
      return;
    }
    ChatCompletionsHandler.startEventStream(response, "text/event-stream; charset=utf-8", provider);
    response.closeHandler(v -> stream.cancel());
    ChatCompletionsHandler.EventBatch events = new ChatCompletionsHandler.EventBatch(Vertx.currentContext(), stream,
        response);
    stream.exceptionHandler(failure -> {
      counted(exchange, provider, caller);
      events.flush();
      if (!response.closed() && !response.ended()) {
        metrics.upstreamError(provider, failure);
        Consumer<ChatDialect.Event> write = event -> response.write(event.sse());
        if (passesThrough(served.target())) {
          write.accept(new ChatDialect.Event("error", MessagesApi.upstreamError(failure).body()));
        } else {
          exchange.call.fail(failure, write);
        }
        response.end();
      }
    });
    stream.endHandler(v -> {
      counted(exchange, provider, caller);
      events.flush();
      if (!response.closed() && !response.ended()) {
        response.end();
      }
    });
    stream.handler(event -> events.add(event.sse()));
  }
}
