package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.AsyncClient;
import io.g4f.client.CallOptions;
import io.g4f.client.ClientOptions;
import io.g4f.client.EventBusAsyncClient;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.ModelGroup;
import io.g4f.server.http.HttpExchange;
import io.g4f.server.routing.TargetsFailedException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Model groups, provider lists, fallback and circuit breakers, against scripted upstreams {@code a} and {@code b}. */
@ExtendWith(VertxExtension.class)
class GatewayRoutingTest {

  private static final String PATH = "/v1/chat/completions";
  private static final String COMPLETION = resource("transcripts/openai-chat-completion.json");
  private static final String CHUNK =
      "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n";
  private static final String KEY_A = "sk-secret-of-a";

  private Vertx vertx;
  private ScriptedServer a;
  private ScriptedServer b;
  private WebClient http;
  private final TestClock clock = new TestClock();
  private final List<HttpServerResponse> held = new ArrayList<>();

  /** A clock the test moves by hand. */
  private static final class TestClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    a = ScriptedServer.start(vertx).openAiChat(PATH);
    b = ScriptedServer.start(vertx).openAiChat(PATH);
    http = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    held.forEach(response -> {
      if (!response.closed()) {
        response.reset();
      }
    });
    a.close();
    b.close();
  }

  /** Providers {@code a} (key {@link #KEY_A}) and {@code b}, no client retries, the test's clock and a seeded random. */
  private GatewayOptions options(String baseUrlOfA) {
    return new GatewayOptions().setPort(0).setClock(clock).setRandom(new Random(42))
        .addProvider("a", new ClientOptions().setBaseUrl(baseUrlOfA).setApiKey(KEY_A).setMaxRetries(0), List.of("m1", "shared"))
        .addProvider("b", new ClientOptions().setBaseUrl(b.baseUrl()).setMaxRetries(0), List.of("shared"));
  }

  private GatewayOptions options() {
    return options(a.baseUrl());
  }

  private static ModelGroup group(String name, ModelGroup.Strategy strategy, Long timeout, ModelGroup.Target... targets) {
    return new ModelGroup(name, strategy, List.of(targets), Set.of(), timeout, null);
  }

  private static ModelGroup.Target target(String provider, String model) {
    return new ModelGroup.Target(provider, model, 1);
  }

  private int deploy(GatewayOptions options) {
    GatewayVerticle gateway = new GatewayVerticle(options);
    await(vertx.deployVerticle(gateway));
    return gateway.actualPort();
  }

  private HttpResponse<Buffer> post(int port, String body) {
    return post(port, body, request -> { });
  }

  private HttpResponse<Buffer> post(int port, String body, Consumer<HttpRequest<Buffer>> customize) {
    HttpRequest<Buffer> request = http.post(port, "127.0.0.1", PATH).putHeader("content-type", "application/json");
    customize.accept(request);
    return await(request.sendBuffer(Buffer.buffer(body)));
  }

  private static String chat(String model, boolean stream) {
    return new JsonObject().put("model", model).put("stream", stream).put("messages", "hi").encode();
  }

  private JsonArray targets(int port, String provider) {
    JsonArray providers = await(http.get(port, "127.0.0.1", "/v1/providers").send()).bodyAsJsonObject().getJsonArray("data");
    return providers.stream().map(JsonObject.class::cast).filter(entry -> entry.getString("id").equals(provider))
        .findFirst().orElseThrow().getJsonArray("targets");
  }

  private JsonObject target(int port, String provider, String model) {
    return targets(port, provider).stream().map(JsonObject.class::cast)
        .filter(entry -> model.equals(entry.getString("model"))).findFirst().orElseThrow();
  }

  private String metrics(int port) {
    return await(http.get(port, "127.0.0.1", "/metrics").send()).bodyAsString();
  }

  /** Asserts an answer came from {@code b}, whole or streamed, named so in the header and the body. */
  private static void servedByB(HttpResponse<Buffer> response, boolean stream) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader(HttpExchange.PROVIDER_HEADER)).isEqualTo("b");
    if (stream) {
      String[] events = response.bodyAsString().split("\n\n");
      assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
      assertThat(new JsonObject(events[0].substring("data: ".length())).getString("provider")).isEqualTo("b");
      assertThat(response.bodyAsString()).contains("\"content\":\"This\"");
    } else {
      assertThat(response.bodyAsJsonObject().getString("provider")).isEqualTo("b");
      assertThat(response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("message")
          .getString("content")).isEqualTo("This is a test.");
    }
  }

  @ParameterizedTest(name = "{0}, stream={1}")
  @CsvSource({
      "refused, false", "refused, true", "503, false", "503, true", "429, false", "429, true",
      "silent, false", "silent, true", "slow, false", "slow, true"})
  void aFailingTargetIsLeftForTheNext(String failure, boolean stream) {
    String baseUrlOfA = a.baseUrl();
    switch (failure) {
      case "refused" -> a.close();
      case "503" -> a.reply(HttpMethod.POST, PATH, 503, "application/json", "{\"error\":{\"message\":\"overloaded\"}}");
      case "429" -> a.on(HttpMethod.POST, PATH, request -> request.response().setStatusCode(429)
          .putHeader("retry-after", "7").putHeader("content-type", "application/json")
          .end("{\"error\":{\"message\":\"slow down\"}}"));
      case "silent" -> a.on(HttpMethod.POST, PATH, request -> held.add(request.response()));
      case "slow" -> a.on(HttpMethod.POST, PATH, request -> {
        held.add(request.response());
        request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(": thinking\n\n");
      });
      default -> throw new IllegalArgumentException(failure);
    }
    int port = deploy(options(baseUrlOfA).addModelGroup(group("smart", ModelGroup.Strategy.FALLBACK, 300L,
        target("a", "model-a"), target("b", "model-b"))));

    HttpResponse<Buffer> response = post(port, chat("smart", stream));

    servedByB(response, stream);
    assertThat(b.last().json().getString("model")).isEqualTo("model-b");
    if (!failure.equals("refused")) {
      assertThat(a.received()).hasSize(1);
      assertThat(a.last().json().getString("model")).isEqualTo("model-a");
    }
    assertThat(metrics(port))
        .contains("g4f_target_attempts_total{model=\"model-a\",provider=\"a\"} 1.0")
        .contains("g4f_target_fallbacks_total{model=\"model-a\",provider=\"a\"} 1.0")
        .contains("g4f_target_attempts_total{model=\"model-b\",provider=\"b\"} 1.0")
        .containsPattern("g4f_target_failures_total\\{error=\"\\w+\",model=\"model-a\",provider=\"a\"} 1.0");
  }

  @Test
  void whenEveryTargetFailsOneErrorNamesEachFailureButNoKey() {
    a.reply(HttpMethod.POST, PATH, 503, "application/json", "{\"error\":{\"message\":\"a is overloaded\"}}");
    b.reply(HttpMethod.POST, PATH, 500, "application/json", "{\"error\":{\"message\":\"b broke\"}}");
    int port = deploy(options().addModelGroup(group("smart", ModelGroup.Strategy.FALLBACK, null,
        target("a", "model-a"), target("b", "model-b"))));

    for (boolean stream : new boolean[] {false, true}) {
      HttpResponse<Buffer> response = post(port, chat("smart", stream));

      assertThat(response.statusCode()).isEqualTo(502);
      JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo(TargetsFailedException.FAILED);
      assertThat(error.getString("message")).startsWith("Every target of model group 'smart' failed:")
          .contains("a/model-a: ").contains("a is overloaded").contains("b/model-b: ").contains("b broke")
          .doesNotContain(KEY_A);
    }
  }

  @Test
  void aClientErrorIsTheAnswerAndNeverTripsTheCircuit() {
    a.reply(HttpMethod.POST, PATH, 400, "application/json",
        "{\"error\":{\"message\":\"bad temperature\",\"type\":\"invalid_request_error\",\"param\":\"temperature\"}}");
    int port = deploy(options().setBreakerFailureThreshold(2).addModelGroup(group("smart", ModelGroup.Strategy.FALLBACK,
        null, target("a", "model-a"), target("b", "model-b"))));

    for (int i = 0; i < 4; i++) {
      HttpResponse<Buffer> response = post(port, chat("smart", i % 2 == 0));
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("bad temperature");
    }

    assertThat(a.received()).hasSize(4);
    assertThat(b.received()).isEmpty();
    assertThat(target(port, "a", "model-a").getString("state")).isEqualTo("closed");
  }

  @Test
  void fallbackOnMovesOnForTheCodesItNames() {
    a.reply(HttpMethod.POST, PATH, 400, "application/json",
        "{\"error\":{\"message\":\"too long\",\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}");
    int port = deploy(options()
        .addModelGroup(new ModelGroup("long", ModelGroup.Strategy.FALLBACK, List.of(target("a", "model-a"),
            target("b", "model-b")), Set.of("context_length_exceeded"), null, null))
        .addModelGroup(group("plain", ModelGroup.Strategy.FALLBACK, null, target("a", "model-a"), target("b", "model-b"))));

    servedByB(post(port, chat("long", false)), false);
    HttpResponse<Buffer> plain = post(port, chat("plain", false));
    assertThat(plain.statusCode()).isEqualTo(400);
    assertThat(plain.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("context_length_exceeded");
    assertThat(b.received()).hasSize(1);
  }

  @Test
  void afterTheFirstChunkNothingMovesOn() {
    a.sse(PATH, CHUNK + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");
    int port = deploy(options().addModelGroup(group("smart", ModelGroup.Strategy.FALLBACK, null,
        target("a", "model-a"), target("b", "model-b"))));

    HttpResponse<Buffer> response = post(port, chat("smart", true));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader(HttpExchange.PROVIDER_HEADER)).isEqualTo("a");
    String[] events = response.bodyAsString().split("\n\n");
    assertThat(events).hasSize(3);
    assertThat(new JsonObject(events[0].substring(6)).getString("provider")).isEqualTo("a");
    assertThat(events[1]).contains("overloaded");
    assertThat(events[2]).isEqualTo("data: [DONE]");
    assertThat(b.received()).isEmpty();
  }

  @Test
  void weightedSplitsByWeight() {
    int port = deploy(options().addModelGroup(new ModelGroup("cheap", ModelGroup.Strategy.WEIGHTED,
        List.of(new ModelGroup.Target("a", "model-a", 3), new ModelGroup.Target("b", "model-b", 1)), Set.of(), null, null)));

    int requests = 400;
    for (int i = 0; i < requests; i++) {
      assertThat(post(port, chat("cheap", false)).statusCode()).isEqualTo(200);
    }

    assertThat(a.received().size() + b.received().size()).isEqualTo(requests);
    assertThat(a.received().size()).as("3:1 of %d within 7.5%%", requests).isBetween(270, 330);
  }

  @Test
  void leastBusyPicksTheTargetWithFewestRequestsInFlight() {
    a.on(HttpMethod.POST, PATH, request -> held.add(request.response()));
    int port = deploy(options().addModelGroup(group("busy", ModelGroup.Strategy.LEAST_BUSY, null,
        target("a", "model-a"), target("b", "model-b"))));
    var first = http.post(port, "127.0.0.1", PATH).sendBuffer(Buffer.buffer(chat("busy", false)));
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (a.received().isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(a.received()).as("ties go in config order").hasSize(1);
    assertThat(target(port, "a", "model-a").getInteger("in_flight")).isEqualTo(1);

    servedByB(post(port, chat("busy", false)), false);
    servedByB(post(port, chat("busy", true)), true);

    assertThat(a.received()).hasSize(1);
    held.forEach(response -> response.setStatusCode(200).putHeader("content-type", "application/json").end(COMPLETION));
    assertThat(await(first).getHeader(HttpExchange.PROVIDER_HEADER)).isEqualTo("a");
    a.openAiChat(PATH);
    assertThat(post(port, chat("busy", false)).getHeader(HttpExchange.PROVIDER_HEADER)).as("idle again, a comes first")
        .isEqualTo("a");
  }

  @Test
  void latencyPicksTheTargetWithTheLowestRecentTimeToFirstChunk() {
    a.on(HttpMethod.POST, PATH, request -> vertx.setTimer(150, id -> a.answerOpenAiChat(request)));
    int port = deploy(options().addModelGroup(group("fast", ModelGroup.Strategy.LATENCY, null,
        target("a", "model-a"), target("b", "model-b"))));

    List<String> served = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      served.add(post(port, chat("fast", i % 2 == 1)).getHeader(HttpExchange.PROVIDER_HEADER));
    }

    assertThat(served).as("each untried target first, then the fastest").containsExactly("a", "b", "b", "b", "b");
    assertThat(target(port, "a", "model-a").getLong("latency_ms")).isGreaterThanOrEqualTo(150);
    assertThat(target(port, "b", "model-b").getLong("latency_ms")).isLessThan(150);
  }

  @Test
  void aCircuitOpensSkipsHalfOpensAndCloses() {
    a.reply(HttpMethod.POST, PATH, 503, "application/json", "{\"error\":{\"message\":\"down\"}}");
    int port = deploy(options().setBreakerFailureThreshold(2).setBreakerCoolDown(10_000)
        .addModelGroup(group("smart", ModelGroup.Strategy.FALLBACK, null, target("a", "model-a"), target("b", "model-b")))
        .addModelGroup(group("other", ModelGroup.Strategy.FALLBACK, null, target("a", "model-x"))));

    servedByB(post(port, chat("smart", false)), false);
    assertThat(target(port, "a", "model-a").getString("state")).isEqualTo("closed");
    servedByB(post(port, chat("smart", true)), true);
    assertThat(a.received()).hasSize(2);
    JsonObject open = target(port, "a", "model-a");
    assertThat(open.getString("state")).isEqualTo("open");
    assertThat(open.getString("open_until")).isEqualTo("2026-01-01T00:00:10Z");
    assertThat(metrics(port)).contains("g4f_target_circuit_state{model=\"model-a\",provider=\"a\"} 2.0");

    servedByB(post(port, chat("smart", false)), false);
    assertThat(a.received()).as("skipped without a connection").hasSize(2);
    assertThat(metrics(port)).contains("g4f_target_skips_total{model=\"model-a\",provider=\"a\"} 1.0");
    assertThat(target(port, "a", "model-x").getString("state")).as("keyed by target, not provider").isEqualTo("closed");

    clock.now = clock.now.plusSeconds(10);
    assertThat(target(port, "a", "model-a").getString("state")).isEqualTo("half-open");
    servedByB(post(port, chat("smart", false)), false);
    assertThat(a.received()).as("one probe").hasSize(3);
    assertThat(target(port, "a", "model-a").getString("state")).as("a failed probe opens it again").isEqualTo("open");

    clock.now = clock.now.plusSeconds(10);
    a.openAiChat(PATH);
    HttpResponse<Buffer> probe = post(port, chat("smart", true));
    assertThat(probe.getHeader(HttpExchange.PROVIDER_HEADER)).isEqualTo("a");
    assertThat(target(port, "a", "model-a").getString("state")).isEqualTo("closed");
    assertThat(metrics(port)).contains("g4f_target_circuit_state{model=\"model-a\",provider=\"a\"} 0.0");
    assertThat(post(port, chat("smart", false)).getHeader(HttpExchange.PROVIDER_HEADER)).isEqualTo("a");
  }

  @Test
  void oneModelsFailuresDoNotStopItsProvidersOtherModels() {
    a.on(HttpMethod.POST, PATH, request -> {
      if (a.last().json().getString("model").equals("model-a")) {
        request.response().setStatusCode(503).putHeader("content-type", "application/json")
            .end("{\"error\":{\"message\":\"model-a is down\"}}");
      } else {
        a.answerOpenAiChat(request);
      }
    });
    int port = deploy(options().setBreakerFailureThreshold(20).addModelGroup(group("smart", ModelGroup.Strategy.FALLBACK,
        null, target("a", "model-a"), target("b", "model-b"))));

    for (int i = 0; i < 7; i++) {
      servedByB(post(port, chat("smart", false)), false);
    }

    HttpResponse<Buffer> other = post(port, chat("m1", false));
    assertThat(other.statusCode()).as(other.bodyAsString()).isEqualTo(200);
    assertThat(other.getHeader(HttpExchange.PROVIDER_HEADER)).isEqualTo("a");
  }

  @Test
  void theGatewaysFailureThresholdIsNotCutShortByTheClientsOwnBreaker() {
    a.reply(HttpMethod.POST, PATH, 503, "application/json", "{\"error\":{\"message\":\"down\"}}");
    int port = deploy(options().setBreakerFailureThreshold(8).setBreakerCoolDown(30_000));

    for (int i = 0; i < 8; i++) {
      assertThat(post(port, chat("m1", false)).statusCode()).isEqualTo(502);
    }
    HttpResponse<Buffer> open = post(port, chat("m1", false));

    assertThat(a.received()).as("every failure up to the gateway's threshold reached the provider").hasSize(8);
    assertThat(open.statusCode()).as(open.bodyAsString()).isEqualTo(503);
  }

  @Test
  void eachEventLoopHasItsOwnUpstreamConnectionsButEveryLoopSharesTheBreakers() {
    Set<Integer> gatewayConnections = ConcurrentHashMap.newKeySet();
    a.on(HttpMethod.POST, PATH, request -> {
      gatewayConnections.add(request.remoteAddress().port());
      request.response().setStatusCode(503).putHeader("content-type", "application/json")
          .end("{\"error\":{\"message\":\"down\"}}");
    });
    int port = deploy(options().setEventLoops(2).setBreakerFailureThreshold(2).setBreakerCoolDown(30_000));
    Consumer<HttpRequest<Buffer>> newConnection = request -> request.putHeader("connection", "close");

    assertThat(post(port, chat("m1", false), newConnection).statusCode()).isEqualTo(502);
    assertThat(post(port, chat("m1", false), newConnection).statusCode()).isEqualTo(502);
    HttpResponse<Buffer> open = post(port, chat("m1", false), newConnection);

    assertThat(gatewayConnections).as("the two callers' connections went to two event loops, each with its own "
        + "connection upstream").hasSize(2);
    assertThat(a.received()).as("each loop's failure counted towards the one circuit").hasSize(2);
    assertThat(open.statusCode()).as(open.bodyAsString()).isEqualTo(503);
  }

  @Test
  void whenEveryCircuitIsOpenTheAnswerIs503WithoutAConnection() {
    a.reply(HttpMethod.POST, PATH, 503, "application/json", "{\"error\":{\"message\":\"down\"}}");
    b.reply(HttpMethod.POST, PATH, 503, "application/json", "{\"error\":{\"message\":\"down\"}}");
    int port = deploy(options().setBreakerFailureThreshold(1).setBreakerCoolDown(30_000).addModelGroup(group("smart",
        ModelGroup.Strategy.FALLBACK, null, target("a", "model-a"), target("b", "model-b"))));
    assertThat(post(port, chat("smart", false)).statusCode()).isEqualTo(502);

    HttpResponse<Buffer> response = post(port, chat("smart", true));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.getHeader("retry-after")).isEqualTo("30");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(TargetsFailedException.UNAVAILABLE);
    assertThat(error.getString("message")).isEqualTo("No target of model group 'smart' is available: "
        + "a/model-a: skipped, circuit open until 2026-01-01T00:00:30Z; b/model-b: skipped, circuit open until 2026-01-01T00:00:30Z");
    assertThat(a.received()).hasSize(1);
    assertThat(b.received()).hasSize(1);
  }

  @Test
  void aProviderListInTheBodyOrHeaderIsTriedInOrderWithTheRequestsModel() {
    a.reply(HttpMethod.POST, PATH, 503, "application/json", "{\"error\":{\"message\":\"down\"}}");
    int port = deploy(options());

    servedByB(post(port, "{\"provider\":[\"a\",\"b\"],\"model\":\"whatever\",\"messages\":\"hi\"}"), false);
    assertThat(b.last().json().getString("model")).isEqualTo("whatever");
    assertThat(b.last().json().fieldNames()).doesNotContain("provider");
    servedByB(post(port, chat("other", true), request -> request.putHeader(HttpExchange.PROVIDER_HEADER, "a, b")), true);
    assertThat(b.last().json().getString("model")).isEqualTo("other");
    assertThat(a.received()).extracting(received -> received.json().getString("model")).containsExactly("whatever", "other");

    HttpResponse<Buffer> unknown = post(port, "{\"provider\":[\"a\",\"c\"],\"messages\":\"hi\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("'c'");
    assertThat(post(port, "{\"provider\":[1],\"messages\":\"hi\"}").statusCode()).isEqualTo(400);
  }

  @Test
  void modelsListGroupsBesideModelsEachOnce() {
    int port = deploy(options().addModelGroup(group("smart", ModelGroup.Strategy.FALLBACK, null,
        target("a", "model-a"), target("b", "model-b"))));

    JsonArray models = await(http.get(port, "127.0.0.1", "/v1/models").send()).bodyAsJsonObject().getJsonArray("data");

    assertThat(models.stream().map(JsonObject.class::cast).map(model -> model.getString("id")))
        .containsExactly("m1", "shared", "smart");
    JsonObject smart = await(http.get(port, "127.0.0.1", "/v1/models/smart").send()).bodyAsJsonObject();
    assertThat(smart.getString("strategy")).isEqualTo("fallback");
    assertThat(smart.getJsonArray("targets").getJsonObject(1).getString("provider")).isEqualTo("b");
    assertThat(targets(port, "b")).containsExactly(new JsonObject().put("model", "model-b").put("state", "closed")
        .put("open_until", null).put("latency_ms", null).put("in_flight", 0));
  }

  @Test
  void aGroupFromTheConfigFileRoutes() {
    a.reply(HttpMethod.POST, PATH, 503, "application/json", "{\"error\":{\"message\":\"down\"}}");
    GatewayOptions options = new GatewayOptions().setPort(0).applyConfig(new JsonObject()
        .put("providers", new JsonArray()
            .add(new JsonObject().put("name", "a").put("type", "openai").put("baseUrl", a.baseUrl()))
            .add(new JsonObject().put("name", "b").put("type", "openai").put("baseUrl", b.baseUrl())))
        .put("models", new JsonObject().put("smart", new JsonObject().put("strategy", "fallback").put("retries", 0)
            .put("targets", new JsonArray().add(new JsonObject().put("provider", "a").put("model", "gpt-4o"))
                .add(new JsonObject().put("provider", "b").put("model", "llama"))))));
    int port = deploy(options);

    servedByB(post(port, chat("smart", false)), false);
    assertThat(a.received()).as("retries 0: one attempt").hasSize(1);
  }

  @Test
  void theEventBusRoutesGroupsAndProviderLists() {
    a.reply(HttpMethod.POST, PATH, 503, "application/json", "{\"error\":{\"message\":\"down\"}}");
    deploy(options().addModelGroup(group("smart", ModelGroup.Strategy.FALLBACK, null,
        target("a", "model-a"), target("b", "model-b"))));

    Message<JsonObject> whole = await(vertx.eventBus().request("g4f.chat.completions",
        new JsonObject().put("model", "smart").put("messages", "hi")));
    assertThat(whole.body().getString("provider")).isEqualTo("b");
    assertThat(b.last().json().getString("model")).isEqualTo("model-b");

    Message<JsonObject> listed = await(vertx.eventBus().request("g4f.chat.completions",
        new JsonObject().put("provider", new JsonArray().add("a").add("b")).put("model", "x").put("messages", "hi")));
    assertThat(listed.body().getString("provider")).isEqualTo("b");
    assertThat(b.last().json().getString("model")).isEqualTo("x");

    EventBusAsyncClient client = EventBusAsyncClient.create(vertx);
    ChatCompletion streamed = await(client.chat().completions().stream(ChatCompletionRequest.of("smart", "hi"))
        .compose(stream -> AsyncClient.ChatCompletions.collect(stream)));
    assertThat(streamed.getProvider()).isEqualTo("b");
    assertThat(streamed.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
    ChatCompletion named = await(client.chat().completions().create(ChatCompletionRequest.of("y", "hi"),
        new CallOptions().setProvider("a b")));
    assertThat(named.getProvider()).isEqualTo("b");
    assertThat(Arrays.asList(a.received().size(), b.received().size())).containsExactly(4, 4);
  }
}
