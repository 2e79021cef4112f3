package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.server.SpendFixture.ADMIN_KEY;
import static io.g4f.server.SpendFixture.KEY_A;
import static io.g4f.server.SpendFixture.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.server.config.LedgerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost of each answer as a caller and an operator see it, through the gateway to scripted OpenAI, Anthropic and
 * Gemini upstreams (usage with cached input in each one's shape, figures worked out in {@code CostsTest}): the
 * {@code x-g4f-cost-usd} header, {@code usage.cost_usd} in a stream's usage chunk, the access-log line, the
 * {@code g4f_cost_usd_total} metric, the ledger's rows, and {@code GET /v1/spend} and {@code /v1/spend/logs}.
 */
@ExtendWith(VertxExtension.class)
class SpendGatewayTest {

  private final TestClock clock = new TestClock(Instant.parse("2026-03-10T12:00:00Z"));
  @TempDir
  Path dir;
  private SpendFixture upstreams;
  private int port;
  private WebClient http;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstreams = new SpendFixture(vertx);
    GatewayVerticle gateway = new GatewayVerticle(upstreams.options(new LedgerOptions().setFile(dir.resolve("ledger"))),
        clock);
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
  void everyProvidersUsageIsPricedAsItBillsAndTheAnswerSaysSo() {
    HttpResponse<Buffer> openAi = upstreams.chat(port, KEY_B, "gpt-4o-mini");
    HttpResponse<Buffer> anthropic = upstreams.chat(port, KEY_B, "claude-sonnet-4-5");
    HttpResponse<Buffer> gemini = upstreams.chat(port, KEY_B, "gemini-2.5-flash");

    assertThat(openAi.statusCode()).isEqualTo(200);
    assertThat(openAi.getHeader("x-g4f-cost-usd")).isEqualTo("0.00024");
    assertThat(anthropic.getHeader("x-g4f-cost-usd")).isEqualTo("0.01215");
    assertThat(gemini.getHeader("x-g4f-cost-usd")).isEqualTo("0.00054");
    assertThat(upstreams.chat(port, KEY_B, "m1").getHeader("x-g4f-cost-usd")).isEqualTo("0.01");
  }

  @Test
  void theAccessLogLineSaysWhatTheAnswerCost() throws InterruptedException {
    try (LogCapture log = LogCapture.record(Main.LogFormat.json)) {
      upstreams.chat(port, KEY_B, "gpt-4o-mini");
      JsonObject line = new JsonObject(log.next(text -> text.contains("\"io.g4f.server.access\"")).text());
      assertThat(line.getString("message")).contains(" provider=oai model=gpt-4o-mini prompt_tokens=1000 "
          + "completion_tokens=200 cost_usd=0.00024 caller=key:team-b");
      assertThat(line.getDouble("cost_usd")).isEqualTo(0.00024);
    }
  }

  @Test
  void messagesPassedThroughToAnthropicAreChargedFromAnthropicsUsage() {
    HttpResponse<Buffer> answer = await(http.post(port, "127.0.0.1", "/v1/messages").bearerTokenAuthentication(KEY_B)
        .sendJsonObject(new JsonObject().put("model", "claude-sonnet-4-5").put("max_tokens", 100)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))));

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.getHeader("x-g4f-cost-usd")).isEqualTo("0.01215");
    JsonObject row = logs("/v1/spend/logs?key=team-b").getJsonObject(0);
    assertThat(row.getString("api")).isEqualTo("messages");
    assertThat(row.getInteger("prompt_tokens")).isEqualTo(3100);
    assertThat(row.getInteger("cached_tokens")).isEqualTo(2000);
    assertThat(row.getDouble("cost_usd")).isEqualTo(0.01215);
  }

  @Test
  void aStreamThatAskedForUsageGetsItsCostInTheUsageChunk() {
    String events = await(http.post(port, "127.0.0.1", "/v1/chat/completions").bearerTokenAuthentication(KEY_B)
        .sendJsonObject(new JsonObject().put("model", "m1").put("messages", "hi").put("stream", true)
            .put("stream_options", new JsonObject().put("include_usage", true)))).bodyAsString();
    String unasked = await(http.post(port, "127.0.0.1", "/v1/chat/completions").bearerTokenAuthentication(KEY_B)
        .sendJsonObject(new JsonObject().put("model", "m1").put("messages", "hi").put("stream", true)))
        .bodyAsString();

    JsonObject usage = events.lines().filter(line -> line.contains("\"usage\"")).map(line -> new JsonObject(
        line.substring("data: ".length()))).findFirst().orElseThrow().getJsonObject("usage");
    assertThat(usage.getInteger("completion_tokens")).isEqualTo(5);
    assertThat(usage.getValue("cost_usd")).isInstanceOf(Number.class);
    assertThat(usage.getDouble("cost_usd")).isEqualTo(0.01);
    assertThat(unasked).doesNotContain("usage").doesNotContain("cost_usd").endsWith("data: [DONE]\n\n");
    assertThat(logs("/v1/spend/logs?key=team-b")).hasSize(2).allSatisfy(row -> {
      assertThat(((JsonObject) row).getDouble("cost_usd")).isEqualTo(0.01);
      assertThat(((JsonObject) row).getLong("ttft_ms")).isNotNull();
    });
  }

  @Test
  void theLedgerHasOneRowPerRequestAndTheOperatorReadsItByGroup() {
    upstreams.chat(port, KEY_A, "m1");
    upstreams.chat(port, KEY_B, "m1");
    upstreams.chat(port, KEY_B, "m1");
    upstreams.chat(port, KEY_B, "gpt-4o-mini");
    clock.advanceSeconds(86_400);
    upstreams.chat(port, KEY_B, "gpt-4o-mini");

    JsonArray byModel = summary("/v1/spend?group_by=model&key=team-b&from=2026-03-10&to=2026-03-11");
    assertThat(byModel).containsExactly(
        new JsonObject().put("key", "team-b").put("model", "gpt-4o-mini").put("requests", 1).put("prompt_tokens", 1000)
            .put("completion_tokens", 200).put("cost_usd", 0.00024),
        new JsonObject().put("key", "team-b").put("model", "m1").put("requests", 2).put("prompt_tokens", 24)
            .put("completion_tokens", 10).put("cost_usd", 0.02));
    JsonArray byKeyAndDay = summary("/v1/spend?group_by=key,day");
    assertThat(byKeyAndDay.stream().map(row -> ((JsonObject) row).getString("key") + " "
        + ((JsonObject) row).getString("day") + " " + BigDecimal.valueOf(((JsonObject) row).getDouble("cost_usd"))
        .toPlainString()))
        .containsExactly("team-a 2026-03-10 0.01", "team-b 2026-03-10 0.02024", "team-b 2026-03-11 0.00024");
    assertThat(summary("/v1/spend?group_by=provider").stream().map(row -> ((JsonObject) row).getString("provider")))
        .containsExactly("local", "oai");

    JsonArray rows = logs("/v1/spend/logs?limit=2");
    assertThat(rows).hasSize(2);
    JsonObject newest = rows.getJsonObject(0);
    assertThat(newest.getString("time")).isEqualTo("2026-03-11T12:00:00Z");
    assertThat(newest.getString("key")).isEqualTo("team-b");
    assertThat(newest.getString("api")).isEqualTo("chat");
    assertThat(newest.getString("provider")).isEqualTo("oai");
    assertThat(newest.getString("model")).isEqualTo("gpt-4o-mini");
    assertThat(newest.getInteger("status")).isEqualTo(200);
    assertThat(newest.getInteger("cached_tokens")).isEqualTo(400);
    assertThat(newest.getString("request_id")).isNotBlank();
    assertThat(newest.getLong("latency_ms")).isNotNull();
    assertThat(newest.encode()).as("no prompt, no answer").doesNotContain("say this is a test").doesNotContain("cached\"");

    String metrics = upstreams.get(port, ADMIN_KEY, "/metrics").bodyAsString();
    assertThat(metrics).contains("g4f_cost_usd_total{key=\"team-b\",model=\"m1\",provider=\"local\"} 0.02");
  }

  @Test
  void spendIsTheOperatorsAndBadParametersAreNamed() {
    assertThat(upstreams.get(port, KEY_A, "/v1/spend").statusCode()).isEqualTo(403);
    assertThat(upstreams.get(port, KEY_A, "/v1/spend/logs").statusCode()).isEqualTo(403);
    for (String[] bad : new String[][] {{"/v1/spend?group_by=team", "group_by"}, {"/v1/spend?from=yesterday", "from"},
        {"/v1/spend?from=2026-03-11&to=2026-03-10", "from"}, {"/v1/spend?keys=team-a", "keys"},
        {"/v1/spend/logs?limit=0", "limit"}, {"/v1/spend/logs?limit=many", "limit"}}) {
      HttpResponse<Buffer> refused = upstreams.get(port, ADMIN_KEY, bad[0]);
      assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
      JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getString("type")).isEqualTo("invalid_request_error");
      assertThat(error.getString("param")).as(bad[0]).isEqualTo(bad[1]);
    }
    assertThat(summary("/v1/spend")).isEmpty();
  }

  private JsonArray summary(String uri) {
    HttpResponse<Buffer> response = upstreams.get(port, ADMIN_KEY, uri);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("object")).isEqualTo("list");
    return response.bodyAsJsonObject().getJsonArray("data");
  }

  private JsonArray logs(String uri) {
    return summary(uri);
  }
}
