package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.EventBusAsyncClient;
import io.g4f.client.EventBusClientOptions;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Graceful shutdown, token counting of streams, and what the access log records for a caller who left. */
@ExtendWith(VertxExtension.class)
class GatewayReliabilityTest {

  private static final String FIRST_EVENT = resource("transcripts/openai-chat-stream.txt").split("\n\n")[0] + "\n\n";

  private Vertx vertx;
  private ScriptedServer upstream;
  private HttpClient http;
  private LoggedEvents logged;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx);
    http = vertx.createHttpClient();
    logged = LoggedEvents.on("io.g4f.server");
  }

  @AfterEach
  void tearDown() {
    logged.close();
    upstream.close();
  }

  private GatewayVerticle gateway(GatewayOptions options) {
    return new GatewayVerticle(options.setPort(0).addProvider("local",
        new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0), List.of("m1")));
  }

  private static JsonObject chat(boolean stream) {
    return new JsonObject().put("model", "m1").put("stream", stream)
        .put("messages", List.of(Map.of("role", "user", "content", "hi")));
  }

  /** Status and body of a POST, once the body has ended. */
  private Future<Map.Entry<Integer, String>> post(int port, JsonObject body) {
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json"))
        .compose(request -> request.send(body.toBuffer())
            .compose(response -> response.body().map(answer -> Map.entry(response.statusCode(), answer.toString()))));
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void shutdownCutsWhatOutlivesTheDeadlineWithAnErrorAndRefusesNewRequests() throws Exception {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      if (Boolean.TRUE.equals(upstream.last().json().getValue("stream"))) {
        request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(FIRST_EVENT);
      }
    });
    GatewayVerticle gateway = gateway(new GatewayOptions().setShutdownTimeout(500));
    String id = await(vertx.deployVerticle(gateway));
    int port = gateway.actualPort();
    Future<Map.Entry<Integer, String>> stream = post(port, chat(true));
    Future<Map.Entry<Integer, String>> whole = post(port, chat(false));
    awaitTrue("both requests upstream", () -> upstream.received().size() == 2);
    Thread.sleep(100);

    long start = System.nanoTime();
    Future<Void> stopped = vertx.undeploy(id);
    Map.Entry<Integer, String> late = await(vertx.createHttpClient().request(new RequestOptions()
            .setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/v1/chat/completions")
            .putHeader("content-type", "application/json"))
        .compose(request -> request.send(chat(false).toBuffer())
            .compose(response -> response.body().map(answer -> Map.entry(response.statusCode(), answer.toString())))));
    await(stopped);

    assertThat(late.getKey()).as("a request during the drain").isEqualTo(503);
    assertThat(new JsonObject(late.getValue()).getJsonObject("error").getString("code")).isEqualTo("shutting_down");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("cut at the deadline")
        .isBetween(400L, 5_000L);
    Map.Entry<Integer, String> streamed = await(stream);
    assertThat(streamed.getKey()).isEqualTo(200);
    String[] events = streamed.getValue().split("\n\n");
    assertThat(events).hasSize(3);
    assertThat(events[0] + "\n\n").as("the chunk that came").contains("chatcmpl-123");
    assertThat(new JsonObject(events[1].substring("data: ".length())).getJsonObject("error").getString("code"))
        .isEqualTo("shutting_down");
    assertThat(events[2]).isEqualTo("data: [DONE]");
    Map.Entry<Integer, String> answered = await(whole);
    assertThat(answered.getKey()).as("a whole answer in flight").isEqualTo(503);
    assertThat(new JsonObject(answered.getValue()).getJsonObject("error").getString("message"))
        .isEqualTo("The gateway is shutting down");
    assertThat(logged.messages()).anyMatch(line -> line.contains("cut 1 stream(s) and 1 other request(s)"));
  }

  @Test
  void shutdownLetsAStreamFinishWithinTheDeadline() throws Exception {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      response.write(FIRST_EVENT);
      vertx.setTimer(300, t -> response.end(resource("transcripts/openai-chat-stream.txt")));
    });
    GatewayVerticle gateway = gateway(new GatewayOptions().setShutdownTimeout(5_000));
    String id = await(vertx.deployVerticle(gateway));
    Future<Map.Entry<Integer, String>> stream = post(gateway.actualPort(), chat(true));
    awaitTrue("the stream upstream", () -> upstream.received().size() == 1);

    await(vertx.undeploy(id));

    String body = await(stream).getValue();
    assertThat(body).doesNotContain("\"error\"").endsWith("data: [DONE]\n\n").contains("\"finish_reason\":\"stop\"");
    assertThat(logged.messages()).anyMatch(line -> line.contains("the 1 request(s) in progress finished"));
  }

  @Test
  void aStreamsUsageIsCountedOnceFromItsLastReport() throws Exception {
    StringBuilder sse = new StringBuilder();
    for (int i = 1; i <= 3; i++) {
      sse.append("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m1\",\"choices\":[{"
          + "\"index\":0,\"delta\":{\"content\":\"w").append(i).append("\"},\"finish_reason\":")
          .append(i == 3 ? "\"stop\"" : "null").append("}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":")
          .append(i).append(",\"total_tokens\":").append(10 + i).append("}}\n\n");
    }
    upstream.sse("/v1/chat/completions", sse.append("data: [DONE]\n\n").toString());
    GatewayVerticle gateway = gateway(new GatewayOptions().setEventBusPrefix("counted"));
    await(vertx.deployVerticle(gateway));

    assertThat(await(post(gateway.actualPort(), chat(true))).getValue()).endsWith("data: [DONE]\n\n");
    EventBusAsyncClient bus = EventBusAsyncClient.create(vertx, new EventBusClientOptions().setAddressPrefix("counted"));
    await(bus.chat().completions().stream(new ChatCompletionRequest().setModel("m1").addUserMessage("hi"))
        .compose(chunks -> chunks.collect(java.util.stream.Collectors.counting())));

    String metrics = await(http.request(HttpMethod.GET, gateway.actualPort(), "127.0.0.1", "/metrics")
        .compose(request -> request.send().compose(response -> response.body()))).toString();
    assertThat(metrics).as("two answers of 10 + 3 tokens, HTTP and event bus")
        .contains("g4f_tokens_total{kind=\"prompt\",provider=\"local\"} 20.0")
        .contains("g4f_tokens_total{kind=\"completion\",provider=\"local\"} 6.0");
  }

  /** Sends a whole-answer request over a raw socket, waits until it is upstream, and leaves. */
  private void sendAndLeave(int port) throws Exception {
    Buffer body = chat(false).toBuffer();
    NetSocket socket = await(vertx.createNetClient().connect(port, "127.0.0.1"));
    await(socket.write("POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        + "content-length: " + body.length() + "\r\n\r\n" + body));
    awaitTrue("the request upstream", () -> upstream.received().size() == 1);
    await(socket.close());
  }

  @Test
  void aCallerWhoLeftBeforeTheStatusLineIsLoggedAs499() throws Exception {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> { });
    GatewayVerticle gateway = gateway(new GatewayOptions());
    await(vertx.deployVerticle(gateway));

    sendAndLeave(gateway.actualPort());

    awaitTrue("the request counted as 499", () -> await(http.request(HttpMethod.GET, gateway.actualPort(),
            "127.0.0.1", "/metrics").compose(request -> request.send().compose(response -> response.body())))
        .toString().contains("g4f_requests_seconds_count{route=\"/v1/chat/completions\",status=\"499\"} 1"));
  }

  @Test
  void aWholeAnswerCallerWhoLeavesCancelsTheUpstreamRequest() throws Exception {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> { });
    GatewayVerticle gateway = gateway(new GatewayOptions());
    await(vertx.deployVerticle(gateway));

    sendAndLeave(gateway.actualPort());

    awaitTrue("the upstream connection closed", () -> upstream.closedConnections() == 1);
    assertThat(upstream.openConnections()).isZero();
  }
}
