package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Served images, CORS, request ids and graceful shutdown. */
@ExtendWith(VertxExtension.class)
class GatewayOperationsTest {

  private static final byte[] PNG = ScriptedServer.onePixelPng();

  @TempDir
  Path imagesDir;
  private Vertx vertx;
  private ScriptedServer upstream;
  private WebClient http;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions")
        .reply(HttpMethod.POST, "/v1/images/generations", 200, "application/json",
            "{\"created\":1,\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(PNG) + "\"}]}");
    http = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  private GatewayVerticle deploy(GatewayOptions options) {
    ClientOptions client = new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0)
        .setImagesDir(imagesDir.toString());
    GatewayVerticle gateway = new GatewayVerticle(options.setPort(0).addProvider("local", client, List.of()));
    await(vertx.deployVerticle(gateway));
    return gateway;
  }

  @Test
  void imagesAskedAsUrlAreServedByTheGatewayWithTypeAndEtag() {
    int port = deploy(new GatewayOptions()).actualPort();

    JsonObject response = await(http.post(port, "127.0.0.1", "/v1/images/generations")
        .sendJsonObject(new JsonObject().put("prompt", "a cat").put("response_format", "url"))).bodyAsJsonObject();

    String url = response.getJsonArray("data").getJsonObject(0).getString("url");
    assertThat(url).startsWith("http://127.0.0.1:" + port + "/images/").endsWith(".png");
    HttpResponse<Buffer> image = await(http.getAbs(url).send());
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(image.getHeader("content-type")).isEqualTo("image/png");
    assertThat(image.getHeader("etag")).isNotBlank();
    assertThat(image.body().getBytes()).isEqualTo(PNG);
    HttpResponse<Buffer> cached = await(http.getAbs(url).putHeader("if-none-match", image.getHeader("etag")).send());
    assertThat(cached.statusCode()).isEqualTo(304);
  }

  @Test
  void imagePathsCannotEscapeTheImagesDirectory() {
    int port = deploy(new GatewayOptions()).actualPort();

    for (String path : List.of("/images/../pom.xml", "/images/%2e%2e/%2e%2e/etc/passwd", "/images/..%2f..%2fetc%2fpasswd",
        "/images/", "/images/nothing.png")) {
      HttpResponse<Buffer> response = await(http.get(port, "127.0.0.1", path).send());
      assertThat(response.statusCode()).as(path).isIn(400, 403, 404);
      assertThat(response.bodyAsString() == null ? "" : response.bodyAsString()).as(path)
          .doesNotContain("root:").doesNotContain("<project");
    }
  }

  @Test
  void corsIsOffByDefaultAndOnForConfiguredOrigins() {
    int closed = deploy(new GatewayOptions()).actualPort();
    int open = deploy(new GatewayOptions().setCorsOrigins(List.of("https://app.example"))).actualPort();

    assertThat(await(http.get(closed, "127.0.0.1", "/v1/models").putHeader("origin", "https://app.example").send())
        .getHeader("access-control-allow-origin")).isNull();
    HttpResponse<Buffer> preflight = await(http.request(HttpMethod.OPTIONS, open, "127.0.0.1", "/v1/chat/completions")
        .putHeader("origin", "https://app.example").putHeader("access-control-request-method", "POST").send());
    assertThat(preflight.getHeader("access-control-allow-origin")).isEqualTo("https://app.example");
  }

  @Test
  void metricsCountRequestsTokensAndUpstreamErrors() {
    int port = deploy(new GatewayOptions()).actualPort();
    await(http.post(port, "127.0.0.1", "/v1/chat/completions").sendJsonObject(new JsonObject().put("messages", "hi")));
    await(http.post(port, "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(new JsonObject().put("messages", "hi").put("stream", true)));
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 503, "application/json", "{\"error\":\"down\"}");
    await(http.post(port, "127.0.0.1", "/v1/chat/completions").sendJsonObject(new JsonObject().put("messages", "hi")));

    HttpResponse<Buffer> metrics = await(http.get(port, "127.0.0.1", "/metrics").send());

    assertThat(metrics.getHeader("content-type")).startsWith("text/plain");
    assertThat(metrics.bodyAsString())
        .contains("g4f_requests_seconds_count{route=\"/v1/chat/completions\",status=\"200\"} 2")
        .contains("g4f_requests_seconds_count{route=\"/v1/chat/completions\",status=\"502\"} 1")
        .contains("g4f_requests_seconds_bucket{route=\"/v1/chat/completions\",status=\"200\",le=")
        .contains("g4f_tokens_total{kind=\"prompt\",provider=\"local\"} 24.0")
        .contains("g4f_tokens_total{kind=\"completion\",provider=\"local\"} 10.0")
        .contains("g4f_upstream_errors_total{error=\"ProviderException\",provider=\"local\"} 1.0");
  }

  @Test
  void everyResponseCarriesARequestId() {
    int port = deploy(new GatewayOptions()).actualPort();

    assertThat(await(http.get(port, "127.0.0.1", "/health").putHeader("x-request-id", "abc-123").send())
        .getHeader("x-request-id")).isEqualTo("abc-123");
    assertThat(await(http.get(port, "127.0.0.1", "/health").putHeader("x-request-id", "bad id!").send())
        .getHeader("x-request-id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(Stream.generate(() -> await(http.get(port, "127.0.0.1", "/health").send()).getHeader("x-request-id"))
        .limit(20).distinct()).as("a new id each time").hasSize(20);
  }

  @Test
  void theAccessLogLineIsWrittenOffTheEventLoop() throws InterruptedException {
    try (LogCapture log = LogCapture.record(Main.LogFormat.text)) {
      int port = deploy(new GatewayOptions()).actualPort();
      await(http.get(port, "127.0.0.1", "/health").putHeader("x-request-id", "logged-1").send());

      LogCapture.Line line = log.next(text -> text.contains(" io.g4f.server.access - "));
      assertThat(line.text()).matches(".* INFO +io.g4f.server.access - logged-1 GET /health 200 [0-9.]+ms");
      assertThat(line.thread()).startsWith("AsyncAppender-Worker");
    }
  }

  @Test
  void shutdownLetsARunningStreamFinish() {
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
    int port = gateway.actualPort();

    Future<HttpResponse<Buffer>> streaming = http.post(port, "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(new JsonObject().put("stream", true).put("messages", "count"));
    long deadline = System.currentTimeMillis() + 10_000;
    while (sent.get() < 2 && System.currentTimeMillis() < deadline) {
      Thread.yield();
    }
    Future<Void> undeployed = vertx.undeploy(vertx.deploymentIDs().iterator().next());

    String body = await(streaming).bodyAsString();
    String[] events = body.split("\n\n");
    assertThat(events).hasSize(11);
    assertThat(events[10]).isEqualTo("data: [DONE]");
    await(undeployed);
    Boolean refused = await(http.get(port, "127.0.0.1", "/health").send()
        .transform(ar -> Future.succeededFuture(ar.failed())));
    assertThat(refused).as("no longer accepting").isTrue();
  }
}
