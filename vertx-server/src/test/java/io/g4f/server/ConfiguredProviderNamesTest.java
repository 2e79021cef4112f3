package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Providers of a config file (or added in code) are named as configured wherever the gateway attributes something to one: two
 * OpenAI-compatible servers, {@code alpha} and {@code beta}, each fail in their own way, and every error says which
 * one it was, not "OpenAI"; answers and embeddings carry the configured name too.
 */
@ExtendWith(VertxExtension.class)
class ConfiguredProviderNamesTest {

  private static final String CHAT = "/v1/chat/completions";
  /** A chunk with content and no finish reason: a stream that ends after it is cut short. */
  private static final String UNFINISHED = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
      + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";

  private Vertx vertx;
  private WebClient http;
  private final List<ScriptedServer> upstreams = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    http = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    upstreams.forEach(ScriptedServer::close);
  }

  private ScriptedServer upstream() {
    ScriptedServer server = ScriptedServer.start(vertx);
    upstreams.add(server);
    return server;
  }

  /** A gateway whose config names {@code alpha} and {@code beta}, both {@code "type": "openai"}. */
  private int gateway(ScriptedServer alpha, ScriptedServer beta) {
    JsonObject config = new JsonObject().put("providers", new JsonArray()
        .add(new JsonObject().put("name", "alpha").put("type", "openai").put("baseUrl", alpha.baseUrl()))
        .add(new JsonObject().put("name", "beta").put("type", "openai").put("baseUrl", beta.baseUrl())))
        .put("retries", 0);
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).applyConfig(config));
    await(vertx.deployVerticle(gateway));
    return gateway.actualPort();
  }

  private HttpResponse<Buffer> post(int port, String path, JsonObject body) {
    return await(http.post(port, "127.0.0.1", path).putHeader("content-type", "application/json")
        .sendJsonObject(body));
  }

  private static JsonObject chat(String provider, boolean stream) {
    return new JsonObject().put("model", "m").put("provider", provider).put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
  }

  private static String errorMessage(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("message");
  }

  @Test
  void anErrorAnswerNamesTheConfiguredProvider() {
    ScriptedServer alpha = upstream().reply(HttpMethod.POST, CHAT, 500, "application/json",
        "{\"error\":{\"message\":\"boom\"}}");
    int port = gateway(alpha, upstream().openAiChat(CHAT));

    HttpResponse<Buffer> response = post(port, CHAT, chat("alpha", false));

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(errorMessage(response)).isEqualTo("alpha answered HTTP 500: boom");
  }

  @Test
  void aMalformedAnswerNamesTheConfiguredProvider() {
    ScriptedServer beta = upstream().reply(HttpMethod.POST, CHAT, 200, "application/json", "{\"choices\":");
    int port = gateway(upstream().openAiChat(CHAT), beta);

    HttpResponse<Buffer> response = post(port, CHAT, chat("beta", false));

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(errorMessage(response)).startsWith("beta sent a malformed completion");
  }

  @Test
  void aStreamCutShortNamesTheConfiguredProvider() {
    ScriptedServer alpha = upstream().sse(CHAT, UNFINISHED);
    int port = gateway(alpha, upstream().openAiChat(CHAT));

    String[] events = post(port, CHAT, chat("alpha", true)).bodyAsString().split("\n\n");

    assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
    JsonObject error = new JsonObject(events[events.length - 2].substring("data: ".length())).getJsonObject("error");
    assertThat(error.getString("message")).startsWith("alpha's stream ended before");
  }

  @Test
  void answersAndEmbeddingsCarryTheConfiguredName() {
    ScriptedServer beta = upstream().openAiChat(CHAT).reply(HttpMethod.POST, "/v1/embeddings", 200,
        "application/json", "{\"object\":\"list\",\"model\":\"e\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
            + "\"embedding\":[0.5,-0.25]}],\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}");
    int port = gateway(upstream().openAiChat(CHAT), beta);

    HttpResponse<Buffer> answer = post(port, CHAT, chat("beta", false));
    HttpResponse<Buffer> embeddings = post(port, "/v1/embeddings",
        new JsonObject().put("model", "e").put("provider", "beta").put("input", "hi"));

    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    assertThat(answer.bodyAsJsonObject().getString("provider")).isEqualTo("beta");
    assertThat(embeddings.statusCode()).as(embeddings.bodyAsString()).isEqualTo(200);
    assertThat(embeddings.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getJsonArray("embedding"))
        .isEqualTo(new JsonArray().add(0.5).add(-0.25));
  }

  @Test
  void aProviderAddedInCodeIsNamedAsAdded() {
    ScriptedServer alpha = upstream().reply(HttpMethod.POST, CHAT, 500, "application/json",
        "{\"error\":{\"message\":\"boom\"}}");
    ScriptedServer beta = upstream().openAiChat(CHAT);
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0)
        .addProvider("alpha", new ClientOptions().setBaseUrl(alpha.baseUrl()).setMaxRetries(0), List.of())
        .addProvider("beta", new ClientOptions().setBaseUrl(beta.baseUrl()), List.of()));
    await(vertx.deployVerticle(gateway));

    HttpResponse<Buffer> failed = post(gateway.actualPort(), CHAT, chat("alpha", false));
    HttpResponse<Buffer> answer = post(gateway.actualPort(), CHAT, chat("beta", false));

    assertThat(failed.statusCode()).isEqualTo(502);
    assertThat(errorMessage(failed)).isEqualTo("alpha answered HTTP 500: boom");
    assertThat(answer.bodyAsJsonObject().getString("provider")).isEqualTo("beta");
  }
}
