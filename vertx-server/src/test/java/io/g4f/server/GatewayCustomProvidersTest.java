package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** A config provider's {@code type} may name a provider class or a provider found with ServiceLoader. */
@ExtendWith(VertxExtension.class)
class GatewayCustomProvidersTest {

  /** Not a usable provider: its only constructor takes an argument. */
  public static class NeedsAnArgument extends ConfiguredProvider {
    public NeedsAnArgument(String argument) {
    }
  }

  /** Not a usable provider: its constructor fails. */
  public static class FailsToStart extends ConfiguredProvider {
    public FailsToStart() {
      throw new IllegalStateException("no licence");
    }
  }

  /** Not a usable provider: its name is a built-in provider's. */
  public static class Impostor extends ConfiguredProvider {
    @Override
    public String name() {
      return "OpenAI";
    }
  }

  private static GatewayOptions apply(String providers) {
    return new GatewayOptions().setPort(0).applyConfig(new JsonObject(("{'providers':[" + providers + "]}")
        .replace('\'', '"')));
  }

  /** Asks {@code gateway} for a whole answer from the configured provider {@code name}. */
  private static JsonObject ask(Vertx vertx, GatewayOptions options, String name) {
    GatewayVerticle gateway = new GatewayVerticle(options);
    await(vertx.deployVerticle(gateway));
    WebClient http = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> response = await(http.post(gateway.actualPort(), "127.0.0.1", "/api/" + name
          + "/chat/completions").sendJsonObject(new JsonObject().put("model", "any")
          .put("messages", new JsonArray().add(new JsonObject().put("role", "user")
              .put("content", "hello there")))));
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      return response.bodyAsJsonObject();
    } finally {
      http.close();
    }
  }

  private static String content(JsonObject completion) {
    return completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
  }

  @Test
  void aProviderClassIsMadeOnceAndGetsTheConfiguredBaseUrlAndKey(Vertx vertx) {
    GatewayOptions options = apply("{'name':'mine','type':'io.g4f.server.ConfiguredProvider',"
        + "'baseUrl':'http://127.0.0.1:9/v1','apiKey':'k-123'}");

    JsonObject completion = ask(vertx, options, "mine");

    assertThat(content(completion)).isEqualTo("http://127.0.0.1:9/v1 k-123");
    assertThat(completion.getString("provider")).as("the gateway names its configured provider").isEqualTo("mine");
    assertThat(options.getProviderRegistry().get("Configured")).isInstanceOf(ConfiguredProvider.class);
  }

  @Test
  void aProviderFoundWithServiceLoaderIsNamedByItsName(Vertx vertx) {
    GatewayOptions options = apply("{'name':'echo','type':'serviceecho'}");

    assertThat(content(ask(vertx, options, "echo"))).isEqualTo("hello there");
  }

  @Test
  void anImageProviderMustMakeImagesWhateverItsType() {
    assertThatThrownBy(() -> new GatewayOptions().applyConfig(new JsonObject(("{'providers':[{'name':'mine',"
        + "'type':'io.g4f.server.ConfiguredProvider'}],'imageProvider':'mine'}").replace('\'', '"'))))
        .hasMessageStartingWith("imageProvider 'mine' makes no images (its type is Configured)");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "com.example.Missing | providers[0].type 'com.example.Missing': no such class on the class path",
      "java.lang.String | providers[0].type 'java.lang.String' is not a provider: it does not implement io.g4f.client.spi.Provider",
      "io.g4f.server.GatewayCustomProvidersTest$NeedsAnArgument | providers[0].type 'io.g4f.server.GatewayCustomProvidersTest$NeedsAnArgument' needs a public no-argument constructor",
      "io.g4f.client.spi.toolkit.AbstractProvider | providers[0].type 'io.g4f.client.spi.toolkit.AbstractProvider' needs a public no-argument constructor",
      "io.g4f.server.GatewayCustomProvidersTest$FailsToStart | providers[0].type 'io.g4f.server.GatewayCustomProvidersTest$FailsToStart' could not be made: java.lang.IllegalStateException: no licence",
      "io.g4f.server.GatewayCustomProvidersTest$Impostor | providers[0].type 'io.g4f.server.GatewayCustomProvidersTest$Impostor' is a provider named 'OpenAI', which is already the name of ",
      "Quil | providers[0].type 'Quil' is not supported (supported: openai, OpenAI,",
  })
  void aTypeThatNamesNoUsableProviderIsRefusedNamingTheFieldAndTheClass(String type, String message) {
    assertThatThrownBy(() -> apply("{'name':'mine','type':'" + type + "'}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
  }

  @Test
  void mainStopsAtOnceNamingAMissingProviderClass(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("g4f.json"),
        "{\"providers\":[{\"name\":\"mine\",\"type\":\"com.example.MissingProvider\"}]}");
    StringWriter err = new StringWriter();

    int exit = new CommandLine(new Main(Map.of())).setErr(new PrintWriter(err, true))
        .setOut(new PrintWriter(new StringWriter(), true)).execute("--port", "0", "--config", config.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("Invalid configuration: providers[0].type 'com.example.MissingProvider': "
        + "no such class on the class path");
  }
}
