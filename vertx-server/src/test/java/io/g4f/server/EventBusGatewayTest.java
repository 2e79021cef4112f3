package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.ClientOptions;
import io.g4f.client.eventbus.EventBusProtocol;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The event-bus protocol of docs/event-bus.md, spoken message by message against a deployed gateway. */
@ExtendWith(VertxExtension.class)
class EventBusGatewayTest {

  private static final String CHAT = "g4f.chat.completions";
  /** The address of a second gateway whose event-bus timeout is {@link #TIMEOUT}. */
  private static final String QUICK_CHAT = "quick.chat.completions";
  private static final long TIMEOUT = 600;
  private static final int CHUNKS = 300_000;
  private static final Buffer CHUNK = Buffer.buffer("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},"
      + "\"finish_reason\":null}]}\n\n");
  private static final long TOTAL_BYTES = (long) CHUNKS * CHUNK.length();

  private final AtomicLong written = new AtomicLong();
  private Vertx vertx;
  private ScriptedServer upstream;
  private GatewayVerticle gateway;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    ClientOptions client = new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0);
    gateway = new GatewayVerticle(new GatewayOptions().setPort(0).addProvider("local", client, List.of("m1", "m2")));
    await(vertx.deployVerticle(gateway));
    await(vertx.deployVerticle(new GatewayVerticle(new GatewayOptions().setPort(0).setEventBusPrefix("quick")
        .setEventBusTimeout(TIMEOUT).addProvider("local", client, List.of("m1")))));
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  private Message<JsonObject> open(String body, long credits) {
    return open(CHAT, body, credits);
  }

  private Message<JsonObject> open(String address, String body, long credits) {
    return await(vertx.eventBus().request(address, new JsonObject(body),
        new DeliveryOptions().addHeader(EventBusProtocol.CREDITS, String.valueOf(credits))));
  }

  private Message<JsonObject> pull(Message<JsonObject> answer, long credits) {
    return pull(answer, EventBusProtocol.pull(credits), new DeliveryOptions());
  }

  private Message<JsonObject> pull(Message<JsonObject> answer, JsonObject body, DeliveryOptions delivery) {
    return await(vertx.eventBus().request(answer.body().getString(EventBusProtocol.STREAM_ADDRESS), body, delivery));
  }

  private static ReplyException failure(Runnable call) {
    try {
      call.run();
    } catch (ReplyException e) {
      return e;
    }
    throw new AssertionError("the request did not fail");
  }

  @Test
  void aCompletionIsTheHttpBody() {
    JsonObject completion = await(vertx.eventBus().<JsonObject>request(CHAT,
        new JsonObject("{\"model\":\"m1\",\"messages\":\"say this is a test\"}"))).body();

    assertThat(completion.getString("object")).isEqualTo("chat.completion");
    assertThat(completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
        .isEqualTo("This is a test.");
    assertThat(upstream.last().json().getString("model")).isEqualTo("m1");
  }

  @Test
  void theRequestIdGoesUpstreamAndComesBackInTheReplyHeaders() {
    JsonObject hello = new JsonObject("{\"model\":\"m1\",\"messages\":\"say this is a test\"}");
    Message<JsonObject> given = await(vertx.eventBus().request(CHAT, hello,
        new DeliveryOptions().addHeader(EventBusProtocol.REQUEST_ID, "bus-req-7")));
    assertThat(given.headers().get(EventBusProtocol.REQUEST_ID)).isEqualTo("bus-req-7");
    assertThat(upstream.last().headers().get("x-request-id")).isEqualTo("bus-req-7");

    Message<JsonObject> made = await(vertx.eventBus().request(CHAT, hello));
    String id = made.headers().get(EventBusProtocol.REQUEST_ID);
    assertThat(id).as("made by the gateway").matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(upstream.last().headers().get("x-request-id")).isEqualTo(id);

    Message<JsonObject> replaced = await(vertx.eventBus().request(CHAT, hello,
        new DeliveryOptions().addHeader(EventBusProtocol.REQUEST_ID, "not\na token")));
    assertThat(replaced.headers().get(EventBusProtocol.REQUEST_ID)).as("not a plain token: a new one")
        .isNotEqualTo("not\na token").isEqualTo(upstream.last().headers().get("x-request-id"));

    Message<JsonObject> opening = await(vertx.eventBus().request(CHAT, hello.copy().put("stream", true),
        new DeliveryOptions().addHeader(EventBusProtocol.REQUEST_ID, "bus-stream-8").addHeader(EventBusProtocol.CREDITS, "1")));
    assertThat(opening.headers().get(EventBusProtocol.REQUEST_ID)).as("the opening batch").isEqualTo("bus-stream-8");
    assertThat(upstream.last().headers().get("x-request-id")).isEqualTo("bus-stream-8");
    vertx.eventBus().send(opening.body().getString(EventBusProtocol.STREAM_ADDRESS), EventBusProtocol.cancel());
  }

  @Test
  void aStreamIsBatchesOfChunksUntilDone() {
    Message<JsonObject> answer = open("{\"model\":\"m1\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
        + "\"messages\":\"hi\"}", 2);
    List<JsonObject> chunks = new ArrayList<>();
    int answers = 1;
    while (true) {
      JsonArray batch = answer.body().getJsonArray(EventBusProtocol.CHUNKS);
      assertThat(batch.size()).as("a batch never exceeds the credits granted").isLessThanOrEqualTo(2);
      batch.forEach(chunk -> chunks.add((JsonObject) chunk));
      if (answer.body().getBoolean(EventBusProtocol.DONE)) {
        break;
      }
      answer = pull(answer, batch.size());
      answers++;
    }

    assertThat(chunks).hasSize(6);
    assertThat(answers).isGreaterThanOrEqualTo(3);
    StringBuilder content = new StringBuilder();
    chunks.stream().map(chunk -> chunk.getJsonArray("choices")).filter(choices -> !choices.isEmpty())
        .map(choices -> choices.getJsonObject(0).getJsonObject("delta").getString("content"))
        .forEach(text -> content.append(text == null ? "" : text));
    assertThat(content).hasToString("This is a test.");
    assertThat(chunks.get(5).getJsonObject("usage").getInteger("total_tokens")).isEqualTo(17);
  }

  @Test
  void errorsAreFailuresWithTheStatusAndTheOpenAiErrorJson() {
    ReplyException unknownModel = failure(() -> await(vertx.eventBus().request(CHAT,
        new JsonObject("{\"model\":\"nope\",\"messages\":\"hi\"}"))));
    assertThat(unknownModel.failureCode()).isEqualTo(404);
    assertThat(new JsonObject(unknownModel.getMessage()).getJsonObject("error").getString("code"))
        .isEqualTo("model_not_found");

    ReplyException wrongType = failure(() -> await(vertx.eventBus().request(CHAT,
        new JsonObject("{\"model\":\"m1\",\"messages\":\"hi\",\"temperature\":\"hot\"}"))));
    assertThat(wrongType.failureCode()).isEqualTo(400);
    assertThat(new JsonObject(wrongType.getMessage()).getJsonObject("error").getString("param"))
        .isEqualTo("temperature");

    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 401, "application/json",
        "{\"error\":{\"message\":\"bad key\",\"type\":\"invalid_request_error\"}}");
    ReplyException refused = failure(() -> open("{\"model\":\"m1\",\"stream\":true,\"messages\":\"hi\"}", 1));
    assertThat(refused.failureCode()).isEqualTo(401);
    assertThat(new JsonObject(refused.getMessage()).getJsonObject("error").getString("message")).contains("bad key");
  }

  @Test
  void aStreamFailingMidwayEndsWithAFailureAfterItsChunks() {
    upstream.sse("/v1/chat/completions",
        "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
            + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");
    Message<JsonObject> answer = open("{\"model\":\"m1\",\"stream\":true,\"messages\":\"hi\"}", 10);
    int received = answer.body().getJsonArray(EventBusProtocol.CHUNKS).size();
    ReplyException failed = null;
    while (failed == null) {
      try {
        answer = pull(answer, 10);
        received += answer.body().getJsonArray(EventBusProtocol.CHUNKS).size();
        assertThat(answer.body().getBoolean(EventBusProtocol.DONE)).isFalse();
      } catch (ReplyException e) {
        failed = e;
      }
    }

    assertThat(received).isEqualTo(1);
    assertThat(failed.failureCode()).isEqualTo(502);
    assertThat(new JsonObject(failed.getMessage()).getJsonObject("error").getString("message")).contains("overloaded");
  }

  @Test
  void aCallerWithoutCreditsStallsTheUpstreamAndCancelClosesIt() throws Exception {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", ScriptedServer.flood(CHUNK, CHUNKS, written));
    Message<JsonObject> answer = open("{\"model\":\"m1\",\"stream\":true,\"messages\":\"go\"}", 5);
    long received = answer.body().getJsonArray(EventBusProtocol.CHUNKS).size();
    while (received < 5) {
      answer = pull(answer, 0);
      received += answer.body().getJsonArray(EventBusProtocol.CHUNKS).size();
    }

    long stalled = ScriptedServer.awaitStall(written);
    assertThat(stalled).as("upstream bytes written while the caller grants nothing").isLessThan(TOTAL_BYTES / 3);
    assertThat(received).isEqualTo(5);

    Message<JsonObject> last = pull(answer, EventBusProtocol.cancel(), new DeliveryOptions());
    assertThat(last.body().getBoolean(EventBusProtocol.DONE)).isTrue();
    awaitUpstreamClosed();
  }

  @Test
  void aCallerThatVanishesIsNoticedWithinTheTimeoutAndItsUpstreamClosed() throws Exception {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      long ticker = vertx.setPeriodic(20, id -> response.write(CHUNK));
      response.closeHandler(v -> vertx.cancelTimer(ticker));
      vertx.setTimer(30_000, id -> vertx.cancelTimer(ticker));
    });
    long started = System.nanoTime();
    open(QUICK_CHAT, "{\"model\":\"m1\",\"stream\":true,\"messages\":\"go\"}", 5);

    awaitUpstreamClosed();
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(TIMEOUT * 5);
  }

  @Test
  void aQuietUpstreamGetsHeartbeatsSoNeitherSideTimesOut() {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      response.write("data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n");
      vertx.setTimer(TIMEOUT * 3, id -> response.end(
          "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}\n\n"
              + "data: [DONE]\n\n"));
    });
    Message<JsonObject> answer = open(QUICK_CHAT, "{\"model\":\"m1\",\"stream\":true,\"messages\":\"hi\"}", 10);
    int chunks = answer.body().getJsonArray(EventBusProtocol.CHUNKS).size();
    int empty = 0;
    while (!answer.body().getBoolean(EventBusProtocol.DONE)) {
      answer = pull(answer, EventBusProtocol.pull(0), new DeliveryOptions().setSendTimeout(TIMEOUT));
      int size = answer.body().getJsonArray(EventBusProtocol.CHUNKS).size();
      chunks += size;
      empty += size == 0 && !answer.body().getBoolean(EventBusProtocol.DONE) ? 1 : 0;
    }

    assertThat(chunks).isEqualTo(2);
    assertThat(empty).as("heartbeats while the upstream was quiet").isGreaterThanOrEqualTo(2);
  }

  @Test
  void oneConcurrentPullIsRefusedAndAFinishedStreamHasNoAddress() throws Exception {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      String chunk = "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n";
      response.write(chunk);
      vertx.setTimer(500, id -> response.end(chunk + "data: [DONE]\n\n"));
    });
    Message<JsonObject> opened = open("{\"model\":\"m1\",\"stream\":true,\"messages\":\"hi\"}", 10);
    Message<JsonObject> opening = opened.body().getJsonArray(EventBusProtocol.CHUNKS).isEmpty()
        ? pull(opened, 10) : opened; // the first chunk (the stream opens once it came), so nothing more is at hand
    String stream = opening.body().getString(EventBusProtocol.STREAM_ADDRESS);
    assertThat(stream).matches("g4f\\.stream\\.[0-9a-f-]{36}");

    var waiting = vertx.eventBus().<JsonObject>request(stream, EventBusProtocol.pull(10));
    ReplyException second = failure(() -> pull(opening, 10));
    assertThat(second.failureCode()).as(second.failureType() + " " + second.getMessage()).isEqualTo(409);
    Message<JsonObject> answer = await(waiting);
    while (!answer.body().getBoolean(EventBusProtocol.DONE)) {
      answer = pull(answer, 10);
    }

    Message<JsonObject> last = answer;
    assertThat(failure(() -> pull(last, 10)).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
  }

  @Test
  void theProviderHeaderPicksTheProviderByName() {
    JsonObject named = await(vertx.eventBus().<JsonObject>request(CHAT, new JsonObject("{\"messages\":\"hi\"}"),
        new DeliveryOptions().addHeader(EventBusProtocol.PROVIDER, "LOCAL"))).body();
    assertThat(named.getString("object")).isEqualTo("chat.completion");

    ReplyException unknown = failure(() -> await(vertx.eventBus().request(CHAT, new JsonObject("{\"messages\":\"hi\"}"),
        new DeliveryOptions().addHeader(EventBusProtocol.PROVIDER, "elsewhere"))));
    assertThat(unknown.failureCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.getMessage()).getJsonObject("error").getString("code"))
        .isEqualTo(EventBusProtocol.PROVIDER_NOT_FOUND);
  }

  @Test
  void generatedImageBytesAreServedByTheGatewaysHttpServer() {
    String png = java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
        '\n', 0, 0, 0, 13});
    upstream.reply(HttpMethod.POST, "/v1/images/generations", 200, "application/json",
        new JsonObject().put("created", 1).put("data", new JsonArray().add(new JsonObject().put("b64_json", png)))
            .encode());

    JsonObject images = await(vertx.eventBus().<JsonObject>request("g4f.images.generate",
        new JsonObject().put("model", "dall-e-3").put("prompt", "a cat").put("response_format", "url"))).body();

    assertThat(images.getJsonArray("data").getJsonObject(0).getString("url"))
        .startsWith("http://127.0.0.1:" + gateway.actualPort() + "/images/").endsWith(".png");
  }

  @Test
  void modelsListsTheConfiguredModels() {
    JsonObject models = await(vertx.eventBus().<JsonObject>request("g4f.models", new JsonObject())).body();
    assertThat(models.getJsonArray("data").stream().map(model -> ((JsonObject) model).getString("id")))
        .containsExactly("m1", "m2");
  }

  @Test
  void theAddressPrefixIsConfigurable() {
    JsonObject models = await(vertx.eventBus().<JsonObject>request("quick.models", null)).body();
    assertThat(models.getJsonArray("data").stream().map(model -> ((JsonObject) model).getString("id")))
        .containsExactly("m1");
    assertThatThrownBy(() -> new GatewayOptions().setEventBusPrefix("")).isInstanceOf(IllegalArgumentException.class);
  }

  private void awaitUpstreamClosed() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (upstream.closedConnections() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(upstream.closedConnections()).as("upstream connections closed").isEqualTo(1);
  }
}
