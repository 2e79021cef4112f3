package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.EventBusAsyncClient;
import io.g4f.client.EventBusClientOptions;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.observability.Observability;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tracing against a stand-in OTLP/HTTP collector on loopback: the spans of a whole answer, a stream, a fallback and
 * an event-bus request, their GenAI attributes and parent links, the trace sent upstream, and no prompt text.
 */
class TracingTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";
  private static final String PROMPT = "a secret prompt about kittens";

  /** Not traced: the collector and the upstreams. */
  private Vertx plain;
  private HttpServer collector;
  private final Queue<Span> spans = new ConcurrentLinkedQueue<>();
  private ScriptedServer up;
  private ScriptedServer down;
  /** Sends one chunk, then drops the connection. */
  private ScriptedServer broken;
  private Observability observability;
  private Vertx vertx;
  private WebClient http;
  private int port;

  @BeforeEach
  void setUp() {
    plain = Vertx.vertx();
    collector = await(plain.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      try {
        ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(body.getBytes());
        export.getResourceSpansList().forEach(resource -> resource.getScopeSpansList()
            .forEach(scope -> spans.addAll(scope.getSpansList())));
        request.response().putHeader("content-type", "application/x-protobuf").end();
      } catch (Exception e) {
        request.response().setStatusCode(400).end();
      }
    })).listen(0, "127.0.0.1"));
    up = ScriptedServer.start(plain).openAiChat("/v1/chat/completions");
    down = ScriptedServer.start(plain)
        .reply(HttpMethod.POST, "/v1/chat/completions", 503, "application/json", "{\"error\":{\"message\":\"down\"}}");
    broken = ScriptedServer.start(plain).on(HttpMethod.POST, "/v1/chat/completions", request -> request.response()
        .setChunked(true).putHeader("content-type", "text/event-stream")
        .write("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m-broken\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n")
        .onComplete(written -> plain.setTimer(50, id -> request.connection().close())));
    observability = Observability.fromEnvironment(Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.actualPort(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_BSP_SCHEDULE_DELAY", "50"));
    vertx = observability.vertxBuilder(new VertxOptions()).build();
    GatewayOptions options = new GatewayOptions().setPort(0).setOpenTelemetry(observability.openTelemetry())
        .applyConfig(new JsonObject()
            .put("providers", new JsonArray()
                .add(new JsonObject().put("name", "up").put("type", "openai").put("baseUrl", up.baseUrl()))
                .add(new JsonObject().put("name", "down").put("type", "openai").put("baseUrl", down.baseUrl()))
                .add(new JsonObject().put("name", "broken").put("type", "openai").put("baseUrl", broken.baseUrl())
                    .put("retries", 0)))
            .put("defaultProvider", "up")
            .put("models", new JsonObject().put("smart", new JsonObject().put("retries", 0)
                .put("targets", new JsonArray().add(new JsonObject().put("provider", "down").put("model", "m-down"))
                    .add(new JsonObject().put("provider", "up").put("model", "m-up"))))));
    GatewayVerticle gateway = new GatewayVerticle(options);
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
    http = WebClient.create(plain);
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
    observability.close();
    await(plain.close());
  }

  private HttpResponse<Buffer> post(JsonObject body) {
    return await(http.post(port, "127.0.0.1", "/v1/chat/completions")
        .putHeader("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01").putHeader("x-request-id", "trace-1")
        .sendJsonObject(body.put("messages", new JsonArray().add(new JsonObject().put("role", "user")
            .put("content", PROMPT)))));
  }

  @Test
  void aWholeAnswerIsAServerSpanWithAnAttemptChildAndTheTraceGoesUpstream() {
    assertThat(post(new JsonObject().put("model", "gpt-4o-mini")).statusCode()).isEqualTo(200);

    Span server = awaitSpan(span -> trace(span).equals(TRACE_ID) && span.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
    Span attempt = awaitSpan(span -> trace(span).equals(TRACE_ID) && span.getName().startsWith("chat"));
    assertThat(hex(server.getParentSpanId().toByteArray())).as("the caller's span").isEqualTo(CALLER_SPAN);
    assertThat(attempt.getParentSpanId()).as("child of the server span").isEqualTo(server.getSpanId());
    assertThat(attempt.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    Map<String, AnyValue> attributes = attributes(attempt);
    assertThat(attributes.get("gen_ai.operation.name").getStringValue()).isEqualTo("chat");
    assertThat(attributes.get("gen_ai.provider.name").getStringValue()).isEqualTo("up");
    assertThat(attributes.get("gen_ai.request.model").getStringValue()).isEqualTo("gpt-4o-mini");
    assertThat(attributes.get("gen_ai.response.model").getStringValue()).isNotBlank();
    assertThat(attributes.get("gen_ai.usage.input_tokens").getIntValue()).isPositive();
    assertThat(attributes.get("gen_ai.usage.output_tokens").getIntValue()).isPositive();
    assertThat(attributes.get("gen_ai.response.finish_reasons").getArrayValue().getValuesList())
        .extracting(AnyValue::getStringValue).containsExactly("stop");
    assertThat(attributes(server).get("g4f.cost.usd").getDoubleValue()).as("12 x $0.15 + 5 x $0.60 a million")
        .isEqualTo(0.0000048);

    String upstreamTrace = up.last().headers().get("traceparent");
    assertThat(upstreamTrace).as("W3C trace context sent upstream").startsWith("00-" + TRACE_ID + "-");
    assertThat(up.last().headers().get("x-request-id")).isEqualTo("trace-1");
    Span client = awaitSpan(span -> trace(span).equals(TRACE_ID) && span.getKind() == Span.SpanKind.SPAN_KIND_CLIENT
        && hex(span.getSpanId().toByteArray()).equals(upstreamTrace.split("-")[2]));
    assertThat(client.getName()).as("Vert.x's HTTP client span").isNotEqualTo(attempt.getName());
    assertThat(client.getParentSpanId()).as("a child of the attempt").isEqualTo(attempt.getSpanId());
    assertNoPrompt();
  }

  @Test
  void aStreamsAttemptSpanEndsWithTheStream() {
    assertThat(post(new JsonObject().put("stream", true)).bodyAsString()).contains("[DONE]");

    Span server = awaitSpan(span -> trace(span).equals(TRACE_ID) && span.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
    Span attempt = awaitSpan(span -> trace(span).equals(TRACE_ID) && span.getName().startsWith("chat"));
    assertThat(attempt.getParentSpanId()).isEqualTo(server.getSpanId());
    Map<String, AnyValue> attributes = attributes(attempt);
    assertThat(attributes.get("gen_ai.provider.name").getStringValue()).isEqualTo("up");
    assertThat(attributes.get("gen_ai.response.model").getStringValue()).isNotBlank();
    assertThat(attributes).containsKey("gen_ai.response.finish_reasons");
    assertThat(attributes(server)).as("what the stream cost, at its end: nothing, its model has no price")
        .containsKey("g4f.cost.usd");
    assertThat(attributes(server).get("g4f.cost.usd").getDoubleValue()).isZero();
    assertNoPrompt();
  }

  @Test
  void aStreamThatFailsAfterItsFirstChunkEndsItsAttemptSpanWithTheError() {
    assertThat(post(new JsonObject().put("stream", true).put("provider", "broken")).bodyAsString())
        .contains("\"content\":\"x\"").contains("\"error\"");

    Span attempt = awaitSpan(span -> trace(span).equals(TRACE_ID) && span.getName().startsWith("chat"));
    Map<String, AnyValue> attributes = attributes(attempt);
    assertThat(attributes.get("gen_ai.provider.name").getStringValue()).isEqualTo("broken");
    assertThat(attributes.get("gen_ai.response.model").getStringValue()).as("from the first chunk").isEqualTo("m-broken");
    assertThat(attributes).containsKey("error.type");
    assertThat(attempt.getStatus().getCode()).isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
    assertNoPrompt();
  }

  @Test
  void aFallbackIsTwoAttemptsUnderOneServerSpan() {
    assertThat(post(new JsonObject().put("model", "smart")).statusCode()).isEqualTo(200);

    Span server = awaitSpan(span -> trace(span).equals(TRACE_ID) && span.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
    Span failed = awaitSpan(span -> span.getName().equals("chat m-down"));
    Span served = awaitSpan(span -> span.getName().equals("chat m-up"));
    assertThat(List.of(failed.getParentSpanId(), served.getParentSpanId())).containsOnly(server.getSpanId());
    assertThat(attributes(failed).get("gen_ai.provider.name").getStringValue()).isEqualTo("down");
    assertThat(attributes(failed)).containsKey("error.type");
    assertThat(failed.getStatus().getCode()).isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(attributes(served).get("gen_ai.provider.name").getStringValue()).isEqualTo("up");
    assertThat(attributes(served)).doesNotContainKey("error.type");
    assertNoPrompt();
  }

  @Test
  void anEventBusRequestCarriesTheCallersTraceToItsAttempt() {
    Tracer tracer = observability.openTelemetry().getTracer("test");
    EventBusAsyncClient bus = EventBusAsyncClient.create(vertx, new EventBusClientOptions());
    Promise<String> traced = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      io.opentelemetry.api.trace.Span caller = tracer.spanBuilder("caller").startSpan();
      try (Scope current = caller.makeCurrent()) {
        bus.chat().completions().create(new ChatCompletionRequest().addUserMessage(PROMPT))
            .onComplete(done -> {
              caller.end();
              traced.complete(caller.getSpanContext().getTraceId());
            });
      }
    });
    String trace = await(traced.future());

    Span caller = awaitSpan(span -> span.getName().equals("caller"));
    Span attempt = awaitSpan(span -> trace(span).equals(trace) && span.getName().startsWith("chat"));
    assertThat(attempt.getParentSpanId()).as("under the event bus's span, not directly the caller's")
        .isNotEqualTo(caller.getSpanId()).isNotEmpty();
    Span parent = awaitSpan(span -> span.getSpanId().equals(attempt.getParentSpanId()));
    assertThat(parent.getKind()).isIn(Span.SpanKind.SPAN_KIND_SERVER, Span.SpanKind.SPAN_KIND_CONSUMER);
    assertThat(attributes(attempt).get("gen_ai.provider.name").getStringValue()).isEqualTo("up");
    assertThat(up.last().headers().get("traceparent")).as("the trace sent upstream").startsWith("00-" + trace + "-");
    assertThat(up.last().headers().get("x-request-id")).as("the event-bus request's id sent upstream").isNotBlank();
    assertNoPrompt();
  }

  @Test
  void anUntracedEventBusRequestStartsATraceThatGoesUpstreamWithItsId() {
    await(vertx.eventBus().request("g4f.chat.completions", new JsonObject().put("messages", PROMPT),
        new io.vertx.core.eventbus.DeliveryOptions().addHeader("requestId", "bus-trace-1")));

    String upstreamTrace = up.last().headers().get("traceparent");
    assertThat(upstreamTrace).as("a bridge caller sends no trace: the attempt starts one").startsWith("00-");
    assertThat(up.last().headers().get("x-request-id")).isEqualTo("bus-trace-1");
    Span attempt = awaitSpan(span -> trace(span).equals(upstreamTrace.split("-")[1]) && span.getName().startsWith("chat"));
    assertThat(attributes(attempt).get("gen_ai.provider.name").getStringValue()).isEqualTo("up");
    Span client = awaitSpan(span -> hex(span.getSpanId().toByteArray()).equals(upstreamTrace.split("-")[2]));
    assertThat(client.getParentSpanId()).as("Vert.x's HTTP client span, a child of the attempt")
        .isEqualTo(attempt.getSpanId());
  }

  private Span awaitSpan(Predicate<Span> wanted) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      for (Span span : spans) {
        if (wanted.test(span)) {
          return span;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("No such span within 10 s; received: " + spans.stream()
        .map(span -> span.getName() + "/" + span.getKind() + "/" + trace(span)).toList());
  }

  private void assertNoPrompt() {
    assertThat(spans.toString()).doesNotContain("kittens");
  }

  private static Map<String, AnyValue> attributes(Span span) {
    return span.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
  }

  private static String trace(Span span) {
    return hex(span.getTraceId().toByteArray());
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
