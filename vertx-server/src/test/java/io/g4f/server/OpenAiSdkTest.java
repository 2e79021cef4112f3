package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import com.openai.models.models.Model;
import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The official openai-java SDK, unchanged, against the gateway. */
@ExtendWith(VertxExtension.class)
class OpenAiSdkTest {

  private static final String KEY = "gateway-key-7";
  private static final byte[] PNG = ScriptedServer.onePixelPng();

  @TempDir
  Path imagesDir;
  private ScriptedServer upstream;
  private OpenAIClient sdk;
  private String gatewayUrl;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    ClientOptions client = new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0)
        .setImagesDir(imagesDir.toString());
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setApiKey(KEY)
        .addProvider("local", client, List.of("gpt-4o-mini", "m2")));
    await(vertx.deployVerticle(gateway));
    gatewayUrl = "http://127.0.0.1:" + gateway.actualPort() + "/v1";
    sdk = OpenAIOkHttpClient.builder().baseUrl(gatewayUrl).apiKey(KEY)
        .maxRetries(0).build();
  }

  @AfterEach
  void tearDown() {
    sdk.close();
    upstream.close();
  }

  private static ChatCompletionCreateParams params() {
    return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("say this is a test").build();
  }

  @Test
  void createCompletion() {
    ChatCompletion completion = sdk.chat().completions().create(params());

    assertThat(completion.id()).isEqualTo("chatcmpl-123");
    assertThat(completion.choices().get(0).message().content()).contains("This is a test.");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(17);
  }

  @Test
  void streamCompletion() {
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params())) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(choice ->
          choice.delta().content().ifPresent(text::append)));
    }
    assertThat(text).hasToString("This is a test.");
  }

  @Test
  void listAndRetrieveModels() {
    assertThat(sdk.models().list().data()).extracting(Model::id).containsExactly("gpt-4o-mini", "m2");
    assertThat(sdk.models().retrieve("m2").id()).isEqualTo("m2");
    assertThatThrownBy(() -> sdk.models().retrieve("nope")).isInstanceOf(NotFoundException.class);
  }

  @Test
  @SuppressWarnings("deprecation") // response_format is deprecated for gpt-image models, current for dall-e
  void imagesAsUrlAndAsBase64() {
    upstream.on(HttpMethod.POST, "/v1/images/generations", request -> request.response()
        .putHeader("content-type", "application/json")
        .end("{\"created\":1,\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(PNG) + "\"}]}"));

    ImagesResponse asBase64 = sdk.images().generate(ImageGenerateParams.builder().prompt("a white siamese cat")
        .model("dall-e-3").responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON).build());
    assertThat(Base64.getDecoder().decode(asBase64.data().orElseThrow().get(0).b64Json().orElseThrow())).isEqualTo(PNG);

    ImagesResponse asUrl = sdk.images().generate(ImageGenerateParams.builder().prompt("a white siamese cat")
        .model("dall-e-3").responseFormat(ImageGenerateParams.ResponseFormat.URL).build());
    assertThat(asUrl.data().orElseThrow().get(0).url()).isPresent();
  }

  @Test
  void upstreamErrorsArriveAsTheSdkExceptions() {
    upstreamFails(400, "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"param\":\"messages\"}}");
    assertThatThrownBy(() -> sdk.chat().completions().create(params())).isInstanceOf(BadRequestException.class);

    upstreamFails(401, "{\"error\":{\"message\":\"Incorrect API key\",\"type\":\"invalid_request_error\"}}");
    assertThatThrownBy(() -> sdk.chat().completions().create(params())).isInstanceOf(UnauthorizedException.class);

    upstreamFails(404, "{\"error\":{\"message\":\"The model does not exist\",\"code\":\"model_not_found\"}}");
    assertThatThrownBy(() -> sdk.chat().completions().create(params())).isInstanceOf(NotFoundException.class);

    upstreamFails(429, "{\"error\":{\"message\":\"Rate limit\",\"code\":\"rate_limit_exceeded\"}}");
    assertThatThrownBy(() -> sdk.chat().completions().create(params())).isInstanceOf(RateLimitException.class);

    upstreamFails(503, "{\"error\":{\"message\":\"overloaded\"}}");
    assertThatThrownBy(() -> sdk.chat().completions().create(params())).isInstanceOf(InternalServerException.class)
        .satisfies(e -> assertThat(((InternalServerException) e).statusCode()).isEqualTo(502));
  }

  @Test
  void anErrorMidStreamSurfacesInTheSdk() {
    upstream.sse("/v1/chat/completions",
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");

    assertThatThrownBy(() -> {
      try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params())) {
        stream.stream().forEach(chunk -> { });
      }
    }).isInstanceOf(SseException.class).hasMessageContaining("overloaded");
  }

  @Test
  void aWrongGatewayKeyIsUnauthorized() {
    OpenAIClient stranger = OpenAIOkHttpClient.builder().baseUrl(gatewayUrl).apiKey("wrong").maxRetries(0).build();

    assertThatThrownBy(() -> stranger.chat().completions().create(params())).isInstanceOf(UnauthorizedException.class);
    stranger.close();
  }

  private void upstreamFails(int status, String body) {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", status, "application/json", body);
  }
}
