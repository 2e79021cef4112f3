package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.AsyncClient;
import io.g4f.client.ClientOptions;
import io.g4f.client.EventBusAsyncClient;
import io.g4f.client.EventBusClientOptions;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.errors.G4fException;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateway nodes in one JVM, clustered with Hazelcast over TCP/IP on 127.0.0.1: a client on node A
 * gets whole and streamed answers from the gateway on node B, and an error, not a hang, when node B
 * goes away mid-stream.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterTest {

  private static final long TIMEOUT = 2_000;
  private Vertx vertx;
  private ScriptedServer upstream;
  private TwoNodes nodes;
  private Vertx nodeA;
  private Vertx nodeB;
  private EventBusAsyncClient client;
  /** What was logged while the two nodes started and the gateway was deployed. */
  private LoggedEvents starting;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    starting = LoggedEvents.on(org.slf4j.Logger.ROOT_LOGGER_NAME);
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    nodes = TwoNodes.start();
    nodeA = nodes.a;
    nodeB = nodes.b;
    await(nodeB.deployVerticle(new GatewayVerticle(new GatewayOptions().setPort(0).setEventBusTimeout(TIMEOUT)
        .addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0), List.of()))));
    client = EventBusAsyncClient.create(nodeA, new EventBusClientOptions().setTimeout(TIMEOUT));
    starting.close();
  }

  @AfterEach
  void tearDown() {
    starting.close();
    if (nodes != null) {
      nodes.close();
    }
    upstream.close();
  }

  @Test
  void aClientOnOneNodeIsAnsweredByTheGatewayOnAnother() throws Exception {
    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("m1", "hi")));
    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");

    ChatCompletion streamed = await(client.chat().completions().stream(ChatCompletionRequest.of("m1", "hi")
            .setStreamOptions(new ChatCompletionRequest.StreamOptions().setIncludeUsage(true)))
        .compose(AsyncClient.ChatCompletions::collect));
    assertThat(streamed.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
    assertThat(streamed.getUsage().getTotalTokens()).isEqualTo(17);
    assertThat(upstream.received()).hasSize(2);
  }

  @Test
  void aClusterStartLogsOneLinePerMembershipChangeAndNoHazelcastWarning() {
    assertThat(starting.warnings("com.hazelcast")).as("Hazelcast's warnings at start").isEmpty();
    assertThat(starting.messages()).filteredOn(line -> line.startsWith("Joined cluster") || line.startsWith("Cluster member"))
        .as("B joined alone, then A joined: B's line about A, A's own line")
        .satisfiesExactlyInAnyOrder(
            line -> assertThat(line).matches("Joined cluster g4f-gateway as .*; 1 members"),
            line -> assertThat(line).matches("Cluster member \\[127\\.0\\.0\\.1\\]:[0-9]+ joined; 2 members"),
            line -> assertThat(line).matches("Joined cluster g4f-gateway as .*; 2 members"));
  }

  @Test
  void aStreamFailsWhenTheGatewayNodeGoesAway() throws Exception {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      long ticker = vertx.setPeriodic(50, id -> response.write(
          "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n"));
      response.closeHandler(v -> vertx.cancelTimer(ticker));
      vertx.setTimer(60_000, id -> vertx.cancelTimer(ticker));
    });
    ChatCompletionStream stream = await(client.chat().completions().stream(ChatCompletionRequest.of("m1", "hi")));
    List<ChatCompletionChunk> chunks = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> firstChunk = new CompletableFuture<>();
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    stream.exceptionHandler(failed::complete).endHandler(v -> failed.complete(null)).handler(chunk -> {
      chunks.add(chunk);
      firstChunk.complete(null);
    });
    firstChunk.get(10, TimeUnit.SECONDS);

    long closing = System.nanoTime();
    await(nodeB.close());
    nodeB = null;

    assertThat(failed.get(TIMEOUT * 5, TimeUnit.MILLISECONDS)).isInstanceOf(G4fException.class);
    assertThat((System.nanoTime() - closing) / 1_000_000).isLessThan(TIMEOUT * 5);
    assertThat(chunks).isNotEmpty();
  }
}
