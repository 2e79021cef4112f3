package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.errors.AllProvidersFailedException;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.errors.ProviderNotFoundException;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.client.provider.OpenAiProvider;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.EchoProvider;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Fallback across providers, per-provider keys, circuit breakers, and custom providers. */
@ExtendWith(VertxExtension.class)
class RoutingTest {

  private static final String TRANSCRIPT = resource("transcripts/openai-chat-stream.txt");

  private Vertx vertx;
  private ScriptedServer a;
  private ScriptedServer b;
  private ProviderRegistry registry;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    a = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    b = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    registry = ProviderRegistry.standard()
        .register(new OpenAiProvider("A", a.baseUrl(), List.of("a-model"), null, Set.of(Capability.CHAT)))
        .register(new OpenAiProvider("B", b.baseUrl(), List.of("b-model"), null, Set.of(Capability.CHAT)));
  }

  @AfterEach
  void tearDown() {
    a.close();
    b.close();
  }

  private AsyncClient client(ClientOptions options) {
    return AsyncClient.create(vertx, options.setMaxRetries(0), registry);
  }

  private static void failing(ScriptedServer server, int status) {
    server.reply(HttpMethod.POST, "/v1/chat/completions", status, "application/json",
        "{\"error\":{\"message\":\"status " + status + "\"}}");
  }

  @Test
  void aHungProviderIsLeftAfterTheFirstByteTimeoutAndNotRetried() {
    a.on(HttpMethod.POST, "/v1/chat/completions", request -> { }); // accepts, never answers
    long start = System.nanoTime();

    ChatCompletion completion = await(AsyncClient.create(vertx, new ClientOptions().setProvider("A B")
        .setFirstByteTimeout(300), registry).chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(completion.getProvider()).isEqualTo("B");
    assertThat(millis).as("the backup answered after one first-byte timeout, not after retries or the total timeout")
        .isBetween(300L, 1_500L);
    assertThat(a.received()).hasSize(1);
  }

  @Test
  void aProviderEntrysOwnFirstByteTimeoutLeavesItWhenItHangs() {
    a.on(HttpMethod.POST, "/v1/chat/completions", request -> { }); // accepts, never answers
    long start = System.nanoTime();

    ChatCompletion completion = await(AsyncClient.create(vertx, new ClientOptions().setMaxRetries(0)
        .addProvider(new ProviderEntry("slow", "openai").setBaseUrl(a.baseUrl()).setFirstByteTimeout(300L))
        .addProvider(new ProviderEntry("backup", "openai").setBaseUrl(b.baseUrl()))
        .setProvider("slow backup")).chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(completion.getProvider()).isEqualTo("backup");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(300L, 1_500L);
  }

  @Test
  void aStreamWhoseFirstChunkDoesNotComeFailsAfterTheFirstByteTimeout() {
    a.on(HttpMethod.POST, "/v1/chat/completions", request -> request.response().setChunked(true)
        .putHeader("content-type", "text/event-stream").write(": open\n\n"));

    Throwable failure = ErrorMappingTest.fail(AsyncClient.create(vertx, new ClientOptions().setProvider("A")
        .setMaxRetries(0).setFirstByteTimeout(300), registry).chat().completions()
        .stream(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("first-byte timeout");
  }

  @Test
  void aStreamWhoseFirstChunkDoesNotComeIsLeftForTheNextProvider() {
    a.on(HttpMethod.POST, "/v1/chat/completions", request -> request.response().setChunked(true)
        .putHeader("content-type", "text/event-stream").write(": open\n\n")); // headers, then nothing
    b.reply(HttpMethod.POST, "/v1/chat/completions", 200, "text/event-stream", TRANSCRIPT);
    long start = System.nanoTime();

    ChatCompletionStream stream = await(AsyncClient.create(vertx, new ClientOptions().setProvider("A B")
        .setFirstByteTimeout(300), registry).chat().completions().stream(ChatCompletionRequest.of("m", "hi")));
    List<String> texts = await(stream.collect(java.util.stream.Collectors.mapping(
        chunk -> chunk.getProvider(), java.util.stream.Collectors.toList())));

    assertThat(texts).isNotEmpty().containsOnly("B");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .as("the backup answered after one first-byte timeout, not after retries or the idle timeout")
        .isBetween(300L, 1_500L);
    assertThat(a.received()).hasSize(1);
  }

  @Test
  void aStreamThatFailsBeforeItsFirstChunkIsLeftForTheNextProvider() {
    a.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(": open\n\n");
      vertx.setTimer(50, id -> request.connection().close());
    });
    b.reply(HttpMethod.POST, "/v1/chat/completions", 200, "text/event-stream", TRANSCRIPT);

    ChatCompletionStream stream = await(client(new ClientOptions().setProvider("A B")).chat().completions()
        .stream(ChatCompletionRequest.of("m", "hi")));
    List<String> providers = await(stream.collect(java.util.stream.Collectors.mapping(
        chunk -> chunk.getProvider(), java.util.stream.Collectors.toList())));

    assertThat(providers).isNotEmpty().containsOnly("B");
  }

  @Test
  void aCallerWhoLeavesBeforeTheFirstChunkClosesTheRequestAndNoOtherProviderIsTried() {
    io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
    a.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      request.connection().closeHandler(v -> closed.tryComplete());
      request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(": open\n\n");
    });
    io.vertx.core.Promise<Void> leaves = io.vertx.core.Promise.promise();
    io.vertx.core.Future<ChatCompletionStream> stream = client(new ClientOptions().setProvider("A B")).chat()
        .completions().stream(ChatCompletionRequest.of("m", "hi"), new DirectCallOptions()
            .setCancellation(leaves.future()));
    vertx.setTimer(200, id -> leaves.complete());

    Throwable failure = await(stream.<Throwable>transform(outcome -> io.vertx.core.Future.succeededFuture(outcome.cause())));
    assertThat(failure).isInstanceOf(java.util.concurrent.CancellationException.class);
    await(closed.future());
    assertThat(b.received()).isEmpty();
  }

  @Test
  void theNextProviderAnswersWhenOneFails() {
    failing(a, 503);

    ChatCompletion completion = await(client(new ClientOptions().setProvider("A B")).chat().completions()
        .create(new ChatCompletionRequest().addUserMessage("hi")));

    assertThat(completion.getProvider()).isEqualTo("B");
    assertThat(a.received()).hasSize(1);
    assertThat(a.last().json().getString("model")).isEqualTo("a-model");
    assertThat(b.last().json().getString("model")).as("each provider's own default model").isEqualTo("b-model");
  }

  @Test
  void eachProviderIsRetriedBeforeTheNextIsTried() {
    failing(a, 503);

    ChatCompletion completion = await(AsyncClient.create(vertx, new ClientOptions().setProvider("A B")
        .setMaxRetries(2), registry).chat().completions().create(new ChatCompletionRequest().addUserMessage("hi")));

    assertThat(completion.getProvider()).isEqualTo("B");
    assertThat(a.received()).as("one try and two retries").hasSize(3);
    assertThat(b.received()).hasSize(1);
  }

  @Test
  void whenAllFailEachProviderIsNamedWithItsOwnError() {
    failing(a, 500);
    failing(b, 401);

    G4fException failure = fail(client(new ClientOptions().setProvider("A, B")).chat().completions()
        .create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(AllProvidersFailedException.class)
        .hasMessage("All providers failed: A: A answered HTTP 500: status 500; B: B answered HTTP 401: status 401");
    assertThat(((AllProvidersFailedException) failure).failures()).containsOnlyKeys("A", "B");
    assertThat(((AllProvidersFailedException) failure).failures().get("A")).isInstanceOf(ProviderException.class);
    assertThat(((AllProvidersFailedException) failure).failures().get("B")).isInstanceOf(AuthenticationException.class);
  }

  @Test
  void aProviderThatAlreadySentContentIsNeverReplaced() throws Exception {
    a.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      request.response().setChunked(true).putHeader("content-type", "text/event-stream")
          .write("data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n");
      vertx.setTimer(50, id -> request.connection().close());
    });

    ChatCompletionStream stream = await(client(new ClientOptions().setProvider("A B")).chat().completions()
        .stream(ChatCompletionRequest.of("m", "hi")));
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    stream.exceptionHandler(failed::complete);
    stream.endHandler(v -> failed.complete(null));
    stream.handler(chunk -> { });

    assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(ConnectionException.class);
    assertThat(b.received()).isEmpty();
  }

  @Test
  void eachProviderGetsItsOwnKey() {
    failing(a, 503);

    await(client(new ClientOptions().setProvider("A B").setApiKey("key-for-a").putApiKey("b", "key-for-b"))
        .chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(a.last().headers().get("authorization")).isEqualTo("Bearer key-for-a");
    assertThat(b.last().headers().get("authorization")).isEqualTo("Bearer key-for-b");
  }

  @Test
  void theClientKeyIsNeverSentToAFallbackProvider() {
    failing(a, 503);

    await(client(new ClientOptions().setProvider("A B").setApiKey("key-for-a")).chat().completions()
        .create(ChatCompletionRequest.of("m", "hi")));

    assertThat(b.last().headers().get("authorization")).isNull();
  }

  @Test
  void aDeadProviderIsSkippedOnceItsCircuitOpens() {
    failing(a, 503);
    AsyncClient client = client(new ClientOptions().setProvider("A B"));

    for (int i = 0; i < 8; i++) {
      assertThat(await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi"))).getProvider())
          .isEqualTo("B");
    }

    assertThat(a.received()).as("calls that reached A before its circuit opened").hasSize(5);
    assertThat(b.received()).hasSize(8);
  }

  @Test
  void clientErrorsDoNotOpenTheCircuit() {
    failing(a, 400);
    AsyncClient client = client(new ClientOptions().setProvider("A"));

    for (int i = 0; i < 7; i++) {
      assertThat(fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi"))))
          .isInstanceOf(InvalidRequestException.class);
    }
    assertThat(a.received()).hasSize(7);
  }

  @Test
  void anOpenCircuitFailsFastWithAClearError() {
    failing(a, 500);
    AsyncClient client = client(new ClientOptions().setProvider("A"));
    for (int i = 0; i < 5; i++) {
      fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));
    }

    G4fException skipped = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(skipped).isInstanceOf(ProviderException.class).hasMessageContaining("circuit open");
    assertThat(a.received()).hasSize(5);
  }

  @Test
  void theCircuitBreakerIsSetByTheOptionsAndZeroTurnsItOff() {
    failing(a, 500);
    AsyncClient two = client(new ClientOptions().setProvider("A").setCircuitBreakerFailures(2)
        .setCircuitBreakerResetTimeout(60_000));
    for (int i = 0; i < 2; i++) {
      fail(two.chat().completions().create(ChatCompletionRequest.of("m", "hi")));
    }

    assertThat(fail(two.chat().completions().create(ChatCompletionRequest.of("m", "hi"))))
        .hasMessageContaining("failed 2 times in a row").hasMessageContaining("retried after 60 s");
    assertThat(a.received()).hasSize(2);

    AsyncClient unguarded = client(new ClientOptions().setProvider("A").setCircuitBreakerFailures(0));
    for (int i = 0; i < 8; i++) {
      assertThat(fail(unguarded.chat().completions().create(ChatCompletionRequest.of("m", "hi"))))
          .hasMessageNotContaining("circuit open");
    }
    assertThat(a.received()).hasSize(10);
  }

  @Test
  void shuffledProvidersAreTriedInVaryingOrder() {
    AsyncClient client = client(new ClientOptions().setProvider("A B").setShuffleProviders(true));

    for (int i = 0; i < 24; i++) {
      await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));
    }

    assertThat(a.received()).isNotEmpty();
    assertThat(b.received()).isNotEmpty();
    assertThat(a.received().size() + b.received().size()).isEqualTo(24);
  }

  @Test
  void customProvidersRegisterByInstanceByClassOrServiceLoader() {
    ProviderRegistry custom = ProviderRegistry.standard().register(EchoProvider.class);

    ChatCompletion echoed = await(AsyncClient.create(vertx, new ClientOptions().setProvider("echo"), custom)
        .chat().completions().create(new ChatCompletionRequest().addUserMessage("say this is a test")));
    assertThat(echoed.getChoices().get(0).getMessage().getContent()).isEqualTo("say this is a test");
    assertThat(echoed.getModel()).isEqualTo("echo-1");
    assertThat(echoed.getChoices().get(0).getFinishReason()).isEqualTo("stop");

    ChatCompletion loaded = await(AsyncClient.create(vertx, new ClientOptions().setProvider("serviceecho"))
        .chat().completions().create(ChatCompletionRequest.of("m", "found by the service loader")));
    assertThat(loaded.getProvider()).isEqualTo("ServiceEcho");
  }

  @Test
  void namesAreCaseInsensitiveAndUnknownNamesListTheKnownOnes() {
    assertThat(registry.get("openaichat")).isSameAs(registry.get("OPENAI"));
    assertThatThrownBy(() -> registry.get("Bingo")).isInstanceOf(ProviderNotFoundException.class)
        .hasMessageContaining("Bingo").hasMessageContaining("OpenAI, Groq").hasMessageContaining("OpenaiChat");
    assertThatThrownBy(() -> registry.get("BingCreateImages")).isInstanceOf(ProviderNotFoundException.class)
        .hasMessageStartingWith("BingCreateImages has no public API; use OpenAI");
    assertThatThrownBy(() -> registry.get("Bing")).hasMessageStartingWith("Bing (Copilot) has no public API");
  }
}
