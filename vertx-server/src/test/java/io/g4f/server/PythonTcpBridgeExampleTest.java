package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code examples/python/g4f_tcp_bridge.py} (standard library only) against a live gateway's TCP bridge. */
@ExtendWith(VertxExtension.class)
class PythonTcpBridgeExampleTest {

  private static final Path EXAMPLE = Path.of("..", "examples", "python", "g4f_tcp_bridge.py");
  private static final String KEY = "python-key-42";

  private ScriptedServer upstream;
  private int tcpPort;

  @BeforeEach
  void setUp(Vertx vertx) {
    Assumptions.assumeTrue(python3Installed(), "python3 is not installed: the Python TCP-bridge example is not run");
    upstream = ScriptedServer.start(vertx).sse("/v1/chat/completions", resource("transcripts/openai-chat-stream.txt"));
    tcpPort = BridgeFrames.freePort();
    await(vertx.deployVerticle(new GatewayVerticle(new GatewayOptions().setPort(0).setApiKey(KEY)
        .setTcpBridgePort(tcpPort).addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl()), List.of()))));
  }

  @AfterEach
  void tearDown() {
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void aCompletionAndAStreamOverTheTcpBridge() throws Exception {
    Run run = python("--port", String.valueOf(tcpPort), "--api-key", KEY, "--model", "m1", "say this is a test");

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("completion: This is a test.\n", "stream: This is a test.\n");
    assertThat(upstream.received()).hasSize(2);
    assertThat(upstream.received().get(1).json().getBoolean("stream")).isTrue();
  }

  @Test
  void aWrongKeyIsAnErrorNotAHang() throws Exception {
    Run run = python("--port", String.valueOf(tcpPort), "--api-key", "python-key-41", "--model", "m1");

    assertThat(run.exit()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains("error: refused");
    assertThat(upstream.received()).isEmpty();
  }

  private record Run(int exit, String output) {
  }

  private static Run python(String... args) throws IOException, InterruptedException {
    assertThat(EXAMPLE).exists();
    List<String> command = new ArrayList<>(List.of("python3", EXAMPLE.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the example did not finish in 60 s");
    }
    return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static boolean python3Installed() {
    try {
      return new ProcessBuilder("python3", "--version").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
