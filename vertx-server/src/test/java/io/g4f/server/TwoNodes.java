package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;

import com.hazelcast.config.Config;
import io.g4f.server.observability.Observability;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;

/**
 * Two clustered Vert.x instances in this process, on loopback, joined as {@code docs/cluster.md} joins gateway nodes
 * (node b first, then a); closing closes both (a node a test closed already is closed again harmlessly).
 */
final class TwoNodes implements AutoCloseable {

  final Vertx a;
  final Vertx b;

  private TwoNodes(Vertx a, Vertx b) {
    this.a = a;
    this.b = b;
  }

  /** Starts both nodes and waits until they are one cluster. */
  static TwoNodes start() {
    int portA = BridgeFrames.freePort();
    int portB = BridgeFrames.freePort();
    List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    Vertx b = await(Clustering.vertx(Observability.fromEnvironment(Map.of()), "127.0.0.1",
        quickJoin(Clustering.hazelcast("127.0.0.1", portB, members))));
    Vertx a = await(Clustering.vertx(Observability.fromEnvironment(Map.of()), "127.0.0.1",
        quickJoin(Clustering.hazelcast("127.0.0.1", portA, members))));
    return new TwoNodes(a, b);
  }

  /** On loopback a member that does not answer within a second is not there (the default waits 5 s). */
  private static Config quickJoin(Config config) {
    config.getNetworkConfig().getJoin().getTcpIpConfig().setConnectionTimeoutSeconds(1);
    return config;
  }

  @Override
  public void close() {
    await(a.close());
    await(b.close());
  }
}
