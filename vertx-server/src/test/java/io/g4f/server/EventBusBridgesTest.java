package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.TeamKeys;
import io.g4f.server.eventbus.EventBusBridges;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The TCP and SockJS bridges of a gateway with an API key: the same frames work over both, only the
 * gateway's addresses (and the caller's reply addresses) are let in, and the key is required and
 * never reaches the bus.
 */
@ExtendWith(VertxExtension.class)
class EventBusBridgesTest {

  private static final String KEY = "bridge-key-42";
  private static final String HELLO = "{\"model\":\"m1\",\"messages\":\"say this is a test\"}";

  /** Which bridge a test talks to, and the frame type it delivers messages with. */
  enum Bridge {
    TCP("message"), SOCKJS("rec");

    final String messageType;

    Bridge(String messageType) {
      this.messageType = messageType;
    }
  }

  private final List<String> headersOnTheBus = new CopyOnWriteArrayList<>();
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
    vertx.eventBus().addInboundInterceptor(delivery -> {
      delivery.message().headers().forEach((name, value) -> headersOnTheBus.add(name + "=" + value));
      delivery.next();
    });
  }

  @AfterEach
  void tearDown() {
    if (frames != null) {
      frames.close();
    }
    upstream.close();
  }

  private BridgeFrames connect(Bridge bridge) {
    frames = bridge == Bridge.TCP ? BridgeFrames.tcp(vertx, tcpPort) : BridgeFrames.sockJs(vertx, gateway.actualPort());
    return frames;
  }

  private static JsonObject send(String address, String replyAddress, Object body, JsonObject headers) {
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body);
    if (replyAddress != null) {
      frame.put("replyAddress", replyAddress);
    }
    return headers == null ? frame : frame.put("headers", headers);
  }

  private static JsonObject keyed() {
    return new JsonObject().put("apiKey", KEY);
  }

  @ParameterizedTest
  @EnumSource
  void aCompletionWithTheKey(Bridge bridge) throws Exception {
    JsonObject answer = connect(bridge).write(send("g4f.chat.completions", "r1", new JsonObject(HELLO), keyed())).next();

    assertThat(answer.getString("type")).isEqualTo(bridge.messageType);
    assertThat(answer.getString("address")).isEqualTo("r1");
    assertThat(answer.getJsonObject("body").getJsonArray("choices").getJsonObject(0).getJsonObject("message")
        .getString("content")).isEqualTo("This is a test.");
    assertThat(headersOnTheBus).noneMatch(header -> header.contains(KEY));
  }

  @ParameterizedTest
  @EnumSource
  void embeddingsWithTheKey(Bridge bridge) throws Exception {
    upstream.reply(HttpMethod.POST, "/v1/embeddings", 200, "application/json",
        resource("transcripts/openai-embeddings.json"));
    JsonObject answer = connect(bridge).write(send("g4f.embeddings", "e1",
        new JsonObject().put("model", "m1").put("input", "say this is a test"), keyed())).next();

    assertThat(answer.getString("type")).isEqualTo(bridge.messageType);
    assertThat(answer.getString("address")).isEqualTo("e1");
    assertThat(answer.getJsonObject("body").getJsonArray("data")).hasSize(2);
    assertThat(upstream.last().json().getString("input")).isEqualTo("say this is a test");
  }

  @ParameterizedTest
  @EnumSource
  void aStreamPulledFromItsOwnAddress(Bridge bridge) throws Exception {
    BridgeFrames bridged = connect(bridge);
    JsonObject answer = bridged.write(send("g4f.chat.completions", "r0",
        new JsonObject(HELLO).put("stream", true), keyed().put("credits", "2"))).next();
    StringBuilder content = new StringBuilder();
    int chunks = 0;
    for (int pull = 1; !answer.getJsonObject("body").getBoolean("done"); pull++) {
      for (Object chunk : answer.getJsonObject("body").getJsonArray("chunks")) {
        chunks++;
        var choices = ((JsonObject) chunk).getJsonArray("choices");
        if (!choices.isEmpty()) {
          content.append(choices.getJsonObject(0).getJsonObject("delta").getString("content", ""));
        }
      }
      answer = bridged.write(send(answer.getJsonObject("body").getString("stream"), "r" + pull,
          new JsonObject().put("credits", 2), null)).next();
      assertThat(answer.getString("type")).isEqualTo(bridge.messageType);
      assertThat(answer.getString("address")).isEqualTo("r" + pull);
    }
    for (Object chunk : answer.getJsonObject("body").getJsonArray("chunks")) {
      chunks++;
      var choices = ((JsonObject) chunk).getJsonArray("choices");
      if (!choices.isEmpty()) {
        content.append(choices.getJsonObject(0).getJsonObject("delta").getString("content", ""));
      }
    }

    assertThat(chunks).as("the upstream's usage chunk is withheld: the caller did not ask for it").isEqualTo(5);
    assertThat(content).hasToString("This is a test.");
  }

  @ParameterizedTest
  @EnumSource
  void eachRequestIsOneAccessLogEventAsOverHttp(Bridge bridge) throws Exception {
    try (LogCapture log = LogCapture.record(Main.LogFormat.json)) {
      BridgeFrames bridged = connect(bridge);
      JsonObject first = bridged.write(send("g4f.chat.completions", "r1", new JsonObject(HELLO),
          keyed().put("requestId", "bus-1"))).next();
      assertThat(first.getJsonObject("headers").getString("requestId")).as("the reply names the request")
          .isEqualTo("bus-1");
      assertThat(upstream.last().headers().get("x-request-id")).isEqualTo("bus-1");
      bridged.write(send("g4f.chat.completions", "r2", new JsonObject(HELLO).put("model", "nope"),
          keyed().put("requestId", "bus-2"))).next();
      JsonObject answer = bridged.write(send("g4f.chat.completions", "r3", new JsonObject(HELLO).put("stream", true),
          keyed().put("requestId", "bus-3").put("credits", "1"))).next();
      for (int pull = 4; !answer.getJsonObject("body").getBoolean("done"); pull++) {
        answer = bridged.write(send(answer.getJsonObject("body").getString("stream"), "r" + pull,
            new JsonObject().put("credits", 1), null)).next();
      }

      JsonObject whole = accessEvent(log, "bus-1");
      assertThat(whole.getString("method")).isEqualTo("BUS");
      assertThat(whole.getString("path")).isEqualTo("g4f.chat.completions");
      assertThat(whole.getString("route")).isEqualTo("g4f.chat.completions");
      assertThat(whole.getInteger("status")).isEqualTo(200);
      assertThat(whole.getValue("duration_ms")).isInstanceOf(Number.class);
      assertThat(whole.getString("provider")).isEqualTo("local");
      assertThat(whole.getString("model")).isEqualTo("m1");
      assertThat(whole.getInteger("prompt_tokens")).isEqualTo(12);
      assertThat(whole.getInteger("completion_tokens")).isEqualTo(5);
      assertThat(whole.getString("caller")).isEqualTo("key:" + TeamKeys.ADMIN);
      assertThat(whole.getString("message")).as("the line --log-format text prints").matches("bus-1 BUS "
          + "g4f.chat.completions 200 [0-9.]+ms provider=local model=m1 prompt_tokens=12 completion_tokens=5 cost_usd=0 "
          + "caller=key:" + TeamKeys.ADMIN);
      assertThat(whole.encode()).doesNotContain(KEY);
      JsonObject refused = accessEvent(log, "bus-2");
      assertThat(refused.getInteger("status")).as("the failure code of the reply").isEqualTo(404);
      assertThat(refused.getString("model")).isEqualTo("nope");
      JsonObject streamed = accessEvent(log, "bus-3");
      assertThat(streamed.getInteger("status")).isEqualTo(200);
      assertThat(streamed.getString("provider")).isEqualTo("local");
      assertThat(streamed.getInteger("completion_tokens")).as("logged when the stream ended").isEqualTo(5);
    }
  }

  /** The access-log event of request {@code id}, as its JSON line. */
  private static JsonObject accessEvent(LogCapture log, String id) throws InterruptedException {
    return new JsonObject(log.next(text -> text.contains("\"io.g4f.server.access\"")
        && text.contains("\"request_id\":\"" + id + "\"")).text());
  }

  @ParameterizedTest
  @EnumSource
  void aRequestWithAMissingOrWrongKeyIsAnswered401AndOtherFramesAreRefused(Bridge bridge) throws Exception {
    BridgeFrames bridged = connect(bridge);
    JsonObject missing = bridged.write(send("g4f.chat.completions", "r1", new JsonObject(HELLO), null)).next();
    JsonObject wrong = bridged.write(send("g4f.chat.completions", "r2", new JsonObject(HELLO),
        new JsonObject().put("apiKey", "bridge-key-41"))).next();
    JsonObject forged = bridged.write(send("g4f.chat.completions", "r3", new JsonObject(HELLO),
        keyed().put(EventBusBridges.UNAUTHENTICATED_HEADER, "wrong"))).next();
    JsonObject noReply = bridged.write(send("g4f.chat.completions", null, new JsonObject(HELLO),
        new JsonObject().put("apiKey", "bridge-key-41"))).next();

    for (JsonObject refused : List.of(missing, wrong)) {
      assertThat(refused.getString("type")).isEqualTo("err");
      assertThat(refused.getInteger("failureCode")).as(refused.encode()).isEqualTo(401);
      JsonObject error = new JsonObject(refused.getString("message")).getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("invalid_api_key");
      assertThat(error.getString("message")).contains("apiKey header").doesNotContain("bridge-key-41");
    }
    assertThat(forged.getString("type")).as("a caller cannot mark itself").isEqualTo(bridge.messageType);
    assertThat(noReply.getString("type")).isEqualTo("err");
    assertThat(noReply.getValue("failureCode")).isNull();
    assertThat(upstream.received()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource
  void onlyTheGatewayAddressesAreLetIn(Bridge bridge) throws Exception {
    BridgeFrames bridged = connect(bridge);
    vertx.eventBus().consumer("internal.secrets", message -> message.reply("leaked"));

    JsonObject other = bridged.write(send("internal.secrets", "r1", "hi", keyed())).next();
    JsonObject register = bridged.write(new JsonObject().put("type", "register").put("address", "g4f.chat.completions")
        .put("headers", keyed())).next();
    JsonObject models = bridged.write(send("g4f.models", "r2", new JsonObject(), keyed())).next();

    assertThat(other.getString("type")).isEqualTo("err");
    assertThat(register.getString("type")).isEqualTo("err");
    assertThat(models.getString("type")).isEqualTo(bridge.messageType);
    assertThat(models.getJsonObject("body").getJsonArray("data").getJsonObject(0).getString("id")).isEqualTo("m1");
  }
}
