package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.provider.PollinationsProvider;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.spi.toolkit.AbstractProvider;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Pollinations' keyless endpoints: OpenAI-compatible text at /openai, images as bytes from GET /prompt/{prompt}. */
@ExtendWith(VertxExtension.class)
class PollinationsTest {

  private static final byte[] JPEG = VisionTest.image("jpeg");

  @TempDir
  Path imagesDir;
  private ScriptedServer text;
  private ScriptedServer images;
  private AsyncClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    text = ScriptedServer.start(vertx).openAiChat("/openai");
    images = ScriptedServer.start(vertx).on(HttpMethod.GET, "/prompt/a%20white%20siamese%20cat", request ->
        request.response().putHeader("content-type", "image/jpeg").end(Buffer.buffer(JPEG)));
    ProviderRegistry registry = ProviderRegistry.standard().register(new PollinationsProvider(
        "http://127.0.0.1:" + text.port(), "http://127.0.0.1:" + images.port()));
    client = AsyncClient.create(vertx, new ClientOptions().setProvider("Pollinations").setMaxRetries(0)
        .setImagesDir(imagesDir.toString()), registry);
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    text.close();
    images.close();
  }

  @Test
  void aWholeAnswerIsAskedWholeWithNoKeyAndKeepsEveryField() {
    ChatCompletion completion = await(client.chat().completions().create(
        new ChatCompletionRequest().addUserMessage("say this is a test")));

    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
    assertThat(completion.getProvider()).isEqualTo("Pollinations");
    assertThat(text.last().uri()).isEqualTo("/openai");
    assertThat(text.last().json().getString("model")).isEqualTo("openai");
    assertThat(text.last().json().getBoolean("stream")).isFalse();
    assertThat(text.last().headers().get("authorization")).isNull();
    assertThat(text.last().headers().get("user-agent")).isEqualTo(AbstractProvider.USER_AGENT);
    assertThat(text.received()).hasSize(1);
    assertThat(completion.getId()).isEqualTo("chatcmpl-123");
    assertThat(completion.getCreated()).isEqualTo(1694268190L);
    assertThat(completion.getModel()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(completion.getSystemFingerprint()).isEqualTo("fp_44709d6fcb");
    assertThat(completion.getExtra()).containsEntry("service_tier", "default");
    assertThat(completion.getChoices().get(0).getMessage().getExtra()).containsKey("annotations");
    assertThat(completion.getUsage().getTotalTokens()).isEqualTo(17);
    assertThat(completion.getUsage().getExtra()).containsKeys("prompt_tokens_details", "completion_tokens_details");
  }

  @Test
  void imagesAreFetchedAsBytesAndReturnedAsFiles() {
    ImagesResponse response = await(client.images().generate(ImageGenerationRequest.of("dall-e-3", "a white siamese cat")
        .setSize("512x768").setN(2).putExtra("seed", 42)));

    assertThat(response.getData()).hasSize(2);
    for (ImagesResponse.Image image : response.getData()) {
      assertThat(image.getUrl()).startsWith("file:").endsWith(".jpg");
      assertThat(ScriptedServer.bytes(Path.of(URI.create(image.getUrl())))).isEqualTo(JPEG);
    }
    assertThat(images.received()).extracting(ScriptedServer.Received::uri).containsExactlyInAnyOrder(
        "/prompt/a%20white%20siamese%20cat?model=flux&width=512&height=768&seed=42&nologo=true",
        "/prompt/a%20white%20siamese%20cat?model=flux&width=512&height=768&seed=43&nologo=true");
    assertThat(images.last().headers().get("authorization")).isNull();
    assertThat(images.last().headers().get("user-agent")).isEqualTo(AbstractProvider.USER_AGENT);
  }

  @Test
  void imagesAsBase64() {
    ImagesResponse response = await(client.images().generate(new ImageGenerationRequest()
        .setPrompt("a white siamese cat").setModel("turbo").setResponseFormat(ImageGenerationRequest.B64_JSON)));

    assertThat(Base64.getDecoder().decode(response.getData().get(0).getB64Json())).isEqualTo(JPEG);
    assertThat(images.last().uri()).startsWith("/prompt/a%20white%20siamese%20cat?model=turbo&width=1024&height=1024");
  }

  @Test
  void anImageFailureIsMapped() {
    images.reply(HttpMethod.GET, "/prompt/a%20white%20siamese%20cat", 500, "text/plain", "Internal error");

    G4fException failure = fail(client.images().generate(ImageGenerationRequest.of("flux", "a white siamese cat")));

    assertThat(failure).isInstanceOf(ProviderException.class).hasMessage("Pollinations answered HTTP 500: Internal error");
  }

  @Test
  void aBadSizeIsRejectedBeforeSending() {
    G4fException failure = fail(client.images().generate(ImageGenerationRequest.of("flux", "a white siamese cat")
        .setSize("big")));

    assertThat(failure).isInstanceOf(InvalidRequestException.class);
    assertThat(failure.param()).isEqualTo("size");
    assertThat(images.received()).isEmpty();
  }
}
