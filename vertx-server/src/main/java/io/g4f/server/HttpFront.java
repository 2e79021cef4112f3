package io.g4f.server;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.List;
import java.util.Set;

/**
 * One event loop's share of the gateway's HTTP API: an HTTP server on the gateway's port (Vert.x spreads the
 * connections over the servers sharing a port), its routes, and the upstream clients and router its requests call
 * through, so that a request and its upstream connection stay on one thread. What must be seen the same from every
 * event loop (access control and rate limits, routing targets with their breakers, metrics, images, bridges) is the
 * {@link GatewayVerticle}'s, shared. Created and used on its own event loop, but for {@link #drain}.
 */
final class HttpFront {

  private final GatewayVerticle gateway;
  private final Vertx vertx;
  private final Context context;
  private final GatewayOptions options;
  private final Upstreams upstreams;
  private final ModelRouter modelRouter;
  private final Draining draining;
  private HttpServer server;
  private Future<Draining.Outcome> drained;

  /** The front of the current event loop, calling upstreams through {@code upstreams} and {@code modelRouter}. */
  HttpFront(GatewayVerticle gateway, Upstreams upstreams, ModelRouter modelRouter) {
    this.gateway = gateway;
    this.vertx = gateway.vertx();
    this.context = vertx.getOrCreateContext();
    this.options = gateway.options();
    this.upstreams = upstreams;
    this.modelRouter = modelRouter;
    this.draining = new Draining(vertx);
  }

  /**
   * Listens on {@code port} (shared with the other fronts listening on it; a negative port is a random one, the
   * same for every front given the same negative number).
   */
  Future<HttpServer> listen(int port) {
    return vertx.createHttpServer(new HttpServerOptions().setHost(options.getHost()).setPort(port)
            .setCompressionSupported(true))
        .requestHandler(router())
        .listen()
        .onSuccess(listening -> server = listening);
  }

  /**
   * On its own event loop: answers new requests 503 and completes once those in progress are over, cutting what is
   * left after the shutdown timeout ({@link Draining}), then closes the server; what it found and cut. Called
   * again, the same future.
   */
  synchronized Future<Draining.Outcome> drain() {
    if (drained == null) {
      Promise<Draining.Outcome> promise = Promise.promise();
      context.runOnContext(now -> draining.drain(options.getShutdownTimeout())
          .compose(outcome -> (server == null ? Future.<Void>succeededFuture() : server.close()).map(outcome))
          .onComplete(promise));
      drained = promise.future();
    }
    return drained;
  }

  /** Closes the front's upstream clients. */
  Future<Void> close() {
    return upstreams.close();
  }

  private Router router() {
    Router router = Router.router(vertx);
    GatewayMetrics metrics = gateway.metrics();
    Access access = gateway.access();
    ImageFiles imageFiles = gateway.imageFiles();
    router.route().handler(new AccessLog(metrics, router));
    router.route().handler(draining);
    router.route().handler(new OriginPolicy(options.getCorsOrigins()));
    if (!options.getCorsOrigins().isEmpty()) {
      router.route().handler(CorsHandler.create().addOrigins(options.getCorsOrigins())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
          .allowedHeaders(Set.of("authorization", "content-type", "x-api-key", "g4f-api-key", "x-request-id",
              HttpExchange.PROVIDER_HEADER, "anthropic-version", "anthropic-beta",
              "anthropic-dangerous-direct-browser-access"))
          .exposedHeaders(Set.of(HttpExchange.PROVIDER_HEADER)));
    }
    router.get("/health").handler(context -> context.json(new JsonObject().put("status", "UP")));
    router.get("/health/live").handler(context -> context.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(gateway.readiness()));
    router.route("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(options.getBodyLimit()));
    router.route("/eventbus/*").subRouter(gateway.bridges().sockJs());
    if (options.isPlayground()) {
      Playground.mount(router);
    }
    router.route().handler(access::authenticate);
    router.get("/metrics").handler(context -> context.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    for (String api : List.of("/v1/*", "/api/*")) {
      router.route(api).handler(RequestBodies::refuseForms);
      router.route(api).handler(BodyHandler.create(false).setBodyLimit(options.getBodyLimit()));
    }
    Pipeline pipeline = new Pipeline(modelRouter, access, metrics);
    Handler<RoutingContext> chat = HttpExchange.handler(pipeline, new ChatApi());
    router.post("/v1/chat/completions").handler(chat);
    router.post("/api/:provider/chat/completions").handler(chat);
    router.post(ResponsesApi.PATH).handler(HttpExchange.handler(pipeline, new DialectApi(new ResponsesApi(), modelRouter)));
    router.post(MessagesApi.PATH).handler(HttpExchange.handler(pipeline, new DialectApi(new MessagesApi(), modelRouter)));
    router.post(EmbeddingsApi.PATH).handler(HttpExchange.handler(pipeline, new EmbeddingsApi()));
    router.post(ImagesApi.PATH).handler(HttpExchange.handler(pipeline, new ImagesApi(imageFiles)));
    router.get(GatewayVerticle.IMAGES_PATH + ":file").handler(new ImageFilesHandler(imageFiles));
    Handler<RoutingContext> models = HttpExchange.handler(pipeline, new ModelsApi(modelRouter));
    router.get("/v1/models").handler(models);
    router.get("/v1/models/:id").handler(models);
    router.get("/v1/providers").handler(context -> context.json(new JsonObject().put("object", "list")
        .put("data", modelRouter.providers())));
    router.errorHandler(404, context -> GatewayVerticle.send(context, OpenAiErrors.of(404,
        "Unknown route " + context.request().method() + " " + context.request().path(), "invalid_request_error",
        null, "unknown_url")));
    router.errorHandler(405, context -> GatewayVerticle.send(context, OpenAiErrors.of(405,
        "Method " + context.request().method() + " is not allowed on " + context.request().path(),
        "invalid_request_error", null, "method_not_allowed")));
    router.errorHandler(413, context -> {
      context.response().putHeader("connection", "close");
      GatewayVerticle.send(context, OpenAiErrors.of(413, "The request body is larger than " + options.getBodyLimit()
          + " bytes", "invalid_request_error", null, "request_too_large"));
    });
    router.errorHandler(500, context -> GatewayVerticle.send(context, OpenAiErrors.of(context.failure())));
    return router;
  }
}
