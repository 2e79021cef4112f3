package io.g4f.server;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.NetworkConfig;
import io.g4f.server.observability.Observability;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clustered mode ({@code --cluster}): a Vert.x instance whose event bus is shared with the other
 * gateway nodes through a Hazelcast cluster that finds its members over TCP/IP (a fixed list, no
 * multicast), so a caller on any node reaches a gateway on any other. See {@code docs/cluster.md}.
 */
final class Clustering {

  /** The name of the cluster, so gateways never join another application's Hazelcast cluster. */
  static final String CLUSTER_NAME = "g4f-gateway";
  private static final Logger LOG = LoggerFactory.getLogger("io.g4f.server.cluster");

  private Clustering() {
  }

  /**
   * The Hazelcast config: Vert.x's default one, listening on {@code host:port} (or the next free port) and joining
   * {@code members} ({@code host} or {@code host:port} each) over TCP/IP; no multicast, no phone-home. Nodes that
   * split (a member frozen past the heartbeat timeout, a partition) look for each other to merge after 10 s and then
   * every 10 s, not Hazelcast's 300 and 120 s, so that two halves count a key's limit apart for seconds, not minutes.
   */
  static Config hazelcast(String host, int port, List<String> members) {
    Config config = ConfigUtil.loadConfig().setClusterName(CLUSTER_NAME)
        .setProperty("hazelcast.phone.home.enabled", "false")
        .setProperty("hazelcast.wait.seconds.before.join", "0")
        .setProperty("hazelcast.logging.type", "slf4j")
        .setProperty("hazelcast.merge.first.run.delay.seconds", "10")
        .setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    NetworkConfig network = config.getNetworkConfig().setPort(port).setPortAutoIncrement(true);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    return config;
  }

  /**
   * A clustered Vert.x instance in the cluster {@code hazelcast} describes, its event bus on {@code host} (a free
   * port), observed by {@code observability}; logs one line when it joined (with the member count) and one per
   * other member that joins or leaves after that (not one per member it found when joining).
   */
  static Future<Vertx> vertx(Observability observability, String host, Config hazelcast) {
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost(host).setPort(0);
    AtomicBoolean joined = new AtomicBoolean();
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast.addListenerConfig(
        new ListenerConfig(new MembershipListener() {
          @Override
          public void memberAdded(MembershipEvent event) {
            if (joined.get() && !event.getMember().localMember()) {
              LOG.info("Cluster member {} joined; {} members", event.getMember().getAddress(), event.getMembers().size());
            }
          }

          @Override
          public void memberRemoved(MembershipEvent event) {
            LOG.info("Cluster member {} left; {} members", event.getMember().getAddress(), event.getMembers().size());
          }
        })));
    return observability.vertxBuilder(options).withClusterManager(manager).buildClustered()
        .onSuccess(vertx -> {
          joined.set(true);
          LOG.info("Joined cluster {} as {}; {} members", CLUSTER_NAME, manager.getNodeId(), manager.getNodes().size());
        });
  }
}
