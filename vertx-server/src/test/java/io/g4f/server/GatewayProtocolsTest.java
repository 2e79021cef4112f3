package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Config types beyond OpenAI: the gateway speaks Anthropic and Gemini upstream and OpenAI to its callers. */
@ExtendWith(VertxExtension.class)
class GatewayProtocolsTest {

  private static final String GEMINI_STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
  private static final String GEMINI_WHOLE = "/v1beta/models/gemini-2.5-flash:generateContent";

  private ScriptedServer anthropic;
  private ScriptedServer gemini;
  private OpenAIClient sdk;

  @BeforeEach
  void setUp(Vertx vertx) {
    anthropic = ScriptedServer.start(vertx).chat("/v1/messages", resource("transcripts/anthropic-messages-stream.txt"),
        resource("transcripts/anthropic-message.json"));
    gemini = ScriptedServer.start(vertx).sse(GEMINI_STREAM, resource("transcripts/gemini-text-stream.sse"))
        .reply(HttpMethod.POST, "/v1beta/models/imagen-4.0-generate-001:predict", 200, "application/json",
            resource("transcripts/gemini-imagen-predict.json"));
    JsonObject config = new JsonObject()
        .put("providers", new JsonArray()
            .add(new JsonObject().put("name", "claude").put("type", "anthropic").put("baseUrl", anthropic.baseUrl())
                .put("apiKey", "ak").put("models", new JsonArray().add("claude-sonnet-4-5")))
            .add(new JsonObject().put("name", "google").put("type", "Gemini")
                .put("baseUrl", "http://127.0.0.1:" + gemini.port() + "/v1beta").put("apiKey", "gk")
                .put("models", new JsonArray().add("gemini-2.5-flash").add("imagen-4.0-generate-001"))))
        .put("defaultProvider", "claude").put("imageProvider", "google");
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).applyConfig(config));
    await(vertx.deployVerticle(gateway));
    sdk = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.actualPort() + "/v1").apiKey("unused")
        .maxRetries(0).build();
  }

  @AfterEach
  void tearDown() {
    sdk.close();
    anthropic.close();
    gemini.close();
  }

  private static ChatCompletionCreateParams ask(String model) {
    return ChatCompletionCreateParams.builder().model(model).addSystemMessage("be brief").addUserMessage("hello")
        .build();
  }

  @Test
  void anAnthropicAnswerArrivesAsAnOpenAiCompletion() {
    ChatCompletion completion = sdk.chat().completions().create(ask("claude-sonnet-4-5"));

    assertThat(completion.id()).isEqualTo("msg_013Zva2CMHLNnXjNJJKqJ2EF");
    assertThat(completion.choices().get(0).message().content()).contains("Hi! My name is Claude.");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(2598);
    JsonObject sent = anthropic.last().json();
    assertThat(sent.containsKey("stream")).isFalse();
    assertThat(sent.getString("system")).isEqualTo("be brief");
    assertThat(sent.getJsonArray("messages")).hasSize(1);
    assertThat(anthropic.last().headers().get("x-api-key")).isEqualTo("ak");
  }

  @Test
  void aGeminiStreamArrivesAsOpenAiChunks() {
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(
        ask("gemini-2.5-flash"))) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(choice ->
          choice.delta().content().ifPresent(text::append)));
    }

    assertThat(text.toString()).startsWith("The sky is blue because air scatters short blue wavelengths");
    assertThat(gemini.last().uri()).isEqualTo(GEMINI_STREAM + "?alt=sse");
    assertThat(gemini.last().json().getJsonObject("systemInstruction").encode()).contains("be brief");
  }

  @Test
  @SuppressWarnings("deprecation") // response_format is deprecated for gpt-image models, current for others
  void imagenImagesArriveAsBase64() {
    ImagesResponse images = sdk.images().generate(ImageGenerateParams.builder().prompt("a white siamese cat")
        .model("imagen-4.0-generate-001").n(2).responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON).build());

    assertThat(images.data().orElseThrow()).hasSize(2);
    assertThat(images.data().orElseThrow().get(0).b64Json()).isPresent();
  }

  @Test
  void aGeminiSafetyBlockIsABadRequest() {
    gemini.reply(HttpMethod.POST, GEMINI_WHOLE, 200, "application/json",
        resource("transcripts/gemini-blocked-prompt.sse").strip().substring("data: ".length()));

    assertThatThrownBy(() -> sdk.chat().completions().create(ask("gemini-2.5-flash")))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("blocked");
  }
}
