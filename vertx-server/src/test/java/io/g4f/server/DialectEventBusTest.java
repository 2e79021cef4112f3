package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code g4f.responses} and {@code g4f.messages}: the HTTP bodies on the event bus, from the JVM and through both bridges. */
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
    ReplyException stream = failure("g4f.responses", RESPONSES.copy().put("stream", true));
    assertThat(stream.failureCode()).isEqualTo(400);
    assertThat(new JsonObject(stream.getMessage()).getJsonObject("error").getString("param")).isEqualTo("stream");

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
