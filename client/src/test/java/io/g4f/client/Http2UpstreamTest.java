package io.g4f.client;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.chat.ImageInput;
import io.g4f.client.errors.RateLimitException;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.client.provider.OllamaProvider;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP/2 to upstreams: h2 over TLS when the server offers it (ALPN), HTTP/1.1 otherwise; h2c with prior knowledge on
 * http:// with {@link ClientOptions#isHttp2()}. Streams share connections up to the server's stream limit, and a
 * cancelled or timed-out stream resets its own HTTP/2 stream, not the connection the others use.
 */
@ExtendWith(VertxExtension.class)
class Http2UpstreamTest {

  private static final String PATH = "/v1/chat/completions";
  private static final String FIRST = "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n";
  private static final String LAST = "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

  private Vertx vertx;
  private SelfSignedCertificate certificate;
  /** The servers and clients a test made, closed after it (last first). */
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    certificate = SelfSignedCertificate.create("localhost");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    certificate.delete();
  }

  @Test
  void aTlsUpstreamThatOffersH2IsSpokenToInHttp2() {
    ScriptedServer upstream = server(tls().setUseAlpn(true)).openAiChat(PATH);
    AsyncClient client = client(tlsOptions(upstream));

    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));
    List<ChatCompletionChunk> chunks = await(await(client.chat().completions().stream(
        ChatCompletionRequest.of("m", "hi"))).collect(Collectors.toList()));

    assertThat(completion.text()).isEqualTo("This is a test.");
    assertThat(chunks).hasSize(6);
    assertThat(upstream.received()).extracting(ScriptedServer.Received::version)
        .containsExactly(HttpVersion.HTTP_2, HttpVersion.HTTP_2);
    assertThat(upstream.openConnections()).as("both calls on one connection").isEqualTo(1);
  }

  @Test
  void aTlsUpstreamWithoutAlpnIsSpokenToInHttp11() {
    ScriptedServer upstream = server(tls()).openAiChat(PATH);
    AsyncClient client = client(tlsOptions(upstream).setHttp2(true));

    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));

    assertThat(completion.text()).isEqualTo("This is a test.");
    assertThat(upstream.last().version()).isEqualTo(HttpVersion.HTTP_1_1);
  }

  @Test
  void plainHttpIsHttp11UnlessHttp2IsSet() {
    ScriptedServer upstream = server(new HttpServerOptions()).openAiChat(PATH);

    await(client(new ClientOptions().setMaxRetries(0).setBaseUrl(upstream.baseUrl())).chat().completions()
        .create(ChatCompletionRequest.of("m", "hi")));

    assertThat(upstream.last().version()).isEqualTo(HttpVersion.HTTP_1_1);
  }

  @Test
  void h2cCarriesWholeAnswersStreamsAndErrorsOnOneConnection() {
    ScriptedServer upstream = server(new HttpServerOptions()).openAiChat(PATH);
    AsyncClient client = client(h2cOptions(upstream));

    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));
    List<ChatCompletionChunk> chunks = await(await(client.chat().completions().stream(
        ChatCompletionRequest.of("m", "hi"))).collect(Collectors.toList()));
    upstream.reply(HttpMethod.POST, PATH, 429, "application/json",
        "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");

    assertThat(completion.text()).isEqualTo("This is a test.");
    assertThat(chunks).hasSize(6);
    assertThatThrownBy(() -> await(client.chat().completions().stream(ChatCompletionRequest.of("m", "hi"))))
        .isInstanceOf(RateLimitException.class).hasMessageContaining("slow down");
    assertThat(upstream.received()).extracting(ScriptedServer.Received::version).containsOnly(HttpVersion.HTTP_2)
        .hasSize(3);
    assertThat(upstream.openConnections()).isEqualTo(1);
    assertThat(upstream.closedConnections()).isZero();
  }

  @Test
  void aCancelledStreamResetsItsOwnStreamAndTheOthersOnItsConnectionGoOn() throws Exception {
    List<HttpServerResponse> answers = new CopyOnWriteArrayList<>();
    List<Throwable> resets = new CopyOnWriteArrayList<>();
    ScriptedServer upstream = server(new HttpServerOptions()).on(HttpMethod.POST, PATH, request -> {
      HttpServerResponse response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      response.exceptionHandler(resets::add);
      answers.add(response);
      response.write(FIRST);
    });
    AsyncClient client = client(h2cOptions(upstream));
    ChatCompletionStream cancelled = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "a")));
    ChatCompletionStream kept = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "b")));
    CompletableFuture<String> text = new CompletableFuture<>();
    StringBuilder received = new StringBuilder();
    kept.exceptionHandler(text::completeExceptionally).endHandler(v -> text.complete(received.toString()))
        .handler(chunk -> received.append(chunk.text()));

    cancelled.cancel();

    awaitUntil(() -> resets.size() == 1);
    assertThat(resets.get(0)).isInstanceOf(StreamResetException.class);
    answers.get(1).end(FIRST + LAST);
    assertThat(text.get(10, TimeUnit.SECONDS)).isEqualTo("HelHel");
    assertThat(upstream.openConnections()).isEqualTo(1);
    assertThat(upstream.closedConnections()).isZero();
  }

  @Test
  void anIdleTimeoutOverH2cResetsTheStreamAndKeepsTheConnection() throws Exception {
    List<Throwable> resets = new CopyOnWriteArrayList<>();
    ScriptedServer upstream = server(new HttpServerOptions()).on(HttpMethod.POST, PATH, request ->
        request.response().setChunked(true).putHeader("content-type", "text/event-stream")
            .exceptionHandler(resets::add).write(FIRST));
    AsyncClient client = client(h2cOptions(upstream).setIdleTimeout(300));
    ChatCompletionStream stream = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "hi")));
    CompletableFuture<Throwable> failed = new CompletableFuture<>();

    stream.exceptionHandler(failed::complete).handler(chunk -> { });

    assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("idle timeout");
    awaitUntil(() -> resets.size() == 1);
    assertThat(resets.get(0)).isInstanceOf(StreamResetException.class);
    assertThat(upstream.openConnections()).isEqualTo(1);
  }

  @Test
  void aStreamWhoseReaderPausedDoesNotStallTheOthersOnItsConnection() throws Exception {
    Buffer chunk = Buffer.buffer(FIRST);
    AtomicLong written = new AtomicLong();
    AtomicInteger requests = new AtomicInteger();
    ScriptedServer upstream = server(new HttpServerOptions());
    upstream.on(HttpMethod.POST, PATH, request -> {
      if (requests.incrementAndGet() == 1) {
        ScriptedServer.flood(chunk, 1_000_000, written).handle(request);
      } else {
        upstream.answerOpenAiChat(request);
      }
    });
    AsyncClient client = client(h2cOptions(upstream));
    ChatCompletionStream flooded = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "a")));
    flooded.pause();
    flooded.handler(ignored -> { });
    ScriptedServer.awaitStall(written);

    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("m", "b")));

    assertThat(completion.text()).isEqualTo("This is a test.");
    assertThat(upstream.openConnections()).as("both on one connection").isEqualTo(1);
    flooded.cancel();
  }

  @Test
  void tlsStreamsShareConnectionsUpToTheServersStreamLimit() {
    streamsShareConnections(tls().setUseAlpn(true), this::tlsOptions);
  }

  @Test
  void h2cStreamsShareConnectionsUpToTheServersStreamLimit() {
    streamsShareConnections(new HttpServerOptions(), this::h2cOptions);
  }

  /** 20 streams held open one after another against a server that takes 2 a connection: 10 connections. */
  private void streamsShareConnections(HttpServerOptions serverOptions,
                                       Function<ScriptedServer, ClientOptions> clientOptions) {
    ScriptedServer upstream = server(serverOptions.setInitialSettings(new Http2Settings().setMaxConcurrentStreams(2)))
        .on(HttpMethod.POST, PATH, request -> request.response().setChunked(true)
            .putHeader("content-type", "text/event-stream").write(FIRST));
    AsyncClient client = client(clientOptions.apply(upstream).setConnectTimeout(2000));

    List<ChatCompletionStream> streams = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      streams.add(await(client.chat().completions().stream(ChatCompletionRequest.of("m", "hi"))));
    }

    assertThat(upstream.received()).extracting(ScriptedServer.Received::version).containsOnly(HttpVersion.HTTP_2);
    assertThat(upstream.openConnections()).as("2 streams a connection, and more than 8 connections").isEqualTo(10);
    streams.forEach(ChatCompletionStream::cancel);
  }

  @Test
  void aBurstOfStreamsOpensAtMostAFiftiethOfMaxConnections() {
    ScriptedServer upstream = server(new HttpServerOptions()).on(HttpMethod.POST, PATH, request ->
        request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(FIRST));
    AsyncClient client = client(h2cOptions(upstream).setMaxConnections(500));

    List<Future<ChatCompletionStream>> burst = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      burst.add(client.chat().completions().stream(ChatCompletionRequest.of("m", "hi")));
    }
    await(Future.all(burst));

    assertThat(upstream.openConnections()).as("300 streams, 100 a connection, at most 500 / 50 connections")
        .isBetween(3, 10);
    burst.forEach(stream -> stream.result().cancel());
  }

  @Test
  void imageUrlsAreFetchedInHttp11WhenProvidersSpeakH2c() {
    ScriptedServer ollama = server(new HttpServerOptions()).chat("/api/chat", "application/x-ndjson",
        ScriptedServer.resource("transcripts/ollama-chat-stream.ndjson"),
        ScriptedServer.resource("transcripts/ollama-chat.json"));
    ScriptedServer images = server(new HttpServerOptions().setHttp2ClearTextEnabled(false))
        .on(HttpMethod.GET, "/cat.png", request -> request.response().putHeader("content-type", "image/png")
            .end(Buffer.buffer(VisionTest.image("png"))));
    AsyncClient client = AsyncClient.create(vertx, new ClientOptions().setProvider("OllamaNative").setMaxRetries(0)
            .setHttp2(true).setAllowedPrivateImageHosts(List.of("127.0.0.1")),
        ProviderRegistry.standard().register(new OllamaProvider("http://127.0.0.1:" + ollama.port())));
    closing.add(() -> await(client.close()));

    await(client.chat().completions().create(ChatCompletionRequest.of("llava", "what?")
        .addImage(ImageInput.ofUrl("http://127.0.0.1:" + images.port() + "/cat.png"))));

    assertThat(images.last().version()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(ollama.last().version()).isEqualTo(HttpVersion.HTTP_2);
  }

  private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private ScriptedServer server(HttpServerOptions options) {
    ScriptedServer server = ScriptedServer.start(vertx, options);
    closing.add(server);
    return server;
  }

  private AsyncClient client(ClientOptions options) {
    AsyncClient client = AsyncClient.create(vertx, options);
    closing.add(() -> await(client.close()));
    return client;
  }

  private HttpServerOptions tls() {
    return new HttpServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions());
  }

  private ClientOptions tlsOptions(ScriptedServer upstream) {
    return new ClientOptions().setMaxRetries(0).setBaseUrl("https://localhost:" + upstream.port() + "/v1")
        .setTrustedCertificates(certificate.certificatePath());
  }

  private ClientOptions h2cOptions(ScriptedServer upstream) {
    return new ClientOptions().setMaxRetries(0).setBaseUrl(upstream.baseUrl()).setHttp2(true);
  }
}
