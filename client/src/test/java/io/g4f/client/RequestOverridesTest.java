package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.ProviderNotFoundException;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.provider.OpenAiProvider;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
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
        .addUserMessage("hi"), new DirectCallOptions().setProvider("b").setApiKey("request-key")));

    assertThat(completion.getProvider()).isEqualTo("B");
    assertThat(a.received()).isEmpty();
    assertThat(b.last().headers().get("authorization")).isEqualTo("Bearer request-key");
    assertThat(b.last().json().getString("model")).isEqualTo("b-model");
  }

  @Test
  void theRequestsKeyGoesToItsFirstProviderOnly() {
    a.reply(HttpMethod.POST, "/v1/chat/completions", 503, "application/json", "{\"error\":{\"message\":\"down\"}}");

    await(client.chat().completions().create(new ChatCompletionRequest().addUserMessage("hi"),
        new DirectCallOptions().setProvider("A B").setApiKey("request-key")));

    assertThat(a.last().headers().get("authorization")).isEqualTo("Bearer request-key");
    assertThat(b.last().headers().get("authorization")).as("never sent to a fallback provider").isNull();
  }

  @Test
  void headersAreAddedAndReplaceTheProvidersOwn() {
    await(client.chat().completions().create(new ChatCompletionRequest().addUserMessage("hi"),
        new DirectCallOptions().putHeader("OpenAI-Organization", "org-1").putHeader("User-Agent", "my-app/2")));

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
        .addUserMessage("hi"), new DirectCallOptions().setTimeout(Duration.ofMillis(300))));

    assertThat(failure).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("300 ms");
  }

  @Test
  void imagesTakeTheSameOverrides() {
    ImagesResponse images = await(client.images().generate(ImageGenerationRequest.of("img", "a cat")
        .putExtra("background", "transparent"),
        new DirectCallOptions().setProvider("B").setApiKey("image-key").putHeader("X-Trace", "t1")));

    assertThat(images.getData()).hasSize(1);
    assertThat(b.last().headers().get("authorization")).isEqualTo("Bearer image-key");
    assertThat(b.last().headers().get("x-trace")).isEqualTo("t1");
    assertThat(b.last().json().getString("background")).isEqualTo("transparent");
  }

  @Test
  void anUnknownRequestProviderFailsTheCallNamingTheKnownOnes() {
    assertThat(fail(client.chat().completions().create(new ChatCompletionRequest().addUserMessage("hi"),
        new DirectCallOptions().setProvider("Nope")))).isInstanceOf(ProviderNotFoundException.class)
        .hasMessageContaining("A, B");
  }

  @Test
  void optionsAreCopiedAndNeverPartOfTheBody() {
    DirectCallOptions options = new DirectCallOptions().setProvider("B").setApiKey("k").setTimeout(5L)
        .putHeader("h", "v");
    DirectCallOptions copy = new DirectCallOptions(options);
    options.putHeader("later", "x");

    assertThat(copy.getProvider()).isEqualTo("B");
    assertThat(copy.getApiKey()).isEqualTo("k");
    assertThat(copy.getTimeout()).isEqualTo(Duration.ofMillis(5));
    assertThat(copy.getHeaders()).containsExactly(Map.entry("h", "v"));
    assertThatThrownBy(() -> options.setTimeout(0L)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCallerWhoLeavesAWholeAnswerClosesTheUpstreamRequest() {
    AtomicInteger arrived = new AtomicInteger();
    a.on(HttpMethod.POST, "/v1/chat/completions", request -> arrived.incrementAndGet());
    Promise<Void> left = Promise.promise();

    Future<ChatCompletion> answer = client.chat().completions().create(new ChatCompletionRequest()
        .addUserMessage("hi"), new DirectCallOptions().setCancellation(left.future()));
    awaitCondition(() -> arrived.get() == 1);
    int closedBefore = a.closedConnections();
    left.complete();

    assertThatThrownBy(() -> await(answer)).hasRootCauseInstanceOf(CancellationException.class);
    awaitCondition(() -> a.closedConnections() == closedBefore + 1);
    assertThat(a.received()).as("not retried, no fallback").hasSize(1);
  }

  @Test
  void aCallerWhoLeavesAStreamCancelsIt() {
    Promise<Void> left = Promise.promise();
    ChatCompletionStream stream = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "hi"),
        new DirectCallOptions().setCancellation(left.future())));
    Promise<Void> ended = Promise.promise();
    stream.pause().exceptionHandler(ended::tryFail).endHandler(ended::tryComplete);

    left.complete();

    assertThatThrownBy(() -> await(ended.future())).hasRootCauseInstanceOf(CancellationException.class);
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.onSpinWait();
    }
  }
}
