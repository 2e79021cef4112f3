package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Browsers reach the gateway only from its own origin and the configured {@code corsOrigins}: with CORS off
 * (the default) and no API key, a page on another origin can neither call the HTTP API nor send through the
 * SockJS bridge (any of its transports), and nothing reflects its origin.
 */
@ExtendWith(VertxExtension.class)
class OriginPolicyTest {

  private static final String EVIL = "https://evil.example";
  private static final String SEND = new JsonObject().put("type", "send").put("address", "g4f.chat.completions")
      .put("replyAddress", "r1").put("body", new JsonObject().put("model", "m1").put("messages", "hi")).encode();

  private Vertx vertx;
  private ScriptedServer upstream;
  private WebClient http;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    // SockJS closes xhr connections after an answer: no pooled connection may be reused.
    http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  private void deploy(GatewayOptions options) {
    GatewayVerticle gateway = new GatewayVerticle(options.setPort(0).addProvider("local",
        new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0), List.of("m1")));
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
  }

  private HttpResponse<Buffer> post(String path, String origin, String contentType, String body) {
    var request = http.post(port, "127.0.0.1", path).putHeader("content-type", contentType);
    if (origin != null) {
      request.putHeader("origin", origin);
    }
    return await(request.sendBuffer(Buffer.buffer(body)));
  }

  /** Opens a SockJS xhr session, sends a completion through xhr_send and polls once; the three answers. */
  private List<HttpResponse<Buffer>> sockJsXhr(String origin) {
    String session = "/eventbus/000/" + UUID.randomUUID() + "/";
    HttpResponse<Buffer> open = post(session + "xhr", origin, "text/plain", "");
    HttpResponse<Buffer> send = post(session + "xhr_send", origin, "text/plain", new JsonArray().add(SEND).encode());
    HttpResponse<Buffer> poll = post(session + "xhr", origin, "text/plain", "");
    return List.of(open, send, poll);
  }

  @Test
  void aForeignPageCannotSendThroughTheSockJsBridge() {
    deploy(new GatewayOptions());

    List<HttpResponse<Buffer>> answers = sockJsXhr(EVIL);

    assertThat(answers).allSatisfy(answer -> {
      assertThat(answer.statusCode()).isEqualTo(403);
      assertThat(answer.getHeader("access-control-allow-origin")).isNull();
      assertThat(answer.getHeader("access-control-allow-credentials")).isNull();
    });
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aForeignPageGetsNoSockJsInfoAndNoWebSocket() {
    deploy(new GatewayOptions());

    HttpResponse<Buffer> info = await(http.get(port, "127.0.0.1", "/eventbus/info").putHeader("origin", EVIL).send());
    WebSocketClient sockets = vertx.createWebSocketClient();

    assertThat(info.statusCode()).isEqualTo(403);
    assertThat(info.getHeader("access-control-allow-origin")).isNull();
    assertThatThrownBy(() -> await(sockets.connect(new WebSocketConnectOptions().setPort(port).setHost("127.0.0.1")
        .setURI("/eventbus/websocket").addHeader("origin", EVIL))))
        .hasMessageContaining("403");
    await(sockets.close());
  }

  @Test
  void aForeignPageCannotCallTheHttpApiEvenWithASimpleRequest() {
    deploy(new GatewayOptions());

    HttpResponse<Buffer> simple = post("/v1/chat/completions", EVIL, "text/plain",
        "{\"model\":\"m1\",\"messages\":\"hi\"}");

    assertThat(simple.statusCode()).isEqualTo(403);
    assertThat(simple.bodyAsJsonObject().getJsonObject("error").getString("type")).isEqualTo("permission_denied");
    assertThat(simple.bodyAsJsonObject().getJsonObject("error").getString("message")).contains(EVIL);
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void theGatewaysOwnOriginAndCallersWithoutAnOriginAreServed() {
    deploy(new GatewayOptions());

    List<HttpResponse<Buffer>> sameOrigin = sockJsXhr("http://127.0.0.1:" + port);
    List<HttpResponse<Buffer>> noOrigin = sockJsXhr(null);

    assertThat(sameOrigin.get(1).statusCode()).isEqualTo(204);
    assertThat(sameOrigin.get(2).bodyAsString()).contains("This is a test.");
    assertThat(noOrigin.get(1).statusCode()).isEqualTo(204);
    assertThat(noOrigin.get(2).bodyAsString()).contains("This is a test.");
  }

  @Test
  void aListedOriginIsAllowedAndOthersStillRefused() {
    deploy(new GatewayOptions().setCorsOrigins(List.of("https://app.example")));

    HttpResponse<Buffer> listed = post("/v1/chat/completions", "https://app.example", "application/json",
        "{\"model\":\"m1\",\"messages\":\"hi\"}");
    List<HttpResponse<Buffer>> bridged = sockJsXhr("https://app.example");
    HttpResponse<Buffer> other = post("/v1/chat/completions", EVIL, "application/json",
        "{\"model\":\"m1\",\"messages\":\"hi\"}");

    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.getHeader("access-control-allow-origin")).isEqualTo("https://app.example");
    assertThat(bridged.get(2).bodyAsString()).contains("This is a test.");
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.getHeader("access-control-allow-origin")).isNull();
  }

  @Test
  void theBridgeCannotBeFramedNorReachedThroughJsonp() {
    deploy(new GatewayOptions());

    HttpResponse<Buffer> iframe = await(http.get(port, "127.0.0.1", "/eventbus/iframe.html").send());
    String session = "/eventbus/000/" + UUID.randomUUID() + "/";
    HttpResponse<Buffer> jsonp = await(http.get(port, "127.0.0.1", session + "jsonp?c=steal").send());

    assertThat(iframe.getHeader("x-frame-options")).isEqualTo("DENY");
    assertThat(iframe.getHeader("content-security-policy")).contains("frame-ancestors 'none'");
    assertThat(jsonp.statusCode()).isEqualTo(404);
  }
}
