package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.ModelGroup;
import io.g4f.server.config.UpstreamLimits;
import io.g4f.server.http.HttpExchange;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fallback group in front of a dead first target: a target another follows is not retried with backoff, so a
 * refused connection moves the request on at once, from the first request on (not only once the breaker opened).
 */
@ExtendWith(VertxExtension.class)
class FallbackFaultsTest {

  private static final int REQUESTS = 40;

  private Vertx vertx;
  private ScriptedServer live;
  private WebClient http;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    live = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    http = WebClient.create(vertx);
    String dead = "http://127.0.0.1:" + BridgeFrames.freePort() + "/v1";
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0)
        .addProvider("dead", new ClientOptions().setBaseUrl(dead), List.of("m0"))
        .addProvider("live", new ClientOptions().setBaseUrl(live.baseUrl()), List.of("m1"))
        .addModelGroup(new ModelGroup("smart", ModelGroup.Strategy.FALLBACK, List.of(
            new ModelGroup.Target("dead", "m0", 1), new ModelGroup.Target("live", "m1", 1)), Set.of(), null, null))
        .addModelGroup(new ModelGroup("persistent", ModelGroup.Strategy.FALLBACK, List.of(
            new ModelGroup.Target("dead", "m0", 1), new ModelGroup.Target("live", "m1", 1)), Set.of(), null, 2)));
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
  }

  @AfterEach
  void tearDown() {
    live.close();
  }

  private long millisFor(String model) {
    long start = System.nanoTime();
    for (int i = 0; i < REQUESTS; i++) {
      HttpResponse<Buffer> answer = await(http.post(port, "127.0.0.1", "/v1/chat/completions")
          .sendJsonObject(new JsonObject().put("model", model).put("messages", "say this is a test")));
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
      assertThat(answer.getHeader(HttpExchange.PROVIDER_HEADER)).isEqualTo("live");
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  @ParameterizedTest(name = "stream: {0}, the group's own timeout: {1}")
  @CsvSource({"false,false", "true,false", "false,true", "true,true"})
  void aHungFirstTargetIsLeftAfterTheFirstByteTimeout(boolean stream, boolean groupsOwn, Vertx vertx) {
    ScriptedServer hung = ScriptedServer.start(vertx);
    hung.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      if (stream) {
        request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(": open\n\n");
      }
    });
    try {
      GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0)
          .setUpstreamLimits(groupsOwn ? UpstreamLimits.NONE : new UpstreamLimits(null, null, null, null, 300L))
          .addProvider("hung", new ClientOptions().setBaseUrl(hung.baseUrl()), List.of("m0"))
          .addProvider("live", new ClientOptions().setBaseUrl(live.baseUrl()), List.of("m1"))
          .addModelGroup(new ModelGroup("smart", ModelGroup.Strategy.FALLBACK, List.of(
              new ModelGroup.Target("hung", "m0", 1), new ModelGroup.Target("live", "m1", 1)), Set.of(), null, null,
              groupsOwn ? 300L : null)));
      await(vertx.deployVerticle(gateway));
      long start = System.nanoTime();

      HttpResponse<Buffer> answer = await(http.post(gateway.actualPort(), "127.0.0.1", "/v1/chat/completions")
          .sendJsonObject(new JsonObject().put("model", "smart").put("stream", stream).put("messages", "hi")));

      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.getHeader(HttpExchange.PROVIDER_HEADER)).isEqualTo("live");
      assertThat(millis).as("the next target answered after one first-byte timeout").isBetween(300L, 2_000L);
      assertThat(hung.received()).hasSize(1);
    } finally {
      hung.close();
    }
  }

  @Test
  void eachFailedAttemptFallbackAndOpenedCircuitIsLoggedAndTheAccessLineListsTheTargetsTried() throws Exception {
    try (LogCapture log = LogCapture.record(Main.LogFormat.text)) {
      for (int i = 1; i <= 5; i++) {
        HttpResponse<Buffer> answer = await(http.post(port, "127.0.0.1", "/v1/chat/completions")
            .putHeader("x-request-id", "fall-" + i)
            .sendJsonObject(new JsonObject().put("model", "smart").put("messages", "say this is a test")));
        assertThat(answer.statusCode()).isEqualTo(200);
      }

      String failed = log.next(line -> line.contains("fall-1 attempt_failed")).text();
      assertThat(failed).contains("INFO  io.g4f.server.routing - fall-1 attempt_failed dead/m0 of model group "
          + "'smart': ConnectionException (").endsWith("; next: live/m1");
      assertThat(log.next(line -> line.contains(" fall-1 POST ")).text())
          .contains("provider=live").endsWith("targets=dead/m0,live/m1");
      assertThat(log.next(line -> line.contains("circuit_opened")).text())
          .contains("WARN  io.g4f.server.routing - fall-5 circuit_opened dead/m0 of model group 'smart'");
    }
  }

  @ParameterizedTest(name = "model group {0}")
  @ValueSource(strings = {"smart", "persistent"})
  void aDeadFirstTargetAddsUnderTenMillisecondsARequestFromTheFirstOn(String group) {
    millisFor("m1"); // warm up both paths of the gateway and the scripted upstream
    long direct = millisFor("m1");
    long viaGroup = millisFor(group); // "persistent" retries its targets twice, but never one that cannot be reached

    assertThat(viaGroup - direct).as("%d requests through the group took %d ms, straight to the live target %d ms",
        REQUESTS, viaGroup, direct).isLessThan(10L * REQUESTS);
  }
}
