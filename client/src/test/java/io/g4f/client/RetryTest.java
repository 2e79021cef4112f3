package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.errors.RateLimitException;
import io.g4f.client.impl.DefaultAsyncClient;
import io.g4f.client.impl.Retry;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.client.testing.VirtualTimer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retries: backoff on retryable failures, Retry-After honoured, never after the first chunk. Waits run on a
 * {@link VirtualTimer}, so each is checked by its length and costs no real time.
 */
@ExtendWith(VertxExtension.class)
class RetryTest {

  private static final String COMPLETION = resource("transcripts/openai-chat-completion.json");

  private Vertx vertx;
  private ScriptedServer upstream;
  private AsyncClient client;
  private final VirtualTimer timer = new VirtualTimer();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx);
    client = client(new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(2));
  }

  /** A client whose retries wait on {@link #timer}. */
  private AsyncClient client(ClientOptions options) {
    return new DefaultAsyncClient(vertx, options, ProviderRegistry.standard(), new Retry(Retry.EXPONENTIAL, timer));
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    upstream.close();
  }

  /** Answers with each scripted failure in turn, then with the transcript. */
  @SafeVarargs
  private void failThenSucceed(java.util.function.Consumer<HttpServerRequest>... failures) {
    AtomicInteger calls = new AtomicInteger();
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      int call = calls.getAndIncrement();
      if (call < failures.length) {
        failures[call].accept(request);
      } else {
        request.response().putHeader("content-type", "application/json").end(COMPLETION);
      }
    });
  }

  private static java.util.function.Consumer<HttpServerRequest> status(int status, String... headers) {
    return request -> {
      for (int i = 0; i < headers.length; i += 2) {
        request.response().putHeader(headers[i], headers[i + 1]);
      }
      request.response().setStatusCode(status).putHeader("content-type", "application/json")
          .end("{\"error\":{\"message\":\"try again\",\"type\":\"server_error\"}}");
    };
  }

  @Test
  void retryableStatusesAreRetriedWithBackoff() {
    failThenSucceed(status(503), status(429));

    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
    assertThat(upstream.received()).hasSize(3);
    assertThat(timer.waits()).hasSize(2);
    assertThat(timer.waits().get(0)).as("first backoff, 0.5 s minus up to 25 %% jitter").isBetween(375L, 500L);
    assertThat(timer.waits().get(1)).as("second backoff, 1 s minus up to 25 %% jitter").isBetween(750L, 1_000L);
  }

  @Test
  void retryAfterSecondsIsHonoured() {
    failThenSucceed(status(429, "retry-after", "2"));

    await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(timer.waits()).containsExactly(2_000L);
    assertThat(upstream.received()).hasSize(2);
  }

  @Test
  void retryAfterMillisecondsWinsOverSeconds() {
    failThenSucceed(status(503, "retry-after-ms", "50", "retry-after", "30"));

    await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(timer.waits()).containsExactly(50L);
  }

  @Test
  void retriesStopAtMaxRetriesAndReportTheLastFailure() {
    failThenSucceed(status(500, "retry-after-ms", "10"), status(502, "retry-after-ms", "10"),
        status(503, "retry-after-ms", "10"));

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(ProviderException.class);
    assertThat(failure.status()).isEqualTo(503);
    assertThat(upstream.received()).hasSize(3);
    assertThat(timer.waits()).containsExactly(10L, 10L);
  }

  @Test
  void nonRetryableFailuresAreNotRetried() {
    failThenSucceed(status(400));

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(InvalidRequestException.class);
    assertThat(upstream.received()).hasSize(1);
    assertThat(timer.waits()).isEmpty();
  }

  @Test
  void aRetryThatWouldPassTheTotalTimeoutIsNotAttempted(Vertx vertx) {
    AsyncClient hurried = client(new ClientOptions().setBaseUrl(upstream.baseUrl())
        .setMaxRetries(2).setTotalTimeout(1_000));
    failThenSucceed(status(429, "retry-after", "5"));

    G4fException failure = fail(hurried.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(RateLimitException.class);
    assertThat(upstream.received()).hasSize(1);
    assertThat(timer.waits()).isEmpty();
    await(hurried.close());
  }

  @Test
  void theDeadlineIsKeptOnTheRetriesClock() {
    // Backoff without jitter (0.5 s, then 1 s): with EXPONENTIAL's jitter, 0.375 s + 0.75 s can fit in 1.2 s.
    AsyncClient hurried = new DefaultAsyncClient(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl())
        .setMaxRetries(2).setTotalTimeout(1_200), ProviderRegistry.standard(), new Retry(retry -> 500L << retry, timer));
    failThenSucceed(status(503), status(503));

    G4fException failure = fail(hurried.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure.status()).as("0.375-0.5 s waited; with the next 0.75-1 s wait the retry would start past 1.1 s").isEqualTo(503);
    assertThat(upstream.received()).hasSize(2);
    assertThat(timer.waits()).hasSize(1);
    await(hurried.close());
  }

  @Test
  void aStreamThatFailsAfterItsFirstChunkIsNeverRetried() throws Exception {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      request.response().setChunked(true).putHeader("content-type", "text/event-stream")
          .write("data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
              + "\"delta\":{\"content\":\"Hi\"}}]}\n\n");
      vertx.setTimer(50, id -> request.connection().close());
    });

    ChatCompletionStream stream = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "hi")));
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    AtomicInteger chunks = new AtomicInteger();
    stream.exceptionHandler(failed::complete);
    stream.endHandler(v -> failed.complete(null));
    stream.handler(chunk -> chunks.incrementAndGet());

    assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(ConnectionException.class);
    assertThat(chunks.get()).isEqualTo(1);
    assertThat(timer.waits()).as("no retry was scheduled").isEmpty();
    assertThat(upstream.received()).hasSize(1);
  }

  @Test
  void aRefusedConnectionIsRetried(Vertx vertx) {
    int port = upstream.port();
    upstream.close();
    AsyncClient persistent = client(new ClientOptions()
        .setBaseUrl("http://127.0.0.1:" + port + "/v1").setMaxRetries(2));

    G4fException failure = fail(persistent.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(failure).isInstanceOf(ConnectionException.class);
    assertThat(timer.waits()).as("two backoffs").hasSize(2);
    assertThat(timer.waits().get(0)).isBetween(375L, 500L);
    assertThat(timer.waits().get(1)).isBetween(750L, 1_000L);
    await(persistent.close());
    upstream = ScriptedServer.start(vertx);
  }

  @Test
  void aRefusedConnectionIsNotRetriedWhenTheCallerFallsBackItself(Vertx vertx) {
    int port = upstream.port();
    upstream.close();
    AsyncClient persistent = client(new ClientOptions()
        .setBaseUrl("http://127.0.0.1:" + port + "/v1").setMaxRetries(2));

    G4fException failure = fail(persistent.chat().completions().create(ChatCompletionRequest.of("m", "hi"),
        new DirectCallOptions().setFallbackFollows(true)));

    assertThat(failure).isInstanceOf(ConnectionException.class);
    assertThat(timer.waits()).as("the caller's own fallback is tried at once").isEmpty();
    await(persistent.close());
    upstream = ScriptedServer.start(vertx);
  }
}
