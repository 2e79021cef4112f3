package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.server.SpendFixture.ADMIN_KEY;
import static io.g4f.server.SpendFixture.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.server.config.LedgerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The ledger in a real database: a gateway restarted on the same ledger (the embedded H2 file, and a PostgreSQL server
 * when {@code G4F_TEST_PG_URL} names one, as {@code .ci/run} does) keeps what each key spent, so a budget holds
 * across the restart; the startup log names where the ledger is; and a database that goes away while requests come in
 * fails none of them, keeps what fits in its buffer for when it is back, and logs and counts what it dropped.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedgerTest {

  /** The PostgreSQL server of the tests, {@code postgresql://user@host:port/db}; unset: those tests are skipped. */
  private static final String PG_URL = System.getenv("G4F_TEST_PG_URL");

  private final TestClock clock = new TestClock(Instant.parse("2026-03-10T12:00:00Z"));
  @TempDir
  Path dir;
  private final List<Vertx> nodes = new ArrayList<>();
  private Vertx upstreamVertx;
  private SpendFixture upstreams;

  @BeforeEach
  void setUp() {
    upstreamVertx = Vertx.vertx();
    upstreams = new SpendFixture(upstreamVertx);
  }

  @AfterEach
  void tearDown() {
    nodes.forEach(node -> await(node.close()));
    upstreams.close();
    await(upstreamVertx.close());
  }

  /** A gateway on a Vert.x of its own (shared data included, as a process has) on {@code ledger}; its port. */
  private int start(LedgerOptions ledger) {
    Vertx node = Vertx.vertx();
    nodes.add(node);
    GatewayVerticle gateway = new GatewayVerticle(upstreams.options(ledger), clock);
    await(node.deployVerticle(gateway));
    return gateway.actualPort();
  }

  /** Stops the gateway last started, as a process stop does. */
  private void stopLast() {
    await(nodes.remove(nodes.size() - 1).close());
  }

  @Test
  void theCommandLineKeepsALedgerByDefaultAndTheConfigChoosesAnother() throws Exception {
    Main main = new Main(Map.of());
    new CommandLine(main).parseArgs();
    assertThat(main.options().getLedger().getUrl()).isNull();
    assertThat(main.options().getLedger().getFile()).isEqualTo(LedgerOptions.DEFAULT_FILE);

    Main env = new Main(Map.of("G4F_LEDGER_URL", "postgresql://g4f:secret@db:5432/g4f"));
    new CommandLine(env).parseArgs();
    assertThat(env.options().getLedger().getUrl()).isEqualTo("postgresql://g4f:secret@db:5432/g4f");
    assertThat(env.options().getLedger().toString()).doesNotContain("secret");

    Path config = Files.writeString(dir.resolve("g4f.json"), new JsonObject()
        .put("providers", new JsonArray().add(new JsonObject().put("name", "p").put("type", "openai")
            .put("baseUrl", "http://127.0.0.1:9/v1")))
        .put("ledger", new JsonObject().put("enabled", false)).encode());
    Main off = new Main(Map.of("G4F_LEDGER_URL", "postgresql://db/g4f"));
    new CommandLine(off).parseArgs("--config", config.toString());
    assertThat(off.options().getLedger()).isNull();
  }

  @Test
  void aRestartOnTheEmbeddedFileKeepsTheSpend() throws InterruptedException {
    LedgerOptions ledger = new LedgerOptions().setFile(dir.resolve("ledger"));
    try (LogCapture log = LogCapture.record(Main.LogFormat.text)) {
      start(ledger);
      assertThat(log.next(line -> line.contains("Spend ledger:")).text())
          .contains("H2 file " + dir.resolve("ledger").toAbsolutePath() + ".mv.db");
    }
    stopLast();
    restartKeepsTheSpend(ledger);
  }

  @Test
  void aRestartOnPostgresqlKeepsTheSpend() throws SQLException {
    Assumptions.assumeTrue(PG_URL != null, "G4F_TEST_PG_URL is not set (.ci/run starts a PostgreSQL server and sets "
        + "it): the ledger's PostgreSQL test is skipped");
    dropTable(PG_URL);
    LedgerOptions ledger = new LedgerOptions().setUrl(PG_URL);
    restartKeepsTheSpend(ledger);
    int port = start(ledger);
    JsonArray logs = upstreams.get(port, ADMIN_KEY, "/v1/spend/logs?key=team-a").bodyAsJsonObject()
        .getJsonArray("data");
    assertThat(logs).hasSize(3);
    assertThat(logs.getJsonObject(0).getString("time")).isEqualTo("2026-03-11T12:00:00Z");
  }

  private void restartKeepsTheSpend(LedgerOptions ledger) {
    int port = start(ledger);
    assertThat(upstreams.chat(port, KEY_A, "m1").statusCode()).isEqualTo(200);
    assertThat(upstreams.chat(port, KEY_A, "m1").statusCode()).isEqualTo(200);
    assertThat(upstreams.chat(port, KEY_A, "m1").statusCode()).isEqualTo(429);
    stopLast();

    port = start(ledger);
    assertThat(upstreams.chat(port, KEY_A, "m1").statusCode()).as("spent before the restart").isEqualTo(429);
    JsonObject spent = upstreams.get(port, ADMIN_KEY, "/v1/spend?key=team-a").bodyAsJsonObject();
    assertThat(spent.getJsonArray("data").getJsonObject(0).getDouble("cost_usd")).isEqualTo(0.02);
    assertThat(upstreams.local.received()).hasSize(2);
    stopLast();

    clock.advanceSeconds(86_400);
    port = start(ledger);
    assertThat(upstreams.chat(port, KEY_A, "m1").statusCode()).as("the next day").isEqualTo(200);
    stopLast();
  }

  @Test
  void aDatabaseThatGoesAwayFailsNoRequestAndSaysWhatItDropped() throws Exception {
    Server database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dir.toString()).start();
    int databasePort = database.getPort();
    int port = start(new LedgerOptions().setUrl("jdbc:h2:tcp://127.0.0.1:" + databasePort + "/ledger").setBuffer(5));
    for (int i = 0; i < 3; i++) {
      assertThat(upstreams.chat(port, SpendFixture.KEY_B, "m1").statusCode()).isEqualTo(200);
    }
    assertThat(logs(port)).hasSize(3);

    database.stop();
    try (LogCapture log = LogCapture.record(Main.LogFormat.text)) {
      for (int i = 0; i < 20; i++) {
        assertThat(upstreams.chat(port, SpendFixture.KEY_B, "m1").statusCode()).as("request " + i).isEqualTo(200);
      }
      assertThat(upstreams.get(port, ADMIN_KEY, "/v1/spend/logs").statusCode()).as("the ledger cannot be read")
          .isEqualTo(500);
      String first = log.next(line -> line.contains("cannot be written") || line.contains("are dropped")).text();
      String second = log.next(line -> line.contains(first.contains("are dropped") ? "cannot be written"
          : "are dropped")).text();
      assertThat(List.of(first, second)).anySatisfy(line -> assertThat(line)
          .containsPattern("\\d+ rows could not be written and are dropped \\(request ids [0-9a-f-]{36}"));
      assertThat(List.of(first, second)).anySatisfy(line -> assertThat(line)
          .contains("jdbc:h2 database cannot be written").contains("rows wait in memory, at most 5"));
    }
    assertThat(upstreams.get(port, ADMIN_KEY, "/metrics").bodyAsString())
        .contains("g4f_ledger_dropped_rows_total 15.0");

    database = Server.createTcpServer("-tcpPort", String.valueOf(databasePort), "-ifNotExists", "-baseDir",
        dir.toString()).start();
    try {
      assertThat(logs(port)).as("the rows before, and the five kept while it was away").hasSize(8);
    } finally {
      stopLast();
      database.stop();
    }
  }

  private JsonArray logs(int port) {
    JsonObject answer = upstreams.get(port, ADMIN_KEY, "/v1/spend/logs").bodyAsJsonObject();
    assertThat(answer.getJsonArray("data")).as(answer.encode()).isNotNull();
    return answer.getJsonArray("data");
  }

  /** Drops the ledger's table on the server {@code url} names, so that the test starts from nothing. */
  static void dropTable(String url) throws SQLException {
    URI uri = URI.create(url);
    String user = uri.getUserInfo() == null ? null : uri.getUserInfo().split(":", 2)[0];
    String password = uri.getUserInfo() == null || !uri.getUserInfo().contains(":") ? null
        : uri.getUserInfo().split(":", 2)[1];
    try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":"
        + uri.getPort() + uri.getPath(), user, password); Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS g4f_ledger");
    }
  }
}
