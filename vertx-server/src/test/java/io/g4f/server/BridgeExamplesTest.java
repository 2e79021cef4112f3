package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bridge examples against a live gateway: {@code examples/python/g4f_tcp_bridge.py} (standard
 * library only) over the TCP bridge, {@code examples/node/g4f_sockjs_bridge.mjs} (no packages) over
 * the SockJS bridge. Each is skipped, saying so, only when its interpreter is not installed.
 */
@ExtendWith(VertxExtension.class)
class BridgeExamplesTest {

  private static final Path PYTHON_EXAMPLE = Path.of("..", "examples", "python", "g4f_tcp_bridge.py");
  private static final Path NODE_EXAMPLE = Path.of("..", "examples", "node", "g4f_sockjs_bridge.mjs");
  private static final String KEY = "bridge-key-42";

  private ScriptedServer upstream;
  private int tcpPort;
  private String gatewayUrl;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    tcpPort = BridgeFrames.freePort();
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setApiKey(KEY)
        .setTcpBridgePort(tcpPort).addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl()), List.of()));
    await(vertx.deployVerticle(gateway));
    gatewayUrl = "http://127.0.0.1:" + gateway.actualPort();
  }

  @AfterEach
  void tearDown() {
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void pythonGetsACompletionAndAStreamOverTheTcpBridge() throws Exception {
    Run run = run("python3", PYTHON_EXAMPLE, "--port", String.valueOf(tcpPort), "--api-key", KEY, "--model", "m1",
        "say this is a test");

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("completion: This is a test.\n", "stream: This is a test.\n");
    assertThat(upstream.received()).hasSize(2);
    assertThat(upstream.received().get(1).json().getBoolean("stream")).isTrue();
  }

  @Test
  void pythonReadsTheKeyFromG4fApiKey() throws Exception {
    Run run = run(Map.of("G4F_API_KEY", KEY), "python3", PYTHON_EXAMPLE, "--port", String.valueOf(tcpPort),
        "--model", "m1", "say this is a test");

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("completion: This is a test.\n");
  }

  @Test
  void pythonWithAWrongKeyGetsAnErrorNotAHang() throws Exception {
    Run run = run("python3", PYTHON_EXAMPLE, "--port", String.valueOf(tcpPort), "--api-key", "bridge-key-41",
        "--model", "m1");

    assertThat(run.exit()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains("error: 401: Missing or invalid API key", "(the API key is wrong)");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void pythonWithoutAKeySaysNoneWasSentAndWhereToPutIt() throws Exception {
    Run run = run("python3", PYTHON_EXAMPLE, "--port", String.valueOf(tcpPort), "--model", "m1");

    assertThat(run.exit()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains("no API key was sent: pass --api-key or set G4F_API_KEY");
  }

  @Test
  void nodeGetsACompletionAndAStreamOverTheSockJsBridge() throws Exception {
    Run run = run("node", NODE_EXAMPLE, "--url", gatewayUrl, "--api-key", KEY, "--model", "m1", "say this is a test");

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("completion: This is a test.\n", "stream: This is a test.\n");
    assertThat(upstream.received()).hasSize(2);
  }

  @Test
  void nodeWithAWrongKeyGetsAnErrorNotAHang() throws Exception {
    Run run = run("node", NODE_EXAMPLE, "--url", gatewayUrl, "--api-key", "bridge-key-41", "--model", "m1");

    assertThat(run.exit()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains("error: 401: Missing or invalid API key", "(the API key is wrong)");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void nodeReadsTheKeyFromG4fApiKey() throws Exception {
    Run run = run(Map.of("G4F_API_KEY", KEY), "node", NODE_EXAMPLE, "--url", gatewayUrl, "--model", "m1");

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("completion: This is a test.\n");
  }

  private record Run(int exit, String output) {
  }

  /** Runs {@code interpreter example args} without G4F_API_KEY; skips the test when the interpreter is not installed. */
  private static Run run(String interpreter, Path example, String... args) throws IOException, InterruptedException {
    return run(Map.of(), interpreter, example, args);
  }

  /** Runs {@code interpreter example args} with {@code env} in place of any G4F_API_KEY; skips without the interpreter. */
  private static Run run(Map<String, String> env, String interpreter, Path example, String... args)
      throws IOException, InterruptedException {
    Assumptions.assumeTrue(installed(interpreter), interpreter + " is not installed: " + example + " is not run");
    assertThat(example).exists();
    List<String> command = new ArrayList<>(List.of(interpreter, example.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("G4F_API_KEY");
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the example did not finish in 60 s");
    }
    return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static boolean installed(String interpreter) {
    try {
      return new ProcessBuilder(interpreter, "--version").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
