package io.g4f.server.http;

import io.g4f.server.access.Access;
import io.g4f.server.access.Caller;
import io.g4f.server.api.embeddings.EmbeddingsApi;
import io.g4f.server.api.images.ImageFiles;
import io.g4f.server.api.images.ImagesApi;
import io.g4f.server.api.translated.MessagesDialect;
import io.g4f.server.api.translated.ResponsesDialect;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.observability.AccessLog;
import io.g4f.server.observability.GatewayMetrics;
import io.g4f.server.pipeline.Apis;
import io.g4f.server.pipeline.Call;
import io.g4f.server.pipeline.Pipeline;
import io.g4f.server.routing.Listings;
import io.g4f.server.routing.Upstreams;
import io.g4f.server.spend.SpendReport;
import io.g4f.server.wire.OpenAiErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One event loop's share of the gateway's HTTP API: an HTTP server on the gateway's port (Vert.x spreads the
 * connections over the servers sharing a port), its routes, and the pipeline and upstream clients its requests call
 * through, so that a request and its upstream connection stay on one thread. What must be seen the same from every
 * event loop ({@link Shared}: access control and rate limits, routing targets with their breakers, metrics, images,
 * bridges) is the gateway's. Created and used on its own event loop, but for {@link #drain}.
 */
public final class HttpFront {

  /**
   * What the fronts of every event loop share.
   *
   * @param sockJs makes the SockJS bridge's router, one per front
   * @param spend reads the spend ledger, or null when the gateway keeps none (no spend routes then)
   */
  public record Shared(GatewayOptions options, Apis apis, Access access, GatewayMetrics metrics, ImageFiles imageFiles,
                Listings listings, HealthChecks readiness, Supplier<Router> sockJs, SpendReport spend) {
  }

  private final Vertx vertx;
  private final Context context;
  private final Shared shared;
  private final GatewayOptions options;
  private final Pipeline pipeline;
  private final Upstreams upstreams;
  private final Draining draining;
  private HttpServer server;
  private Future<Draining.Outcome> drained;

  /** The front of the current event loop, running calls through {@code pipeline}, whose upstreams are {@code upstreams}. */
  public HttpFront(Vertx vertx, Shared shared, Pipeline pipeline, Upstreams upstreams) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.shared = shared;
    this.options = shared.options();
    this.pipeline = pipeline;
    this.upstreams = upstreams;
    this.draining = new Draining(vertx);
  }

  /**
   * Listens on {@code port} (shared with the other fronts listening on it; a negative port is a random one, the
   * same for every front given the same negative number).
   */
  public Future<HttpServer> listen(int port) {
    return vertx.createHttpServer(new HttpServerOptions().setHost(options.getHost()).setPort(port)
            .setCompressionSupported(true))
        .requestHandler(router())
        .listen()
        .onSuccess(listening -> server = listening);
  }

  /**
   * On its own event loop: answers new requests 503 (but the health probes) and completes once those in progress are
   * over, cutting what is left after the shutdown timeout ({@link Draining}); what it found and cut. The server keeps
   * listening until {@link #stopListening}, so that a probe reaches every front while any still drains. Called
   * again, the same future.
   */
  public synchronized Future<Draining.Outcome> drain() {
    if (drained == null) {
      Promise<Draining.Outcome> promise = Promise.promise();
      context.runOnContext(now -> draining.drain(options.getShutdownTimeout()).onComplete(promise));
      drained = promise.future();
    }
    return drained;
  }

  /** Closes the server, once every front has drained. */
  public Future<Void> stopListening() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** Closes the front's upstream clients. */
  public Future<Void> close() {
    return upstreams.close();
  }

  private Router router() {
    Router router = Router.router(vertx);
    GatewayMetrics metrics = shared.metrics();
    Apis apis = shared.apis();
    router.route().handler(new AccessLog(metrics, router));
    router.route().handler(draining);
    router.route().handler(new OriginPolicy(options.getCorsOrigins()));
    if (!options.getCorsOrigins().isEmpty()) {
      router.route().handler(CorsHandler.create().addOrigins(options.getCorsOrigins())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
          .allowedHeaders(Set.of("authorization", "content-type", "x-api-key", "g4f-api-key", "x-request-id",
              HttpExchange.PROVIDER_HEADER, "anthropic-version", "anthropic-beta",
              "anthropic-dangerous-direct-browser-access"))
          .exposedHeaders(Set.of(HttpExchange.PROVIDER_HEADER, Call.COST_HEADER)));
    }
    router.get("/health").handler(context -> context.json(new JsonObject().put("status", "UP")));
    router.get("/health/live").handler(context -> context.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(shared.readiness()));
    router.route("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(options.getBodyLimit()));
    router.route("/eventbus/*").subRouter(shared.sockJs().get());
    if (options.isPlayground()) {
      Playground.mount(router);
    }
    router.route().handler(this::authenticate);
    router.get("/metrics").handler(this::operatorOnly).handler(context -> context.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    for (String api : List.of("/v1/*", "/api/*")) {
      router.route(api).handler(HttpFront::refuseForms);
      router.route(api).handler(BodyHandler.create(false).setBodyLimit(options.getBodyLimit()));
    }
    Handler<RoutingContext> chat = HttpExchange.handler(pipeline, apis.chat());
    router.post("/v1/chat/completions").handler(chat);
    router.post("/api/:provider/chat/completions").handler(chat);
    router.post(ResponsesDialect.PATH).handler(HttpExchange.handler(pipeline, apis.responses()));
    router.post(MessagesDialect.PATH).handler(HttpExchange.handler(pipeline, apis.messages()));
    router.post(EmbeddingsApi.PATH).handler(HttpExchange.handler(pipeline, apis.embeddings()));
    router.post(ImagesApi.PATH).handler(HttpExchange.handler(pipeline, apis.images()));
    router.get(ImageFiles.PATH + ":file").handler(new ImageFilesHandler(shared.imageFiles()));
    Handler<RoutingContext> models = HttpExchange.handler(pipeline, apis.models());
    router.get("/v1/models").handler(models);
    router.get("/v1/models/:id").handler(models);
    if (shared.spend() != null) {
      router.get("/v1/spend").handler(this::operatorOnly)
          .handler(context -> report(context, shared.spend().summary(context.queryParams())));
      router.get("/v1/spend/logs").handler(this::operatorOnly)
          .handler(context -> report(context, shared.spend().logs(context.queryParams())));
    }
    router.get("/v1/providers").handler(this::operatorOnly).handler(context -> context.json(new JsonObject().put("object", "list")
        .put("data", shared.listings().providers())));
    router.errorHandler(404, context -> HttpExchange.send(context, OpenAiErrors.of(404,
        "Unknown route " + context.request().method() + " " + context.request().path(), "invalid_request_error",
        null, "unknown_url")));
    router.errorHandler(405, context -> HttpExchange.send(context, OpenAiErrors.of(405,
        "Method " + context.request().method() + " is not allowed on " + context.request().path(),
        "invalid_request_error", null, "method_not_allowed")));
    router.errorHandler(413, context -> {
      context.response().putHeader("connection", "close");
      HttpExchange.send(context, OpenAiErrors.of(413, "The request body is larger than " + options.getBodyLimit()
          + " bytes", "invalid_request_error", null, "request_too_large"));
    });
    router.errorHandler(500, context -> HttpExchange.send(context, OpenAiErrors.of(context.failure())));
    return router;
  }

  /**
   * Route handler: identifies the caller from {@code Authorization: Bearer}, {@code x-api-key} or
   * {@code g4f-api-key} ({@link Access#identify}), before any body is read, and puts it in the context under
   * {@link Caller#CONTEXT_KEY} and its id in the access log; answers 401 when a guarded gateway does not know the key.
   */
  private void authenticate(RoutingContext context) {
    Access access = shared.access();
    Caller caller = access.identify(presentedKey(context),
        access.address(context.request().headers(), context.request().remoteAddress()));
    if (caller != null) {
      context.put(Caller.CONTEXT_KEY, caller);
      AccessLog.entry(context).caller(caller.id());
      context.next();
    } else {
      HttpExchange.send(context, OpenAiErrors.of(401, "Missing or invalid API key",
          "authentication_error", null, "invalid_api_key"));
    }
  }

  /** Answers {@code context} with {@code report}, or its failure in OpenAI's error shape (400 for a bad parameter). */
  private static void report(RoutingContext context, Future<JsonObject> report) {
    report.onSuccess(context::json).onFailure(failure -> HttpExchange.send(context, OpenAiErrors.of(failure)));
  }

  /**
   * Route handler for the operator routes ({@code /metrics}, {@code /v1/providers}, {@code /v1/spend}): 403 {@code permission_denied}
   * unless the caller is the operator ({@link Access#operator}).
   */
  private void operatorOnly(RoutingContext context) {
    if (shared.access().operator(context.get(Caller.CONTEXT_KEY))) {
      context.next();
    } else {
      HttpExchange.send(context, OpenAiErrors.of(403, "This route is for the operator key (or a key with "
          + "\"admin\": true)", "permission_denied", null, "permission_denied"));
    }
  }

  private static String presentedKey(RoutingContext context) {
    String authorization = context.request().getHeader("authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authorization.substring(7).trim();
    }
    String key = context.request().getHeader("x-api-key");
    return key != null ? key : context.request().getHeader("g4f-api-key");
  }

  /**
   * Refuses a form body ({@code multipart/*}, {@code application/x-www-form-urlencoded}) with 415 before it is read:
   * every route takes JSON, and the body handler would decode a form (and, on a field over 8 KB, fail without
   * answering). A body without a content type, or with any other, is read as JSON.
   */
  private static void refuseForms(RoutingContext context) {
    String type = context.request().getHeader("content-type");
    if (type != null && (type.regionMatches(true, 0, "multipart/", 0, "multipart/".length())
        || type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33))) {
      OpenAiErrors.send(context.response().putHeader("connection", "close"), OpenAiErrors.of(415,
          "The request body must be JSON (content-type application/json), not " + type.split(";")[0].trim(),
          "invalid_request_error", null, "unsupported_media_type"));
      context.request().resume(); // the unread rest is discarded, so the connection can close
    } else {
      context.next();
    }
  }
}
