package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.LedgerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The gateway refuses a caller's image URL that would make it fetch a loopback, link-local or private address
 * (here for an OllamaNative upstream, which takes bytes, so the gateway downloads image URLs): a 400 naming the host
 * and why, in each API's own error shape, before the upstream is called; {@code allowedPrivateImageHosts} (config
 * or flag) lets a host through. Every server here is on 127.0.0.1, so a refused URL would otherwise be fetched.
 */
@ExtendWith(VertxExtension.class)
class GatewayImageUrlGuardTest {

  private static final byte[] PNG = ScriptedServer.onePixelPng();

  private Vertx vertx;
  private ScriptedServer ollama;
  private WebClient http;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    ollama = ScriptedServer.start(vertx)
        .chat("/api/chat", "application/x-ndjson", resource("transcripts/ollama-chat-stream.ndjson"),
            resource("transcripts/ollama-chat.json"))
        .on(HttpMethod.GET, "/cat.png", request -> request.response().putHeader("content-type", "image/png")
            .end(Buffer.buffer(PNG)));
    http = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    http.close();
    ollama.close();
  }

  /** The gateway's config: one OllamaNative provider, {@code local}, plus {@code extra} top-level keys. */
  private JsonObject config(Map<String, Object> extra) {
    JsonObject config = new JsonObject().put("providers", new JsonArray().add(new JsonObject().put("name", "local")
        .put("type", "OllamaNative").put("baseUrl", "http://127.0.0.1:" + ollama.port())));
    extra.forEach(config::put);
    return config;
  }

  private int deploy(GatewayOptions options) {
    GatewayVerticle gateway = new GatewayVerticle(options.setPort(0));
    await(vertx.deployVerticle(gateway));
    return gateway.actualPort();
  }

  private String image(String host) {
    return "http://" + host + ":" + ollama.port() + "/cat.png";
  }

  private HttpResponse<Buffer> post(int port, String path, JsonObject body) {
    return await(http.post(port, "127.0.0.1", path).putHeader("anthropic-version", "2023-06-01")
        .sendJsonObject(body));
  }

  private static JsonObject chat(String imageUrl, boolean stream) {
    return new JsonObject().put("model", "llava").put("stream", stream).put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "what is this?"))
            .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", imageUrl))))));
  }

  private static JsonObject openAiError(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
    assertThat(error.getString("type")).isEqualTo("invalid_request_error");
    assertThat(error.getString("code")).isEqualTo("invalid_image_url");
    return error;
  }

  @Test
  void chatCompletionsRefuseALoopbackImageUrlWholeAndStreamed() {
    int port = deploy(new GatewayOptions().applyConfig(config(Map.of())));

    for (boolean stream : List.of(false, true)) {
      JsonObject error = openAiError(post(port, "/v1/chat/completions", chat(image("127.0.0.1"), stream)));

      assertThat(error.getString("message")).startsWith("The image URL's host 127.0.0.1 is a loopback address");
    }
    assertThat(ollama.received()).as("neither the image nor Ollama was asked").isEmpty();
  }

  @Test
  void responsesRefuseAnInputImageWhoseHostResolvesToLoopback() {
    int port = deploy(new GatewayOptions().applyConfig(config(Map.of())));

    JsonObject error = openAiError(post(port, "/v1/responses", new JsonObject().put("model", "llava")
        .put("input", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "input_text").put("text", "what is this?"))
            .add(new JsonObject().put("type", "input_image").put("image_url", image("localhost"))))))));

    assertThat(error.getString("message")).contains("host localhost resolves to 127.0.0.1, a loopback address");
    assertThat(ollama.received()).isEmpty();
  }

  @Test
  void messagesRefuseAnImageUrlSourceAtTheCloudMetadataAddress() {
    int port = deploy(new GatewayOptions().applyConfig(config(Map.of())));

    HttpResponse<Buffer> response = post(port, "/v1/messages", new JsonObject().put("model", "llava")
        .put("max_tokens", 100).put("messages", new JsonArray().add(new JsonObject().put("role", "user")
            .put("content", new JsonArray()
                .add(new JsonObject().put("type", "image").put("source", new JsonObject().put("type", "url")
                    .put("url", "http://169.254.169.254/latest/meta-data/iam/security-credentials/")))
                .add(new JsonObject().put("type", "text").put("text", "what is this?"))))));

    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("type")).isEqualTo("error");
    assertThat(body.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
    assertThat(body.getJsonObject("error").getString("message"))
        .startsWith("The image URL's host 169.254.169.254 is a link-local address");
    assertThat(ollama.received()).isEmpty();
  }

  @Test
  void theConfigsAllowListLetsOneHostThroughAndNoOther() {
    int port = deploy(new GatewayOptions().applyConfig(config(Map.of("allowedPrivateImageHosts",
        new JsonArray().add("localhost")))));

    HttpResponse<Buffer> allowed = post(port, "/v1/chat/completions", chat(image("localhost"), false));
    HttpResponse<Buffer> other = post(port, "/v1/chat/completions", chat(image("127.0.0.1"), false));

    assertThat(allowed.statusCode()).as(allowed.bodyAsString()).isEqualTo(200);
    assertThat(ollama.received()).extracting(ScriptedServer.Received::uri).containsExactly("/cat.png", "/api/chat");
    assertThat(ollama.last().json().getJsonArray("messages").getJsonObject(0).getJsonArray("images"))
        .isEqualTo(new JsonArray().add(Base64.getEncoder().encodeToString(PNG)));
    assertThat(openAiError(other).getString("message")).contains("127.0.0.1 is a loopback address");
  }

  @Test
  void theFlagReplacesTheConfigsAllowList(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("g4f.json"), config(Map.of("allowedPrivateImageHosts",
        new JsonArray().add("images.internal"))).encode());
    Main main = new Main(Map.of());
    new CommandLine(main).parseArgs("--config", file.toString(), "--allowed-private-image-hosts", "127.0.0.0/8,::1");

    GatewayOptions options = main.options().setLedger(new LedgerOptions().setFile(dir.resolve("ledger")));
    int port = deploy(options);

    assertThat(options.getAllowedPrivateImageHosts()).containsExactly("127.0.0.0/8", "::1");
    assertThat(post(port, "/v1/chat/completions", chat(image("127.0.0.1"), false)).statusCode()).isEqualTo(200);
  }

  @Test
  void aWrongAllowListEntryStopsTheStartNamingIt() {
    assertThatThrownBy(() -> new GatewayOptions().applyConfig(config(Map.of("allowedPrivateImageHosts",
        new JsonArray().add("10.0.0.0/40")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("allowedPrivateImageHosts: '10.0.0.0/40' is not an IP address or a CIDR range");
    assertThatThrownBy(() -> new GatewayOptions().applyConfig(config(Map.of("allowedPrivateImageHost",
        new JsonArray()))))
        .hasMessage("Unknown config key 'allowedPrivateImageHost' (did you mean 'allowedPrivateImageHosts'?)");
  }
}
