package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.access.Caller;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Team keys on the SockJS and TCP bridges: a refused message gets the HTTP API's error (403, 429) as its
 * failure reply, limits count bridge messages with HTTP calls, and a caller cannot pass itself off as a team.
 */
@ExtendWith(VertxExtension.class)
class BridgeKeysTest {

  private final TestClock clock = new TestClock(TeamKeysTest.HALF_PAST);
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
    gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setTcpBridgePort(tcpPort)
        .setTeamKeys(TeamKeysTest.keys(2, 0))
        .addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0), List.of("m1", "m2")),
        clock);
    await(vertx.deployVerticle(gateway));
  }

  @AfterEach
  void tearDown() {
    if (frames != null) {
      frames.close();
    }
    upstream.close();
  }

  enum Bridge { TCP, SOCKJS }

  private BridgeFrames connect(Bridge bridge) {
    frames = bridge == Bridge.TCP ? BridgeFrames.tcp(vertx, tcpPort) : BridgeFrames.sockJs(vertx, gateway.actualPort());
    return frames;
  }

  private static JsonObject chat(String replyAddress, String model, JsonObject headers) {
    return new JsonObject().put("type", "send").put("address", "g4f.chat.completions").put("replyAddress", replyAddress)
        .put("body", new JsonObject().put("model", model).put("messages", "say this is a test")).put("headers", headers);
  }

  private static JsonObject keyed(String key) {
    return new JsonObject().put("apiKey", key);
  }

  /** The OpenAI error of a failure reply, after checking its status. */
  private static JsonObject failure(JsonObject frame, int status) {
    assertThat(frame.getInteger("failureCode")).as(frame.encode()).isEqualTo(status);
    assertThat(frame.getString("address")).isNotNull();
    assertThat(frame.encode()).doesNotContain(TeamKeysTest.KEY_A);
    return new JsonObject(frame.getString("message")).getJsonObject("error");
  }

  @ParameterizedTest
  @EnumSource
  void aDisallowedModelIsAnswered403PermissionDenied(Bridge bridge) throws Exception {
    JsonObject refused = connect(bridge).write(chat("r1", "m2", keyed(TeamKeysTest.KEY_A))).next();

    JsonObject error = failure(refused, 403);
    assertThat(error.getString("type")).isEqualTo("permission_denied");
    assertThat(error.getString("message")).contains("'m2'");
    assertThat(upstream.received()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource
  void overItsRpmAKeyIsAnswered429WithRetryAfter(Bridge bridge) throws Exception {
    BridgeFrames bridged = connect(bridge);
    assertThat(bridged.write(chat("r1", "m1", keyed(TeamKeysTest.KEY_A))).next().getJsonObject("body")).isNotNull();
    assertThat(bridged.write(chat("r2", "m1", keyed(TeamKeysTest.KEY_A))).next().getJsonObject("body")).isNotNull();

    JsonObject error = failure(bridged.write(chat("r3", "m1", keyed(TeamKeysTest.KEY_A))).next(), 429);

    assertThat(error.getInteger("retry_after")).isEqualTo(30);
    assertThat(error.getString("code")).isEqualTo("rate_limit_exceeded");
    assertThat(upstream.received()).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource
  void aCallerCannotNameItselfATeam(Bridge bridge) throws Exception {
    BridgeFrames bridged = connect(bridge);
    JsonObject forged = bridged.write(chat("r1", "m2", keyed(TeamKeysTest.KEY_A).put(Caller.HEADER, "key:team-b"))).next();
    JsonObject keyless = bridged.write(chat("r2", "m1", new JsonObject().put(Caller.HEADER, "key:team-b"))).next();

    assertThat(failure(forged, 403).getString("type")).isEqualTo("permission_denied");
    assertThat(failure(keyless, 401).getString("code")).as("no key, no entry").isEqualTo("invalid_api_key");
    assertThat(upstream.received()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource
  void anOpenGatewayLimitsBridgeCallersPerAddressTogetherWithHttp(Bridge bridge) throws Exception {
    int openTcp = BridgeFrames.freePort();
    GatewayVerticle open = new GatewayVerticle(new GatewayOptions().setPort(0).setTcpBridgePort(openTcp)
        .setRateLimitPerMinute(2).setEventBusPrefix("open")
        .addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0), List.of("m1")), clock);
    await(vertx.deployVerticle(open));
    int http = await(io.vertx.ext.web.client.WebClient.create(vertx).post(open.actualPort(), "127.0.0.1",
        "/v1/chat/completions").sendJsonObject(new JsonObject().put("model", "m1").put("messages", "hi"))).statusCode();
    frames = bridge == Bridge.TCP ? BridgeFrames.tcp(vertx, openTcp) : BridgeFrames.sockJs(vertx, open.actualPort());

    JsonObject answered = frames.write(chat("r1", "m1", new JsonObject()).put("address", "open.chat.completions")).next();
    JsonObject limited = frames.write(chat("r2", "m1", new JsonObject()).put("address", "open.chat.completions")).next();

    assertThat(http).isEqualTo(200);
    assertThat(answered.getJsonObject("body")).as(answered.encode()).isNotNull();
    assertThat(failure(limited, 429).getString("code")).isEqualTo("rate_limit_exceeded");
  }
}
