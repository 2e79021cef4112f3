package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.EventBusAsyncClient;
import io.g4f.client.EventBusClientOptions;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.observability.Observability;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Vert.x's metrics next to the gateway's on one registry, few latency buckets, route labels, and the health probes. */
class ObservabilityTest {

  private Observability observability;
  private Vertx vertx;
  private ScriptedServer upstream;
  private WebClient http;

  @BeforeEach
  void setUp() {
    observability = Observability.fromEnvironment(Map.of());
    vertx = observability.vertxBuilder(new VertxOptions()).build();
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    http = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
    observability.close();
  }

  private GatewayVerticle deploy(GatewayOptions options) {
    GatewayVerticle gateway = new GatewayVerticle(options.setPort(0).setMeterRegistry(observability.registry())
        .addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0), List.of()));
    await(vertx.deployVerticle(gateway));
    return gateway;
  }

  @Test
  void aGatewayStartedAsMainDoesLogsNoMetricsWarning() {
    try (LoggedEvents logged = LoggedEvents.on(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      deploy(new GatewayOptions());

      assertThat(logged.warnings("io.micrometer")).isEmpty();
      assertThat(logged.warnings("io.vertx.micrometer")).isEmpty();
    }
    assertThat(observability.registry().get("vertx.eventbus.handlers").gauge().value())
        .as("each of the gateway's event-bus handlers still counted").isGreaterThanOrEqualTo(6);
  }

  @Test
  void micrometersWarningAboutAVertxGaugeRegisteredAgainIsDroppedAndAnyOtherShows() {
    String again = "This Gauge has been already registered (MeterId{name='%s', tags=[]}), the registration will be "
        + "ignored. Note that subsequent logs will be logged at debug level.";
    try (LoggedEvents logged = LoggedEvents.on(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      org.slf4j.Logger micrometer = LoggerFactory.getLogger("io.micrometer.core.instrument.MeterRegistry");
      micrometer.warn(again.formatted("vertx.eventbus.handlers"));
      micrometer.warn(again.formatted("g4f.target.circuit.state"));

      assertThat(logged.warnings("io.micrometer")).singleElement().asString().contains("g4f.target.circuit.state");
    }
  }

  @Test
  void metricsHaveVertxFamiliesNextToTheGatewaysOwnWithFewBuckets() {
    int port = deploy(new GatewayOptions()).actualPort();
    await(http.post(port, "127.0.0.1", "/v1/chat/completions").sendJsonObject(new JsonObject().put("messages", "hi")));
    await(http.post(port, "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(new JsonObject().put("messages", "hi").put("stream", true)));
    EventBusAsyncClient bus = EventBusAsyncClient.create(vertx, new EventBusClientOptions());
    await(bus.chat().completions().create(new ChatCompletionRequest().addUserMessage("hi")));

    String metrics = await(http.get(port, "127.0.0.1", "/metrics").send()).bodyAsString();

    assertThat(metrics)
        .contains("g4f_requests_seconds_count{route=\"/v1/chat/completions\",status=\"200\"} 2")
        .contains("g4f_tokens_total{kind=\"prompt\",provider=\"local\"}")
        .contains("vertx_http_server_requests_total{code=\"200\",method=\"POST\",remote=\"callers\"}")
        .containsPattern("vertx_http_client_requests_total\\{[^}]*remote=\"127.0.0.1:" + upstream.port() + "\"")
        .containsPattern("vertx_http_client_active_connections\\{[^}]*remote=\"127.0.0.1:" + upstream.port() + "\"")
        .containsPattern("vertx_pool_in_use\\{pool_name=\"127.0.0.1:" + upstream.port() + "\",pool_type=\"http\"}")
        .contains("vertx_eventbus_processed_total")
        .contains("vertx_eventbus_handlers");
    long buckets = Arrays.stream(metrics.split("\n"))
        .filter(line -> line.startsWith("g4f_requests_seconds_bucket{route=\"/v1/chat/completions\",status=\"200\""))
        .count();
    assertThat(buckets).as("service-level buckets and +Inf").isBetween(5L, 13L);
  }

  @Test
  void rejectedRequestsAreRecordedUnderTheRouteTheyWereFor() {
    int port = deploy(new GatewayOptions().setApiKey("sekret")).actualPort();
    await(http.post(port, "127.0.0.1", "/v1/chat/completions").sendJsonObject(new JsonObject().put("messages", "hi")));
    await(http.get(port, "127.0.0.1", "/v1/models/some-model").send());
    await(http.get(port, "127.0.0.1", "/nowhere").bearerTokenAuthentication("sekret").send());

    String metrics = await(http.get(port, "127.0.0.1", "/metrics").bearerTokenAuthentication("sekret").send())
        .bodyAsString();

    assertThat(metrics)
        .contains("g4f_requests_seconds_count{route=\"/v1/chat/completions\",status=\"401\"} 1")
        .contains("g4f_requests_seconds_count{route=\"/v1/models/:id\",status=\"401\"} 1")
        .contains("g4f_requests_seconds_count{route=\"unmatched\",status=\"404\"} 1");
  }

  @Test
  void livenessIsAlwaysUpAndReadinessFollowsTheCircuits() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 503, "application/json", "{\"error\":\"down\"}");
    int port = deploy(new GatewayOptions().setApiKey("sekret").setBreakerFailureThreshold(1)).actualPort();

    assertThat(await(http.get(port, "127.0.0.1", "/health/live").send()).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> ready = await(http.get(port, "127.0.0.1", "/health/ready").send());
    assertThat(ready.statusCode()).as("no key needed").isEqualTo(200);
    assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("UP");

    await(http.post(port, "127.0.0.1", "/v1/chat/completions").bearerTokenAuthentication("sekret")
        .sendJsonObject(new JsonObject().put("messages", "hi")));

    HttpResponse<Buffer> open = await(http.get(port, "127.0.0.1", "/health/ready").send());
    assertThat(open.statusCode()).as("the only provider's circuit is open").isEqualTo(503);
    assertThat(open.bodyAsString()).contains("providers");
    assertThat(await(http.get(port, "127.0.0.1", "/health/live").send()).statusCode()).isEqualTo(200);
  }

  @Test
  void readinessIsDownWhileStopping() {
    AtomicInteger sent = new AtomicInteger();
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      HttpServerResponse response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      vertx.setPeriodic(100, id -> {
        if (sent.incrementAndGet() <= 10) {
          response.write("data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
              + "\"delta\":{\"content\":\"x\"}}]}\n\n");
        } else {
          vertx.cancelTimer(id);
          response.end("data: [DONE]\n\n");
        }
      });
    });
    GatewayVerticle gateway = deploy(new GatewayOptions().setShutdownTimeout(10_000));
    assertThat(await(gateway.readiness().checkStatus()).getUp()).isTrue();
    Future<HttpResponse<Buffer>> streaming = http.post(gateway.actualPort(), "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(new JsonObject().put("stream", true).put("messages", "count"));
    long deadline = System.currentTimeMillis() + 10_000;
    while (sent.get() < 2 && System.currentTimeMillis() < deadline) {
      Thread.yield();
    }

    Future<Void> undeployed = vertx.undeploy(vertx.deploymentIDs().iterator().next());

    CheckResult stopping = await(gateway.readiness().checkStatus());
    while (stopping.getUp() && System.currentTimeMillis() < deadline) {
      stopping = await(gateway.readiness().checkStatus());
    }
    assertThat(streaming.isComplete()).as("the stream still drains").isFalse();
    assertThat(stopping.getUp()).isFalse();
    assertThat(stopping.getChecks()).anyMatch(check -> check.getId().equals("listening") && !check.getUp());
    await(streaming);
    await(undeployed);
  }
}
