package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.testing.RefusingPort;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a team key sees: not the operator routes ({@code /metrics}, {@code /v1/providers}) unless it is marked
 * {@code "admin": true}, only its own models in {@code /v1/models}, and no upstream address in an error body.
 */
@ExtendWith(VertxExtension.class)
class LeastPrivilegeTest {

  private static final String OPERATOR = "sk-operator-01";
  private static final String TEAM = "sk-team-02";
  private static final String OPS = "sk-ops-03";

  private ScriptedServer upstream;
  private WebClient http;
  private int port;
  private final RefusingPort dead = new RefusingPort();

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    http = WebClient.create(vertx);
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setApiKey(OPERATOR)
        .applyConfig(new JsonObject()
            .put("providers", new JsonArray()
                .add(new JsonObject().put("name", "local").put("type", "openai").put("baseUrl", upstream.baseUrl())
                    .put("models", new JsonArray().add("m1").add("m2")))
                .add(new JsonObject().put("name", "dead").put("type", "openai")
                    .put("baseUrl", dead.baseUrl()).put("models", new JsonArray().add("m3"))))
            .put("retries", 0)
            .put("keys", new JsonArray()
                .add(new JsonObject().put("name", "team").put("key", TEAM).put("models", new JsonArray().add("m1")))
                .add(new JsonObject().put("name", "ops").put("key", OPS).put("admin", true)))));
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
  }

  @AfterEach
  void tearDown() {
    upstream.close();
    dead.close();
  }

  private HttpResponse<Buffer> get(String path, String key) {
    return await(http.get(port, "127.0.0.1", path).putHeader("authorization", "Bearer " + key).send());
  }

  @Test
  void theOperatorRoutesNeedTheOperatorKeyOrAnAdminKey() {
    for (String path : List.of("/metrics", "/v1/providers")) {
      HttpResponse<Buffer> team = get(path, TEAM);
      assertThat(team.statusCode()).as(path).isEqualTo(403);
      assertThat(team.bodyAsJsonObject().getJsonObject("error").getString("type")).isEqualTo("permission_denied");
      assertThat(get(path, OPERATOR).statusCode()).as(path).isEqualTo(200);
      assertThat(get(path, OPS).statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  void aKeyListsOnlyTheModelsItMayUse() {
    JsonArray team = get("/v1/models", TEAM).bodyAsJsonObject().getJsonArray("data");
    JsonArray operator = get("/v1/models", OPERATOR).bodyAsJsonObject().getJsonArray("data");

    assertThat(team.stream().map(model -> ((JsonObject) model).getString("id")).toList()).containsExactly("m1");
    assertThat(operator.stream().map(model -> ((JsonObject) model).getString("id")).toList())
        .containsExactly("m1", "m2", "m3");
    assertThat(get("/v1/models/m2", TEAM).statusCode()).isEqualTo(404);
    assertThat(get("/v1/models/m1", TEAM).statusCode()).isEqualTo(200);
  }

  @Test
  void anErrorBodyNamesTheProviderAsConfiguredAndNeverItsAddress() {
    HttpResponse<Buffer> failed = await(http.post(port, "127.0.0.1", "/v1/chat/completions")
        .putHeader("authorization", "Bearer " + OPERATOR)
        .sendJsonObject(new JsonObject().put("model", "m3").put("messages", "hi")));

    assertThat(failed.statusCode()).isEqualTo(502);
    String message = failed.bodyAsJsonObject().getJsonObject("error").getString("message");
    assertThat(message).contains("dead").doesNotContain("127.0.0.1").doesNotContain(String.valueOf(dead.port()));
  }
}
