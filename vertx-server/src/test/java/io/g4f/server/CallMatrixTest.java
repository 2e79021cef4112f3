package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.g4f.client.ClientOptions;
import io.g4f.client.eventbus.EventBusProtocol;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.access.Caller;
import io.g4f.server.api.embeddings.EmbeddingsApi;
import io.g4f.server.api.images.ImagesApi;
import io.g4f.server.api.translated.MessagesDialect;
import io.g4f.server.api.translated.ResponsesDialect;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.http.HttpExchange;
import io.g4f.server.observability.AccessLog;
import io.g4f.server.pipeline.Api;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Every API on every transport through the one call pipeline, property by property: each cell names its API,
 * transport, whole or streamed, and property, so that a failing one says where the flow drifted. Two scripted
 * OpenAI-compatible upstreams, {@code alpha} (lists {@code m1}, the image provider) and {@code beta} (lists
 * {@code m2}), answer every call with the same usage (10 prompt and 5 completion tokens), the usage chunk of a stream
 * only when asked for it, as OpenAI does; they can hold a request before its headers, after its headers, or after
 * its first chunk, and tell when a request was closed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallMatrixTest {

  private static final String KEY_M1 = "team-m1-secret-01";
  private static final String KEY_BETA = "team-beta-secret-02";
  private static final String KEY_RPM = "team-rpm-secret-03";
  private static final String KEY_TPM = "team-tpm-secret-04";
  private static final String ADMIN = "admin-secret-05";
  private static final int TOKENS = 15;

  /** The API of a cell, and how a call of it looks and fails. */
  enum Api {
    CHAT("/v1/chat/completions", EventBusProtocol.CHAT_COMPLETIONS, true),
    RESPONSES(ResponsesDialect.PATH, ResponsesDialect.ADDRESS, true),
    MESSAGES(MessagesDialect.PATH, MessagesDialect.ADDRESS, true),
    EMBEDDINGS(EmbeddingsApi.PATH, EventBusProtocol.EMBEDDINGS, false),
    IMAGES(ImagesApi.PATH, EventBusProtocol.IMAGES_GENERATE, false);

    final String path;
    final String address;
    final boolean streams;

    Api(String path, String address, boolean streams) {
      this.path = path;
      this.address = "g4f" + address;
      this.streams = streams;
    }

    JsonObject body(boolean stream) {
      JsonObject body = switch (this) {
        case CHAT -> new JsonObject().put("model", "m1").put("messages", "say this is a test");
        case RESPONSES -> new JsonObject().put("model", "m1").put("input", "say this is a test");
        case MESSAGES -> new JsonObject().put("model", "m1").put("max_tokens", 20).put("messages", new JsonArray()
            .add(new JsonObject().put("role", "user").put("content", "say this is a test")));
        case EMBEDDINGS -> new JsonObject().put("model", "m1").put("input", "say this is a test");
        case IMAGES -> new JsonObject().put("model", "img-1").put("prompt", "a cat")
            .put("response_format", "b64_json");
      };
      return stream ? body.put("stream", true) : body;
    }

    /** The model the access log names. */
    String model() {
      return this == IMAGES ? "img-1" : "m1";
    }

    /** The error type of a refused key in the API's own shape. */
    String errorType(JsonObject error) {
      if (this == MESSAGES) {
        assertThat(error.getString("type")).isEqualTo("error");
      }
      return error.getJsonObject("error").getString("type");
    }

    String permissionDenied() {
      return this == MESSAGES ? "permission_error" : "permission_denied";
    }

  }

  enum Transport { HTTP, BUS }

  /** An API, a transport, whole or streamed. */
  record Cell(Api api, Transport transport, boolean stream) {

    String name(String property) {
      return api.name().toLowerCase() + " / " + transport.name().toLowerCase() + " / "
          + (stream ? "stream" : "whole") + ": " + property;
    }
  }

  /** How the upstreams answer. */
  enum Behaviour { ANSWER, HOLD_BEFORE_HEADERS, HOLD_AFTER_HEADERS, HOLD_AFTER_FIRST_CHUNK }

  private Vertx vertx;
  private HttpClient http;
  private final java.net.http.HttpClient jdkHttp = java.net.http.HttpClient.newBuilder()
      .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
  private ScriptedServer alpha;
  private ScriptedServer beta;
  private volatile Behaviour behaviour = Behaviour.ANSWER;
  /** Each upstream request, by server, with a promise completed when its connection closes. */
  private final Map<String, List<Promise<Void>>> requests = new ConcurrentHashMap<>();
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:30Z"));

  @BeforeAll
  void startUpstreams() {
    vertx = Vertx.vertx();
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)); // each call on its own connection
    alpha = upstream("alpha");
    beta = upstream("beta");
  }

  @AfterAll
  void stop() {
    alpha.close();
    beta.close();
    await(vertx.close());
  }

  private ScriptedServer upstream(String name) {
    ScriptedServer server = ScriptedServer.start(vertx);
    requests.put(name, new CopyOnWriteArrayList<>());
    for (String path : List.of("/v1/chat/completions", "/v1/embeddings", "/v1/images/generations")) {
      server.on(HttpMethod.POST, path, request -> answer(name, server, path, request));
    }
    return server;
  }

  private void answer(String name, ScriptedServer server, String path, HttpServerRequest request) {
    Promise<Void> closed = Promise.promise();
    request.connection().closeHandler(v -> closed.tryComplete());
    requests.get(name).add(closed);
    JsonObject body = server.received().stream().filter(received -> received.uri().startsWith(path))
        .reduce((first, second) -> second).orElseThrow().json();
    HttpServerResponse response = request.response();
    if (behaviour == Behaviour.HOLD_BEFORE_HEADERS) {
      return;
    }
    JsonObject usage = new JsonObject().put("prompt_tokens", 10).put("completion_tokens", 5)
        .put("total_tokens", TOKENS);
    switch (path) {
      case "/v1/embeddings" -> response.putHeader("content-type", "application/json").end(new JsonObject()
          .put("object", "list").put("model", body.getString("model")).put("data", new JsonArray().add(new JsonObject()
              .put("object", "embedding").put("index", 0).put("embedding", new JsonArray().add(0.5).add(-0.25))))
          .put("usage", new JsonObject().put("prompt_tokens", TOKENS).put("total_tokens", TOKENS)).encode());
      case "/v1/images/generations" -> response.putHeader("content-type", "application/json").end(new JsonObject()
          .put("created", 1).put("data", new JsonArray().add(new JsonObject()
              .put("b64_json", Base64.getEncoder().encodeToString(ScriptedServer.onePixelPng())))).encode());
      default -> {
        JsonObject chunk = new JsonObject().put("id", "c1").put("object", "chat.completion.chunk").put("created", 1)
            .put("model", body.getString("model"));
        if (!Boolean.TRUE.equals(body.getValue("stream"))) {
          response.putHeader("content-type", "application/json").end(new JsonObject().put("id", "c1")
              .put("object", "chat.completion").put("created", 1).put("model", body.getString("model"))
              .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop")
                  .put("message", new JsonObject().put("role", "assistant").put("content", "hi from " + name))))
              .put("usage", usage).encode());
          return;
        }
        response.setChunked(true).putHeader("content-type", "text/event-stream").write(": open\n\n");
        if (behaviour == Behaviour.HOLD_AFTER_HEADERS) {
          return;
        }
        response.write(data(chunk.copy().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("delta", new JsonObject().put("role", "assistant").put("content", "hi from " + name))))));
        if (behaviour == Behaviour.HOLD_AFTER_FIRST_CHUNK) {
          return;
        }
        response.write(data(chunk.copy().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("delta", new JsonObject()).put("finish_reason", "stop")))));
        JsonObject options = body.getJsonObject("stream_options");
        if (options != null && Boolean.TRUE.equals(options.getValue("include_usage"))) {
          response.write(data(chunk.copy().put("choices", new JsonArray()).put("usage", usage)));
        }
        response.end("data: [DONE]\n\n");
      }
    }
  }

  private static String data(JsonObject event) {
    return "data: " + event.encode() + "\n\n";
  }

  /** A gateway in front of both upstreams, with team keys, stopping within {@code shutdownTimeout} ms. */
  private GatewayVerticle deploy(long shutdownTimeout) {
    JsonArray keys = new JsonArray()
        .add(new JsonObject().put("name", "m1-only").put("key", KEY_M1).put("models", new JsonArray().add("m1")))
        .add(new JsonObject().put("name", "beta-too").put("key", KEY_BETA).put("models", new JsonArray().add("m1"))
            .put("providers", new JsonArray().add("beta")))
        .add(new JsonObject().put("name", "rpm-2").put("key", KEY_RPM).put("rpm", 2))
        .add(new JsonObject().put("name", "tpm-20").put("key", KEY_TPM).put("tpm", 20));
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setApiKey(ADMIN).setTeamKeys(keys)
        .setShutdownTimeout(shutdownTimeout).setEventBusTimeout(5_000)
        .addProvider("alpha", new ClientOptions().setBaseUrl(alpha.baseUrl()).setMaxRetries(0), List.of("m1"))
        .addProvider("beta", new ClientOptions().setBaseUrl(beta.baseUrl()).setMaxRetries(0), List.of("m2")), clock);
    await(vertx.deployVerticle(gateway));
    clock.advanceSeconds(60); // a new minute: the limits count afresh in the Vert.x instance's shared counters
    behaviour = Behaviour.ANSWER;
    requests.values().forEach(List::clear);
    return gateway;
  }

  private <T> T withGateway(Function<GatewayVerticle, T> test) {
    GatewayVerticle gateway = deploy(5_000);
    try {
      return test.apply(gateway);
    } finally {
      await(vertx.undeploy(gateway.deploymentID()));
    }
  }

  private static List<Cell> cells() {
    List<Cell> cells = new ArrayList<>();
    for (Api api : Api.values()) {
      for (Transport transport : Transport.values()) {
        cells.add(new Cell(api, transport, false));
        if (api.streams) {
          cells.add(new Cell(api, transport, true));
        }
      }
    }
    return cells;
  }

  private static Stream<DynamicTest> each(String property, java.util.function.Predicate<Cell> applies,
                                          java.util.function.Consumer<Cell> test) {
    return cells().stream().filter(applies).map(cell -> DynamicTest.dynamicTest(cell.name(property), () -> {
      try {
        test.accept(cell);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(cell.name(property) + ": " + e.getMessage() + whereItWaited(e), e);
      }
    }));
  }

  /**
   * For a wait that timed out: the lines of this test it waited on, and what each event loop was doing then, so that
   * a cell that hangs on a loaded machine says why in the one line a build log shows.
   */
  private static String whereItWaited(Throwable failure) {
    if (!(failure.getCause() instanceof java.util.concurrent.TimeoutException
        || failure.getCause() instanceof java.net.http.HttpTimeoutException)) {
      return "";
    }
    String lines = Stream.of(failure.getStackTrace())
        .filter(frame -> frame.getClassName().startsWith(CallMatrixTest.class.getName()))
        .map(frame -> String.valueOf(frame.getLineNumber())).collect(java.util.stream.Collectors.joining(","));
    String loops = Thread.getAllStackTraces().entrySet().stream()
        .filter(thread -> thread.getKey().getName().startsWith("vert.x-eventloop"))
        .map(thread -> thread.getKey().getName() + " " + thread.getKey().getState() + " at " + Stream
            .of(thread.getValue()).limit(4).map(StackTraceElement::toString)
            .collect(java.util.stream.Collectors.joining(" < ")))
        .collect(java.util.stream.Collectors.joining("; "));
    return " (waited at lines " + lines + "; " + loops + ")";
  }

  /** What a call got: a status, the error body (or null), the answer's text, and the provider header (HTTP). */
  private record Outcome(int status, JsonObject error, String text, String provider) {
  }

  /** One call of {@code cell} with {@code key} (null: the admin key), naming {@code providers} (null: none). */
  private Outcome call(GatewayVerticle gateway, Cell cell, String key, String providers, JsonObject body,
                       String requestId) {
    body = body == null ? cell.api.body(cell.stream) : body;
    if (cell.transport == Transport.HTTP) {
      // the JDK's own client, as a caller outside Vert.x would be: a second HTTP stack against the gateway's server
      java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
              "http://127.0.0.1:" + gateway.actualPort() + cell.api.path))
          .timeout(java.time.Duration.ofSeconds(30))
          .header("authorization", "Bearer " + (key == null ? ADMIN : key))
          .header("content-type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.encode()));
      if (providers != null) {
        request.header(HttpExchange.PROVIDER_HEADER, providers);
      }
      if (requestId != null) {
        request.header(AccessLog.REQUEST_ID_HEADER, requestId);
      }
      java.net.http.HttpResponse<String> response;
      try {
        response = jdkHttp.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      int status = response.statusCode();
      return new Outcome(status, status == 200 ? null : new JsonObject(response.body()), response.body(),
          response.headers().firstValue(HttpExchange.PROVIDER_HEADER).orElse(null));
    }
    DeliveryOptions delivery = new DeliveryOptions();
    if (key != null) {
      delivery.addHeader(Caller.HEADER, "key:" + teamName(key));
    }
    if (providers != null) {
      delivery.addHeader(EventBusProtocol.PROVIDER, providers);
    }
    if (requestId != null) {
      delivery.addHeader(EventBusProtocol.REQUEST_ID, requestId);
    }
    if (cell.stream) {
      delivery.addHeader(EventBusProtocol.CREDITS, "100");
    }
    StringBuilder text = new StringBuilder();
    try {
      JsonObject reply = await(vertx.eventBus().<JsonObject>request(cell.api.address, body, delivery)).body();
      while (cell.stream) {
        reply.getJsonArray(EventBusProtocol.CHUNKS).forEach(chunk -> text.append(chunk).append('\n'));
        if (reply.getBoolean(EventBusProtocol.DONE)) {
          break;
        }
        reply = await(vertx.eventBus().<JsonObject>request(reply.getString(EventBusProtocol.STREAM_ADDRESS),
            EventBusProtocol.pull(100))).body();
      }
      return new Outcome(200, null, cell.stream ? text.toString() : reply.encode(), null);
    } catch (ReplyException e) {
      return new Outcome(e.failureCode(), new JsonObject(e.getMessage()), text.toString(), null);
    }
  }

  private static String teamName(String key) {
    return switch (key) {
      case KEY_M1 -> "m1-only";
      case KEY_BETA -> "beta-too";
      case KEY_RPM -> "rpm-2";
      case KEY_TPM -> "tpm-20";
      default -> throw new IllegalArgumentException(key);
    };
  }

  @TestFactory
  Stream<DynamicTest> theProviderHeaderIsHonoured() {
    return each("the provider header is honoured", cell -> true, cell -> withGateway(gateway -> {
      Outcome outcome = call(gateway, cell, null, "beta", null, null);

      assertThat(outcome.status()).as(outcome.text()).isEqualTo(200);
      assertThat(requests.get("beta")).hasSize(1);
      assertThat(requests.get("alpha")).isEmpty();
      if (cell.transport == Transport.HTTP) {
        assertThat(outcome.provider()).isEqualTo("beta");
      }
      return null;
    }));
  }

  @TestFactory
  Stream<DynamicTest> aKeysAllowListHoldsOnTheResolvedTargets() {
    return Stream.of(
        each("naming another provider as the first target is 403", cell -> true,
            cell -> refused(cell, "beta")),
        each("naming another provider as a fallback is 403", cell -> cell.api != Api.IMAGES,
            cell -> refused(cell, "alpha,beta")),
        each("a provider the key lists may be named", cell -> cell.api != Api.IMAGES, cell -> withGateway(gateway -> {
          Outcome outcome = call(gateway, cell, KEY_BETA, "beta", null, null);
          assertThat(outcome.status()).as(outcome.text()).isEqualTo(200);
          assertThat(requests.get("beta")).hasSize(1);
          return null;
        })),
        each("the mapped provider may be named", cell -> cell.api != Api.IMAGES, cell -> withGateway(gateway -> {
          Outcome outcome = call(gateway, cell, KEY_M1, "alpha", null, null);
          assertThat(outcome.status()).as(outcome.text()).isEqualTo(200);
          assertThat(requests.get("alpha")).hasSize(1);
          return null;
        }))).flatMap(Function.identity());
  }

  private void refused(Cell cell, String providers) {
    withGateway(gateway -> {
      JsonObject body = cell.api == Api.IMAGES ? cell.api.body(false).put("model", "m1") : null;
      Outcome outcome = call(gateway, cell, KEY_M1, providers, body, null);

      assertThat(outcome.status()).as(outcome.text()).isEqualTo(403);
      assertThat(cell.api.errorType(outcome.error())).isEqualTo(cell.api.permissionDenied());
      assertThat(requests.get("alpha")).isEmpty();
      assertThat(requests.get("beta")).isEmpty();
      return null;
    });
  }

  @TestFactory
  Stream<DynamicTest> requestsAndTokensAreCounted() {
    return Stream.of(
        each("rpm counts every call", cell -> true, cell -> withGateway(gateway -> {
          assertThat(call(gateway, cell, KEY_RPM, null, null, null).status()).isEqualTo(200);
          assertThat(call(gateway, cell, KEY_RPM, null, null, null).status()).isEqualTo(200);
          Outcome third = call(gateway, cell, KEY_RPM, null, null, null);
          assertThat(third.status()).as(third.text()).isEqualTo(429);
          assertThat(cell.api.errorType(third.error())).isEqualTo("rate_limit_error");
          return null;
        })),
        each("tpm counts the usage" + " (streams without include_usage too)", cell -> cell.api != Api.IMAGES,
            cell -> withGateway(gateway -> {
              assertThat(call(gateway, cell, KEY_TPM, null, null, null).status()).isEqualTo(200);
              assertThat(call(gateway, cell, KEY_TPM, null, null, null).status()).isEqualTo(200);
              Outcome third = call(gateway, cell, KEY_TPM, null, null, null);
              assertThat(third.status()).as(third.text()).isEqualTo(429);
              return null;
            })),
        each("tpm counts a stream that asked for include_usage, whose usage chunk is passed on",
            cell -> cell.api == Api.CHAT && cell.stream, cell -> withGateway(gateway -> {
              JsonObject body = cell.api.body(true).put("stream_options", new JsonObject().put("include_usage", true));
              Outcome first = call(gateway, cell, KEY_TPM, null, body, null);
              assertThat(first.text()).contains("\"total_tokens\":" + TOKENS);
              assertThat(call(gateway, cell, KEY_TPM, null, body, null).status()).isEqualTo(200);
              assertThat(call(gateway, cell, KEY_TPM, null, body, null).status()).isEqualTo(429);
              return null;
            })),
        each("a stream that did not ask for include_usage gets no usage chunk",
            cell -> cell.api == Api.CHAT && cell.stream, cell -> withGateway(gateway -> {
              Outcome outcome = call(gateway, cell, null, null, null, null);
              assertThat(outcome.status()).isEqualTo(200);
              assertThat(outcome.text()).contains("hi from alpha").doesNotContain("total_tokens");
              return null;
            }))).flatMap(Function.identity());
  }

  @TestFactory
  Stream<DynamicTest> oneAccessLogLineNamesProviderModelAndTokens() {
    return each("one access-log line with provider, model and tokens", cell -> true, cell -> withGateway(gateway -> {
      String id = "matrix-" + UUID.randomUUID();
      try (LogCapture log = LogCapture.record(Main.LogFormat.text)) {
        assertThat(call(gateway, cell, null, null, null, id).status()).isEqualTo(200);

        String line = log.next(text -> text.contains(id)).text();
        assertThat(line).contains(" 200 ").contains("provider=alpha").contains("model=" + cell.api.model());
        if (cell.api != Api.IMAGES) {
          assertThat(line).contains("prompt_tokens=" + (cell.api == Api.EMBEDDINGS ? TOKENS : 10));
        }
        assertThat(log.rest()).noneMatch(other -> other.text().contains(id));
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      return null;
    }));
  }

  @TestFactory
  Stream<DynamicTest> aCallerWhoLeavesClosesTheUpstreamRequest() {
    return Stream.of(
        each("leaving before the headers closes the upstream request",
            cell -> cell.transport == Transport.HTTP, cell -> leaves(cell, Behaviour.HOLD_BEFORE_HEADERS)),
        each("leaving after the headers, before the first chunk, closes the upstream request",
            cell -> cell.transport == Transport.HTTP && cell.stream, cell -> leaves(cell, Behaviour.HOLD_AFTER_HEADERS)),
        each("leaving mid-stream closes the upstream request",
            cell -> cell.stream, cell -> leaves(cell, Behaviour.HOLD_AFTER_FIRST_CHUNK)))
        .flatMap(Function.identity());
  }

  private void leaves(Cell cell, Behaviour holding) {
    withGateway(gateway -> {
      behaviour = holding;
      if (cell.transport == Transport.HTTP) {
        HttpClientRequest request = await(http.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setHost("127.0.0.1").setPort(gateway.actualPort()).setURI(cell.api.path)
            .putHeader("authorization", "Bearer " + ADMIN).putHeader("content-type", "application/json")));
        Promise<Void> firstChunk = Promise.promise();
        request.response().onSuccess(response -> response.handler(data -> firstChunk.tryComplete()));
        request.end(cell.api.body(cell.stream).toBuffer());
        if (holding == Behaviour.HOLD_AFTER_FIRST_CHUNK) {
          await(firstChunk.future());
        } else {
          awaitUpstreamRequest();
        }
        request.connection().close();
      } else {
        JsonObject opened = await(vertx.eventBus().<JsonObject>request(cell.api.address, cell.api.body(true),
            new DeliveryOptions().addHeader(EventBusProtocol.CREDITS, "10"))).body();
        vertx.eventBus().send(opened.getString(EventBusProtocol.STREAM_ADDRESS), EventBusProtocol.cancel());
      }
      awaitUpstreamRequest();
      Future<Void> closed = requests.get("alpha").get(0).future();
      assertThat(closed.toCompletionStage().toCompletableFuture())
          .as("the upstream request is closed within a second").succeedsWithin(1, TimeUnit.SECONDS);
      return null;
    });
  }

  private void awaitUpstreamRequest() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (requests.get("alpha").isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    assertThat(requests.get("alpha")).isNotEmpty();
  }

  @TestFactory
  Stream<DynamicTest> shutdownEndsStreamsWithTheApisOwnErrorEvent() {
    return each("shutdown ends the stream with the API's own error", cell -> cell.stream, cell -> {
      GatewayVerticle gateway = deploy(100);
      behaviour = Behaviour.HOLD_AFTER_FIRST_CHUNK;
      if (cell.transport == Transport.HTTP) {
        HttpClientRequest request = await(http.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setHost("127.0.0.1").setPort(gateway.actualPort()).setURI(cell.api.path)
            .putHeader("authorization", "Bearer " + ADMIN).putHeader("content-type", "application/json")));
        Promise<Void> firstChunk = Promise.promise();
        Buffer received = Buffer.buffer();
        Promise<String> ended = Promise.promise();
        request.response().onSuccess(response -> response.handler(data -> {
          received.appendBuffer(data);
          firstChunk.tryComplete();
        }).endHandler(v -> ended.complete(received.toString())));
        request.end(cell.api.body(true).toBuffer());
        await(firstChunk.future());

        await(vertx.undeploy(gateway.deploymentID()));
        String body = await(ended.future());

        switch (cell.api) {
          case CHAT -> assertThat(body).contains("data: {\"error\":").contains("\"code\":\"shutting_down\"")
              .endsWith("data: [DONE]\n\n");
          case RESPONSES -> assertThat(body).contains("event: response.failed").doesNotContain("data: [DONE]");
          case MESSAGES -> assertThat(body).contains("event: error\ndata: {\"type\":\"error\"")
              .contains("overloaded_error").doesNotContain("data: [DONE]");
          default -> throw new AssertionError(cell);
        }
      } else {
        JsonObject opened = await(vertx.eventBus().<JsonObject>request(cell.api.address, cell.api.body(true),
            new DeliveryOptions().addHeader(EventBusProtocol.CREDITS, "10"))).body();
        String stream = opened.getString(EventBusProtocol.STREAM_ADDRESS);
        if (opened.getJsonArray(EventBusProtocol.CHUNKS).isEmpty()) {
          await(vertx.eventBus().request(stream, EventBusProtocol.pull(0)));
        }
        Future<io.vertx.core.eventbus.Message<JsonObject>> pull = vertx.eventBus().request(stream,
            EventBusProtocol.pull(10));
        await(vertx.undeploy(gateway.deploymentID()));
        Throwable failure = catchThrowable(() -> await(pull));

        assertThat(failure).isInstanceOf(ReplyException.class);
        ReplyException refused = (ReplyException) failure;
        assertThat(refused.failureCode()).isEqualTo(503);
        JsonObject error = new JsonObject(refused.getMessage());
        if (cell.api == Api.MESSAGES) {
          assertThat(error.getString("type")).isEqualTo("error");
          assertThat(error.getJsonObject("error").getString("type")).isEqualTo("overloaded_error");
        } else {
          assertThat(error.getJsonObject("error").getString("message")).contains("shutting down");
        }
      }
      assertThat(requests.get("alpha").get(0).future().toCompletionStage().toCompletableFuture())
          .as("the upstream request is closed").succeedsWithin(1, TimeUnit.SECONDS);
    });
  }
}
