package io.g4f.server;

import io.g4f.client.CallOptions;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.errors.G4fException;
import io.g4f.client.eventbus.EventBusProtocol;
import io.g4f.client.spi.toolkit.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Embeddings, OpenAI's {@code /v1/embeddings}, on HTTP ({@link #http}, {@code POST /v1/embeddings}) and on the event
 * bus ({@link #bus}, {@code PREFIX.embeddings}): the body checked field by field (a 400 naming the field), routed by
 * {@link ModelRouter} as chat is (the {@code x-g4f-provider} header or event-bus {@code provider} header, g4f's body
 * field {@code provider}, model groups, fallback), admitted by {@link Access} (403, 429), usage recorded. The answer
 * is OpenAI's embeddings list, each vector as {@code encoding_format} asks; the {@code x-g4f-provider} response
 * header names the provider that served. An HTTP client that goes away cancels the upstream request.
 */
final class EmbeddingsGateway {

  /** The HTTP route. */
  static final String PATH = "/v1/embeddings";

  private final ModelRouter router;
  private final Access access;
  private final GatewayMetrics metrics;

  EmbeddingsGateway(ModelRouter router, Access access, GatewayMetrics metrics) {
    this.router = router;
    this.access = access;
    this.metrics = metrics;
  }

  /** Route handler for {@link #PATH} (behind {@link Access#authenticate} and a body handler). */
  void http(RoutingContext context) {
    HttpServerResponse response = context.response();
    Promise<Void> left = Promise.promise();
    response.closeHandler(closed -> left.tryComplete());
    embed(context.body().buffer(), context.request().getHeader(ModelRouter.PROVIDER_HEADER),
        context.get(Caller.CONTEXT_KEY), AccessLog.entry(context),
        () -> ChatCompletionsHandler.upstreamOptions(context).setCancellation(left.future()))
        .onSuccess(served -> response.putHeader("content-type", "application/json")
            .putHeader(ModelRouter.PROVIDER_HEADER, served.target().provider())
            .end(Json.encode(served.answer())))
        .onFailure(failure -> OpenAiErrors.send(response, OpenAiErrors.of(failure)));
  }

  /** Consumer of {@code PREFIX.embeddings}: the HTTP body in, the HTTP answer back, or {@code fail(status, error)}. */
  void bus(Message<Object> message) {
    if (message.replyAddress() == null) {
      return;
    }
    embed(EventBusGateway.body(message), message.headers().get(EventBusProtocol.PROVIDER),
        Caller.fromHeader(message.headers().get(Caller.HEADER)), AccessLog.entry(message),
        () -> EventBusGateway.callOptions(message))
        .onSuccess(served -> message.reply(new JsonObject(Json.encode(served.answer()))))
        .onFailure(failure -> OpenAiErrors.fail(message, OpenAiErrors.of(failure)));
  }

  /** A settings source that may refuse the call with a {@link G4fException}. */
  @FunctionalInterface
  private interface Settings {
    CallOptions get();
  }

  /**
   * Reads, routes, admits and runs one call of {@code caller}, noting its model and answer in its access-log
   * {@code entry}; an upstream failure is counted against its provider.
   */
  private Future<ModelRouter.Served<EmbeddingsResponse>> embed(Buffer body, String providers, Caller caller,
                                                               AccessLog.Entry entry, Settings settings) {
    EmbeddingRequest request;
    CallOptions options;
    ModelRouter.Route route;
    try {
      request = RequestBodies.parse(body, EmbeddingRequest.class);
      entry.model(request.getModel());
      options = settings.get();
      route = router.route(providers, request);
    } catch (G4fException e) {
      return Future.failedFuture(e);
    }
    return access.admit(caller, request.getModel())
        .compose(admitted -> router.embed(route, request, options)
            .onFailure(failure -> metrics.upstreamError(route.provider(), failure)))
        .onSuccess(served -> {
          metrics.tokens(served.target().provider(), served.answer().getUsage());
          access.used(caller, served.answer().getUsage());
          entry.served(served.target().provider(), served.answer().getUsage());
        });
  }
}
