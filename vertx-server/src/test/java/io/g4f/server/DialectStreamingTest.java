package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Streams of {@code /v1/responses} and {@code /v1/messages} (translated, and passed through to an Anthropic provider,
 * model {@code claude-x}): a client that stops reading stalls the upstream, one that leaves cancels it.
 */
@ExtendWith(VertxExtension.class)
class DialectStreamingTest {

  private static final int CHUNKS = 300_000;
  private static final Buffer CHUNK = Buffer.buffer("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},"
      + "\"finish_reason\":null}]}\n\n");
  private static final Buffer EVENT = Buffer.buffer("event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
      + "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}\n\n");
  /** Both floods' size: an event is as long as a chunk. */
  private static final long TOTAL_BYTES = (long) CHUNKS * CHUNK.length();

  private final AtomicLong written = new AtomicLong();
  private Vertx vertx;
  private ScriptedServer upstream;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx)
        .on(HttpMethod.POST, "/v1/chat/completions", ScriptedServer.flood(CHUNK, CHUNKS, written))
        .on(HttpMethod.POST, "/v1/messages", ScriptedServer.flood(EVENT, CHUNKS, written));
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0)
        .addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0), List.of())
        .addProvider("claude", new ClientOptions().setProvider("Anthropic").setBaseUrl(upstream.baseUrl())
            .setMaxRetries(0), List.of("claude-x"))
        .setDefaultProvider("local"));
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/v1/responses|{\"input\":\"go\",\"stream\":true}",
      "/v1/messages|{\"max_tokens\":10,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}",
      "/v1/messages|{\"model\":\"claude-x\",\"max_tokens\":10,\"stream\":true,\"messages\":[{\"role\":\"user\","
          + "\"content\":\"go\"}]}"})
  void aClientThatStopsReadingStallsTheUpstreamAndOneThatLeavesCancelsIt(String path, String body) throws Exception {
    HttpClient raw = vertx.createHttpClient();
    AtomicLong received = new AtomicLong();
    await(raw.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port).setHost("127.0.0.1").setURI(path))
        .compose(request -> request.send(body))
        .map(response -> {
          assertThat(response.statusCode()).isEqualTo(200);
          response.pause();
          response.handler(bytes -> received.addAndGet(bytes.length()));
          return response;
        }));

    long stalled = ScriptedServer.awaitStall(written);
    assertThat(stalled).as("upstream bytes written while the client reads nothing").isLessThan(TOTAL_BYTES / 3);

    await(raw.close());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (upstream.closedConnections() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(upstream.closedConnections()).as("the upstream request was cancelled").isEqualTo(1);
    assertThat(written.get()).isLessThan(TOTAL_BYTES);
  }
}
