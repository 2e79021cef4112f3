package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.g4f.client.EventBusAsyncClient;
import io.g4f.client.EventBusClientOptions;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.api.embeddings.EmbeddingsApi;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.http.HttpExchange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /v1/embeddings} and {@code PREFIX.embeddings}: the official openai-java SDK (float, and base64 as it
 * asks by default) in front of a scripted OpenAI-style upstream and a scripted Gemini; shape checks, routing by model,
 * the provider header, model groups, team keys and {@code /v1/models}.
 */
@ExtendWith(VertxExtension.class)
class EmbeddingsGatewayTest {

  private static final String TEAM_KEY = "sk-team-embed";
  private static final String OPEN_KEY = "sk-team-any";
  private static final String GEMINI_PATH = "/v1beta/models/gemini-embedding-001:batchEmbedContents";
  /** Two inputs, as many as the Gemini transcript has embeddings. */
  private static final JsonArray TWO = new JsonArray().add("The food was delicious").add("and the waiter...");
  private static final List<Float> FIRST = List.of(0.0023064255f, -0.009327292f, -0.0028842222f, 0.015625f);

  private Vertx vertx;
  private ScriptedServer openAi;
  private ScriptedServer gemini;
  private WebClient http;
  private OpenAIClient sdk;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    openAi = ScriptedServer.start(vertx);
    gemini = ScriptedServer.start(vertx).reply(HttpMethod.POST, GEMINI_PATH, 200, "application/json",
        resource("transcripts/gemini-batch-embed-contents.json"));
    JsonObject config = new JsonObject()
        .put("providers", new JsonArray()
            .add(new JsonObject().put("name", "oai").put("type", "openai").put("baseUrl", openAi.baseUrl())
                .put("apiKey", "sk-upstream").put("models", new JsonArray().add("text-embedding-3-small").add("m1")))
            .add(new JsonObject().put("name", "google").put("type", "Gemini")
                .put("baseUrl", "http://127.0.0.1:" + gemini.port() + "/v1beta").put("apiKey", "gk")
                .put("models", new JsonArray().add("gemini-embedding-001"))))
        .put("defaultProvider", "oai")
        .put("models", new JsonObject().put("embedder", new JsonObject().put("strategy", "fallback")
            .put("targets", new JsonArray()
                .add(new JsonObject().put("provider", "oai").put("model", "text-embedding-3-small"))
                .add(new JsonObject().put("provider", "google").put("model", "gemini-embedding-001")))));
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).applyConfig(config)
        .setTeamKeys(new JsonArray().add(new JsonObject().put("name", "team").put("key", TEAM_KEY)
            .put("models", new JsonArray().add("text-embedding-3-small")))
            .add(new JsonObject().put("name", "open").put("key", OPEN_KEY))));
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
    http = WebClient.create(vertx);
    sdk = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(OPEN_KEY).maxRetries(0)
        .build();
  }

  @AfterEach
  void tearDown() {
    sdk.close();
    http.close();
    openAi.close();
    gemini.close();
  }

  private void openAiAnswers(String transcript) {
    openAi.reply(HttpMethod.POST, "/v1/embeddings", 200, "application/json", resource("transcripts/" + transcript));
  }

  private static EmbeddingCreateParams.Builder params(String model) {
    return EmbeddingCreateParams.builder().model(model)
        .inputOfArrayOfStrings(List.of("The food was delicious", "and the waiter..."));
  }

  @Test
  void theSdkGetsFloatsWhenItAsksForFloats() {
    openAiAnswers("openai-embeddings.json");

    CreateEmbeddingResponse response = sdk.embeddings().create(params("text-embedding-3-small")
        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).dimensions(4).build());

    assertThat(response.data()).hasSize(2);
    assertThat(response.data().get(0).embedding()).containsExactlyElementsOf(FIRST);
    assertThat(response.data().get(1).index()).isEqualTo(1);
    assertThat(response.usage().promptTokens()).isEqualTo(8);
    assertThat(response.model()).isEqualTo("text-embedding-3-small");
    JsonObject sent = openAi.last().json();
    assertThat(sent.getString("encoding_format")).isEqualTo("float");
    assertThat(sent.getInteger("dimensions")).isEqualTo(4);
    assertThat(sent.getJsonArray("input")).containsExactly("The food was delicious", "and the waiter...");
    assertThat(openAi.last().headers().get("authorization")).isEqualTo("Bearer sk-upstream");
  }

  @Test
  void theSdkAsksForBase64ByDefaultAndDecodesWhatTheUpstreamSent() {
    openAiAnswers("openai-embeddings-base64.json");

    CreateEmbeddingResponse response = sdk.embeddings().create(params("text-embedding-3-small").build());

    assertThat(openAi.last().json().getString("encoding_format")).isEqualTo("base64");
    assertThat(response.data().get(0).embedding()).containsExactlyElementsOf(FIRST);
    assertThat(response.data().get(1).embedding()).endsWith(1.0f);
  }

  @Test
  void aGeminiModelIsRoutedToGeminiAndItsFloatsReachTheSdkAsBase64() {
    HttpResponse<Buffer> raw = post(new JsonObject().put("model", "gemini-embedding-001").put("input", TWO)
        .put("encoding_format", "base64"), null);
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.getHeader(HttpExchange.PROVIDER_HEADER)).isEqualTo("google");
    assertThat(raw.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getValue("embedding"))
        .isInstanceOf(String.class);

    CreateEmbeddingResponse response = sdk.embeddings().create(params("gemini-embedding-001").build());

    assertThat(response.data().get(0).embedding()).containsExactly(0.013168523f, -0.008711934f, -0.046782676f, 0.5f);
    assertThat(gemini.last().headers().get("x-goog-api-key")).isEqualTo("gk");
    assertThat(gemini.last().json().getJsonArray("requests")).hasSize(2);
    assertThat(openAi.received()).isEmpty();
  }

  @Test
  void theProviderHeaderChoosesTheProviderAndTheAnswerNamesIt() {
    HttpResponse<Buffer> response = post(new JsonObject().put("model", "gemini-embedding-001")
        .put("input", TWO).put("encoding_format", "float"), "google");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader(HttpExchange.PROVIDER_HEADER)).isEqualTo("google");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("object")).isEqualTo("list");
    assertThat(body.getString("provider")).isEqualTo("google");
    assertThat(body.getJsonArray("data").getJsonObject(0).getJsonArray("embedding")).hasSize(4);
  }

  @Test
  void theRequestIdGoesUpstream() {
    openAiAnswers("openai-embeddings.json");
    HttpResponse<Buffer> response = await(http.post(port, "127.0.0.1", EmbeddingsApi.PATH)
        .bearerTokenAuthentication(OPEN_KEY).putHeader("x-request-id", "emb-1")
        .sendJsonObject(new JsonObject().put("model", "m1").put("input", "a")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(openAi.last().headers().get("x-request-id")).isEqualTo("emb-1");
  }

  @Test
  void aModelGroupFallsBackToItsNextTargetWhenOneFails() {
    openAi.reply(HttpMethod.POST, "/v1/embeddings", 503, "application/json",
        new JsonObject().put("error", new JsonObject().put("message", "overloaded").put("type", "server_error"))
            .encode());

    HttpResponse<Buffer> response = post(new JsonObject().put("model", "embedder").put("input", TWO), null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader(HttpExchange.PROVIDER_HEADER)).isEqualTo("google");
    assertThat(openAi.received()).isNotEmpty();
    assertThat(openAi.last().json().getString("model")).isEqualTo("text-embedding-3-small");
    assertThat(gemini.last().uri()).isEqualTo(GEMINI_PATH);
  }

  @Test
  void badFieldsAre400NamingThem() {
    assertThat(param(new JsonObject().put("input", "a"))).isEqualTo("model");
    assertThat(param(new JsonObject().put("model", "text-embedding-3-small"))).isEqualTo("input");
    assertThat(param(new JsonObject().put("model", "text-embedding-3-small").put("input", 5))).isEqualTo("input");
    assertThat(param(new JsonObject().put("model", "text-embedding-3-small")
        .put("input", new JsonArray().add(new JsonObject())))).isEqualTo("input[0]");
    assertThat(param(new JsonObject().put("model", "text-embedding-3-small")
        .put("input", new JsonArray().add(new JsonArray().add("x"))))).isEqualTo("input[0][0]");
    assertThat(param(new JsonObject().put("model", "text-embedding-3-small").put("input", "a")
        .put("dimensions", "4"))).isEqualTo("dimensions");
    assertThat(param(new JsonObject().put("model", "text-embedding-3-small").put("input", "a")
        .put("encoding_format", "int8"))).isEqualTo("encoding_format");
    assertThatThrownBy(() -> sdk.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-3-small")
        .input("").build())).isInstanceOf(BadRequestException.class).hasMessageContaining("input");
    assertThat(openAi.received()).isEmpty();
  }

  @Test
  void aTeamKeyMayEmbedOnlyWithItsModels() {
    HttpResponse<Buffer> response = post(new JsonObject().put("model", "gemini-embedding-001").put("input", "a"),
        null, TEAM_KEY);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message"))
        .contains("gemini-embedding-001");
    assertThat(gemini.received()).isEmpty();
  }

  @Test
  void modelsSayWhichEmbed() {
    JsonArray models = await(http.get(port, "127.0.0.1", "/v1/models").bearerTokenAuthentication(OPEN_KEY).send())
        .bodyAsJsonObject().getJsonArray("data");

    assertThat(models.stream().map(JsonObject.class::cast).filter(model -> model.getBoolean("embeddings"))
        .map(model -> model.getString("id")).toList())
        .containsExactlyInAnyOrder("text-embedding-3-small", "gemini-embedding-001", "embedder");
    assertThat(models.stream().map(JsonObject.class::cast).map(model -> model.getString("id")))
        .contains("m1");
  }

  @Test
  void theEventBusAddressServesTheInProcessClientsCall() {
    openAiAnswers("openai-embeddings.json");
    EventBusAsyncClient client = EventBusAsyncClient.create(vertx, new EventBusClientOptions());

    EmbeddingsResponse response = await(client.embeddings().create(new EmbeddingRequest()
        .setModel("text-embedding-3-small").setInput(List.of("a", "b"))));
    assertThat(openAi.last().headers().get("x-request-id")).as("the event-bus request's id").isNotBlank();

    assertThat(response.getProvider()).isEqualTo("oai");
    assertThat(response.getUsage().getTotalTokens()).isEqualTo(8);
    assertThat(response.getData().get(0).vector()).containsExactly(0.0023064255f, -0.009327292f, -0.0028842222f,
        0.015625f);
    G4fException refused = failure(client.embeddings().create(new EmbeddingRequest().setModel("m1")));
    assertThat(refused).isInstanceOf(InvalidRequestException.class);
    assertThat(refused.param()).isEqualTo("input");
    assertThat(refused.status()).isEqualTo(400);
  }

  private static G4fException failure(Future<?> call) {
    Throwable failure = await(call.transform(outcome -> Future.succeededFuture(outcome.cause())));
    assertThat(failure).isInstanceOf(G4fException.class);
    return (G4fException) failure;
  }

  private String param(JsonObject body) {
    HttpResponse<Buffer> response = post(body, null);
    assertThat(response.statusCode()).as(body.encode()).isEqualTo(400);
    return response.bodyAsJsonObject().getJsonObject("error").getString("param");
  }

  private HttpResponse<Buffer> post(JsonObject body, String provider) {
    return post(body, provider, OPEN_KEY);
  }

  private HttpResponse<Buffer> post(JsonObject body, String provider, String key) {
    HttpRequest<Buffer> request = http.post(port, "127.0.0.1", EmbeddingsApi.PATH);
    if (provider != null) {
      request.putHeader(HttpExchange.PROVIDER_HEADER, provider);
    }
    request.bearerTokenAuthentication(key);
    return await(request.sendJsonObject(body));
  }
}
