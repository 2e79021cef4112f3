package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.ContentPart;
import io.g4f.client.chat.ImageInput;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Vision inputs become OpenAI image_url parts of the last user message, MIME type sniffed from the bytes. */
@ExtendWith(VertxExtension.class)
class VisionTest {

  private ScriptedServer upstream;
  private AsyncClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    client = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl()));
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    upstream.close();
  }

  static byte[] image(String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), format, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private JsonArray sentContent() {
    JsonArray messages = upstream.last().json().getJsonArray("messages");
    return messages.getJsonObject(messages.size() - 1).getJsonArray("content");
  }

  private static JsonObject imagePart(String url) {
    return new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", url));
  }

  private static String dataUri(String mime, byte[] bytes) {
    return "data:" + mime + ";base64," + Base64.getEncoder().encodeToString(bytes);
  }

  @Test
  void bytesBecomeADataUriPartAfterTheText() {
    byte[] png = image("png");
    ChatCompletionRequest request = ChatCompletionRequest.of("gpt-4o", "What are on this image?")
        .addImage(ImageInput.of(png));

    await(client.chat().completions().create(request));

    assertThat(sentContent()).isEqualTo(new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "What are on this image?"))
        .add(imagePart(dataUri("image/png", png))));
    assertThat(request.getMessages().get(0).getContentParts()).as("the caller's request is not changed").isNull();
    assertThat(request.getImages()).hasSize(1);
  }

  @Test
  void everyInputKindIsEncodedWithItsSniffedType(@TempDir Path dir) throws IOException {
    byte[] jpeg = image("jpeg");
    byte[] gif = image("gif");
    byte[] bmp = image("bmp");
    byte[] webp = webp();
    Path gifFile = Files.write(dir.resolve("cat.gif"), gif);

    await(client.chat().completions().create(ChatCompletionRequest.of("gpt-4o", "Compare")
        .addImage(ImageInput.of(Buffer.buffer(jpeg)))
        .addImage(ImageInput.of(gifFile))
        .addImage(ImageInput.of(new ByteArrayInputStream(bmp)))
        .addImage(ImageInput.of(webp))
        .addImage(ImageInput.ofUrl("https://example.com/cat.jpeg"))
        .addImage(ImageInput.ofUrl("data:image/png;base64,iVBORw0KGgo="))));

    JsonArray content = sentContent();
    assertThat(content).hasSize(7);
    assertThat(content.getJsonObject(1)).isEqualTo(imagePart(dataUri("image/jpeg", jpeg)));
    assertThat(content.getJsonObject(2)).isEqualTo(imagePart(dataUri("image/gif", gif)));
    assertThat(content.getJsonObject(3)).isEqualTo(imagePart(dataUri("image/bmp", bmp)));
    assertThat(content.getJsonObject(4)).isEqualTo(imagePart(dataUri("image/webp", webp)));
    assertThat(content.getJsonObject(5)).isEqualTo(imagePart("https://example.com/cat.jpeg"));
    assertThat(content.getJsonObject(6)).isEqualTo(imagePart("data:image/png;base64,iVBORw0KGgo="));
  }

  @Test
  void imagesGoToTheLastUserMessage() {
    byte[] png = image("png");
    await(client.chat().completions().create(new ChatCompletionRequest().setModel("gpt-4o")
        .addSystemMessage("You describe images").addUserMessage("first").addMessage(ChatMessage.assistant("ok"))
        .addUserMessage("and this one?").addImage(ImageInput.of(png))));

    JsonArray messages = upstream.last().json().getJsonArray("messages");
    assertThat(messages.getJsonObject(1).getString("content")).isEqualTo("first");
    assertThat(messages.getJsonObject(3).getJsonArray("content").getJsonObject(1))
        .isEqualTo(imagePart(dataUri("image/png", png)));
  }

  @Test
  void anImageWithoutAnyMessageBecomesAUserMessage() {
    byte[] png = image("png");
    await(client.chat().completions().create(new ChatCompletionRequest().setModel("gpt-4o")
        .addImage(ImageInput.of(png))));

    JsonArray messages = upstream.last().json().getJsonArray("messages");
    assertThat(messages).hasSize(1);
    assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("user");
    assertThat(messages.getJsonObject(0).getJsonArray("content"))
        .isEqualTo(new JsonArray().add(imagePart(dataUri("image/png", png))));
  }

  @Test
  void bytesThatAreNoImageAreRejectedBeforeSending() {
    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("gpt-4o", "what?")
        .addImage(ImageInput.of("hello, not an image".getBytes(StandardCharsets.UTF_8)))));

    assertThat(failure).isInstanceOf(InvalidRequestException.class).hasMessageContaining("not a known image format");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void contentPartsGivenDirectlyAreSentAsTheyAre() {
    await(client.chat().completions().create(new ChatCompletionRequest().setModel("gpt-4o").addMessage(
        new ChatMessage().setRole("user").addContentPart(ContentPart.text("Describe"))
            .addContentPart(new ContentPart().setType("image_url").setImageUrl(
                new ContentPart.ImageUrl().setUrl("https://example.com/a.png").setDetail("low"))))));

    assertThat(sentContent()).isEqualTo(new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "Describe"))
        .add(new JsonObject().put("type", "image_url").put("image_url",
            new JsonObject().put("url", "https://example.com/a.png").put("detail", "low"))));
  }

  private static byte[] webp() {
    byte[] bytes = new byte[30];
    System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, 4);
    bytes[4] = 22;
    System.arraycopy("WEBPVP8 ".getBytes(StandardCharsets.US_ASCII), 0, bytes, 8, 8);
    return bytes;
  }
}
