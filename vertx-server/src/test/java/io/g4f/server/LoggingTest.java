package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.TeamKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** {@code --log-format json}: one JSON object a line; the access log's fields, never a key or a prompt. */
@ExtendWith(VertxExtension.class)
class LoggingTest {

  @Test
  void accessLogEventsAreJsonLinesWithTheirFieldsAndNoKeyOrPrompt(Vertx vertx) throws InterruptedException {
    ScriptedServer upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setApiKey("sekret-key")
        .addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl()).setApiKey("upstream-key")
            .setMaxRetries(0), List.of()));
    try (LogCapture log = LogCapture.record(Main.LogFormat.json)) {
      await(vertx.deployVerticle(gateway));
      await(WebClient.create(vertx).post(gateway.actualPort(), "127.0.0.1", "/v1/chat/completions")
          .putHeader("x-request-id", "req-42").bearerTokenAuthentication("sekret-key")
          .sendJsonObject(new JsonObject().put("model", "gpt-4o-mini").put("messages", "secret prompt text")));

      String line = log.next(text -> text.contains("\"io.g4f.server.access\"")).text();

      assertThat(line).doesNotContain("sekret-key").doesNotContain("upstream-key")
          .doesNotContain("secret prompt");
      JsonObject json = new JsonObject(line);
      assertThat(json.getString("level")).isEqualTo("INFO");
      assertThat(json.getString("logger")).isEqualTo("io.g4f.server.access");
      assertThat(json.getString("time")).isNotBlank();
      assertThat(json.getString("request_id")).isEqualTo("req-42");
      assertThat(json.getString("route")).isEqualTo("/v1/chat/completions");
      assertThat(json.getInteger("status")).isEqualTo(200);
      assertThat(json.getValue("duration_ms")).isInstanceOf(Number.class);
      assertThat(json.getString("provider")).isEqualTo("local");
      assertThat(json.getString("model")).isEqualTo("gpt-4o-mini");
      assertThat(json.getInteger("prompt_tokens")).isEqualTo(12);
      assertThat(json.getInteger("completion_tokens")).isEqualTo(5);
      assertThat(json.getString("caller")).isEqualTo("key:" + TeamKeys.ADMIN);
      assertThat(json.getString("message")).startsWith("req-42 POST /v1/chat/completions 200 ");
    } finally {
      upstream.close();
    }
  }

  @Test
  void everyEventIsOneObjectALineWithItsKeyValuePairs() throws InterruptedException {
    try (LogCapture log = LogCapture.record(Main.LogFormat.json)) {
      LoggerFactory.getLogger("io.g4f.server.test").atWarn().addKeyValue("request_id", "r-1").addKeyValue("status", 503)
          .setCause(new IllegalStateException("boom")).log("hello");

      JsonObject json = new JsonObject(log.next(text -> text.contains("hello")).text());

      assertThat(json.getString("message")).isEqualTo("hello");
      assertThat(json.getString("level")).isEqualTo("WARN");
      assertThat(json.getString("logger")).isEqualTo("io.g4f.server.test");
      assertThat(json.getString("request_id")).isEqualTo("r-1");
      assertThat(json.getInteger("status")).isEqualTo(503);
      assertThat(json.getString("error")).contains("IllegalStateException: boom");
    }
  }
}
