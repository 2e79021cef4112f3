package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ModelNotFoundException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.provider.AzureOpenAiProvider;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.spi.toolkit.AbstractProvider;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Azure OpenAI: deployment in the path, api-version in the query, the key in api-key; its error bodies. */
@ExtendWith(VertxExtension.class)
class AzureOpenAiTest {

  private static final String KEY = "azure-secret-0123456789abcdef";
  private static final String CHAT = "/openai/deployments/my-gpt4o/chat/completions";

  private Vertx vertx;
  private ScriptedServer azure;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    azure = ScriptedServer.start(vertx).openAiChat(CHAT);
  }

  @AfterEach
  void tearDown() {
    azure.close();
  }

  private AsyncClient client(ClientOptions options) {
    return AsyncClient.create(vertx, options.setApiKey(KEY).setMaxRetries(0), ProviderRegistry.standard());
  }

  @Test
  void aWholeAnswerIsAskedWholeOfTheDeploymentWithTheApiVersionAndTheApiKeyHeaderAndKeepsEveryField() {
    ChatCompletion completion = await(client(new ClientOptions().setProvider("AzureOpenAI")
        .setBaseUrl("http://127.0.0.1:" + azure.port() + "/")).chat().completions()
        .create(ChatCompletionRequest.of("my-gpt4o", "say this is a test")));

    assertThat(completion.getProvider()).isEqualTo("Azure");
    assertThat(azure.last().uri()).isEqualTo(CHAT + "?api-version=2024-10-21");
    assertThat(azure.last().headers().get("api-key")).isEqualTo(KEY);
    assertThat(azure.last().headers().get("authorization")).isNull();
    assertThat(azure.last().json().getBoolean("stream")).isFalse();
    assertThat(azure.last().headers().get("user-agent")).isEqualTo(AbstractProvider.USER_AGENT);
    assertThat(azure.received()).hasSize(1);
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
  void aGivenEndpointAndVersionAreUsedAndImagesGoToTheirDeployment() {
    azure.reply(HttpMethod.POST, "/openai/deployments/dalle3/images/generations", 200, "application/json",
        "{\"created\":1698116662,\"data\":[{\"url\":\"https://img.example/1.png\",\"revised_prompt\":\"a cat\"}]}");
    ProviderRegistry registry = ProviderRegistry.empty().register(new AzureOpenAiProvider(
        "http://127.0.0.1:" + azure.port(), "2025-04-01-preview", List.of("my-gpt4o", "dalle3")));
    AsyncClient client = AsyncClient.create(vertx, new ClientOptions().setProvider("Azure").setApiKey(KEY), registry);

    ImagesResponse images = await(client.images().generate(ImageGenerationRequest.of("dalle3", "a cat")));

    assertThat(images.getData().get(0).getRevisedPrompt()).isEqualTo("a cat");
    assertThat(azure.last().uri()).isEqualTo("/openai/deployments/dalle3/images/generations"
        + "?api-version=2025-04-01-preview");
    assertThat(azure.last().headers().get("api-key")).isEqualTo(KEY);
  }

  @Test
  void aMissingDeploymentIsAModelNotFoundWithoutTheKey() {
    azure.reply(HttpMethod.POST, CHAT, 404, "application/json", "{\"error\":{\"code\":\"DeploymentNotFound\","
        + "\"message\":\"The API deployment for this resource does not exist.\"}}");

    G4fException failure = fail(client(new ClientOptions().setProvider("Azure")
        .setBaseUrl("http://127.0.0.1:" + azure.port())).chat().completions()
        .create(ChatCompletionRequest.of("my-gpt4o", "hi")));

    assertThat(failure).isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("deployment for this resource does not exist").hasMessageNotContaining(KEY);
    assertThat(failure.code()).isEqualTo("DeploymentNotFound");
  }

  @Test
  void aContentFilterRejectionIsAnInvalidRequest() {
    azure.reply(HttpMethod.POST, CHAT, 400, "application/json", "{\"error\":{\"message\":\"The response was "
        + "filtered due to the prompt triggering Azure OpenAI's content management policy.\",\"type\":null,"
        + "\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400}}");

    G4fException failure = fail(client(new ClientOptions().setProvider("Azure")
        .setBaseUrl("http://127.0.0.1:" + azure.port())).chat().completions()
        .create(ChatCompletionRequest.of("my-gpt4o", "hi")));

    assertThat(failure).isInstanceOf(InvalidRequestException.class).hasMessageContaining("content management policy");
    assertThat(failure.code()).isEqualTo("content_filter");
  }

  @Test
  void withoutAnEndpointTheErrorSaysWhereToSetIt() {
    ProviderRegistry registry = ProviderRegistry.empty().register(new AzureOpenAiProvider());
    G4fException failure = fail(AsyncClient.create(vertx, new ClientOptions().setProvider("Azure"), registry)
        .chat().completions().create(ChatCompletionRequest.of("my-gpt4o", "hi")));

    if (System.getenv(AzureOpenAiProvider.ENDPOINT_VARIABLE) == null) {
      assertThat(failure).isInstanceOf(InvalidRequestException.class).hasMessageContaining("AZURE_OPENAI_ENDPOINT");
    }
  }
}
