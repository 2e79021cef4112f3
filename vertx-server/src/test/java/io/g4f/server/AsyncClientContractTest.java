package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.AsyncClient;
import io.g4f.client.CallOptions;
import io.g4f.client.ClientOptions;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.EventBusAsyncClient;
import io.g4f.client.EventBusClientOptions;
import io.g4f.client.GenericAsyncClient;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ModelNotFoundException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.errors.ProviderNotFoundException;
import io.g4f.client.errors.RateLimitException;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.routing.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One contract, two clients: the in-process {@link AsyncClient} against a scripted upstream, and the
 * {@link EventBusAsyncClient} against a gateway deployed in front of the same upstream. Every case
 * runs against both and must give the same results and the same exception classes.
 */
@ExtendWith(VertxExtension.class)
class AsyncClientContractTest {

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
  private static final AtomicInteger GATEWAYS = new AtomicInteger();

  /** How a test reaches the upstream. */
  enum Target {
    IN_PROCESS {
      @Override
      GenericAsyncClient<?> client(Vertx vertx, ClientOptions upstream) {
        return AsyncClient.create(vertx, upstream);
      }

      @Override
      CallOptions options() {
        return new DirectCallOptions();
      }
    },
    EVENT_BUS {
      @Override
      GenericAsyncClient<?> client(Vertx vertx, ClientOptions upstream) {
        String prefix = "contract" + GATEWAYS.incrementAndGet();
        await(vertx.deployVerticle(new GatewayVerticle(new GatewayOptions().setPort(0).setEventBusPrefix(prefix)
            .addProvider("local", upstream, List.of()))));
        return EventBusAsyncClient.create(vertx, new EventBusClientOptions().setAddressPrefix(prefix).setCredits(2));
      }

      @Override
      CallOptions options() {
        return new CallOptions();
      }
    };

    abstract GenericAsyncClient<?> client(Vertx vertx, ClientOptions upstream);

    /** Empty per-call options of the type this target's client takes. */
    abstract CallOptions options();
  }

  private Vertx vertx;
  private ScriptedServer upstream;
  private GenericAsyncClient<?> client;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions")
        .on(HttpMethod.GET, "/files/cat.png", request ->
            request.response().putHeader("content-type", "image/png").end(Buffer.buffer(PNG)));
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      await(client.close());
    }
    upstream.close();
  }

  private GenericAsyncClient<?> client(Target target) {
    return client(target, new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0));
  }

  private GenericAsyncClient<?> client(Target target, ClientOptions options) {
    client = target.client(vertx, options);
    return client;
  }

  private static ChatCompletionRequest hello() {
    return ChatCompletionRequest.of("m1", "say this is a test");
  }

  @ParameterizedTest
  @EnumSource
  void createReturnsTheWholeCompletion(Target target) {
    ChatCompletion completion = await(client(target).chat().completions().create(hello()));

    assertThat(completion.getId()).isEqualTo("chatcmpl-123");
    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
    assertThat(completion.getChoices().get(0).getFinishReason()).isEqualTo("stop");
    assertThat(completion.getUsage().getTotalTokens()).isEqualTo(17);
    assertThat(upstream.last().json().getJsonArray("messages").getJsonObject(0).getString("content"))
        .isEqualTo("say this is a test");
  }

  /** {@code request} asking for the usage chunk, which the gateway passes on only when asked, as OpenAI does. */
  private static ChatCompletionRequest withUsage(ChatCompletionRequest request) {
    return request.setStreamOptions(new ChatCompletionRequest.StreamOptions().setIncludeUsage(true));
  }

  @ParameterizedTest
  @EnumSource
  void streamDeliversEveryChunkInOrderThenEnds(Target target) throws Exception {
    ChatCompletionStream stream = await(client(target).chat().completions().stream(withUsage(hello())));
    List<ChatCompletionChunk> chunks = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    stream.exceptionHandler(ended::completeExceptionally).endHandler(v -> ended.complete(null)).handler(chunks::add);
    ended.get(10, TimeUnit.SECONDS);

    assertThat(chunks).hasSize(6);
    assertThat(chunks.stream().filter(chunk -> !chunk.getChoices().isEmpty())
        .map(chunk -> chunk.getChoices().get(0).getDelta().getContent()).filter(text -> text != null)
        .collect(Collectors.joining())).isEqualTo("This is a test.");
    assertThat(chunks.get(5).getUsage().getTotalTokens()).isEqualTo(17);
  }

  @ParameterizedTest
  @EnumSource
  void collectFoldsAStreamLikeCreate(Target target) {
    ChatCompletion folded = await(client(target).chat().completions().stream(withUsage(hello()))
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(folded.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
    assertThat(folded.getUsage().getTotalTokens()).isEqualTo(17);
  }

  @ParameterizedTest
  @EnumSource
  void imagesComeAsUrlOrBase64(Target target) {
    String url = "http://127.0.0.1:" + upstream.port() + "/files/cat.png";
    upstream.reply(HttpMethod.POST, "/v1/images/generations", 200, "application/json", new JsonObject()
        .put("created", 1589478378).put("data", new JsonArray().add(new JsonObject().put("url", url))).encode());
    GenericAsyncClient<?> images = client(target);

    ImagesResponse asUrl = await(images.images().generate(ImageGenerationRequest.of("dall-e-3", "a cat")));
    ImagesResponse asBase64 = await(images.images().generate(ImageGenerationRequest.of("dall-e-3", "a cat")
        .setResponseFormat("b64_json")));

    if (target == Target.IN_PROCESS) {
      assertThat(asUrl.getData().get(0).getUrl()).isEqualTo(url);
    } else {
      assertThat(asUrl.getData().get(0).getUrl()).as("the gateway serves the upstream's image itself")
          .matches("http://127\\.0\\.0\\.1:\\d+/images/\\d+_[0-9a-f]{8}\\.png").isNotEqualTo(url);
    }
    assertThat(asUrl.getCreated()).isEqualTo(1589478378L);
    assertThat(Base64.getDecoder().decode(asBase64.getData().get(0).getB64Json())).isEqualTo(PNG);
    assertThat(asBase64.getData().get(0).getUrl()).isNull();
  }

  @ParameterizedTest
  @EnumSource
  void eachUpstreamErrorIsTheSameExceptionClass(Target target) {
    GenericAsyncClient<?> tested = client(target);
    assertFailsAs(tested, 400, "{\"error\":{\"message\":\"bad temperature\",\"param\":\"temperature\"}}",
        InvalidRequestException.class);
    assertFailsAs(tested, 401, "{\"error\":{\"message\":\"bad key\"}}", AuthenticationException.class);
    assertFailsAs(tested, 404, "{\"error\":{\"message\":\"The model does not exist\",\"code\":\"model_not_found\"}}",
        ModelNotFoundException.class);
    assertFailsAs(tested, 429, "{\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}}",
        RateLimitException.class);
    assertFailsAs(tested, 500, "{\"error\":{\"message\":\"overloaded\"}}", ProviderException.class);
  }

  private void assertFailsAs(GenericAsyncClient<?> tested, int status, String body, Class<? extends G4fException> type) {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", status, "application/json", body);
    String message = new JsonObject(body).getJsonObject("error").getString("message");
    assertThatThrownBy(() -> await(tested.chat().completions().create(hello())))
        .isExactlyInstanceOf(type).hasMessageContaining(message);
    assertThatThrownBy(() -> await(tested.chat().completions().stream(hello())))
        .isExactlyInstanceOf(type).hasMessageContaining(message);
  }

  @ParameterizedTest
  @EnumSource
  void aRequestWithoutMessagesIsInvalid(Target target) {
    assertThatThrownBy(() -> await(client(target).chat().completions().create(new ChatCompletionRequest().setModel("m1"))))
        .isExactlyInstanceOf(InvalidRequestException.class).hasMessageContaining("messages");
  }

  @ParameterizedTest
  @EnumSource
  void anUnreachableProviderIsAConnectionException(Target target) {
    int closedPort = upstream.port();
    upstream.close();
    GenericAsyncClient<?> tested = client(target, new ClientOptions().setBaseUrl("http://127.0.0.1:" + closedPort + "/v1")
        .setMaxRetries(0));

    assertThatThrownBy(() -> await(tested.chat().completions().create(hello())))
        .isExactlyInstanceOf(ConnectionException.class);
  }

  @ParameterizedTest
  @EnumSource
  void aSilentProviderIsATimeout(Target target) {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> { });
    GenericAsyncClient<?> tested = client(target, new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0)
        .setTotalTimeout(300));

    assertThatThrownBy(() -> await(tested.chat().completions().create(hello())))
        .isExactlyInstanceOf(RequestTimeoutException.class);
  }

  @ParameterizedTest
  @EnumSource
  void aRequestsOwnTimeoutBoundsItsCall(Target target) {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> { });
    GenericAsyncClient<?> tested = client(target);

    long started = System.nanoTime();
    assertThatThrownBy(() -> await(create(tested, hello(), target.options().setTimeout(300L))))
        .isExactlyInstanceOf(RequestTimeoutException.class).hasMessageContaining("300 ms");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);
  }

  @ParameterizedTest
  @EnumSource
  void aRequestCanNameAnUnknownProvider(Target target) {
    assertThatThrownBy(() -> await(create(client(target), hello(), target.options().setProvider("nope"))))
        .isExactlyInstanceOf(ProviderNotFoundException.class).hasMessageContaining("nope");
  }

  @ParameterizedTest
  @EnumSource
  void aFailureMidStreamFailsTheStreamAfterItsChunks(Target target) throws Exception {
    upstream.sse("/v1/chat/completions",
        "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
            + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");
    ChatCompletionStream stream = await(client(target).chat().completions().stream(withUsage(hello())));
    List<ChatCompletionChunk> chunks = new CopyOnWriteArrayList<>();
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    stream.exceptionHandler(failed::complete).endHandler(v -> failed.complete(null)).handler(chunks::add);

    assertThat(failed.get(10, TimeUnit.SECONDS)).isExactlyInstanceOf(ProviderException.class)
        .hasMessageContaining("overloaded");
    assertThat(chunks).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource
  void aPausedStreamStallsTheUpstreamAndResumingGoesOn(Target target) throws Exception {
    int total = 300_000;
    Buffer event = Buffer.buffer("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}\n\n");
    AtomicLong written = new AtomicLong();
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      AtomicInteger sent = new AtomicInteger();
      response.closeHandler(v -> sent.set(total));
      Runnable[] pump = new Runnable[1];
      pump[0] = () -> {
        while (sent.get() < total && !response.writeQueueFull()) {
          response.write(event);
          written.addAndGet(event.length());
          sent.incrementAndGet();
        }
        response.drainHandler(v -> pump[0].run());
      };
      pump[0].run();
    });
    ChatCompletionStream stream = await(client(target).chat().completions().stream(hello()));
    AtomicInteger received = new AtomicInteger();
    CompletableFuture<Void> hundred = new CompletableFuture<>();
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    stream.pause().exceptionHandler(failed::complete).endHandler(v -> failed.complete(null)).handler(chunk -> {
      if (received.incrementAndGet() == 100) {
        hundred.complete(null);
      }
    });

    long stalled = ScriptedServer.awaitStall(written);
    assertThat(stalled).as("upstream bytes written while the stream is paused").isLessThan(total * event.length() / 3L);
    Thread.sleep(1500);
    assertThat(written.get()).as("a stall, not a slow flow").isEqualTo(stalled);
    assertThat(received).hasValue(0);

    stream.resume();
    hundred.get(10, TimeUnit.SECONDS);
    stream.cancel();
    assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
  }

  @ParameterizedTest
  @EnumSource
  void cancelFailsTheStreamAndClosesTheUpstreamRequest(Target target) throws Exception {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      long ticker = vertx.setPeriodic(20, id -> response.write(
          "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n"));
      response.closeHandler(v -> vertx.cancelTimer(ticker));
      vertx.setTimer(20_000, id -> vertx.cancelTimer(ticker));
    });
    ChatCompletionStream stream = await(client(target).chat().completions().stream(hello()));
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    stream.exceptionHandler(failed::complete).endHandler(v -> failed.complete(null)).handler(chunk -> stream.cancel());

    assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (upstream.closedConnections() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(upstream.closedConnections()).as("upstream connections closed").isEqualTo(1);
  }

  /** {@code client}'s whole answer with {@code options}, which are of the type it takes ({@link Target#options()}). */
  @SuppressWarnings("unchecked")
  private static Future<ChatCompletion> create(GenericAsyncClient<?> client, ChatCompletionRequest request,
                                               CallOptions options) {
    return ((GenericAsyncClient<CallOptions>) client).chat().completions().create(request, options);
  }
}
