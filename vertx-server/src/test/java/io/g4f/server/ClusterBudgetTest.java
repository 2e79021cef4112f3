package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.server.SpendFixture.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two clustered gateway nodes count one key's spend together: its budget holds whichever node a request takes. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterBudgetTest {

  private final TestClock clock = new TestClock(Instant.parse("2026-03-10T12:00:00Z"));
  private SpendFixture upstreams;
  private TwoNodes nodes;
  private Vertx nodeA;
  private Vertx nodeB;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstreams = new SpendFixture(vertx);
    nodes = TwoNodes.start();
    nodeA = nodes.a;
    nodeB = nodes.b;
  }

  @AfterEach
  void tearDown() {
    if (nodes != null) {
      nodes.close();
    }
    upstreams.close();
  }

  private int deploy(Vertx node) {
    GatewayVerticle gateway = new GatewayVerticle(upstreams.options(null), clock);
    await(node.deployVerticle(gateway));
    return gateway.actualPort();
  }

  @Test
  void twoNodesShareOneKeysBudget() {
    int portA = deploy(nodeA);
    int portB = deploy(nodeB);

    assertThat(upstreams.chat(portA, KEY_A, "m1").statusCode()).isEqualTo(200);
    assertThat(upstreams.chat(portB, KEY_A, "m1").statusCode()).isEqualTo(200);
    assertThat(upstreams.chat(portA, KEY_A, "m1").statusCode()).as("$0.02 spent, half of it on each node")
        .isEqualTo(429);
    assertThat(upstreams.chat(portB, KEY_A, "m1").statusCode()).isEqualTo(429);
    assertThat(upstreams.local.received()).hasSize(2);
  }
}
