package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A provider configured with {@code "http2": true} is spoken to in h2c, one beside it without in HTTP/1.1, and a
 * caller who leaves a stream resets its upstream HTTP/2 stream only (Vert.x logging nothing of it): no upstream
 * connection is closed, and another caller's stream goes on to its end.
 */
@ExtendWith(VertxExtension.class)
class GatewayHttp2UpstreamTest {

  private static final String FIRST = "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n";
  private static final String LAST = "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

  private ScriptedServer upstream;
  private HttpClientAgent caller;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx, new HttpServerOptions()).openAiChat("/v1/chat/completions");
    JsonObject config = new JsonObject().put("providers", new JsonArray()
        .add(new JsonObject().put("name", "h1").put("type", "openai").put("baseUrl", upstream.baseUrl()))
        .add(new JsonObject().put("name", "h2c").put("type", "openai").put("baseUrl", upstream.baseUrl())
            .put("http2", true)));
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).applyConfig(config));
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
    caller = vertx.createHttpClient();
  }

  @AfterEach
  void tearDown() {
    await(caller.close());
    upstream.close();
  }

  @Test
  void eachProviderSpeaksItsConfiguredVersion() {
    String h1 = await(chat("h1", false).compose(HttpClientResponse::body)).toString();
    String h2c = await(chat("h2c", true).compose(HttpClientResponse::body)).toString();

    assertThat(h1).contains("This is a test.");
    assertThat(h2c).contains("\"content\":\"This\"").endsWith("data: [DONE]\n\n");
    assertThat(upstream.received()).extracting(ScriptedServer.Received::version)
        .containsExactly(HttpVersion.HTTP_1_1, HttpVersion.HTTP_2);
  }

  @Test
  void aCallerWhoLeavesResetsOnlyItsUpstreamStream() throws Exception {
    LoggedEvents vertxLogs = LoggedEvents.on("io.vertx");
    List<Throwable> resets = new CopyOnWriteArrayList<>();
    List<HttpServerResponse> answers = new CopyOnWriteArrayList<>();
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      HttpServerResponse answer = request.response().setChunked(true).putHeader("content-type", "text/event-stream")
          .exceptionHandler(resets::add);
      answers.add(answer);
      answer.write(FIRST);
    });
    HttpClientResponse staying = await(chat("h2c", true).map(HttpClientResponse::pause));
    HttpClientResponse leaving = await(chat("h2c", true).map(HttpClientResponse::pause));
    leaving.exceptionHandler(left -> { });
    CompletableFuture<Void> firstChunk = new CompletableFuture<>();
    leaving.handler(bytes -> firstChunk.complete(null)).resume();
    firstChunk.get(10, TimeUnit.SECONDS);

    await(leaving.request().connection().close());

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (resets.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(resets).hasSize(1).first().isInstanceOf(StreamResetException.class);
    answers.get(0).end(LAST);
    Future<Buffer> rest = staying.body();
    staying.resume();
    assertThat(await(rest).toString()).contains("\"content\":\"Hel\"").endsWith("data: [DONE]\n\n");
    assertThat(upstream.closedConnections()).as("upstream connections closed").isZero();
    vertxLogs.close();
    assertThat(vertxLogs.warnings("io.vertx")).as("the reset is the gateway's to handle, not Vert.x's to log")
        .isEmpty();
  }

  private Future<HttpClientResponse> chat(String provider, boolean stream) {
    Buffer body = new JsonObject().put("model", "m").put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))).toBuffer();
    return caller.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port).setHost("127.0.0.1")
            .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
            .putHeader("x-g4f-provider", provider))
        .compose(request -> request.send(body));
  }
}
