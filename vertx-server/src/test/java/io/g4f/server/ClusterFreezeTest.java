package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway nodes as separate processes, clustered as {@code docs/cluster.md} starts them, with a team key whose
 * {@code rpm} both count: one is frozen ({@code SIGSTOP}) and the other keeps answering, each request within a
 * second and no event loop blocked; once the frozen one resumes, both count into one number again. Loopback only;
 * the processes are killed at the end whatever happens.
 */
class ClusterFreezeTest {

  private static final String KEY = "sk-team-freeze";
  private static final int RPM = 8;

  @TempDir
  Path dir;
  private Vertx vertx;
  private ScriptedServer upstream;
  private WebClient http;
  private final List<Process> nodes = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false).setIdleTimeout(30));
  }

  @AfterEach
  void tearDown() {
    nodes.forEach(node -> {
      signal(node, "CONT");
      node.destroyForcibly();
    });
    upstream.close();
    await(vertx.close());
  }

  /**
   * Starts a node on HTTP port {@code port} and cluster port {@code clusterPort}, knowing the other at {@code peer};
   * {@code jvmOptions} before the others (Hazelcast's own properties, say).
   */
  private Process node(String name, Path config, int port, int clusterPort, int peer, String... jvmOptions)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx256m", "-XX:+UseSerialGC"));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--port", String.valueOf(port), "--config", config.toString(), "--no-playground",
        "--cluster", "--cluster-host", "127.0.0.1", "--cluster-port", String.valueOf(clusterPort),
        "--cluster-members", "127.0.0.1:" + peer));
    Process node = new ProcessBuilder(command)
        .directory(Files.createDirectories(dir.resolve(name)).toFile()) // its own spend ledger file
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    nodes.add(node);
    return node;
  }

  private String log(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".log"));
  }

  /** Waits up to {@code seconds} for {@code text} in the log of {@code name}. */
  private void awaitLog(String name, String text, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!log(name).contains(text)) {
      assertThat(System.nanoTime()).as(name + " never logged '" + text + "':\n" + log(name)).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static void signal(Process node, String signal) {
    try {
      new ProcessBuilder("kill", "-" + signal, String.valueOf(node.pid())).start().waitFor(5, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** A config with one OpenAI-compatible provider (the scripted upstream) and the team key, limited to {@link #RPM}. */
  private Path config() throws IOException {
    return Files.writeString(dir.resolve("g4f.json"), new JsonObject()
        .put("providers", new JsonArray().add(new JsonObject().put("name", "local").put("type", "openai")
            .put("baseUrl", upstream.baseUrl()).put("models", new JsonArray().add("m1"))))
        .put("keys", new JsonArray().add(new JsonObject().put("name", "team").put("key", KEY).put("rpm", RPM)))
        .encode());
  }

  /**
   * Sends the key's requests to nodes a and b in turn, at most {@code most}, until each has refused one; returns how
   * many were admitted.
   */
  private int admittedUntilBothRefuse(int portA, int portB, int most) {
    int admitted = 0;
    int refusedA = 0;
    int refusedB = 0;
    for (int i = 0; i < most && (refusedA == 0 || refusedB == 0); i++) {
      int status = chat(i % 2 == 0 ? portA : portB).statusCode();
      assertThat(status).isIn(200, 429);
      if (status == 200) {
        admitted++;
      } else if (i % 2 == 0) {
        refusedA++;
      } else {
        refusedB++;
      }
    }
    assertThat(refusedA).as("node a refuses once the key's minute is spent").isPositive();
    assertThat(refusedB).as("node b refuses once the key's minute is spent").isPositive();
    return admitted;
  }

  private HttpResponse<Buffer> chat(int port) {
    return await(http.post(port, "127.0.0.1", "/v1/chat/completions").bearerTokenAuthentication(KEY)
        .sendJsonObject(new JsonObject().put("model", "m1").put("messages", "say this is a test")));
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void aFrozenPeerDoesNotHoldTheOtherNodeAndTheCountsConvergeWhenItResumes() throws Exception {
    Path config = config();
    int portA = BridgeFrames.freePort();
    int portB = BridgeFrames.freePort();
    int clusterA = BridgeFrames.freePort();
    int clusterB = BridgeFrames.freePort();
    node("a", config, portA, clusterA, clusterB);
    Process b = node("b", config, portB, clusterB, clusterA);
    awaitLog("a", "g4f gateway listening", 120);
    awaitLog("b", "g4f gateway listening", 120);
    awaitLog("a", "2 members", 60);
    // the counts below must fall in one calendar minute: start at a minute's beginning
    if (LocalTime.now().getSecond() > 15) {
      Thread.sleep((61 - LocalTime.now().getSecond()) * 1000L);
    }
    assertThat(chat(portA).statusCode()).isEqualTo(200);
    assertThat(chat(portB).statusCode()).isEqualTo(200);

    signal(b, "STOP");
    int admittedWhileFrozen = 0;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      HttpResponse<Buffer> answer = chat(portA);
      assertThat(millisSince(start)).as("a request while the peer is frozen").isLessThan(1_000);
      assertThat(answer.statusCode()).isEqualTo(200);
      admittedWhileFrozen++;
    }
    long start = System.nanoTime();
    assertThat(await(http.get(portA, "127.0.0.1", "/v1/models").bearerTokenAuthentication(KEY).send()).statusCode())
        .isEqualTo(200);
    assertThat(millisSince(start)).as("a listing while the peer is frozen").isLessThan(1_000);
    Thread.sleep(2_500); // Vert.x warns of an event loop blocked for 2 s
    assertThat(log("a")).doesNotContain("has been blocked for");

    signal(b, "CONT");
    int admitted = 2 + admittedWhileFrozen + admittedUntilBothRefuse(portA, portB, 2 * RPM);
    assertThat(admitted).as("one count again: at most rpm, plus what node a admitted alone while b was frozen")
        .isLessThanOrEqualTo(RPM + admittedWhileFrozen);
  }

  /**
   * A peer frozen past the heartbeat timeout (5 s here instead of Hazelcast's 60, so that the test takes seconds) is
   * dropped, and the two run as separate clusters once it resumes; they find each other and merge within seconds
   * (Hazelcast's default first merge attempt comes after 300 s, its next every 120 s), and count one key's minute
   * as one number again.
   */
  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void aPeerFrozenPastTheHeartbeatTimeoutMergesBackWithinSeconds() throws Exception {
    Path config = config();
    int portA = BridgeFrames.freePort();
    int portB = BridgeFrames.freePort();
    int clusterA = BridgeFrames.freePort();
    int clusterB = BridgeFrames.freePort();
    String heartbeat = "-Dhazelcast.max.no.heartbeat.seconds=5";
    node("a", config, portA, clusterA, clusterB, heartbeat, "-Dhazelcast.heartbeat.interval.seconds=1");
    Process b = node("b", config, portB, clusterB, clusterA, heartbeat, "-Dhazelcast.heartbeat.interval.seconds=1");
    awaitLog("a", "g4f gateway listening", 120);
    awaitLog("b", "g4f gateway listening", 120);
    awaitLog("a", "2 members", 60);

    signal(b, "STOP");
    awaitLog("a", "left; 1 members", 30);
    signal(b, "CONT");
    long resumed = System.nanoTime();
    awaitLog("b", "left; 1 members", 30); // b, resumed, finds a silent for longer than the timeout: two clusters
    int joinsOfA = count(log("a"), "joined; 2 members");
    int joinsOfB = count(log("b"), "joined; 2 members");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (count(log("a"), "joined; 2 members") == joinsOfA && count(log("b"), "joined; 2 members") == joinsOfB) {
      assertThat(System.nanoTime()).as("no merge within 60 s:\n" + log("a") + "\n" + log("b")).isLessThan(deadline);
      Thread.sleep(200);
    }
    assertThat(millisSince(resumed)).as("the halves merged after a merge run, not Hazelcast's 300 s")
        .isLessThan(40_000);
    awaitLog("a", "g4f gateway listening", 1);

    // the counts below must fall in one calendar minute: start at a minute's beginning when too little is left
    if (LocalTime.now().getSecond() > 40) {
      Thread.sleep((61 - LocalTime.now().getSecond()) * 1000L);
    }
    int admitted = admittedUntilBothRefuse(portA, portB, 3 * RPM);
    assertThat(admitted).as("one count for both nodes again").isLessThanOrEqualTo(RPM);
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }
}
