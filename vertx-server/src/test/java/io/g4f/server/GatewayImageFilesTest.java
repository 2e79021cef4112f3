package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An image an upstream returns as a URL (on its own, internal host) reaches the caller as the gateway's own
 * {@code /images/{file}}: downloaded, stored, served with the same bytes and type; one that cannot be downloaded is a
 * 502; the images directory keeps the newest {@code maxFiles} and serves none older than {@code maxAge}.
 */
@ExtendWith(VertxExtension.class)
class GatewayImageFilesTest {

  private static final byte[] PNG = ScriptedServer.onePixelPng();

  @TempDir
  Path imagesDir;
  private Vertx vertx;
  private ScriptedServer upstream;
  private WebClient http;
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx)
        .on(HttpMethod.GET, "/internal/cat.png", request -> request.response().putHeader("content-type", "image/png")
            .end(Buffer.buffer(PNG)))
        .reply(HttpMethod.GET, "/internal/login.html", 200, "text/html", "<html>sign in</html>")
        .reply(HttpMethod.GET, "/internal/fake.png", 200, "image/png", "not a picture");
    upstreamReturns("/internal/cat.png");
    http = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    http.close();
    upstream.close();
  }

  /** The upstream's image answer: a URL on its own host. */
  private void upstreamReturns(String path) {
    upstream.reply(HttpMethod.POST, "/v1/images/generations", 200, "application/json", new JsonObject()
        .put("created", 1).put("data", new JsonArray().add(new JsonObject().put("url", internal(path)))).encode());
  }

  private String internal(String path) {
    return "http://127.0.0.1:" + upstream.port() + path;
  }

  private int deploy(GatewayOptions options) {
    ClientOptions client = new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0)
        .setImagesDir(imagesDir.toString());
    GatewayVerticle gateway = new GatewayVerticle(options.setPort(0).setClock(clock)
        .addProvider("local", client, List.of()));
    await(vertx.deployVerticle(gateway));
    return gateway.actualPort();
  }

  private HttpResponse<Buffer> generate(int port) {
    return await(http.post(port, "127.0.0.1", "/v1/images/generations")
        .sendJsonObject(new JsonObject().put("model", "dall-e-3").put("prompt", "a white siamese cat")));
  }

  private String generatedUrl(int port) {
    HttpResponse<Buffer> response = generate(port);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("url");
  }

  private HttpResponse<Buffer> get(String url) {
    return await(http.getAbs(url).send());
  }

  @Test
  void anUpstreamsUrlReachesTheCallerAsTheGatewaysOwn() {
    int port = deploy(new GatewayOptions());

    HttpResponse<Buffer> response = generate(port);

    assertThat(response.statusCode()).isEqualTo(200);
    String url = response.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("url");
    assertThat(url).matches("http://127\\.0\\.0\\.1:" + port + "/images/\\d+_[0-9a-f]{8}\\.png");
    assertThat(response.bodyAsString()).as("the upstream's address is not in the answer")
        .doesNotContain(":" + upstream.port()).doesNotContain("/internal/");
    HttpResponse<Buffer> image = get(url);
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(image.getHeader("content-type")).isEqualTo("image/png");
    assertThat(image.body().getBytes()).isEqualTo(PNG);
    assertThat(upstream.received()).extracting(ScriptedServer.Received::uri)
        .containsExactly("/v1/images/generations", "/internal/cat.png");
  }

  @Test
  void theUrlIsBuiltFromTheRequestsHost() {
    int port = deploy(new GatewayOptions());

    JsonObject answer = await(http.post(port, "127.0.0.1", "/v1/images/generations")
        .putHeader("host", "images.example.com").sendJsonObject(new JsonObject().put("prompt", "a cat")))
        .bodyAsJsonObject();

    assertThat(answer.getJsonArray("data").getJsonObject(0).getString("url"))
        .startsWith("http://images.example.com/images/");
  }

  @Test
  void theEventBusAnswersWithTheGatewaysUrlToo() {
    int port = deploy(new GatewayOptions());

    JsonObject answer = await(vertx.eventBus().<JsonObject>request("g4f.images.generate",
        new JsonObject().put("prompt", "a cat"))).body();

    String url = answer.getJsonArray("data").getJsonObject(0).getString("url");
    assertThat(url).startsWith("http://127.0.0.1:" + port + "/images/");
    assertThat(get(url).body().getBytes()).isEqualTo(PNG);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/internal/missing.png | HTTP 404",
      "/internal/login.html  | its content type is text/html, not an image",
      "/internal/fake.png    | it is not a PNG, JPEG, GIF, WebP, BMP, TIFF, HEIC or AVIF image"})
  void anUpstreamImageThatCannotBeDownloadedIsA502(String path, String why) {
    upstreamReturns(path);
    int port = deploy(new GatewayOptions());

    HttpResponse<Buffer> response = generate(port);

    assertThat(response.statusCode()).isEqualTo(502);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
    assertThat(error.getString("type")).isEqualTo("upstream_error");
    assertThat(error.getString("message"))
        .isEqualTo("local returned an image URL that could not be downloaded: " + why);
    assertThat(response.bodyAsString()).doesNotContain(":" + upstream.port());
    assertThat(imagesDir.toFile().list()).isEmpty();
  }

  @Test
  void theNewestMaxFilesAreKept() {
    int port = deploy(new GatewayOptions().setImageMaxFiles(2));

    List<String> urls = List.of(generatedUrl(port), generatedUrl(port), generatedUrl(port));

    assertThat(get(urls.get(0)).statusCode()).isEqualTo(404);
    assertThat(get(urls.get(1)).statusCode()).isEqualTo(200);
    assertThat(get(urls.get(2)).statusCode()).isEqualTo(200);
    assertThat(imagesDir.toFile().list()).hasSize(2);
  }

  @Test
  void anImageOlderThanMaxAgeIsNoLongerServedAndIsDeletedByTheNextAnswer() {
    int port = deploy(new GatewayOptions().setImageMaxAge(60_000));
    String old = generatedUrl(port);
    assertThat(get(old).statusCode()).isEqualTo(200);

    clock.advanceSeconds(61);

    HttpResponse<Buffer> expired = get(old);
    assertThat(expired.statusCode()).isEqualTo(404);
    assertThat(expired.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("image_not_found");
    assertThat(imagesDir.toFile().list()).as("still on disk until the next answer").hasSize(1);
    String fresh = generatedUrl(port);
    assertThat(imagesDir.toFile().list()).containsExactly(fresh.substring(fresh.lastIndexOf('/') + 1));
    assertThat(get(fresh).statusCode()).isEqualTo(200);
  }

  @Test
  void theConfigSetsTheRetentionStrictly() {
    JsonObject config = new JsonObject().put("providers", new JsonArray().add(new JsonObject().put("name", "local")
        .put("type", "openai").put("baseUrl", upstream.baseUrl())));

    GatewayOptions options = new GatewayOptions().applyConfig(config.copy()
        .put("imageRetention", new JsonObject().put("maxFiles", 5).put("maxAge", 30L * 86_400_000)));

    assertThat(options.getImageMaxFiles()).isEqualTo(5);
    assertThat(options.getImageMaxAge()).isEqualTo(30L * 86_400_000);
    assertThat(new GatewayOptions().applyConfig(config.copy()).getImageMaxFiles())
        .isEqualTo(GatewayOptions.DEFAULT_IMAGE_MAX_FILES);
    assertThatThrownBy(() -> new GatewayOptions().applyConfig(config.copy()
        .put("imageRetention", new JsonObject().put("maxFile", 5))))
        .hasMessage("Unknown config key 'imageRetention.maxFile' (did you mean 'maxFiles'?)");
    assertThatThrownBy(() -> new GatewayOptions().applyConfig(config.copy()
        .put("imageRetention", new JsonObject().put("maxAge", 0))))
        .hasMessage("imageRetention.maxAge must be an integer >= 1");
  }
}
