package io.g4f.server;

import io.g4f.client.provider.Providers;
import io.g4f.server.access.Access;
import io.g4f.server.access.SharedCounters;
import io.g4f.server.api.chat.ChatApi;
import io.g4f.server.api.embeddings.EmbeddingsApi;
import io.g4f.server.api.images.ImageFiles;
import io.g4f.server.api.images.ImagesApi;
import io.g4f.server.api.models.ModelsApi;
import io.g4f.server.api.translated.DialectApi;
import io.g4f.server.api.translated.MessagesDialect;
import io.g4f.server.api.translated.ResponsesDialect;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.ModelGroup;
import io.g4f.server.eventbus.EventBusBridges;
import io.g4f.server.eventbus.EventBusFront;
import io.g4f.server.http.Draining;
import io.g4f.server.http.HttpFront;
import io.g4f.server.observability.GatewayMetrics;
import io.g4f.server.pipeline.Apis;
import io.g4f.server.pipeline.Pipeline;
import io.g4f.server.routing.Attempts;
import io.g4f.server.routing.Listings;
import io.g4f.server.routing.ModelRouter;
import io.g4f.server.routing.Targets;
import io.g4f.server.routing.Upstreams;
import io.g4f.server.spend.Budgets;
import io.g4f.server.spend.Costs;
import io.g4f.server.spend.Ledger;
import io.g4f.server.spend.Spend;
import io.g4f.server.spend.SpendReport;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the client API as an OpenAI-compatible HTTP API, so any OpenAI SDK works against it:
 * {@code POST /v1/chat/completions} (JSON or SSE), {@code POST /v1/images/generations},
 * {@code POST /api/{provider}/chat/completions}, {@code POST /v1/responses} ({@link ResponsesDialect}),
 * {@code POST /v1/messages} ({@link MessagesDialect}), {@code POST /v1/embeddings} ({@link EmbeddingsApi}),
 * {@code GET /v1/models}, {@code GET /v1/models/{id}},
 * {@code GET /v1/providers}, {@code GET /images/{file}},
 * {@code GET /health}, {@code GET /health/live} (the process is up), {@code GET /health/ready} ({@link #readiness()}),
 * {@code GET /metrics} (Prometheus: the {@code g4f_*} meters and, with
 * {@link io.g4f.server.observability.Observability}, Vert.x's),
 * {@code GET /v1/spend} and {@code GET /v1/spend/logs} (the spend ledger, {@link SpendReport}), the web playground at {@code GET /}
 * ({@link io.g4f.server.http.Playground});
 * and the same API on the event bus
 * ({@link EventBusFront}, {@code docs/event-bus.md}), every call of every API through one {@link Pipeline}. HTTP is served on {@link GatewayOptions#getEventLoops()}
 * event loops, an {@link HttpFront} each (this verticle's, and one per other loop in verticles it deploys); the event
 * bus on this verticle's. Deploy it with {@code vertx.deployVerticle(new GatewayVerticle(options))}, or run {@link Main}.
 */
public class GatewayVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger("io.g4f.server");
  /** Longest wait at start for the ledger's record of what budgets spent: {@value} s. */
  private static final long LEDGER_WAIT_S = 15;
  /** The negative port numbers standing for port 0, one per gateway started with it. */
  private static final AtomicInteger RANDOM_PORTS = new AtomicInteger();

  private final GatewayOptions options;
  private final Clock clock;
  private final GatewayMetrics metrics;
  private Access access;
  private Spend spend;
  private Ledger ledger;
  private ModelRouter router;
  private Listings listings;
  private HttpFront.Shared shared;
  private EventBusFront eventBus;
  private EventBusBridges bridges;
  private final List<HttpFront> fronts = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private Future<Void> shutdown;
  private volatile boolean stopping;

  /** A gateway with these options. */
  public GatewayVerticle(GatewayOptions options) {
    this(options, Clock.systemUTC());
  }

  /** A gateway whose rate-limit minutes, budget periods and ledger times are those of {@code clock}. */
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
    Upstreams upstreams;
    try {
      access = new Access(vertx, options, metrics, clock);
      upstreams = new Upstreams(vertx, options, options.getEventLoops());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Budgets budgets = new Budgets(options.getTeamKeys(), new SharedCounters(vertx), clock);
    Future<Ledger> opened = options.getLedger() == null ? Future.succeededFuture()
        : Ledger.open(vertx, options.getLedger(), metrics).compose(open -> budgets.load(open)
            .timeout(LEDGER_WAIT_S, TimeUnit.SECONDS)
            .otherwise(failure -> {
              LOG.log(System.Logger.Level.WARNING, "Budgets start from zero: the spend ledger did not answer ({0})",
                  failure.getMessage());
              return null;
            }).map(open));
    return opened.compose(open -> {
      ledger = open;
      spend = new Spend(new Costs(options.getPrices(), metrics), budgets, ledger, metrics);
      return listen(upstreams);
    });
  }

  /** Builds the routes, the pipeline and the fronts, and listens. */
  private Future<?> listen(Upstreams upstreams) {
    Targets targets = new Targets(options, metrics);
    router = new ModelRouter(options, targets);
    listings = new Listings(options, targets);
    ImageFiles imageFiles = new ImageFiles(vertx, options.getImageProvider().client().getImagesDir(),
        options.getImageMaxFiles(), options.getImageMaxAge(), options.getClock());
    Apis apis = new Apis(new ChatApi(), new DialectApi(new ResponsesDialect(), listings),
        new DialectApi(new MessagesDialect(), listings), new EmbeddingsApi(), new ImagesApi(imageFiles),
        new ModelsApi(listings, access));
    Pipeline pipeline = new Pipeline(router, new Attempts(vertx, options, upstreams, metrics), access, metrics, spend,
        clock);
    eventBus = new EventBusFront(vertx, pipeline, apis, options, metrics,
        () -> "http://" + options.getHost() + ":" + actualPort());
    bridges = new EventBusBridges(vertx, options, access);
    shared = new HttpFront.Shared(options, apis, access, metrics, imageFiles, listings, readiness(), bridges::sockJs,
        ledger == null ? null : new SpendReport(ledger));
    HttpFront front = new HttpFront(vertx, shared, pipeline, upstreams);
    fronts.add(front);
    // Port 0 (any free port) cannot be shared by the fronts of the other event loops; a negative port can (the
    // same random port for every server given the same number), one number per gateway.
    int port = options.getPort() == 0 ? RANDOM_PORTS.decrementAndGet() : options.getPort();
    return eventBus.start()
        .compose(registered -> bridges.startTcp())
        .compose(bridged -> front.listen(port))
        .compose(listening -> {
          server = listening;
          return options.getEventLoops() == 1 ? Future.succeededFuture()
              : vertx.deployVerticle(() -> new FrontVerticle(port),
                  new DeploymentOptions().setInstances(options.getEventLoops() - 1));
        })
        .recover(failure -> Future.failedFuture(new IllegalStateException("Cannot listen on "
            + options.getHost() + ":" + options.getPort() + ": " + failure.getMessage(), failure)))
        .onSuccess(listening -> {
          LOG.log(System.Logger.Level.INFO, "g4f gateway listening on http://{0}:{1,number,#}/v1 (providers: {2}; "
                  + "model groups: {8}; chat: {3}, images: {4}; auth: {5}; event bus: {6}.*, SockJS bridge at /eventbus, "
                  + "TCP bridge: {7}; event loops: {9}; prices: the default table of {10}, with the config''s over it)",
              options.getHost(), server.actualPort(),
              String.join(", ", options.getProviders().stream().map(GatewayOptions.ProviderConfig::name).toList()),
              options.getDefaultProvider().name(), options.getImageProvider().name(),
              access.guarded() ? "api key required" : "open", options.getEventBusPrefix(),
              options.getTcpBridgePort() < 0 ? "off" : options.getHost() + ":" + options.getTcpBridgePort(),
              options.getModelGroups().isEmpty() ? "none"
                  : String.join(", ", options.getModelGroups().stream().map(ModelGroup::name).toList()),
              options.getEventLoops(), options.getPrices().asOf());
          if (options.getDefaultProvider().name().equalsIgnoreCase(Providers.POLLINATIONS.name())) {
            LOG.log(System.Logger.Level.WARNING, "No config and no provider key given: chat goes to Pollinations, a "
                + "public keyless service on the internet, so prompts leave this machine for a third party. Give "
                + "--config FILE or a provider key (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, ...) to choose.");
          }
        });
  }

  /**
   * Answers new HTTP requests 503 on every event loop (the health probes aside), lets running ones and streams finish
   * up to the shutdown timeout, cuts what is left (streams with their API's last events, other requests with a 503
   * body; see {@link Draining}), then stops listening on every event loop at once and closes; event-bus streams fail
   * at once with 503.
   */
  @Override
  public Future<?> stop() {
    return shutdown().eventually(() -> Future.join(fronts.stream().map(HttpFront::close).toList()))
        .eventually(() -> ledger == null ? Future.succeededFuture() : ledger.close());
  }

  /**
   * Stops the event bus side and drains every front at once, each on its own event loop, whichever verticle stops
   * first: Vert.x stops the other event loops' {@link FrontVerticle}s, this one's children, before this one.
   */
  private synchronized Future<Void> shutdown() {
    if (shutdown == null) {
      stopping = true;
      Promise<Void> promise = Promise.promise();
      context.runOnContext(now -> {
        Future<Void> drained = Future.all(fronts.stream().map(HttpFront::drain).toList())
            .onSuccess(all -> Draining.Outcome.sum(all.list()).log(options.getShutdownTimeout()))
            .compose(all -> Future.join(fronts.stream().map(HttpFront::stopListening).toList())).mapEmpty();
        eventBus.stop().eventually(bridges::stop).eventually(() -> drained).onComplete(promise);
      });
      shutdown = promise.future();
    }
    return shutdown;
  }

  /**
   * The HTTP front of another event loop: its own upstream clients and a router sharing this gateway's routing
   * targets, listening on the gateway's port.
   */
  private final class FrontVerticle extends VerticleBase {

    private final int port;

    FrontVerticle(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      Upstreams own = new Upstreams(vertx, options, options.getEventLoops());
      Pipeline pipeline = new Pipeline(router, new Attempts(vertx, options, own, metrics), access, metrics, spend,
          clock);
      HttpFront front = new HttpFront(vertx, shared, pipeline, own);
      fronts.add(front);
      return front.listen(port);
    }

    @Override
    public Future<?> stop() {
      return shutdown();
    }
  }

  /**
   * The readiness checks of {@code /health/ready}: {@code listening} (listening and not stopping) and
   * {@code providers} (at least one configured provider whose circuits are not all open).
   */
  HealthChecks readiness() {
    return HealthChecks.create(vertx)
        .register("listening", promise -> promise.complete(server != null && !stopping ? Status.OK() : Status.KO()))
        .register("providers", promise -> {
          List<String> available = listings.availableProviders();
          JsonObject data = new JsonObject().put("available", new JsonArray(available));
          promise.complete(available.isEmpty() ? Status.KO(data) : Status.OK(data));
        });
  }
}
