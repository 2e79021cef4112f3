package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.server.SpendFixture.KEY_A;
import static io.g4f.server.SpendFixture.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A key's budget ($0.02 a day for team a; m1 costs $0.01 a request) with a {@link TestClock} a minute before
 * midnight UTC: a key that has spent its budget gets 429 {@code insufficient_quota} / {@code budget_exceeded} in each
 * API's shape before any upstream call, a call started under the budget runs to its end, and the next day's period
 * starts from zero.
 */
@ExtendWith(VertxExtension.class)
class BudgetTest {

  private final TestClock clock = new TestClock(Instant.parse("2026-03-10T23:59:00Z"));
  private Vertx vertx;
  private SpendFixture upstreams;
  private int port;
  private WebClient http;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstreams = new SpendFixture(vertx);
    GatewayVerticle gateway = new GatewayVerticle(upstreams.options(null), clock);
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
    http = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    http.close();
    upstreams.close();
  }

  @Test
  void aKeyOverItsBudgetIsRefusedUntilItsPeriodEnds() {
    assertThat(upstreams.chat(port, KEY_A, "m1").statusCode()).isEqualTo(200);
    assertThat(upstreams.chat(port, KEY_A, "m1").statusCode()).isEqualTo(200);

    HttpResponse<Buffer> refused = upstreams.chat(port, KEY_A, "m1");
    assertThat(refused.statusCode()).isEqualTo(429);
    JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("insufficient_quota");
    assertThat(error.getString("code")).isEqualTo("budget_exceeded");
    assertThat(error.getString("message"))
        .isEqualTo("team-a has spent $0.02 of its $0.02 budget for 1d; it resets at 2026-03-11T00:00:00Z");
    assertThat(refused.bodyAsString()).doesNotContain(KEY_A);
    assertThat(upstreams.local.received()).as("no upstream call for the refused one").hasSize(2);
    assertThat(upstreams.chat(port, KEY_B, "m1").statusCode()).as("another key's spend is its own").isEqualTo(200);

    clock.advanceSeconds(59);
    assertThat(upstreams.chat(port, KEY_A, "m1").statusCode()).as("23:59:59").isEqualTo(429);
    clock.advanceSeconds(1);
    assertThat(upstreams.chat(port, KEY_A, "m1").statusCode()).as("midnight: a new period").isEqualTo(200);
    assertThat(upstreams.chat(port, KEY_A, "m1").statusCode()).isEqualTo(200);
    assertThat(upstreams.chat(port, KEY_A, "m1").bodyAsJsonObject().getJsonObject("error").getString("message"))
        .endsWith("it resets at 2026-03-12T00:00:00Z");
  }

  @Test
  void theMessagesApiRefusesInItsOwnShape() {
    upstreams.chat(port, KEY_A, "m1");
    upstreams.chat(port, KEY_A, "m1");

    HttpResponse<Buffer> refused = await(http.post(port, "127.0.0.1", "/v1/messages").putHeader("x-api-key", KEY_A)
        .sendJsonObject(new JsonObject().put("model", "m1").put("max_tokens", 10)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))));

    assertThat(refused.statusCode()).isEqualTo(429);
    JsonObject body = refused.bodyAsJsonObject();
    assertThat(body.getString("type")).isEqualTo("error");
    assertThat(body.getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");
    assertThat(body.getJsonObject("error").getString("message")).startsWith("team-a has spent $0.02 of its $0.02");
  }

  @Test
  void aStreamStartedUnderTheBudgetRunsToItsEnd() {
    upstreams.chat(port, KEY_A, "m1");

    String last = await(http.post(port, "127.0.0.1", "/v1/chat/completions").bearerTokenAuthentication(KEY_A)
        .sendJsonObject(new JsonObject().put("model", "m1").put("messages", "hi").put("stream", true)))
        .bodyAsString();
    assertThat(last).contains("\"content\":\" is a test\"", "\"finish_reason\":\"stop\"").endsWith("data: [DONE]\n\n");
    HttpResponse<Buffer> over = upstreams.chat(port, KEY_A, "m1");
    assertThat(over.statusCode()).as("the stream's usage was charged when it ended").isEqualTo(429);
  }

  @Test
  void theEventBusIsRefusedAsHttpIs() {
    upstreams.chat(port, KEY_A, "m1");
    upstreams.chat(port, KEY_A, "m1");

    Throwable refused = vertx.eventBus().request("g4f.chat.completions",
            new JsonObject().put("model", "m1").put("messages", "hi"),
            new io.vertx.core.eventbus.DeliveryOptions().addHeader(io.g4f.server.access.Caller.HEADER, "key:team-a"))
        .toCompletionStage().toCompletableFuture().handle((ok, failure) -> failure).join();

    assertThat(refused).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) refused).failureCode()).isEqualTo(429);
    assertThat(new JsonObject(refused.getMessage()).getJsonObject("error").getString("code"))
        .isEqualTo("budget_exceeded");
  }
}
