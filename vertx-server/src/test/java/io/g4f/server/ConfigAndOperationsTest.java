package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.ConfigFile;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What an operator meets at start and at stop: environment variables in the config file, a key given twice, a team
 * key naming an unknown model or equal to the operator key (each a start error, exit 2, naming the field), and the
 * liveness probe staying up while the gateway drains.
 */
@ExtendWith(VertxExtension.class)
class ConfigAndOperationsTest {

  private static final String PROVIDER = "{\"name\":\"oai\",\"type\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\","
      + "\"models\":[\"mock-gpt\"]}";

  @Test
  void variablesInAnyStringValueComeFromTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("g4f.json"), "{\"providers\":[{\"name\":\"oai\",\"type\":\"openai\","
        + "\"baseUrl\":\"${BASE_URL:-http://127.0.0.1:9/v1}\",\"apiKey\":\"${MY_OPENAI_KEY}\","
        + "\"models\":[\"price-$${literal}\"]}]}");

    JsonObject config = ConfigFile.read(file, Map.of("MY_OPENAI_KEY", "sk-from-env"));

    JsonObject provider = config.getJsonArray("providers").getJsonObject(0);
    assertThat(provider.getString("apiKey")).isEqualTo("sk-from-env");
    assertThat(provider.getString("baseUrl")).isEqualTo("http://127.0.0.1:9/v1");
    assertThat(provider.getJsonArray("models").getString(0)).isEqualTo("price-${literal}");
    assertThatThrownBy(() -> ConfigFile.read(file, Map.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("providers[0].apiKey names the environment variable MY_OPENAI_KEY, which is not set (give it a "
            + "default with ${MY_OPENAI_KEY:-default})");
  }

  @Test
  void aKeyGivenTwiceInOneObjectIsAStartError(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("g4f.json"), "{\"providers\":[{\"name\":\"oai\",\"type\":\"openai\","
        + "\"apiKey\":\"first\",\n\"apiKey\":\"second\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}]}");

    assertThat(start(file)).contains("Invalid configuration: ").contains("Duplicate field 'apiKey'")
        .contains("line 2");
  }

  @Test
  void aTeamKeyNamingAnUnknownModelIsAStartError(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("g4f.json"), "{\"providers\":[" + PROVIDER + "],\"keys\":[{\"name\":"
        + "\"team-a\",\"key\":\"sk-team-a\",\"models\":[\"mokc-gpt\"]}]}");

    assertThat(start(file)).contains("Invalid configuration: keys[0].models names 'mokc-gpt', which is not a "
        + "configured model or model group (did you mean 'mock-gpt'?)");
  }

  @Test
  void aTeamKeyEqualToTheOperatorKeyIsAStartError(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("g4f.json"), "{\"providers\":[" + PROVIDER + "],\"keys\":[{\"name\":"
        + "\"team-a\",\"key\":\"sk-same\"}]}");

    String err = start(file, "--api-key", "sk-same");

    assertThat(err).contains("Invalid configuration: keys[0].key is the operator key (--api-key)")
        .doesNotContain("sk-same");
  }

  /** Runs {@code Main} with {@code file} and {@code flags}, expecting exit code 2; what it wrote to standard error. */
  private static String start(Path file, String... flags) {
    StringWriter err = new StringWriter();
    String[] args = new String[flags.length + 4];
    args[0] = "--port";
    args[1] = "0";
    args[2] = "--config";
    args[3] = file.toString();
    System.arraycopy(flags, 0, args, 4, flags.length);
    int exit = new CommandLine(new Main(Map.of())).setErr(new PrintWriter(err, true))
        .setOut(new PrintWriter(new StringWriter(), true)).execute(args);
    assertThat(exit).as(err.toString()).isEqualTo(2);
    return err.toString();
  }

  @Test
  void theLivenessProbeStaysUpWhileTheGatewayDrains(Vertx vertx) {
    ScriptedServer upstream = ScriptedServer.start(vertx);
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> request.response().setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .write("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m1\",\"choices\":"
            + "[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"));
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setShutdownTimeout(3_000)
        .addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl()), List.of("m1")));
    await(vertx.deployVerticle(gateway));
    int port = gateway.actualPort();
    HttpClient client = vertx.createHttpClient();
    // a probe opens a connection of its own; a kept-alive one may belong to an event loop whose front has drained
    WebClient http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
    try {
      HttpClientRequest stream = await(client.request(new RequestOptions().setMethod(HttpMethod.POST)
          .setHost("127.0.0.1").setPort(port).setURI("/v1/chat/completions")
          .putHeader("content-type", "application/json")));
      Promise<Void> first = Promise.promise();
      stream.response().onSuccess(response -> response.handler(data -> first.tryComplete()));
      stream.end(Buffer.buffer("{\"model\":\"m1\",\"stream\":true,\"messages\":\"hi\"}"));
      await(first.future());

      Future<Void> stopped = vertx.undeploy(gateway.deploymentID());
      for (int probe = 0; probe < 6; probe++) { // on fresh connections, spread over the event loops' fronts
        assertThat(await(http.get(port, "127.0.0.1", "/health/live").send()).statusCode()).isEqualTo(200);
      }
      HttpResponse<Buffer> live = await(http.get(port, "127.0.0.1", "/health/live").send());
      HttpResponse<Buffer> ready = await(http.get(port, "127.0.0.1", "/health/ready").send());
      HttpResponse<Buffer> models = await(http.get(port, "127.0.0.1", "/v1/models").send());

      assertThat(stopped.isComplete()).as("still draining").isFalse();
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(models.statusCode()).isEqualTo(503);
      stream.connection().close();
      await(stopped);
    } finally {
      http.close();
      await(client.close());
      upstream.close();
    }
  }
}
