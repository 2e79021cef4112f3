package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A client that stops reading the gateway's SSE response stalls the upstream; resuming gets everything. */
@ExtendWith(VertxExtension.class)
class GatewayBackpressureTest {

  private static final int CHUNKS = 300_000;
  private static final Buffer CHUNK = Buffer.buffer("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},"
      + "\"finish_reason\":null}]}\n\n");
  private static final long TOTAL_BYTES = (long) CHUNKS * CHUNK.length();

  private final AtomicLong written = new AtomicLong();
  private ScriptedServer upstream;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx)
        .on(HttpMethod.POST, "/v1/chat/completions", ScriptedServer.flood(CHUNK, CHUNKS, written));
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0)
        .addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl()), List.of()));
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
  }


  @AfterEach
  void tearDown() {
    upstream.close();
  }

  @Test
  void aClientThatStopsReadingStallsTheUpstream(Vertx vertx) throws Exception {
    HttpClient raw = vertx.createHttpClient();
    AtomicLong received = new AtomicLong();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    HttpClientResponse response = await(raw.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port)
            .setHost("127.0.0.1").setURI("/v1/chat/completions"))
        .compose(request -> request.send("{\"model\":\"m\",\"stream\":true,\"messages\":\"go\"}"))
        .map(started -> {
          started.pause();
          started.handler(bytes -> received.addAndGet(bytes.length()));
          started.endHandler(v -> ended.complete(null));
          return started;
        }));

    long stalled = ScriptedServer.awaitStall(written);
    assertThat(stalled).as("upstream bytes written while the client reads nothing").isLessThan(TOTAL_BYTES / 3);

    response.resume();
    ended.get(60, TimeUnit.SECONDS);
    assertThat(written.get()).isEqualTo(TOTAL_BYTES);
    assertThat(received.get()).isGreaterThan(TOTAL_BYTES);
    await(raw.close());
  }
}
