package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.api.translated.MessagesDialect;
import io.g4f.server.api.translated.ResponsesDialect;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.ModelGroup;
import io.g4f.server.http.HttpExchange;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
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

/** Responses and Messages are routed as chat is: model groups with fallback, and providers named by header or body. */
@ExtendWith(VertxExtension.class)
class DialectRoutingTest {

  private ScriptedServer down;
  private ScriptedServer up;
  private WebClient http;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    down = ScriptedServer.start(vertx).reply(HttpMethod.POST, "/v1/chat/completions", 503, "application/json",
        "{\"error\":{\"message\":\"overloaded\"}}");
    up = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    http = WebClient.create(vertx);
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0)
        .addProvider("down", new ClientOptions().setBaseUrl(down.baseUrl()).setMaxRetries(0), List.of("m-down"))
        .addProvider("up", new ClientOptions().setBaseUrl(up.baseUrl()).setMaxRetries(0), List.of("m-up"))
        .addModelGroup(new ModelGroup("smart", ModelGroup.Strategy.FALLBACK, List.of(
            new ModelGroup.Target("down", "m-down", 1), new ModelGroup.Target("up", "m-up", 1)), Set.of(), null, 0)));
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
  }

  @AfterEach
  void tearDown() {
    http.close();
    down.close();
    up.close();
  }

  private HttpResponse<Buffer> post(String path, JsonObject body, String providers) {
    var request = http.post(port, "127.0.0.1", path);
    if (providers != null) {
      request.putHeader(HttpExchange.PROVIDER_HEADER, providers);
    }
    return await(request.sendJsonObject(body));
  }

  @Test
  void aModelGroupFallsBackForBothApis() {
    JsonObject responses = new JsonObject().put("model", "smart").put("input", "hi");
    JsonObject messages = new JsonObject().put("model", "smart").put("max_tokens", 10)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));

    for (HttpResponse<Buffer> answer : List.of(post(ResponsesDialect.PATH, responses, null),
        post(ResponsesDialect.PATH, responses.copy().put("stream", true), null),
        post(MessagesDialect.PATH, messages, null), post(MessagesDialect.PATH, messages.copy().put("stream", true), null))) {
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.getHeader(HttpExchange.PROVIDER_HEADER)).isEqualTo("up");
      assertThat(answer.bodyAsString()).contains(" is a test");
    }
    assertThat(up.received()).hasSize(4).allSatisfy(sent -> assertThat(sent.json().getString("model")).isEqualTo("m-up"));
    assertThat(down.received()).hasSize(4);
  }

  @Test
  void providersNamedByHeaderOrBody() {
    JsonObject responses = new JsonObject().put("model", "m-up").put("input", "hi");

    assertThat(post(ResponsesDialect.PATH, responses, "down,up").getHeader(HttpExchange.PROVIDER_HEADER)).isEqualTo("up");
    HttpResponse<Buffer> named = post(MessagesDialect.PATH, new JsonObject().put("model", "m-up").put("max_tokens", 10)
        .put("provider", "down").put("messages", new JsonArray().add(new JsonObject().put("role", "user")
            .put("content", "hi"))), null);
    assertThat(named.statusCode()).isEqualTo(502);
    assertThat(named.bodyAsJsonObject().getJsonObject("error").getString("type")).isEqualTo("api_error");
    assertThat(down.last().json().containsKey("provider")).as("g4f's provider field never goes upstream").isFalse();
  }
}
