package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two clustered gateway nodes count one team key's requests together, through the cluster's shared data. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterKeysTest {

  private final TestClock clock = new TestClock(TeamKeysTest.HALF_PAST);
  private ScriptedServer upstream;
  private TwoNodes nodes;
  private Vertx nodeA;
  private Vertx nodeB;
  private WebClient http;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    http = WebClient.create(vertx);
    nodes = TwoNodes.start();
    nodeA = nodes.a;
    nodeB = nodes.b;
  }

  @AfterEach
  void tearDown() {
    if (nodes != null) {
      nodes.close();
    }
    upstream.close();
  }

  private int deploy(Vertx node) {
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setTeamKeys(TeamKeysTest.keys(3, 0))
        .addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0), List.of("m1")), clock);
    await(node.deployVerticle(gateway));
    return gateway.actualPort();
  }

  private int chat(int port) {
    return await(http.post(port, "127.0.0.1", "/v1/chat/completions").bearerTokenAuthentication(TeamKeysTest.KEY_A)
        .sendJsonObject(new JsonObject().put("model", "m1").put("messages", "hi"))).statusCode();
  }

  @Test
  void twoNodesShareOneKeysRequestsPerMinute() {
    int portA = deploy(nodeA);
    int portB = deploy(nodeB);

    assertThat(chat(portA)).isEqualTo(200);
    assertThat(chat(portB)).isEqualTo(200);
    assertThat(chat(portA)).isEqualTo(200);
    assertThat(chat(portB)).as("the fourth request of the minute, whichever node takes it").isEqualTo(429);
    assertThat(chat(portA)).isEqualTo(429);
    assertThat(upstream.received()).hasSize(3);
  }
}
