package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.AsyncClient;
import io.g4f.client.ClientOptions;
import io.g4f.client.EventBusAsyncClient;
import io.g4f.client.GenericAsyncClient;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.errors.RateLimitException;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.UpstreamLimits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every upstream fault of issue 12, on every path a caller takes: the client library and the gateway (HTTP and
 * event bus), whole and streamed. For each, the call fails (or the stream ends with an error) exactly once, with
 * the fault's exception type or gateway status, within the configured total timeout; no stream ends as if
 * complete; the upstream sees no connection left open afterwards (every scripted answer says
 * {@code connection: close}, so an open one is one the client holds); Vert.x reports no blocked thread; and its HTTP client and server log no warning or error (a fault is the client library's to report).
 */
class UpstreamFaultsTest {

  private static final long IDLE = 400;
  private static final long TOTAL = 1_500;
  /** Slack on the total timeout for a loaded 2-core machine. */
  private static final long SLACK = 2_500;
  private static final String TRANSCRIPT = resource("transcripts/openai-chat-stream.txt");
  private static final String COMPLETION = resource("transcripts/openai-chat-completion.json");
  private static final Buffer TEN_MB = Buffer.buffer(new byte[10 * 1024 * 1024]);
  private static LoggedEvents blocked;
  /** Vert.x's HTTP client and server logs: a fault handled by the client library logs nothing there. */
  private static LoggedEvents vertxHttp;
  private static final Map<String, Integer> COUNTS = new TreeMap<>();

  static {
    byte[] letters = new byte[10 * 1024 * 1024];
    Arrays.fill(letters, (byte) 'a');
    TEN_MB.setBytes(0, letters);
  }

  private static Vertx vertx;
  private static ScriptedServer upstream;
  /**
   * The limits of every upstream call. The client's own circuit breaker opens after 5 failures in a row, so each
   * fault has a gateway provider (a client) of its own, and each direct call a fresh client.
   */
  private static final UpstreamLimits LIMITS = new UpstreamLimits(1_000L, IDLE, TOTAL, 0);
  private static final Map<Fault, String> baseUrls = new java.util.EnumMap<>(Fault.class);
  private static EventBusAsyncClient bus;
  private static HttpClient http;
  private static int gatewayPort;

  /** Where a caller asks. */
  enum Path { CLIENT_WHOLE, CLIENT_STREAM, HTTP_WHOLE, HTTP_STREAM, BUS_WHOLE, BUS_STREAM }

  /** An upstream fault: how the upstream answers, and what a caller must see. */
  enum Fault {
    CONNECTION_REFUSED(ConnectionException.class, 502, request -> { }),
    RESET_BEFORE_HEADERS(ConnectionException.class, 502, request -> request.connection().close()),
    RESET_MID_STREAM(ConnectionException.class, 502, request -> {
      HttpServerResponse response = open(request, streamed() ? "text/event-stream" : "application/json");
      response.write(streamed() ? TRANSCRIPT.substring(0, TRANSCRIPT.indexOf("\n\n", 300) + 2)
          : COMPLETION.substring(0, COMPLETION.length() / 2));
      vertx.setTimer(50, id -> request.connection().close());
    }),
    HEADERS_THEN_SILENCE(RequestTimeoutException.class, 504, request ->
        open(request, streamed() ? "text/event-stream" : "application/json").writeHead()),
    SLOW_DRIP(RequestTimeoutException.class, 504, request ->
        drip(open(request, streamed() ? "text/event-stream" : "application/json"),
            streamed() ? TRANSCRIPT : COMPLETION, 25)),
    RATE_LIMITED_SECONDS(RateLimitException.class, 429, request -> request.response().setStatusCode(429)
        .putHeader("retry-after", "7").putHeader("connection", "close").putHeader("content-type", "application/json")
        .end("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}")),
    RATE_LIMITED_DATE(RateLimitException.class, 429, request -> request.response().setStatusCode(429)
        .putHeader("retry-after", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)
            .plusSeconds(5)))
        .putHeader("connection", "close").putHeader("content-type", "application/json")
        .end("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}")),
    STATUS_500(ProviderException.class, 502, status(500)),
    STATUS_502(ProviderException.class, 502, status(502)),
    STATUS_503(ProviderException.class, 502, status(503)),
    MALFORMED_JSON(ProviderException.class, 502, request -> {
      if (streamed()) {
        open(request, "text/event-stream").end("data: {\"id\":\"x\",\"choices\":[{\"delta\":\n\ndata: [DONE]\n\n");
      } else {
        open(request, "application/json").end("{\"id\":\"x\",\"choices\":[{\"message\":");
      }
    }),
    MALFORMED_SSE(ProviderException.class, 502, request ->
        open(request, "text/event-stream").end("this is not\nan event stream\n\n")),
    NO_DONE_NO_FINISH(ProviderException.class, 502, request -> {
      String[] events = TRANSCRIPT.split("\n\n");
      open(request, "text/event-stream").end(events[0] + "\n\n" + events[1] + "\n\n" + events[2] + "\n\n");
    }),
    TEN_MB_EVENT(ProviderException.class, 502, request -> {
      HttpServerResponse response = open(request, "text/event-stream");
      response.write("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"content\":\"");
      response.end(TEN_MB);
    }),
    INVALID_UTF8(ProviderException.class, 502, request -> {
      byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF};
      if (streamed()) {
        open(request, "text/event-stream").end(Buffer.buffer("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"").appendBytes(bad)
            .appendString("\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"));
      } else {
        int at = COMPLETION.indexOf("This is a test");
        open(request, "application/json").end(Buffer.buffer(COMPLETION.substring(0, at)).appendBytes(bad)
            .appendString(COMPLETION.substring(at)));
      }
    }),
    WRONG_CONTENT_TYPE(ProviderException.class, 502, request ->
        open(request, "text/html").end("<html><body>Welcome to nginx!</body></html>")),
    NEVER_ENDS(RequestTimeoutException.class, 504, request -> {
      if (streamed()) {
        String event = TRANSCRIPT.split("\n\n")[1] + "\n\n";
        HttpServerResponse response = open(request, "text/event-stream");
        vertx.setPeriodic(0, 50, id -> {
          if (response.closed()) {
            vertx.cancelTimer(id);
          } else {
            response.write(event);
          }
        });
      } else {
        HttpServerResponse response = open(request, "application/json");
        response.write("{");
        vertx.setPeriodic(50, id -> {
          if (response.closed()) {
            vertx.cancelTimer(id);
          } else {
            response.write(" ");
          }
        });
      }
    });

    final Class<? extends G4fException> type;
    final int status;
    final io.vertx.core.Handler<HttpServerRequest> upstream;

    Fault(Class<? extends G4fException> type, int status, io.vertx.core.Handler<HttpServerRequest> upstream) {
      this.type = type;
      this.status = status;
      this.upstream = upstream;
    }
  }

  /** What a caller saw: a failure (an exception, or an HTTP status and body), or a stream's counts and text (body). */
  record Outcome(Throwable failure, int status, String body, String retryAfter, int chunks, int errors, int ends,
                 boolean finished, boolean doneLast) {
  }

  @BeforeAll
  static void start() {
    blocked = LoggedEvents.blockedThreads();
    vertxHttp = LoggedEvents.on("io.vertx.core.http");
    vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(100)
        .setMaxEventLoopExecuteTime(1).setMaxEventLoopExecuteTimeUnit(TimeUnit.SECONDS)
        .setWarningExceptionTime(900).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));
    upstream = ScriptedServer.start(vertx);
    ScriptedServer closed = ScriptedServer.start(vertx);
    String refused = closed.baseUrl();
    closed.close();
    GatewayOptions options = new GatewayOptions().setPort(0).setEventBusPrefix("faults").setUpstreamLimits(LIMITS)
        .setBreakerFailureThreshold(Integer.MAX_VALUE);
    for (Fault fault : Fault.values()) {
      baseUrls.put(fault, fault == Fault.CONNECTION_REFUSED ? refused : upstream.baseUrl());
      options.addProvider(fault.name(), new ClientOptions().setBaseUrl(baseUrls.get(fault)), List.of(model(fault)));
    }
    options.addProvider("warm", new ClientOptions().setBaseUrl(upstream.baseUrl()), List.of("m-warm"));
    GatewayVerticle gateway = new GatewayVerticle(options);
    await(vertx.deployVerticle(gateway));
    gatewayPort = gateway.actualPort();
    bus = EventBusAsyncClient.create(vertx, new io.g4f.client.EventBusClientOptions().setAddressPrefix("faults"));
    http = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(4));
    warmUp();
  }

  /**
   * One good answer on every path first: loading classes on first use (the gateway's deployment, Jackson, the
   * event-bus codecs) may hold a loop past the limit on a loaded machine once; the faults are checked warm.
   */
  private static void warmUp() {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      request.response().putHeader("connection", "close");
      upstream.answerOpenAiChat(request);
    });
    for (Path path : Path.values()) {
      AsyncClient direct = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl()));
      await(call("m-warm", path, direct));
      await(direct.close());
    }
    blocked.messages().clear();
    vertxHttp.messages().clear();
  }

  @AfterAll
  static void stop() {
    int total = COUNTS.values().stream().mapToInt(Integer::intValue).sum();
    System.out.println("Upstream faults: " + Fault.values().length + " faults x " + Path.values().length
        + " paths = " + total + " cases passed; per path: " + COUNTS);
    blocked.close();
    vertxHttp.close();
    if (vertx != null) {
      await(vertx.close());
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Fault fault : Fault.values()) {
      for (Path path : Path.values()) {
        cases.add(Arguments.of(fault, path));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} via {1}")
  @MethodSource("cases")
  void aFaultIsOneErrorOfItsKindWithinTheTimeoutAndLeavesNothingOpen(Fault fault, Path path) throws Exception {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", fault.upstream);
    long start = System.nanoTime();

    AsyncClient direct = AsyncClient.create(vertx, LIMITS.applyTo(new ClientOptions().setBaseUrl(baseUrls.get(fault))));
    Outcome outcome;
    try {
      outcome = await(call(model(fault), path, direct).timeout(TOTAL + 2 * SLACK, TimeUnit.MILLISECONDS));
    } finally {
      direct.close();
    }

    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(took).as("answered within the total timeout").isLessThan(TOTAL + SLACK);
    assertThat(String.valueOf(outcome.failure())).doesNotContain("circuit open");
    if (fault == Fault.INVALID_UTF8 && path != Path.CLIENT_WHOLE && path != Path.HTTP_WHOLE && path != Path.BUS_WHOLE) {
      assertInvalidUtf8IsReplacedInAStream(outcome);
    } else switch (path) {
      case CLIENT_WHOLE, BUS_WHOLE -> assertThat(outcome.failure()).isInstanceOf(fault.type);
      case CLIENT_STREAM, BUS_STREAM -> {
        if (outcome.failure() != null) {
          assertThat(outcome.failure()).isInstanceOf(fault.type);
        } else {
          assertThat(outcome.errors()).as("one error, after %s chunks", outcome.chunks()).isEqualTo(1);
          assertThat(outcome.ends()).as("no end").isZero();
        }
      }
      case HTTP_WHOLE -> assertHttpError(fault, outcome);
      case HTTP_STREAM -> {
        if (outcome.status() != 200) {
          assertHttpError(fault, outcome);
        } else {
          assertThat(outcome.errors()).as("one error event in %s", outcome.body()).isEqualTo(1);
          assertThat(outcome.finished()).as("no chunk with a finish reason").isFalse();
          assertThat(outcome.doneLast()).as("[DONE] closes the stream after the error event").isTrue();
        }
      }
      default -> throw new AssertionError(path);
    }
    awaitNoUpstreamConnection();
    assertThat(blocked.messages()).as("blocked-thread warnings").isEmpty();
    assertThat(vertxHttp.warnings("io.vertx.core.http")).as("Vert.x HTTP warnings and errors").isEmpty();
    synchronized (COUNTS) {
      COUNTS.merge(path.name(), 1, Integer::sum);
    }
  }

  /**
   * A stream decodes its events as the SSE standard says (WHATWG: malformed UTF-8 becomes U+FFFD), so invalid bytes
   * inside a streamed event reach the caller replaced, in a stream that ends normally once; a whole answer is JSON,
   * which must be UTF-8, so there they are an error (above).
   */
  private static void assertInvalidUtf8IsReplacedInAStream(Outcome outcome) {
    assertThat(outcome.failure()).isNull();
    assertThat(outcome.errors()).isZero();
    assertThat(outcome.body()).contains("\uFFFD(\uFFFD");
    if (outcome.status() == 200) {
      assertThat(outcome.doneLast()).isTrue();
    } else {
      assertThat(outcome.ends()).isEqualTo(1);
    }
  }

  private static void assertHttpError(Fault fault, Outcome outcome) {
    assertThat(outcome.status()).as(outcome.body()).isEqualTo(fault.status);
    assertThat(outcome.body()).doesNotContain("circuit open");
    JsonObject error = new JsonObject(outcome.body()).getJsonObject("error");
    assertThat(error.getString("message")).isNotBlank();
    if (fault.status == 429) {
      assertThat(outcome.retryAfter()).as("retry-after").isNotNull();
    }
  }

  private static void awaitNoUpstreamConnection() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (upstream.openConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(upstream.openConnections()).as("upstream connections left open").isZero();
  }

  private static String model(Fault fault) {
    return "m-" + fault.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static Future<Outcome> call(String model, Path path, AsyncClient direct) {
    boolean stream = path == Path.CLIENT_STREAM || path == Path.HTTP_STREAM || path == Path.BUS_STREAM;
    ChatCompletionRequest request = new ChatCompletionRequest().setModel(model).addUserMessage("say this is a test");
    return switch (path) {
      case CLIENT_WHOLE -> whole(direct, request);
      case BUS_WHOLE -> whole(bus, request);
      case CLIENT_STREAM -> stream(direct, request);
      case BUS_STREAM -> stream(bus, request);
      case HTTP_WHOLE, HTTP_STREAM -> http(new JsonObject().put("model", model).put("stream", stream)
          .put("messages", List.of(Map.of("role", "user", "content", "say this is a test"))));
    };
  }

  private static Future<Outcome> whole(GenericAsyncClient<?> caller, ChatCompletionRequest request) {
    return caller.chat().completions().create(request).transform(done -> Future.succeededFuture(
        new Outcome(done.cause(), 0, done.succeeded() ? done.result().toString() : null, null, 0, 0, 0, false, false)));
  }

  private static Future<Outcome> stream(GenericAsyncClient<?> caller, ChatCompletionRequest request) {
    return caller.chat().completions().stream(request).transform(started -> {
      if (started.failed()) {
        return Future.succeededFuture(new Outcome(started.cause(), 0, null, null, 0, 0, 0, false, false));
      }
      ChatCompletionStream chunks = started.result();
      int[] counts = new int[3];
      StringBuilder content = new StringBuilder();
      Promise<Outcome> outcome = Promise.promise();
      Consumer<Void> settle = v -> vertx.setTimer(200, id -> outcome.tryComplete(
          new Outcome(null, 0, content.toString(), null, counts[0], counts[1], counts[2], false, false)));
      chunks.handler(chunk -> {
        counts[0]++;
        chunk.getChoices().forEach(choice -> content.append(choice.getDelta() == null
            || choice.getDelta().getContent() == null ? "" : choice.getDelta().getContent()));
      });
      chunks.exceptionHandler(failure -> {
        counts[1]++;
        settle.accept(null);
      });
      chunks.endHandler(v -> {
        counts[2]++;
        settle.accept(null);
      });
      return outcome.future();
    });
  }

  private static Future<Outcome> http(JsonObject body) {
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(gatewayPort).setHost("127.0.0.1")
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json").setIdleTimeout(TOTAL + SLACK))
        .compose(request -> request.send(body.toBuffer())
            .compose(response -> response.body().map(answer -> outcome(body, response, answer.toString()))));
  }

  /**
   * What an HTTP caller of {@code body} saw in {@code response} and its {@code text}. (The body is asked for in the
   * callback that gets the response: a Vert.x response hands its body to the handlers it has as the bytes arrive.)
   */
  private static Outcome outcome(JsonObject body, io.vertx.core.http.HttpClientResponse response, String text) {
    if (response.statusCode() != 200 || !body.getBoolean("stream")) {
      return new Outcome(null, response.statusCode(), text, response.getHeader("retry-after"), 0, 0, 0,
          false, false);
    }
    int chunks = 0;
    int errors = 0;
    boolean finished = false;
    String last = null;
    for (String event : text.split("\n\n")) {
      if (event.isBlank()) {
        continue;
      }
      last = event.trim();
      String data = last.startsWith("data: ") ? last.substring(6) : last;
      if (data.equals("[DONE]")) {
        continue;
      }
      JsonObject json = new JsonObject(data);
      if (json.containsKey("error")) {
        errors++;
      } else {
        chunks++;
        finished |= json.getJsonArray("choices").stream()
            .anyMatch(choice -> ((JsonObject) choice).getValue("finish_reason") != null);
      }
    }
    return new Outcome(null, 200, text, null, chunks, errors, 0, finished, "data: [DONE]".equals(last));
  }

  private static boolean streamed() {
    return Boolean.TRUE.equals(upstream.last().json().getValue("stream"));
  }

  private static HttpServerResponse open(HttpServerRequest request, String contentType) {
    return request.response().setChunked(true).putHeader("content-type", contentType).putHeader("connection", "close");
  }

  private static io.vertx.core.Handler<HttpServerRequest> status(int status) {
    return request -> request.response().setStatusCode(status).putHeader("content-type", "application/json")
        .putHeader("connection", "close").end("{\"error\":{\"message\":\"upstream says " + status + "\"}}");
  }

  /** Writes {@code body} one character every {@code every} ms, until done or the connection closes. */
  private static void drip(HttpServerResponse response, String body, long every) {
    int[] at = {0};
    vertx.setPeriodic(every, id -> {
      if (response.closed() || at[0] == body.length()) {
        vertx.cancelTimer(id);
        if (!response.closed()) {
          response.end();
        }
      } else {
        response.write(body.substring(at[0], ++at[0]));
      }
    });
  }
}
