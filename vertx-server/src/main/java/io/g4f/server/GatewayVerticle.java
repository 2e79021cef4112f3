package io.g4f.server;

import io.g4f.client.provider.Providers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * Serves the client API as an OpenAI-compatible HTTP API, so any OpenAI SDK works against it:
 * {@code POST /v1/chat/completions} (JSON or SSE), {@code POST /v1/images/generations},
 * {@code POST /api/{provider}/chat/completions}, {@code POST /v1/responses} ({@link ResponsesApi}),
 * {@code POST /v1/messages} ({@link MessagesApi}), {@code POST /v1/embeddings} ({@link EmbeddingsGateway}),
 * {@code GET /v1/models}, {@code GET /v1/models/{id}},
 * {@code GET /v1/providers}, {@code GET /images/{file}},
 * {@code GET /health}, {@code GET /health/live} (the process is up), {@code GET /health/ready} ({@link #readiness()}),
 * {@code GET /metrics} (Prometheus: the {@code g4f_*} meters and, with {@link Observability}, Vert.x's), the web playground at {@code GET /} ({@link Playground});
 * and the same API on the event bus
 * ({@link EventBusGateway}, {@code docs/event-bus.md}).
 * Deploy it with {@code vertx.deployVerticle(new GatewayVerticle(options))}, or run {@link Main}.
 */
public class GatewayVerticle extends VerticleBase {

  /** Where generated images are served: {@value}{file}. */
  static final String IMAGES_PATH = "/images/";

  private static final System.Logger LOG = System.getLogger("io.g4f.server");

  private final GatewayOptions options;
  private final Clock clock;
  private final GatewayMetrics metrics;
  private Access access;
  private Upstreams upstreams;
  private ModelRouter modelRouter;
  private EventBusGateway eventBus;
  private ImageFiles imageFiles;
  private EventBusBridges bridges;
  private HttpServer server;
  private Draining draining;
  private volatile boolean stopping;

  /** A gateway with these options. */
  public GatewayVerticle(GatewayOptions options) {
    this(options, Clock.systemUTC());
  }

  /** A gateway whose rate-limit minutes are those of {@code clock}. */
  GatewayVerticle(GatewayOptions options, Clock clock) {
    this.options = options;
    this.clock = clock;
    this.metrics = new GatewayMetrics(options.getMeterRegistry());
  }

  /** The port the gateway listens on, once started. */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    try {
      access = new Access(vertx, options, metrics, clock);
      upstreams = new Upstreams(vertx, options);
      modelRouter = new ModelRouter(vertx, options, upstreams, metrics);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    imageFiles = new ImageFiles(vertx, options.getImageProvider().client().getImagesDir(),
        options.getImageMaxFiles(), options.getImageMaxAge(), options.getClock());
    eventBus = new EventBusGateway(vertx, upstreams, modelRouter, access, options, metrics, imageFiles,
        () -> "http://" + options.getHost() + ":" + actualPort());
    bridges = new EventBusBridges(vertx, options, access);
    return eventBus.start()
        .compose(registered -> bridges.startTcp())
        .compose(bridged -> vertx.createHttpServer(new HttpServerOptions().setHost(options.getHost())
                .setPort(options.getPort()).setCompressionSupported(true))
            .requestHandler(router())
            .listen()
            .recover(failure -> Future.failedFuture(new IllegalStateException("Cannot listen on "
                + options.getHost() + ":" + options.getPort() + ": " + failure.getMessage(), failure))))
        .onSuccess(listening -> {
          server = listening;
          LOG.log(System.Logger.Level.INFO, "g4f gateway listening on http://{0}:{1,number,#}/v1 (providers: {2}; "
                  + "model groups: {8}; chat: {3}, images: {4}; auth: {5}; event bus: {6}.*, SockJS bridge at /eventbus, "
                  + "TCP bridge: {7})",
              options.getHost(), listening.actualPort(),
              String.join(", ", options.getProviders().stream().map(GatewayOptions.ProviderConfig::name).toList()),
              options.getDefaultProvider().name(), options.getImageProvider().name(),
              access.guarded() ? "api key required" : "open", options.getEventBusPrefix(),
              options.getTcpBridgePort() < 0 ? "off" : options.getHost() + ":" + options.getTcpBridgePort(),
              options.getModelGroups().isEmpty() ? "none"
                  : String.join(", ", options.getModelGroups().stream().map(ModelGroup::name).toList()));
          if (options.getDefaultProvider().name().equalsIgnoreCase(Providers.POLLINATIONS.name())) {
            LOG.log(System.Logger.Level.WARNING, "No config and no provider key given: chat goes to Pollinations, a "
                + "public keyless service on the internet, so prompts leave this machine for a third party. Give "
                + "--config FILE or a provider key (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, ...) to choose.");
          }
        });
  }

  /**
   * Answers new HTTP requests 503, lets running ones and streams finish up to the shutdown timeout, cuts what is
   * left (streams with an error event and {@code [DONE]}, other requests with a 503 body; see {@link Draining}),
   * then closes; event-bus streams fail at once with 503.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    Future<Void> drained = server == null ? Future.succeededFuture()
        : draining.drain(options.getShutdownTimeout()).compose(cut -> server.close());
    return eventBus.stop().eventually(bridges::stop).eventually(() -> drained).eventually(upstreams::close);
  }

  private Router router() {
    Router router = Router.router(vertx);
    draining = new Draining(vertx);
    router.route().handler(new AccessLog(metrics, router));
    router.route().handler(draining);
    router.route().handler(new OriginPolicy(options.getCorsOrigins()));
    if (!options.getCorsOrigins().isEmpty()) {
      router.route().handler(CorsHandler.create().addOrigins(options.getCorsOrigins())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
          .allowedHeaders(Set.of("authorization", "content-type", "x-api-key", "g4f-api-key", "x-request-id",
              ModelRouter.PROVIDER_HEADER, "anthropic-version", "anthropic-beta",
              "anthropic-dangerous-direct-browser-access"))
          .exposedHeaders(Set.of(ModelRouter.PROVIDER_HEADER)));
    }
    router.get("/health").handler(context -> context.json(new JsonObject().put("status", "UP")));
    router.get("/health/live").handler(context -> context.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness()));
    router.route("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(options.getBodyLimit()));
    router.route("/eventbus/*").subRouter(bridges.sockJs());
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
    ChatCompletionsHandler chat = new ChatCompletionsHandler(modelRouter, access, metrics);
    router.post("/v1/chat/completions").handler(chat);
    router.post("/api/:provider/chat/completions").handler(chat);
    router.post(ResponsesApi.PATH).handler(new DialectGateway(new ResponsesApi(), modelRouter, access, metrics)::http);
    router.post(MessagesApi.PATH).handler(new DialectGateway(new MessagesApi(), modelRouter, access, metrics)::http);
    router.post(EmbeddingsGateway.PATH).handler(new EmbeddingsGateway(modelRouter, access, metrics)::http);
    router.post("/v1/images/generations").handler(new ImagesHandler(upstreams, access, imageFiles, metrics));
    router.get(IMAGES_PATH + ":file").handler(new ImageFilesHandler(imageFiles));
    router.get("/v1/models").handler(context -> context.json(new JsonObject().put("object", "list")
        .put("data", modelRouter.models())));
    router.get("/v1/models/:id").handler(this::model);
    router.get("/v1/providers").handler(context -> context.json(new JsonObject().put("object", "list")
        .put("data", modelRouter.providers())));
    router.errorHandler(404, context -> send(context, OpenAiErrors.of(404,
        "Unknown route " + context.request().method() + " " + context.request().path(), "invalid_request_error",
        null, "unknown_url")));
    router.errorHandler(405, context -> send(context, OpenAiErrors.of(405,
        "Method " + context.request().method() + " is not allowed on " + context.request().path(),
        "invalid_request_error", null, "method_not_allowed")));
    router.errorHandler(413, context -> {
      context.response().putHeader("connection", "close");
      send(context, OpenAiErrors.of(413, "The request body is larger than " + options.getBodyLimit() + " bytes",
          "invalid_request_error", null, "request_too_large"));
    });
    router.errorHandler(500, context -> send(context, OpenAiErrors.of(context.failure())));
    return router;
  }

  /**
   * The readiness checks of {@code /health/ready}: {@code listening} (listening and not stopping) and
   * {@code providers} (at least one configured provider whose circuits are not all open).
   */
  HealthChecks readiness() {
    return HealthChecks.create(vertx)
        .register("listening", promise -> promise.complete(server != null && !stopping ? Status.OK() : Status.KO()))
        .register("providers", promise -> {
          List<String> available = modelRouter.availableProviders();
          JsonObject data = new JsonObject().put("available", new JsonArray(available));
          promise.complete(available.isEmpty() ? Status.KO(data) : Status.OK(data));
        });
  }

  /** Ends the request with {@code error}, in Anthropic's shape on {@code /v1/messages...}. */
  static void send(RoutingContext context, OpenAiErrors.Error error) {
    OpenAiErrors.send(context.response(), context.request().path().startsWith(MessagesApi.PATH)
        ? MessagesApi.errorShape(error) : error);
  }

  private void model(RoutingContext context) {
    JsonObject model = modelRouter.model(context.pathParam("id"));
    if (model != null) {
      context.json(model);
    } else {
      OpenAiErrors.send(context.response(), OpenAiErrors.of(404,
          "The model '" + context.pathParam("id") + "' does not exist",
          "invalid_request_error", "model", "model_not_found"));
    }
  }
}
