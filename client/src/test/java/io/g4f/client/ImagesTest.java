package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Image generation: url and b64_json both work whatever the provider returns. */
@ExtendWith(VertxExtension.class)
class ImagesTest {

  private static final byte[] PNG = VisionTest.image("png");
  private static final String B64 = Base64.getEncoder().encodeToString(PNG);

  @TempDir
  Path imagesDir;
  private ScriptedServer upstream;
  private AsyncClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx).on(HttpMethod.GET, "/files/cat.png", request ->
        request.response().putHeader("content-type", "image/png").end(Buffer.buffer(PNG)));
    client = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl()).setApiKey("img-key-123")
        .setImagesDir(imagesDir.toString()));
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    upstream.close();
  }

  private void providerReturns(String field, String value) {
    upstream.reply(HttpMethod.POST, "/v1/images/generations", 200, "application/json", new JsonObject()
        .put("created", 1589478378)
        .put("data", new io.vertx.core.json.JsonArray().add(new JsonObject().put(field, value)
            .put("revised_prompt", "A white Siamese cat sitting")))
        .encode());
  }

  private String fileUrl() {
    return "http://127.0.0.1:" + upstream.port() + "/files/cat.png";
  }

  @Test
  void bytesWantedAsUrlAreWrittenToTheImagesDirectory() {
    providerReturns("b64_json", B64);

    ImagesResponse response = await(client.images().generate(
        ImageGenerationRequest.of("dall-e-3", "a white siamese cat")));

    ImagesResponse.Image image = response.getData().get(0);
    assertThat(image.getB64Json()).isNull();
    assertThat(image.getUrl()).startsWith("file:").endsWith(".png");
    Path file = Path.of(URI.create(image.getUrl()));
    assertThat(file.getParent()).isEqualTo(imagesDir.toAbsolutePath());
    assertThat(ScriptedServer.bytes(file)).isEqualTo(PNG);
    assertThat(image.getRevisedPrompt()).isEqualTo("A white Siamese cat sitting");
    assertThat(response.getCreated()).isEqualTo(1589478378L);
    assertThat(response.getProvider()).isEqualTo("OpenAI");

    ScriptedServer.Received sent = upstream.last();
    assertThat(sent.uri()).isEqualTo("/v1/images/generations");
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer img-key-123");
    assertThat(sent.json()).isEqualTo(new JsonObject().put("prompt", "a white siamese cat").put("model", "dall-e-3"));
  }

  @Test
  void aUrlWantedAsUrlIsReturnedAsItIs() {
    providerReturns("url", fileUrl());

    ImagesResponse response = await(client.images().generate(ImageGenerationRequest.of("dall-e-3", "a cat")
        .setResponseFormat(ImageGenerationRequest.URL).setSize("1024x1024").setN(1)));

    assertThat(response.getData().get(0).getUrl()).isEqualTo(fileUrl());
    assertThat(upstream.last().json()).isEqualTo(new JsonObject().put("prompt", "a cat").put("model", "dall-e-3")
        .put("n", 1).put("size", "1024x1024").put("response_format", "url"));
  }

  @Test
  void aUrlWantedAsUrlIsDownloadedAndStoredWhenTheClientStoresImages(Vertx vertx) {
    providerReturns("url", fileUrl());
    AsyncClient storing = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl())
        .setImagesDir(imagesDir.toString()).setStoreImages(true));

    ImagesResponse response = await(storing.images().generate(ImageGenerationRequest.of("dall-e-3", "a cat")));
    await(storing.close());

    String url = response.getData().get(0).getUrl();
    assertThat(url).startsWith("file:").endsWith(".png");
    assertThat(Path.of(URI.create(url)).getParent()).isEqualTo(imagesDir.toAbsolutePath());
    assertThat(ScriptedServer.bytes(Path.of(URI.create(url)))).isEqualTo(PNG);
    assertThat(upstream.last().uri()).isEqualTo("/files/cat.png");
  }

  @Test
  void aStoredUrlThatIsNoImageFailsTheCallWithoutNamingItsHost(Vertx vertx) {
    upstream.reply(HttpMethod.GET, "/files/page.html", 200, "text/html", "<html>internal</html>");
    providerReturns("url", "http://127.0.0.1:" + upstream.port() + "/files/page.html");
    AsyncClient storing = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl())
        .setImagesDir(imagesDir.toString()).setStoreImages(true));

    G4fException failure = fail(storing.images().generate(ImageGenerationRequest.of("dall-e-3", "a cat")));
    await(storing.close());

    assertThat(failure).isInstanceOf(ProviderException.class).hasMessage(
        "OpenAI returned an image URL that could not be downloaded: its content type is text/html, not an image");
    assertThat(imagesDir.toFile().list()).isEmpty();
  }

  @Test
  void aUrlWantedAsBase64IsDownloadedWithoutTheKey() {
    providerReturns("url", fileUrl());

    ImagesResponse response = await(client.images().generate(ImageGenerationRequest.of("dall-e-3", "a cat")
        .setResponseFormat(ImageGenerationRequest.B64_JSON)));

    ImagesResponse.Image image = response.getData().get(0);
    assertThat(image.getUrl()).isNull();
    assertThat(Base64.getDecoder().decode(image.getB64Json())).isEqualTo(PNG);
    ScriptedServer.Received download = upstream.last();
    assertThat(download.method()).isEqualTo(HttpMethod.GET);
    assertThat(download.uri()).isEqualTo("/files/cat.png");
    assertThat(download.headers().get("authorization")).isNull();
  }

  @Test
  void aDataUriWantedAsBase64IsDecodedLocally() {
    providerReturns("url", "data:image/png;base64," + B64);

    ImagesResponse response = await(client.images().generate(ImageGenerationRequest.of("dall-e-3", "a cat")
        .setResponseFormat(ImageGenerationRequest.B64_JSON)));

    assertThat(response.getData().get(0).getB64Json()).isEqualTo(B64);
    assertThat(upstream.received()).hasSize(1);
  }

  @Test
  void base64WantedAsBase64IsReturnedAsItIs() {
    providerReturns("b64_json", B64);

    ImagesResponse response = await(client.images().generate(ImageGenerationRequest.of("dall-e-3", "a cat")
        .setResponseFormat(ImageGenerationRequest.B64_JSON)));

    assertThat(response.getData().get(0).getB64Json()).isEqualTo(B64);
    assertThat(response.getData().get(0).getUrl()).isNull();
  }

  @Test
  void aFileUrlOutsideTheImagesDirectoryIsNeverRead() {
    providerReturns("url", "file:///etc/passwd");

    G4fException failure = fail(client.images().generate(ImageGenerationRequest.of("dall-e-3", "a cat")
        .setResponseFormat(ImageGenerationRequest.B64_JSON)));

    assertThat(failure).isInstanceOf(ProviderException.class).hasMessageContaining("outside the images directory");
  }

  @Test
  void aFailedDownloadFailsTheCall() {
    providerReturns("url", "http://127.0.0.1:" + upstream.port() + "/files/missing.png");

    G4fException failure = fail(client.images().generate(ImageGenerationRequest.of("dall-e-3", "a cat")
        .setResponseFormat(ImageGenerationRequest.B64_JSON)));

    assertThat(failure).isInstanceOf(ProviderException.class).hasMessageContaining("404");
  }

  @Test
  void aContentPolicyRejectionIsAnInvalidRequest() {
    upstream.reply(HttpMethod.POST, "/v1/images/generations", 400, "application/json",
        "{\"error\":{\"code\":\"content_policy_violation\",\"message\":\"Your request was rejected as a result of our"
            + " safety system.\",\"param\":null,\"type\":\"invalid_request_error\"}}");

    G4fException failure = fail(client.images().generate(ImageGenerationRequest.of("dall-e-3", "a cat")));

    assertThat(failure).isInstanceOf(InvalidRequestException.class);
    assertThat(failure.code()).isEqualTo("content_policy_violation");
  }

  @Test
  void badRequestsAreRejectedBeforeSending() {
    assertThat(fail(client.images().generate(new ImageGenerationRequest().setPrompt(" "))).param())
        .isEqualTo("prompt");
    assertThat(fail(client.images().generate(ImageGenerationRequest.of("m", "cat").setResponseFormat("png"))).param())
        .isEqualTo("response_format");
    assertThat(upstream.received()).isEmpty();
  }
}
