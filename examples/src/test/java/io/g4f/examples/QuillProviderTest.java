package io.g4f.examples;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.AsyncClient;
import io.g4f.client.ClientOptions;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.ModelNotFoundException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.errors.RateLimitException;
import io.g4f.client.impl.DefaultAsyncClient;
import io.g4f.client.impl.Retry;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.client.testing.TestProxy;
import io.g4f.client.testing.VirtualTimer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link QuillProvider}, a provider made of the public toolkit only, in the client against a scripted Quill server:
 * whole and streamed answers, its error dialect, retries, cancellation, a proxy and a cut stream.
 */
@ExtendWith(VertxExtension.class)
class QuillProviderTest {

  private static final String KEY = "quill-secret-key";
  private static final String ANSWER = "{\"id\":\"g-1\",\"model\":\"quill-1\",\"created\":1700000000,"
      + "\"text\":\"This is a test.\",\"stop\":\"end\",\"usage\":{\"in\":5,\"out\":4}}";
  private static final String TOKENS = "id: g-2\nevent: token\ndata: {\"text\":\"This is\"}\n\n"
      + ": keep-alive\n\nevent: ping\ndata: {}\n\n"
      + "event: token\ndata: {\"text\":\" a test.\"}\n\n";
  private static final String DONE = "event: done\ndata: {\"model\":\"quill-1\",\"stop\":\"limit\","
      + "\"usage\":{\"in\":5,\"out\":2}}\n\n";

  private Vertx vertx;
  private ScriptedServer upstream;
  private final VirtualTimer timer = new VirtualTimer();
  private final List<AsyncClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx);
  }

  @AfterEach
  void tearDown() {
    clients.forEach(client -> await(client.close()));
    upstream.close();
  }

  /** A client of Quill at the scripted server, its retries on {@link #timer}. */
  private AsyncClient client(ClientOptions options) {
    AsyncClient client = new DefaultAsyncClient(vertx, options.setProvider("Quill").setBaseUrl(upstream.baseUrl())
        .setApiKey(KEY), ProviderRegistry.standard(), new Retry(Retry.EXPONENTIAL, timer));
    clients.add(client);
    return client;
  }

  private AsyncClient client() {
    return client(new ClientOptions().setMaxRetries(0));
  }

  /** Answers as Quill does: the whole answer, or the events when the request asks for a stream. */
  private void quill(HttpServerRequest request) {
    if (upstream.last().json().getBoolean("stream")) {
      request.response().putHeader("content-type", "text/event-stream").end(TOKENS + DONE);
    } else {
      request.response().putHeader("content-type", "application/json").end(ANSWER);
    }
  }

  private ScriptedServer generate(Handler<HttpServerRequest> handler) {
    return upstream.on(HttpMethod.POST, "/v1/generate", handler);
  }

  private static Handler<HttpServerRequest> fault(int status, String reason, String message, String... headers) {
    return request -> {
      for (int i = 0; i < headers.length; i += 2) {
        request.response().putHeader(headers[i], headers[i + 1]);
      }
      request.response().setStatusCode(status).putHeader("content-type", "application/json")
          .end(new JsonObject().put("fault", new JsonObject().put("reason", reason).put("message", message)).encode());
    };
  }

  private static ChatCompletionRequest question() {
    return ChatCompletionRequest.of(null, "say this is a test").setMaxTokens(64);
  }

  private static G4fException failure(Future<?> future) {
    Throwable failure = await(future.transform(ar -> Future.succeededFuture(ar.cause())));
    assertThat(failure).as("the call must fail").isInstanceOf(G4fException.class);
    return (G4fException) failure;
  }

  /** Reads {@code stream} to its end; the failure it ended with, or null. */
  private static Throwable read(ChatCompletionStream stream, List<String> contents) throws Exception {
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    stream.exceptionHandler(ended::complete);
    stream.endHandler(v -> ended.complete(null));
    stream.handler(chunk -> contents.add(chunk.getChoices().get(0).getDelta().getContent()));
    return ended.get(10, TimeUnit.SECONDS);
  }

  @Test
  void serviceLoaderFindsItByName() {
    assertThat(ProviderRegistry.standard().get("quill")).isInstanceOf(QuillProvider.class);
  }

  @Test
  void aWholeAnswerIsAskedWholeInQuillsShape() {
    generate(this::quill);

    ChatCompletion completion = await(client().chat().completions().create(question()));

    assertThat(completion.getId()).isEqualTo("g-1");
    assertThat(completion.getModel()).isEqualTo("quill-1");
    assertThat(completion.getCreated()).isEqualTo(1700000000L);
    assertThat(completion.getProvider()).isEqualTo("Quill");
    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
    assertThat(completion.getChoices().get(0).getFinishReason()).isEqualTo("stop");
    assertThat(completion.getUsage().getTotalTokens()).isEqualTo(9);
    JsonObject sent = upstream.last().json();
    assertThat(sent).isEqualTo(new JsonObject().put("model", "quill-1")
        .put("prompt", new JsonArray().add(new JsonObject().put("role", "user").put("text", "say this is a test")))
        .put("stream", false).put("max_tokens", 64));
    assertThat(upstream.last().headers().get("x-quill-key")).isEqualTo(KEY);
  }

  @Test
  void aStreamedAnswerArrivesTokenByToken() throws Exception {
    generate(this::quill);

    ChatCompletionStream stream = await(client().chat().completions().stream(question()));
    List<String> contents = new ArrayList<>();

    assertThat(read(stream, contents)).isNull();
    assertThat(contents).containsExactly("This is", " a test.", null);
    assertThat(upstream.last().json().getBoolean("stream")).isTrue();
    assertThat(upstream.last().headers().get("accept")).isEqualTo("text/event-stream");
  }

  @Test
  void aStreamFoldsToTheSameAnswerWithTheDoneEventsFinishAndUsage() {
    generate(this::quill);

    ChatCompletion folded = await(client().chat().completions().stream(question())
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(folded.getId()).isEqualTo("g-2");
    assertThat(folded.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
    assertThat(folded.getChoices().get(0).getFinishReason()).isEqualTo("length");
    assertThat(folded.getUsage().getCompletionTokens()).isEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource({
      "400, bad_request, io.g4f.client.errors.InvalidRequestException, false",
      "401, unauthorized, io.g4f.client.errors.AuthenticationException, false",
      "404, no_such_model, io.g4f.client.errors.ModelNotFoundException, false",
      "429, rate_limited, io.g4f.client.errors.RateLimitException, true",
      "500, internal, io.g4f.client.errors.ProviderException, true",
      "503, overloaded, io.g4f.client.errors.ProviderException, true"})
  void eachErrorStatusIsMappedFromQuillsFault(int status, String reason, String type, boolean retryable) {
    generate(fault(status, reason, "refused " + KEY));

    G4fException whole = failure(client().chat().completions().create(question()));
    G4fException streamed = failure(client().chat().completions().stream(question()));

    for (G4fException failure : List.of(whole, streamed)) {
      assertThat(failure.getClass().getName()).isEqualTo(type);
      assertThat(failure.status()).isEqualTo(status);
      assertThat(failure.code()).isEqualTo(reason);
      assertThat(failure.retryable()).isEqualTo(retryable);
      assertThat(failure.provider()).isEqualTo("Quill");
      assertThat(failure.getMessage()).isEqualTo("Quill answered HTTP " + status + ": refused ***");
    }
  }

  @Test
  void aRateLimitCarriesItsRetryAfter() {
    generate(fault(429, "rate_limited", "slow down", "retry-after", "7"));

    assertThat(failure(client().chat().completions().create(question())).retryAfter()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void a404ThatIsNotAboutTheModelIsAProviderFailure() {
    generate(fault(404, "no_route", "nothing here"));

    assertThat(failure(client().chat().completions().create(question())))
        .isExactlyInstanceOf(ProviderException.class).isNotInstanceOf(ModelNotFoundException.class);
  }

  @Test
  void anErrorBodyThatIsNotAFaultStillMapsByStatus() {
    upstream.reply(HttpMethod.POST, "/v1/generate", 401, "text/html", "<html>proxy login</html>");

    assertThat(failure(client().chat().completions().create(question())))
        .isInstanceOf(AuthenticationException.class).hasMessage("Quill answered HTTP 401: no reason given");
  }

  @Test
  void aFaultInsideTheStreamFailsIt() throws Exception {
    upstream.sse("/v1/generate", TOKENS + "event: fault\ndata: {\"fault\":{\"reason\":\"rate_limited\","
        + "\"message\":\"quota used up\"}}\n\n");

    List<String> contents = new ArrayList<>();
    Throwable failure = read(await(client().chat().completions().stream(question())), contents);

    assertThat(failure).isInstanceOf(RateLimitException.class).hasMessage("Quill failed mid-stream: quota used up");
    assertThat(((G4fException) failure).code()).isEqualTo("rate_limited");
    assertThat(contents).containsExactly("This is", " a test.");
  }

  @Test
  void aStreamCutBeforeDoneIsAnError() throws Exception {
    upstream.sse("/v1/generate", TOKENS);

    Throwable failure = read(await(client().chat().completions().stream(question())), new ArrayList<>());

    assertThat(failure).isInstanceOf(ProviderException.class).hasMessageContaining("ended before its end marker");
    assertThat(failure(client().chat().completions().stream(question())
        .compose(AsyncClient.ChatCompletions::collect))).isInstanceOf(ProviderException.class);
  }

  @Test
  void a503IsRetriedWithBackoffThenAnswered() {
    AtomicInteger calls = new AtomicInteger();
    Handler<HttpServerRequest> overloaded = fault(503, "overloaded", "busy");
    generate(request -> {
      if (calls.getAndIncrement() == 0) {
        overloaded.handle(request);
      } else {
        quill(request);
      }
    });

    ChatCompletion completion = await(client(new ClientOptions().setMaxRetries(2)).chat().completions()
        .create(question()));

    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
    assertThat(upstream.received()).hasSize(2);
    assertThat(timer.waits()).hasSize(1);
    assertThat(timer.waits().get(0)).as("0.5 s minus up to 25 %% jitter").isBetween(375L, 500L);
  }

  @Test
  void aRateLimitIsRetriedAfterItsRetryAfter() {
    AtomicInteger calls = new AtomicInteger();
    Handler<HttpServerRequest> limited = fault(429, "rate_limited", "slow down", "retry-after", "7");
    generate(request -> {
      if (calls.getAndIncrement() == 0) {
        limited.handle(request);
      } else {
        quill(request);
      }
    });

    await(client(new ClientOptions().setMaxRetries(2)).chat().completions().stream(question())
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(timer.waits()).containsExactly(7_000L);
  }

  @Test
  void cancellingTheStreamClosesTheConnection() throws Exception {
    generate(request -> request.response().setChunked(true).putHeader("content-type", "text/event-stream")
        .write("id: g-3\nevent: token\ndata: {\"text\":\"This\"}\n\n"));
    ChatCompletionStream stream = await(client().chat().completions().stream(question()));
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    CompletableFuture<Void> first = new CompletableFuture<>();
    stream.exceptionHandler(failed::complete);
    stream.handler(chunk -> first.complete(null));
    first.get(10, TimeUnit.SECONDS);

    stream.cancel();

    assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (upstream.closedConnections() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(upstream.closedConnections()).as("the upstream saw its connection closed").isEqualTo(1);
  }

  @Test
  void theCallGoesThroughTheClientsProxy() {
    generate(this::quill);
    TestProxy proxy = TestProxy.start(vertx, "user", "pass");
    try {
      AsyncClient client = client(new ClientOptions().setMaxRetries(0)
          .setProxy("http://user:pass@127.0.0.1:" + proxy.port()));

      ChatCompletion completion = await(client.chat().completions().create(question()));
      await(client.chat().completions().stream(question()).compose(AsyncClient.ChatCompletions::collect));

      assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
      assertThat(proxy.targets()).isNotEmpty().containsOnly("127.0.0.1:" + upstream.port());
      assertThat(proxy.credentials()).isNotEmpty().containsOnly("user:pass");
      assertThat(upstream.received()).hasSize(2);
    } finally {
      proxy.close();
    }
  }
}
