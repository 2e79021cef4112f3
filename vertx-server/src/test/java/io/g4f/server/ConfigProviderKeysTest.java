package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys a config file's providers send, with the gateway started as operators start it (its {@code Main}, in a
 * process of its own, so that it has an environment): a provider's own {@code apiKey}, and never the key of an
 * environment variable to a {@code baseUrl} of the config's. Before, {@code OPENAI_API_KEY} went to every
 * {@code "type": "openai"} server without an {@code apiKey}, a local one included.
 */
@ExtendWith(VertxExtension.class)
class ConfigProviderKeysTest {

  private static final String CHAT = "/v1/chat/completions";

  @Test
  void anEnvironmentKeyNeverGoesToAConfiguredAddress(Vertx vertx, @TempDir Path dir) throws Exception {
    ScriptedServer local = ScriptedServer.start(vertx).openAiChat(CHAT);
    ScriptedServer keyed = ScriptedServer.start(vertx).openAiChat(CHAT);
    Path config = dir.resolve("g4f.json");
    Files.writeString(config, new JsonObject().put("providers", new JsonArray()
        .add(new JsonObject().put("name", "local").put("type", "openai").put("baseUrl", local.baseUrl()))
        .add(new JsonObject().put("name", "keyed").put("type", "openai").put("baseUrl", keyed.baseUrl())
            .put("apiKey", "its-own-key"))).encode());
    int port = freePort();
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        Main.class.getName(), "--config", config.toString(), "--port", String.valueOf(port))
        .directory(dir.toFile()) // where its spend ledger file goes
        .redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile());
    builder.environment().put("OPENAI_API_KEY", "sk-from-the-environment");
    Process gateway = builder.start();
    try {
      WebClient http = WebClient.create(vertx);
      awaitHealthy(http, port, gateway);

      for (String provider : List.of("local", "keyed")) {
        HttpResponse<?> answer = await(http.post(port, "127.0.0.1", CHAT).sendJsonObject(new JsonObject()
            .put("model", "m").put("provider", provider).put("messages", "hi")));
        assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
      }

      assertThat(local.last().headers().get("authorization")).isNull();
      assertThat(keyed.last().headers().get("authorization")).isEqualTo("Bearer its-own-key");
    } finally {
      gateway.destroy();
      if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
        gateway.destroyForcibly();
      }
      local.close();
      keyed.close();
    }
  }

  private static void awaitHealthy(WebClient http, int port, Process gateway) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      assertThat(gateway.isAlive()).as("the gateway process is running").isTrue();
      try {
        if (await(http.get(port, "127.0.0.1", "/health").send()).statusCode() == 200) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the gateway was not healthy within 30 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
