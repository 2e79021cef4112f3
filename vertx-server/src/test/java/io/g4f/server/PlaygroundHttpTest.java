package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.http.Playground;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The playground's page and assets over plain HTTP: types, caching, CSP, public access, and the flag that turns it off. */
@ExtendWith(VertxExtension.class)
class PlaygroundHttpTest {

  private Vertx vertx;
  private WebClient http;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    http = WebClient.create(vertx);
  }

  private int deploy(GatewayOptions options) {
    // The upstream is never called here: these routes are served by the gateway alone.
    GatewayVerticle gateway = new GatewayVerticle(options.setPort(0)
        .addProvider("local", new ClientOptions().setBaseUrl("http://127.0.0.1:9/v1"), List.of("m1")));
    await(vertx.deployVerticle(gateway));
    return gateway.actualPort();
  }

  private HttpResponse<Buffer> get(int port, String path) {
    return await(http.get(port, "127.0.0.1", path).send());
  }

  @Test
  void thePageIsHtmlRevalidatedOnEveryLoadWithAStrictContentSecurityPolicy() {
    int port = deploy(new GatewayOptions());

    HttpResponse<Buffer> page = get(port, "/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("content-type")).isEqualToIgnoringCase("text/html;charset=UTF-8");
    assertThat(page.getHeader("cache-control")).isEqualTo("no-cache");
    assertThat(page.getHeader("last-modified")).isNotNull();
    assertThat(page.getHeader("x-content-type-options")).isEqualTo("nosniff");
    String csp = page.getHeader("content-security-policy");
    assertThat(csp).startsWith("default-src 'self'").contains("script-src 'self';").contains("img-src 'self' data: blob:;")
        .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
    String html = page.bodyAsString();
    assertThat(html).contains("<script src=\"/playground/app.js\" defer></script>")
        .doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContainPattern("\\son[a-z]+=").doesNotContain("http://")
        .doesNotContain("https://");

    HttpResponse<Buffer> again = await(http.get(port, "127.0.0.1", "/")
        .putHeader("if-modified-since", page.getHeader("last-modified")).send());
    assertThat(again.statusCode()).isEqualTo(304);
  }

  @Test
  void assetsHaveTheirTypesAndAShortMaxAge() {
    int port = deploy(new GatewayOptions());

    HttpResponse<Buffer> script = get(port, "/playground/app.js");
    HttpResponse<Buffer> styles = get(port, "/playground/app.css");

    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.getHeader("content-type")).matches("(text|application)/javascript(;charset=UTF-8)?");
    assertThat(script.getHeader("cache-control")).isEqualTo("public, max-age=" + Playground.ASSET_MAX_AGE);
    assertThat(script.bodyAsString()).doesNotContain("innerHTML").doesNotContain("eval(");
    assertThat(styles.getHeader("content-type")).isEqualToIgnoringCase("text/css;charset=UTF-8");
    HttpResponse<Buffer> missing = get(port, "/playground/nope.js");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.getHeader("cache-control")).isNull();
    assertThat(get(port, "/playground/../GatewayVerticle.class").statusCode()).isEqualTo(404);
  }

  @Test
  void withAnApiKeyThePageIsPublicButTheApiIsNot() {
    int port = deploy(new GatewayOptions().setApiKey("secret"));

    assertThat(get(port, "/").statusCode()).isEqualTo(200);
    assertThat(get(port, "/playground/app.js").statusCode()).isEqualTo(200);
    assertThat(get(port, "/v1/models").statusCode()).isEqualTo(401);
    assertThat(get(port, "/v1/providers").statusCode()).isEqualTo(401);
  }

  @Test
  void itCanBeTurnedOff() {
    int port = deploy(new GatewayOptions().setPlayground(false));

    HttpResponse<Buffer> page = get(port, "/");
    assertThat(page.statusCode()).isEqualTo(404);
    assertThat(page.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unknown_url");
    assertThat(get(port, "/playground/app.js").statusCode()).isEqualTo(404);
  }

  @Test
  void theNoPlaygroundFlagTurnsItOff() {
    Main plain = new Main(Map.of());
    new picocli.CommandLine(plain).parseArgs();
    Main off = new Main(Map.of());
    new picocli.CommandLine(off).parseArgs("--no-playground");

    assertThat(plain.options().isPlayground()).isEqualTo(GatewayOptions.DEFAULT_PLAYGROUND).isTrue();
    assertThat(off.options().isPlayground()).isFalse();
  }
}
