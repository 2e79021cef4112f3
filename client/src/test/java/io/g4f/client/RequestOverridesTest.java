package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.provider.OpenAiProvider;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Per-request overrides of the client's provider, key, timeout, headers and body. */
@ExtendWith(VertxExtension.class)
class RequestOverridesTest {

  private static final String TRANSCRIPT = resource("transcripts/openai-chat-stream.txt");

  private ScriptedServer a;
  private ScriptedServer b;
  private AsyncClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    a = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    b = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions")
        .reply(HttpMethod.POST, "/v1/images/generations", 200, "application/json",
            "{\"created\":1,\"data\":[{\"url\":\"https://img.example/1.png\"}]}");
    ProviderRegistry registry = ProviderRegistry.empty()
        .register(new OpenAiProvider("A", a.baseUrl(), List.of("a-model"), null, Set.of(Capability.CHAT)))
        .register(new OpenAiProvider("B", b.baseUrl(), List.of("b-model"), null,
            Set.of(Capability.CHAT, Capability.IMAGES)));
    client = AsyncClient.create(vertx, new ClientOptions().setProvider("A").setApiKey("client-key")
        .setMaxRetries(0), registry);
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    a.close();
    b.close();
  }

  @Test
  void theRequestsProviderAndKeyReplaceTheClients() {
    ChatCompletion completion = await(client.chat().completions().create(new ChatCompletionRequest()
        .setProvider("b").setApiKey("request-key").addUserMessage("hi")));

    assertThat(completion.getProvider()).isEqualTo("B");
    assertThat(a.received()).isEmpty();
    assertThat(b.last().headers().get("authorization")).isEqualTo("Bearer request-key");
    assertThat(b.last().json().getString("model")).isEqualTo("b-model");
  }

  @Test
  void theRequestsKeyGoesToItsFirstProviderOnly() {
    a.reply(HttpMethod.POST, "/v1/chat/completions", 503, "application/json", "{\"error\":{\"message\":\"down\"}}");

    await(client.chat().completions().create(new ChatCompletionRequest().setProvider("A B")
        .setApiKey("request-key").addUserMessage("hi")));

    assertThat(a.last().headers().get("authorization")).isEqualTo("Bearer request-key");
    assertThat(b.last().headers().get("authorization")).as("never sent to a fallback provider").isNull();
  }

  @Test
  void headersAreAddedAndReplaceTheProvidersOwn() {
    await(client.chat().completions().create(new ChatCompletionRequest().addUserMessage("hi")
        .putHeader("OpenAI-Organization", "org-1").putHeader("User-Agent", "my-app/2")));

    assertThat(a.last().headers().get("openai-organization")).isEqualTo("org-1");
    assertThat(a.last().headers().getAll("user-agent")).containsExactly("my-app/2");
  }

  @Test
  void extraBodyFieldsAreSentAsGiven() {
    await(client.chat().completions().create(new ChatCompletionRequest().addUserMessage("hi")
        .putExtra("reasoning_effort", "low").putExtra("metadata", Map.of("run", 7))));

    JsonObject sent = a.last().json();
    assertThat(sent.getString("reasoning_effort")).isEqualTo("low");
    assertThat(sent.getJsonObject("metadata")).isEqualTo(new JsonObject().put("run", 7));
    assertThat(sent.fieldNames()).doesNotContain("provider", "api_key", "timeout", "headers", "proxy");
  }

  @Test
  void theRequestsTimeoutReplacesTheClients() {
    a.on(HttpMethod.POST, "/v1/chat/completions", request -> { });

    G4fException failure = fail(client.chat().completions().create(new ChatCompletionRequest()
        .addUserMessage("hi").setTimeout(300L)));

    assertThat(failure).isInstanceOf(TimeoutException.class).hasMessageContaining("300 ms");
  }

  @Test
  void imagesTakeTheSameOverrides() {
    ImagesResponse images = await(client.images().generate(ImageGenerationRequest.of("img", "a cat")
        .setProvider("B").setApiKey("image-key").putHeader("X-Trace", "t1").putExtra("background", "transparent")));

    assertThat(images.getData()).hasSize(1);
    assertThat(b.last().headers().get("authorization")).isEqualTo("Bearer image-key");
    assertThat(b.last().headers().get("x-trace")).isEqualTo("t1");
    assertThat(b.last().json().getString("background")).isEqualTo("transparent");
  }

  @Test
  void anUnknownRequestProviderFailsTheCallNamingTheKnownOnes() {
    assertThat(fail(client.chat().completions().create(new ChatCompletionRequest().setProvider("Nope")
        .addUserMessage("hi")))).isInstanceOf(ProviderNotFoundException.class).hasMessageContaining("A, B");
  }

  @Test
  void copiesKeepTheOverrides() {
    ChatCompletionRequest request = new ChatCompletionRequest().setProvider("B").setApiKey("k").setTimeout(5L)
        .putHeader("h", "v").addUserMessage("hi");
    ChatCompletionRequest copy = request.copy();
    request.putHeader("later", "x");

    assertThat(copy.getProvider()).isEqualTo("B");
    assertThat(copy.getApiKey()).isEqualTo("k");
    assertThat(copy.getTimeout()).isEqualTo(5L);
    assertThat(copy.getHeaders()).containsExactly(Map.entry("h", "v"));
    assertThat(new JsonArray().add(JsonObject.mapFrom(copy)).getJsonObject(0).fieldNames())
        .containsExactly("messages");
    assertThatThrownBy(() -> request.setTimeout(0L)).isInstanceOf(IllegalArgumentException.class);
  }
}
