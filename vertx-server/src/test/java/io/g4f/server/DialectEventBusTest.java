package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.g4f.client.ClientOptions;
import io.g4f.client.eventbus.EventBusProtocol;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.api.translated.MessagesDialect;
import io.g4f.server.api.translated.ResponsesDialect;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code g4f.responses} and {@code g4f.messages}: the HTTP bodies on the event bus, from the JVM and through both
 * bridges; streamed answers as the chat stream protocol's chunks, each an event of the HTTP stream.
 */
@ExtendWith(VertxExtension.class)
class DialectEventBusTest {

  private static final String KEY = "bridge-key-7";
  private static final JsonObject RESPONSES = new JsonObject().put("model", "m1").put("input", "say this is a test");
  private static final JsonObject MESSAGES = new JsonObject().put("model", "m1").put("max_tokens", 50)
      .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "say this is a test")));

  private Vertx vertx;
  private ScriptedServer upstream;
  private GatewayVerticle gateway;
  private int tcpPort;
  private BridgeFrames frames;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    tcpPort = BridgeFrames.freePort();
    gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setApiKey(KEY).setTcpBridgePort(tcpPort)
        .addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0), List.of("m1")));
    await(vertx.deployVerticle(gateway));
  }

  @AfterEach
  void tearDown() {
    if (frames != null) {
      frames.close();
    }
    upstream.close();
  }

  private JsonObject request(String address, JsonObject body) {
    return await(vertx.eventBus().<JsonObject>request(address, body)).body();
  }

  private ReplyException failure(String address, JsonObject body) {
    Throwable failure = catchThrowable(() -> request(address, body));
    assertThat(failure).isInstanceOf(ReplyException.class);
    return (ReplyException) failure;
  }

  /** What a stream gave: its chunks (ids and times normalized), and the failure that ended it, or null. */
  private record Pulled(List<JsonObject> chunks, ReplyException failure, String address) {
  }

  /** Opens a stream on {@code address} with 3 credits and pulls it to its end, granting what each batch used. */
  private Pulled pull(String address, JsonObject body) {
    List<JsonObject> chunks = new ArrayList<>();
    String stream = null;
    try {
      JsonObject batch = await(vertx.eventBus().<JsonObject>request(address, body,
          new DeliveryOptions().addHeader(EventBusProtocol.CREDITS, "3"))).body();
      while (true) {
        stream = batch.getString(EventBusProtocol.STREAM_ADDRESS);
        JsonArray got = batch.getJsonArray(EventBusProtocol.CHUNKS);
        got.forEach(chunk -> chunks.add(new JsonObject(DialectTesting.normalize(((JsonObject) chunk).encode()))));
        if (batch.getBoolean(EventBusProtocol.DONE)) {
          return new Pulled(chunks, null, stream);
        }
        batch = request(stream, EventBusProtocol.pull(got.size()));
      }
    } catch (ReplyException e) {
      return new Pulled(chunks, e, stream);
    }
  }

  /** The events of the same call over HTTP, with their types. */
  private List<DialectTesting.Event> overHttp(String path, JsonObject body) {
    WebClient http = WebClient.create(vertx);
    try {
      return DialectTesting.events(await(http.post(gateway.actualPort(), "127.0.0.1", path)
          .putHeader("authorization", "Bearer " + KEY).sendJsonObject(body)).bodyAsString());
    } finally {
      http.close();
    }
  }

  private static List<JsonObject> data(List<DialectTesting.Event> events) {
    return events.stream().map(DialectTesting.Event::data).toList();
  }

  @Test
  void streamsAreEachApisEventsAsOverHttp() {
    JsonObject responses = RESPONSES.copy().put("stream", true);
    JsonObject messages = MESSAGES.copy().put("stream", true);

    Pulled response = pull("g4f.responses", responses);
    Pulled message = pull("g4f.messages", messages);

    assertThat(response.failure()).isNull();
    assertThat(message.failure()).isNull();
    assertThat(response.chunks()).isEqualTo(data(overHttp(ResponsesDialect.PATH, responses)));
    assertThat(message.chunks()).isEqualTo(data(overHttp(MessagesDialect.PATH, messages)));
    assertThat(response.chunks()).extracting(chunk -> chunk.getString("type")).startsWith("response.created")
        .endsWith("response.completed");
    assertThat(message.chunks()).extracting(chunk -> chunk.getString("type")).startsWith("message_start")
        .endsWith("message_stop");
  }

  @Test
  void anUpstreamFailingMidStreamEndsTheStreamWithOneError() {
    upstream.sse("/v1/chat/completions",
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m1\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");
    JsonObject responses = RESPONSES.copy().put("stream", true);
    JsonObject messages = MESSAGES.copy().put("stream", true);

    Pulled response = pull("g4f.responses", responses);
    Pulled message = pull("g4f.messages", messages);

    List<DialectTesting.Event> responseEvents = overHttp(ResponsesDialect.PATH, responses);
    List<DialectTesting.Event> messageEvents = overHttp(MessagesDialect.PATH, messages);
    assertThat(responseEvents.get(responseEvents.size() - 1).type()).isEqualTo("response.failed");
    assertThat(messageEvents.get(messageEvents.size() - 1).type()).isEqualTo("error");
    assertThat(response.chunks()).isNotEmpty().isEqualTo(data(responseEvents.subList(0, responseEvents.size() - 1)));
    assertThat(message.chunks()).isNotEmpty().isEqualTo(data(messageEvents.subList(0, messageEvents.size() - 1)));
    assertThat(response.failure().failureCode()).isEqualTo(502);
    assertThat(new JsonObject(response.failure().getMessage()).getJsonObject("error").getString("message"))
        .contains("overloaded");
    assertThat(message.failure().failureCode()).isEqualTo(502);
    assertThat(new JsonObject(message.failure().getMessage())).isEqualTo(messageEvents.get(messageEvents.size() - 1)
        .data());
    for (Pulled ended : List.of(response, message)) {
      ReplyException gone = (ReplyException) catchThrowable(() -> request(ended.address(), EventBusProtocol.pull(1)));
      assertThat(gone.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    }
  }

  @Test
  void wholeAnswersInEachApisShape() {
    JsonObject response = request("g4f.responses", RESPONSES);
    assertThat(response.getString("object")).isEqualTo("response");
    assertThat(response.getJsonArray("output").getJsonObject(0).getJsonArray("content").getJsonObject(0)
        .getString("text")).isEqualTo("This is a test.");

    JsonObject message = request("g4f.messages", MESSAGES);
    assertThat(message.getString("type")).isEqualTo("message");
    assertThat(message.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("This is a test.");
    assertThat(message.getString("stop_reason")).isEqualTo("end_turn");
  }

  @Test
  void errorsInEachApisShape() {
    ReplyException credits = (ReplyException) catchThrowable(() -> await(vertx.eventBus().request("g4f.responses",
        RESPONSES.copy().put("stream", true), new DeliveryOptions().addHeader(EventBusProtocol.CREDITS, "-1"))));
    assertThat(credits.failureCode()).isEqualTo(400);
    assertThat(new JsonObject(credits.getMessage()).getJsonObject("error").getString("param")).isEqualTo("credits");

    ReplyException missing = failure("g4f.messages", MESSAGES.copy().putNull("max_tokens"));
    assertThat(missing.failureCode()).isEqualTo(400);
    assertThat(new JsonObject(missing.getMessage())).isEqualTo(new JsonObject().put("type", "error")
        .put("error", new JsonObject().put("type", "invalid_request_error").put("message", "max_tokens: Field required")));

    ReplyException unknownModel = failure("g4f.messages", MESSAGES.copy().put("model", "nope"));
    assertThat(unknownModel.failureCode()).isEqualTo(404);
    assertThat(new JsonObject(unknownModel.getMessage()).getJsonObject("error").getString("type"))
        .isEqualTo("not_found_error");
    assertThat(upstream.received()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(EventBusBridgesTest.Bridge.class)
  void bothBridgesLetTheNewAddressesInWithAKey(EventBusBridgesTest.Bridge bridge) throws Exception {
    frames = bridge == EventBusBridgesTest.Bridge.TCP ? BridgeFrames.tcp(vertx, tcpPort)
        : BridgeFrames.sockJs(vertx, gateway.actualPort());
    JsonObject keyed = new JsonObject().put("apiKey", KEY);

    JsonObject response = frames.write(send("g4f.responses", "r1", RESPONSES, keyed)).next();
    JsonObject message = frames.write(send("g4f.messages", "r2", MESSAGES, keyed)).next();
    JsonObject refused = frames.write(send("g4f.messages", "r3", MESSAGES, null)).next();

    assertThat(response.getJsonObject("body").getString("object")).isEqualTo("response");
    assertThat(message.getJsonObject("body").getString("type")).isEqualTo("message");
    assertThat(refused.getString("type")).isEqualTo("err");
    assertThat(upstream.received()).hasSize(2);
  }

  private static JsonObject send(String address, String replyAddress, JsonObject body, JsonObject headers) {
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress)
        .put("body", body);
    return headers == null ? frame : frame.put("headers", headers);
  }
}
