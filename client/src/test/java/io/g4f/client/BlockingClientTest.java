package io.g4f.client;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionChunks;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The blocking facade: values, an Iterable of chunks, and a refusal on event loops. */
@ExtendWith(VertxExtension.class)
class BlockingClientTest {

  private ScriptedServer upstream;
  private Client client;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions")
        .reply(HttpMethod.POST, "/v1/images/generations", 200, "application/json",
            "{\"created\":1,\"data\":[{\"url\":\"https://example.com/cat.png\"}]}");
    client = Client.create(new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0));
  }

  @AfterEach
  void tearDown() {
    client.close();
    upstream.close();
  }

  @Test
  void createReturnsTheCompletion() {
    ChatCompletion completion = client.chat().completions().create(ChatCompletionRequest.of("gpt-3.5-turbo",
        "say this is a test"));

    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
  }

  @Test
  void streamIteratesTheChunks() {
    StringBuilder text = new StringBuilder();
    int count = 0;
    try (ChatCompletionChunks chunks = client.chat().completions().stream(ChatCompletionRequest.of("gpt-4", "hi"))) {
      for (ChatCompletionChunk chunk : chunks) {
        count++;
        if (!chunk.getChoices().isEmpty() && chunk.getChoices().get(0).getDelta().getContent() != null) {
          text.append(chunk.getChoices().get(0).getDelta().getContent());
        }
      }
    }
    assertThat(count).isEqualTo(6);
    assertThat(text).hasToString("This is a test.");
  }

  @Test
  void aLongStreamIsIteratedWithBoundedReadAhead() {
    StringBuilder transcript = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      transcript.append("data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
          .append(i % 10).append("\"}}]}\n\n");
    }
    upstream.sse("/v1/chat/completions", transcript.append("data: [DONE]\n\n").toString());
    List<String> parts = new ArrayList<>();
    try (ChatCompletionChunks chunks = client.chat().completions().stream(ChatCompletionRequest.of("m", "count"))) {
      chunks.forEach(chunk -> parts.add(chunk.getChoices().get(0).getDelta().getContent()));
    }
    assertThat(parts).hasSize(2_000);
    assertThat(parts.get(1_234)).isEqualTo("4");
  }

  @Test
  void failuresAreThrownAsTheirOwnTypes() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 401, "application/json",
        "{\"error\":{\"message\":\"Invalid key\",\"type\":\"invalid_request_error\"}}");

    assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionRequest.of("m", "hi")))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("Invalid key");
  }

  @Test
  void imagesAreGenerated() {
    ImagesResponse response = client.images().generate(ImageGenerationRequest.of("dall-e-3", "a white siamese cat"));

    assertThat(response.getData().get(0).getUrl()).isEqualTo("https://example.com/cat.png");
  }

  @Test
  void modelsAreTheProvidersList() {
    assertThat(client.models()).extracting(Model::getId).startsWith("gpt-4o-mini", "gpt-4o")
        .contains("dall-e-3");
    assertThat(client.models()).extracting(Model::getOwnedBy).containsOnly("OpenAI");
  }

  @Test
  void itRefusesToBlockAnEventLoop(Vertx vertx) {
    Throwable refusal = await(Future.<Throwable>future(promise -> vertx.runOnContext(v -> {
      try {
        client.chat().completions().create(ChatCompletionRequest.of("m", "hi"));
        promise.complete(null);
      } catch (Throwable e) {
        promise.complete(e);
      }
    })));

    assertThat(refusal).isInstanceOf(IllegalStateException.class).hasMessageContaining("event-loop");
  }
}
