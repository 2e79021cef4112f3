package io.g4f.client;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderContext;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cancelling a stream, or failing a call by timeout, closes the upstream HTTP request. */
@ExtendWith(VertxExtension.class)
class StreamCancellationTest {

  private static final String FIRST = "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n";

  private ScriptedServer upstream;
  private AsyncClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx).on(HttpMethod.POST, "/v1/chat/completions", request ->
        request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(FIRST));
    client = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0)
        .setIdleTimeout(60_000));
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    upstream.close();
  }

  @Test
  void cancelClosesTheConnectionAndFailsTheStreamOnce() throws Exception {
    ChatCompletionStream stream = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "hi")));
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    AtomicInteger terminations = new AtomicInteger();
    CompletableFuture<Void> first = new CompletableFuture<>();
    stream.exceptionHandler(error -> {
      terminations.incrementAndGet();
      failed.complete(error);
    });
    stream.endHandler(v -> terminations.incrementAndGet());
    stream.handler(chunk -> first.complete(null));
    first.get(10, TimeUnit.SECONDS);

    stream.cancel();
    stream.cancel();

    assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    awaitClosedConnections(1);
    Thread.sleep(100);
    assertThat(terminations.get()).isEqualTo(1);
  }

  @Test
  void anIdleTimeoutFailsTheStreamAndClosesTheConnection(Vertx vertx) throws Exception {
    AsyncClient impatient = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl())
        .setMaxRetries(0).setIdleTimeout(300));
    ChatCompletionStream stream = await(impatient.chat().completions().stream(ChatCompletionRequest.of("m", "hi")));
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    stream.exceptionHandler(failed::complete);
    stream.handler(chunk -> { });

    assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("idle timeout");
    awaitClosedConnections(1);
    await(impatient.close());
  }

  @Test
  void chunksWithinTheIdleTimeoutKeepALongStreamAlive(Vertx vertx) {
    await(client.chat().completions().stream(ChatCompletionRequest.of("m", "warm up"))).cancel();
    int chunks = 16;
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(FIRST);
      AtomicInteger sent = new AtomicInteger(1);
      vertx.setPeriodic(50, id -> {
        if (sent.incrementAndGet() < chunks) {
          request.response().write(FIRST);
        } else {
          vertx.cancelTimer(id);
          request.response().end(FIRST.replace("{\"content\":\"Hel\"},\"finish_reason\":null",
              "{},\"finish_reason\":\"stop\"") + "data: [DONE]\n\n");
        }
      });
    });
    AsyncClient patient = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl())
        .setMaxRetries(0).setIdleTimeout(500));
    long start = System.nanoTime();

    ChatCompletionStream stream = await(patient.chat().completions().stream(ChatCompletionRequest.of("m", "hi")));
    StringBuilder text = new StringBuilder();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    stream.exceptionHandler(ended::completeExceptionally).endHandler(ended::complete)
        .handler(chunk -> text.append(chunk.text()));

    assertThat(ended).succeedsWithin(10, TimeUnit.SECONDS);
    assertThat(text).hasToString("Hel".repeat(chunks - 1));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThan(500);
    await(patient.close());
  }

  @Test
  void aPausedConsumerIsNotAnIdleProvider(Vertx vertx) throws Exception {
    AsyncClient impatient = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl())
        .setMaxRetries(0).setIdleTimeout(200));
    ChatCompletionStream stream = await(impatient.chat().completions().stream(ChatCompletionRequest.of("m", "hi")));
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    CompletableFuture<Void> first = new CompletableFuture<>();
    stream.exceptionHandler(failed::complete);
    stream.handler(chunk -> {
      stream.pause();
      first.complete(null);
    });
    first.get(10, TimeUnit.SECONDS);
    Thread.sleep(600);
    assertThat(failed).isNotDone();

    stream.resume();
    assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(RequestTimeoutException.class);
    await(impatient.close());
  }

  @Test
  void aTotalTimeoutEndsAStreamWhoseChunksKeepItFromBeingIdle(Vertx vertx) throws Exception {
    await(client.chat().completions().stream(ChatCompletionRequest.of("m", "warm up"))).cancel();
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(FIRST);
      vertx.setPeriodic(50, id -> {
        if (request.response().closed()) {
          vertx.cancelTimer(id);
        } else {
          request.response().write(FIRST);
        }
      });
    });
    AsyncClient impatient = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl())
        .setMaxRetries(0).setIdleTimeout(300).setTotalTimeout(900));
    long start = System.nanoTime();
    ChatCompletionStream stream = await(impatient.chat().completions().stream(ChatCompletionRequest.of("m", "hi")));
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    AtomicInteger chunks = new AtomicInteger();
    stream.exceptionHandler(failed::complete);
    stream.handler(chunk -> chunks.incrementAndGet());

    assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("total timeout");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(900);
    assertThat(chunks.get()).as("chunks before the deadline").isGreaterThan(5);
    awaitClosedConnections(2); // the warm-up's and this stream's
    await(impatient.close());
  }

  @Test
  void aTotalTimeoutBeforeTheAnswerFailsTheFutureAndClosesTheConnection(Vertx vertx) {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> { });
    AsyncClient impatient = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl())
        .setMaxRetries(0).setTotalTimeout(300));
    long start = System.nanoTime();

    Throwable failure = await(impatient.chat().completions().create(ChatCompletionRequest.of("m", "hi"))
        .transform(ar -> Future.succeededFuture(ar.cause())));

    assertThat(failure).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("total timeout");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
    awaitClosedConnections(1);
    await(impatient.close());
  }

  @Test
  void aTotalTimeoutMidStreamFailsCreate(Vertx vertx) {
    AsyncClient impatient = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl())
        .setMaxRetries(0).setTotalTimeout(400));

    Throwable failure = await(impatient.chat().completions().create(ChatCompletionRequest.of("m", "hi"))
        .transform(ar -> Future.succeededFuture(ar.cause())));

    assertThat(failure).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("total timeout");
    awaitClosedConnections(1);
    await(impatient.close());
  }

  @Test
  void aWholeAnswerThatStallsAfterItsHeadersFailsAtTheIdleTimeout(Vertx vertx) {
    String completion = ScriptedServer.resource("transcripts/openai-chat-completion.json");
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> request.response().setChunked(true)
        .putHeader("content-type", "application/json").write(completion.substring(0, completion.length() / 2)));
    AsyncClient impatient = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl())
        .setMaxRetries(0).setIdleTimeout(300).setTotalTimeout(30_000));
    long start = System.nanoTime();

    Throwable failure = await(impatient.chat().completions().create(ChatCompletionRequest.of("m", "hi"))
        .transform(ar -> Future.succeededFuture(ar.cause())));

    assertThat(failure).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("idle timeout");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("ms, not the total timeout")
        .isLessThan(10_000);
    awaitClosedConnections(1);
    await(impatient.close());
  }

  @Test
  void aWholeAnswerMayBeSilentLongerThanTheIdleTimeoutBeforeItsHeaders(Vertx vertx) {
    String completion = ScriptedServer.resource("transcripts/openai-chat-completion.json");
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> vertx.setTimer(700, id -> request.response()
        .putHeader("content-type", "application/json").end(completion)));
    AsyncClient patient = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl())
        .setMaxRetries(0).setIdleTimeout(300).setTotalTimeout(30_000));

    ChatCompletion answer = await(patient.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(answer.getChoices()).isNotEmpty();
    await(patient.close());
  }

  @Test
  void aSecondRequestOfAnAttemptMayBeSilentLongerThanTheIdleTimeoutBeforeItsHeaders(Vertx vertx) {
    upstream.on(HttpMethod.POST, "/v1/first", request -> request.response().end("{}"));
    upstream.on(HttpMethod.POST, "/v1/second", request -> vertx.setTimer(700, id -> request.response().end("{}")));
    Provider twoRequests = new Provider() {
      @Override
      public String name() {
        return "TwoRequests";
      }

      @Override
      public String defaultModel() {
        return "m";
      }

      @Override
      public Set<Capability> capabilities() {
        return Set.of(Capability.CHAT);
      }

      @Override
      public Future<ChatCompletion> chat(ChatCompletionRequest request, ProviderContext context) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        return context.send(HttpMethod.POST, upstream.baseUrl() + "/first", headers, Buffer.buffer("{}"))
            .compose(first -> context.send(HttpMethod.POST, upstream.baseUrl() + "/second", headers,
                Buffer.buffer("{}")))
            .map(second -> {
              ChatCompletion completion = new ChatCompletion().setProvider(context.providerName());
              completion.getChoices().add(new ChatCompletion.Choice().setMessage(ChatMessage.assistant("ok")));
              return completion;
            });
      }

      @Override
      public Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context) {
        return Future.failedFuture(new UnsupportedOperationException("whole answers only"));
      }
    };
    AsyncClient patient = AsyncClient.create(vertx, new ClientOptions().setProvider("TwoRequests")
        .setMaxRetries(0).setIdleTimeout(300).setTotalTimeout(30_000),
        ProviderRegistry.standard().register(twoRequests));

    ChatCompletion answer = await(patient.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(answer.getChoices().get(0).getMessage().getContent()).isEqualTo("ok");
    await(patient.close());
  }

  private void awaitClosedConnections(int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (upstream.closedConnections() < count && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    assertThat(upstream.closedConnections()).as("connections closed by the client").isGreaterThanOrEqualTo(count);
  }
}
