package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.provider.GeminiProvider;
import io.g4f.client.provider.OllamaProvider;
import io.g4f.client.provider.Providers;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.spi.toolkit.Json;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Embeddings from each wire protocol (golden transcripts of the API references): the request as it goes on the
 * wire, float and base64 answers (base64 made here for providers that only send floats), usage, and errors.
 */
@ExtendWith(VertxExtension.class)
class EmbeddingsTest {

  private static final String KEY = "emb-key-123";
  private static final String GEMINI_PATH = "/v1beta/models/gemini-embedding-001:batchEmbedContents";

  private Vertx vertx;
  private ScriptedServer upstream;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx);
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  private AsyncClient client(String provider, String baseUrl) {
    return AsyncClient.create(vertx, new ClientOptions().setProvider(provider).setBaseUrl(baseUrl).setApiKey(KEY)
        .setMaxRetries(0), ProviderRegistry.standard()
        .register(new GeminiProvider("http://127.0.0.1:" + upstream.port() + "/v1beta"))
        .register(new OllamaProvider("http://127.0.0.1:" + upstream.port())));
  }

  private AsyncClient openAi() {
    return client("OpenAI", upstream.baseUrl());
  }

  private static EmbeddingRequest twoTexts(String model) {
    return new EmbeddingRequest().setModel(model).setInput(List.of("The food was delicious", "and the waiter..."));
  }

  @Test
  void openAiIsSentTheRequestAsItIsAndItsFloatsComeBackWithUsage() {
    upstream.reply(HttpMethod.POST, "/v1/embeddings", 200, "application/json",
        resource("transcripts/openai-embeddings.json"));

    EmbeddingsResponse response = await(openAi().embeddings().create(twoTexts("text-embedding-3-small")
        .setDimensions(4).setUser("user-1").putExtra("truncate", "END")));

    ScriptedServer.Received sent = upstream.last();
    assertThat(sent.uri()).isEqualTo("/v1/embeddings");
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer " + KEY);
    assertThat(sent.json()).isEqualTo(new JsonObject().put("model", "text-embedding-3-small")
        .put("input", new JsonArray().add("The food was delicious").add("and the waiter...")).put("dimensions", 4)
        .put("user", "user-1").put("truncate", "END"));
    assertThat(response.getObject()).isEqualTo("list");
    assertThat(response.getModel()).isEqualTo("text-embedding-3-small");
    assertThat(response.getProvider()).isEqualTo("OpenAI");
    assertThat(response.getUsage().getPromptTokens()).isEqualTo(8);
    assertThat(response.getUsage().getTotalTokens()).isEqualTo(8);
    assertThat(response.getData()).extracting(EmbeddingsResponse.Embedding::getIndex).containsExactly(0, 1);
    assertThat(response.getData().get(0).isBase64()).isFalse();
    assertThat(response.getData().get(0).getObject()).isEqualTo("embedding");
    assertThat(response.getData().get(0).vector()).containsExactly(0.0023064255f, -0.009327292f, -0.0028842222f,
        0.015625f);
    assertThat(response.getData().get(1).vector()[3]).isEqualTo(1.0f);
  }

  @Test
  void base64IsAskedOfOpenAiAndKeptAsItSentIt() {
    String transcript = resource("transcripts/openai-embeddings-base64.json");
    upstream.reply(HttpMethod.POST, "/v1/embeddings", 200, "application/json", transcript);

    EmbeddingsResponse response = await(openAi().embeddings().create(new EmbeddingRequest()
        .setModel("text-embedding-3-small").setInput("The food was delicious").setEncodingFormat("base64")));

    assertThat(upstream.last().json().getString("encoding_format")).isEqualTo("base64");
    assertThat(upstream.last().json().getString("input")).isEqualTo("The food was delicious");
    String sentByOpenAi = new JsonObject(transcript).getJsonArray("data").getJsonObject(0).getString("embedding");
    assertThat(response.getData().get(0).getEmbedding()).isEqualTo(sentByOpenAi);
    assertThat(response.getData().get(0).vector()).containsExactly(0.0023064255f, -0.009327292f, -0.0028842222f,
        0.015625f);
  }

  @Test
  void azureEmbedsWithTheDeploymentInThePathAndTheKeyInItsHeader() {
    upstream.reply(HttpMethod.POST, "/openai/deployments/my-embedder/embeddings", 200, "application/json",
        resource("transcripts/openai-embeddings.json"));

    EmbeddingsResponse response = await(client("Azure", "http://127.0.0.1:" + upstream.port()).embeddings()
        .create(twoTexts("my-embedder")));

    assertThat(upstream.last().uri()).isEqualTo("/openai/deployments/my-embedder/embeddings?api-version=2024-10-21");
    assertThat(upstream.last().headers().get("api-key")).isEqualTo(KEY);
    assertThat(upstream.last().headers().get("authorization")).isNull();
    assertThat(response.getProvider()).isEqualTo("Azure");
    assertThat(response.getData()).hasSize(2);
  }

  @Test
  void geminiEmbedsEachTextInOneBatchCallAsFloats() {
    upstream.reply(HttpMethod.POST, GEMINI_PATH, 200, "application/json",
        resource("transcripts/gemini-batch-embed-contents.json"));

    EmbeddingsResponse response = await(client("Gemini", null).embeddings()
        .create(twoTexts("gemini-embedding-001").setDimensions(768)));

    ScriptedServer.Received sent = upstream.last();
    assertThat(sent.uri()).isEqualTo(GEMINI_PATH);
    assertThat(sent.headers().get("x-goog-api-key")).isEqualTo(KEY);
    assertThat(sent.json()).isEqualTo(new JsonObject().put("requests", new JsonArray()
        .add(geminiRequest("The food was delicious")).add(geminiRequest("and the waiter..."))));
    assertThat(response.getProvider()).isEqualTo("Gemini");
    assertThat(response.getModel()).isEqualTo("gemini-embedding-001");
    assertThat(response.getUsage()).isNull();
    assertThat(response.getData()).extracting(EmbeddingsResponse.Embedding::getIndex).containsExactly(0, 1);
    assertThat(response.getData().get(0).getEmbedding()).isInstanceOf(List.class);
    assertThat(response.getData().get(0).vector()).containsExactly(0.013168523f, -0.008711934f, -0.046782676f, 0.5f);
  }

  private static JsonObject geminiRequest(String text) {
    return new JsonObject().put("model", "models/gemini-embedding-001")
        .put("content", new JsonObject().put("parts", new JsonArray().add(new JsonObject().put("text", text))))
        .put("outputDimensionality", 768);
  }

  @Test
  void base64IsMadeHereAsLittleEndianFloat32ForAProviderThatSendsFloats() {
    upstream.reply(HttpMethod.POST, GEMINI_PATH, 200, "application/json",
        resource("transcripts/gemini-batch-embed-contents.json"));

    EmbeddingsResponse response = await(client("Gemini", null).embeddings()
        .create(twoTexts("gemini-embedding-001").setEncodingFormat("base64")));

    assertThat(upstream.last().json().getJsonArray("requests").getJsonObject(0).containsKey("encoding_format"))
        .isFalse();
    EmbeddingsResponse.Embedding second = response.getData().get(1);
    assertThat(second.isBase64()).isTrue();
    assertThat(second.vector()).containsExactly(-0.0055674194f, 0.011013968f, 0.023456437f, -1.0f);
    assertThat(new EmbeddingsResponse.Embedding(0, new float[] {1.0f}).toBase64().getEmbedding())
        .isEqualTo("AACAPw==");
  }

  @Test
  void ollamaEmbedsWithApiEmbedAndCountsThePromptTokens() {
    upstream.reply(HttpMethod.POST, "/api/embed", 200, "application/json", resource("transcripts/ollama-embed.json"));

    EmbeddingsResponse response = await(client("OllamaNative", null).embeddings()
        .create(twoTexts("all-minilm").setDimensions(10)));

    assertThat(upstream.last().uri()).isEqualTo("/api/embed");
    assertThat(upstream.last().json()).isEqualTo(new JsonObject().put("model", "all-minilm")
        .put("input", new JsonArray().add("The food was delicious").add("and the waiter...")).put("dimensions", 10));
    assertThat(response.getProvider()).isEqualTo("OllamaNative");
    assertThat(response.getModel()).isEqualTo("all-minilm");
    assertThat(response.getUsage().getPromptTokens()).isEqualTo(8);
    assertThat(response.getUsage().getTotalTokens()).isEqualTo(8);
    assertThat(response.getData()).hasSize(2);
    assertThat(response.getData().get(1).vector()).hasSize(10).startsWith(-0.0098027075f, 0.06042469f);
  }

  @Test
  void anUpstreamErrorIsItsExceptionNamingTheParam() {
    upstream.reply(HttpMethod.POST, "/v1/embeddings", 400, "application/json", new JsonObject().put("error",
        new JsonObject().put("message", "This model does not support specifying dimensions.")
            .put("type", "invalid_request_error").put("param", "dimensions").putNull("code")).encode());

    G4fException failure = fail(openAi().embeddings().create(twoTexts("text-embedding-ada-002").setDimensions(4)));

    assertThat(failure).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("does not support specifying dimensions");
    assertThat(failure.param()).isEqualTo("dimensions");
    assertThat(failure.provider()).isEqualTo("OpenAI");
  }

  @Test
  void aGeminiKeyErrorIsAnAuthenticationFailure() {
    upstream.reply(HttpMethod.POST, GEMINI_PATH, 400, "application/json", new JsonObject().put("error",
        new JsonObject().put("code", 400).put("message", "API key not valid. Please pass a valid API key.")
            .put("status", "INVALID_ARGUMENT").put("details", new JsonArray().add(new JsonObject()
                .put("@type", "type.googleapis.com/google.rpc.ErrorInfo").put("reason", "API_KEY_INVALID")))).encode());

    assertThat(fail(client("Gemini", null).embeddings().create(twoTexts("gemini-embedding-001"))))
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void anAnswerWithAnEmbeddingPerInputMissingIsMalformed() {
    upstream.reply(HttpMethod.POST, "/api/embed", 200, "application/json",
        new JsonObject().put("model", "all-minilm").put("embeddings", new JsonArray().add(new JsonArray().add(0.5)))
            .encode());

    assertThat(fail(client("OllamaNative", null).embeddings().create(twoTexts("all-minilm"))))
        .isInstanceOf(ProviderException.class).hasMessageContaining("1 embeddings for 2 inputs");
  }

  @Test
  void badRequestsAreRefusedBeforeAnythingIsSent() {
    AsyncClient client = openAi();
    assertThat(fail(client.embeddings().create(new EmbeddingRequest().setInput("x"))).param()).isEqualTo("model");
    assertThat(fail(client.embeddings().create(new EmbeddingRequest().setModel("m"))).param()).isEqualTo("input");
    assertThat(fail(client.embeddings().create(twoTexts("m").setEncodingFormat("int8"))).param())
        .isEqualTo("encoding_format");
    assertThat(fail(client("Gemini", null).embeddings().create(
        Json.decode("{\"model\":\"gemini-embedding-001\",\"input\":[[1,2,3]]}",
            EmbeddingRequest.class))).param()).isEqualTo("input");
    G4fException anthropic = fail(client("Anthropic", null).embeddings().create(twoTexts("claude-3-5-haiku")));
    assertThat(anthropic).isInstanceOf(InvalidRequestException.class).hasMessageContaining("does not make embeddings");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void tokenArraysArePassedThroughToOpenAi() {
    upstream.reply(HttpMethod.POST, "/v1/embeddings", 200, "application/json",
        resource("transcripts/openai-embeddings.json"));
    EmbeddingRequest request = Json.decode(
        "{\"model\":\"text-embedding-3-small\",\"input\":[[1212,318],[257,1332]]}", EmbeddingRequest.class);

    await(openAi().embeddings().create(request));

    assertThat(upstream.last().json().getJsonArray("input")).isEqualTo(new JsonArray("[[1212,318],[257,1332]]"));
  }

  @Test
  void theBlockingClientEmbedsToo() {
    upstream.reply(HttpMethod.POST, "/v1/embeddings", 200, "application/json",
        resource("transcripts/openai-embeddings.json"));
    try (Client client = Client.create(vertx, new ClientOptions().setProvider("OpenAI")
        .setBaseUrl(upstream.baseUrl()).setApiKey(KEY))) {
      assertThat(client.embeddings().create(twoTexts("text-embedding-3-small")).getData()).hasSize(2);
    }
  }

  @Test
  void theProvidersThatEmbedSaySoForTheirEmbeddingModels() {
    assertThat(Providers.OPENAI.embeds("text-embedding-3-small")).isTrue();
    assertThat(Providers.OPENAI.embeds("gpt-4o-mini")).isFalse();
    assertThat(Providers.GEMINI.embeds("gemini-embedding-001")).isTrue();
    assertThat(Providers.ANTHROPIC.embeds("an-embed-model")).isFalse();
  }
}
