package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.ClientOptions;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** What an operator sees first: the version, a port in use, and the public keyless fallback said loudly. */
@ExtendWith(VertxExtension.class)
class OperatorsTest {

  @Test
  void versionFlagPrintsTheBuiltVersion() {
    for (String flag : List.of("-V", "--version")) {
      StringWriter out = new StringWriter();
      int exit = new CommandLine(new Main(Map.of())).setOut(new PrintWriter(out)).execute(flag);

      assertThat(exit).isZero();
      assertThat(out.toString().trim()).matches("g4f-server \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
  }

  @Test
  void aPortInUseNamesTheListener(Vertx vertx) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(taken.getLocalPort())
          .addProvider("local", new ClientOptions().setBaseUrl("http://127.0.0.1:9/v1"), List.of()));

      assertThatThrownBy(() -> await(vertx.deployVerticle(gateway)))
          .hasMessageContaining("Cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void theKeylessPublicFallbackIsAWarningAtStart(Vertx vertx) throws InterruptedException {
    try (LogCapture log = LogCapture.record(Main.LogFormat.json)) {
      await(vertx.deployVerticle(new GatewayVerticle(GatewayOptions.fromEnvironment(Map.of()).setPort(0))));
      JsonObject warning = new JsonObject(log.next(text -> text.contains("\"WARN\"")).text());
      assertThat(warning.getString("logger")).isEqualTo("io.g4f.server");
      assertThat(warning.getString("message")).contains("Pollinations").contains("--config");

      await(vertx.deployVerticle(new GatewayVerticle(new GatewayOptions().setPort(0)
          .addProvider("local", new ClientOptions().setBaseUrl("http://127.0.0.1:9/v1"), List.of()))));
      log.next(text -> text.contains("listening on"));
      assertThat(log.rest()).as("a configured gateway").noneMatch(line -> line.text().contains("\"WARN\""));
    }
  }
}
