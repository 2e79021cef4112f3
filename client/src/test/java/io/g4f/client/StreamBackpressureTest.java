package io.g4f.client;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A paused stream stops reading the socket, so the upstream's writes stall; resuming delivers everything. */
@ExtendWith(VertxExtension.class)
class StreamBackpressureTest {

  private static final int CHUNKS = 100_000;
  private static final Buffer CHUNK = Buffer.buffer("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},"
      + "\"finish_reason\":null}]}\n\n");
  private static final long TOTAL_BYTES = (long) CHUNKS * CHUNK.length();

  private ScriptedServer upstream;
  private AsyncClient client;
  private final AtomicLong written = new AtomicLong();

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx)
        .on(HttpMethod.POST, "/v1/chat/completions", ScriptedServer.flood(CHUNK, CHUNKS, written));
    client = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl()));
  }


  @AfterEach
  void tearDown() {
    await(client.close());
    upstream.close();
  }

  @Test
  void pausedStreamStallsTheUpstreamAndResumeDeliversAll() throws Exception {
    ChatCompletionStream stream = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "go")));
    AtomicInteger received = new AtomicInteger();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    CompletableFuture<Void> firstChunk = new CompletableFuture<>();
    stream.exceptionHandler(ended::completeExceptionally);
    stream.endHandler(v -> ended.complete(null));
    stream.handler(chunk -> {
      if (received.incrementAndGet() == 1) {
        stream.pause();
        firstChunk.complete(null);
      }
    });
    firstChunk.get(10, TimeUnit.SECONDS);

    long stalled = ScriptedServer.awaitStall(written);
    assertThat(stalled).as("bytes written while paused").isLessThan(TOTAL_BYTES / 2);
    assertThat(received.get()).isEqualTo(1);

    stream.resume();
    ended.get(60, TimeUnit.SECONDS);
    assertThat(received.get()).isEqualTo(CHUNKS);
    assertThat(written.get()).isEqualTo(TOTAL_BYTES);
  }

  @Test
  void fetchDeliversExactlyTheDemand() throws Exception {
    ChatCompletionStream stream = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "go")));
    AtomicInteger received = new AtomicInteger();
    stream.pause();
    stream.handler(chunk -> received.incrementAndGet());
    stream.fetch(3);

    ScriptedServer.awaitStall(written);
    awaitReceived(received, 3);
    stream.fetch(2);
    awaitReceived(received, 5);
    assertThat(written.get()).isLessThan(TOTAL_BYTES / 2);
    stream.cancel();
  }
  /** Waits up to 10 s for {@code count} chunks, then a little longer to see that no more come. */
  private static void awaitReceived(AtomicInteger received, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (received.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(100);
    assertThat(received.get()).isEqualTo(count);
  }

}
