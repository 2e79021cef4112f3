package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.TeamKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Team keys over HTTP: which models a key may use (403), its requests and tokens a minute (429 with
 * Retry-After), the admin key, what never counts, X-Forwarded-For, usage by key name in /metrics, and keys kept
 * out of logs and error bodies. Time is a {@link TestClock}, 30 s into a minute.
 */
@ExtendWith(VertxExtension.class)
class TeamKeysTest {

  static final String ADMIN_KEY = "admin-secret-0001";
  static final String KEY_A = "team-a-secret-0002";
  static final String KEY_B = "team-b-secret-0003";
  static final Instant HALF_PAST = Instant.parse("2026-01-01T10:00:30Z");

  private final TestClock clock = new TestClock(HALF_PAST);
  private Vertx vertx;
  private ScriptedServer upstream;
  private WebClient http;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    http = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  /** Team a: models m1 and smart, the given rpm and tpm (0: none); team b: any model, no limits. */
  static JsonArray keys(int rpm, long tpm) {
    JsonObject a = new JsonObject().put("name", "team-a").put("key", KEY_A).put("models", new JsonArray().add("m1").add("smart"));
    if (rpm > 0) {
      a.put("rpm", rpm);
    }
    if (tpm > 0) {
      a.put("tpm", tpm);
    }
    return new JsonArray().add(a).add(new JsonObject().put("name", "team-b").put("key", KEY_B));
  }

  private int deploy(GatewayOptions options) {
    GatewayVerticle gateway = new GatewayVerticle(options.setPort(0).addProvider("local",
        new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0), List.of("m1", "m2")), clock);
    await(vertx.deployVerticle(gateway));
    return gateway.actualPort();
  }

  private HttpResponse<Buffer> chat(int port, String key, String model) {
    return chat(port, key, new JsonObject().put("model", model).put("messages", "say this is a test"));
  }

  private HttpResponse<Buffer> chat(int port, String key, JsonObject body) {
    HttpRequest<Buffer> request = http.post(port, "127.0.0.1", "/v1/chat/completions");
    if (key != null) {
      request.bearerTokenAuthentication(key);
    }
    return await(request.sendJsonObject(body));
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    assertThat(response.getHeader("content-type")).isEqualTo("application/json");
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  void aModelOutsideTheKeysListIs403PermissionDeniedNamingTheModel() {
    int port = deploy(new GatewayOptions().setTeamKeys(keys(0, 0)));

    HttpResponse<Buffer> refused = chat(port, KEY_A, "m2");
    HttpResponse<Buffer> noModel = chat(port, KEY_A, new JsonObject().put("messages", "hi"));
    HttpResponse<Buffer> images = await(http.post(port, "127.0.0.1", "/v1/images/generations")
        .putHeader("x-api-key", KEY_A).sendJsonObject(new JsonObject().put("prompt", "a cat").put("model", "dall-e-3")));

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(error(refused).getString("type")).isEqualTo("permission_denied");
    assertThat(error(refused).getString("code")).isEqualTo("permission_denied");
    assertThat(error(refused).getString("message")).contains("'m2'");
    assertThat(refused.bodyAsString()).doesNotContain(KEY_A);
    assertThat(noModel.statusCode()).isEqualTo(403);
    assertThat(images.statusCode()).isEqualTo(403);
    assertThat(upstream.received()).isEmpty();
    assertThat(chat(port, KEY_A, "m1").statusCode()).isEqualTo(200);
    assertThat(chat(port, KEY_B, "m2").statusCode()).as("team b may use any model").isEqualTo(200);
    assertThat(chat(port, "team-c-secret", "m1").statusCode()).isEqualTo(401);
    assertThat(chat(port, null, "m1").statusCode()).isEqualTo(401);
  }

  @Test
  void overItsRpmAKeyGets429WithRetryAfterUntilTheNextMinute() {
    int port = deploy(new GatewayOptions().setTeamKeys(keys(2, 0)));

    assertThat(chat(port, KEY_A, "m1").statusCode()).isEqualTo(200);
    assertThat(chat(port, KEY_A, "m1").statusCode()).isEqualTo(200);
    HttpResponse<Buffer> limited = chat(port, KEY_A, "m1");

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.getHeader("retry-after")).isEqualTo("30");
    assertThat(error(limited).getString("type")).isEqualTo("rate_limit_error");
    assertThat(error(limited).getString("code")).isEqualTo("rate_limit_exceeded");
    assertThat(limited.bodyAsString()).doesNotContain(KEY_A);
    assertThat(chat(port, KEY_B, "m1").statusCode()).as("limits are per key name").isEqualTo(200);
    clock.advanceSeconds(30);
    assertThat(chat(port, KEY_A, "m1").statusCode()).as("a new minute").isEqualTo(200);
  }

  @Test
  void overItsTpmAKeyGets429OnceTheMinutesUsageReachedIt() {
    int port = deploy(new GatewayOptions().setTeamKeys(keys(0, 20)));

    assertThat(chat(port, KEY_A, "m1").statusCode()).as("17 tokens").isEqualTo(200);
    HttpResponse<Buffer> streamed = chat(port, KEY_A, new JsonObject().put("model", "m1").put("stream", true)
        .put("messages", "hi"));
    assertThat(streamed.bodyAsString()).as("17 more, counted once though streamed").endsWith("data: [DONE]\n\n");
    HttpResponse<Buffer> limited = chat(port, KEY_A, "m1");

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.getHeader("retry-after")).isEqualTo("30");
    assertThat(error(limited).getString("message")).contains("20 tokens");
    assertThat(upstream.received()).hasSize(2);
    clock.advanceSeconds(60);
    assertThat(chat(port, KEY_A, "m1").statusCode()).isEqualTo(200);
  }

  @Test
  void theAdminKeyAuthenticatesWithFullAccess() {
    int port = deploy(new GatewayOptions().setApiKey(ADMIN_KEY).setTeamKeys(keys(1, 1)));

    for (int i = 0; i < 3; i++) {
      assertThat(chat(port, ADMIN_KEY, "m2").statusCode()).isEqualTo(200);
    }
    assertThat(chat(port, KEY_A, "m1").statusCode()).isEqualTo(200);
    assertThat(chat(port, KEY_A, "m1").statusCode()).isEqualTo(429);
  }

  @Test
  void healthMetricsModelsAndProvidersNeverSpendTheQuota() {
    int port = deploy(new GatewayOptions().setTeamKeys(keys(1, 0)));

    for (int i = 0; i < 5; i++) {
      for (String path : List.of("/health", "/metrics", "/v1/models", "/v1/models/m1", "/v1/providers")) {
        assertThat(await(http.get(port, "127.0.0.1", path).bearerTokenAuthentication(KEY_A).send()).statusCode())
            .as(path).isEqualTo(path.equals("/metrics") || path.equals("/v1/providers") ? 403 : 200);
      }
    }
    assertThat(chat(port, KEY_A, "m1").statusCode()).isEqualTo(200);
    assertThat(chat(port, KEY_A, "m1").statusCode()).isEqualTo(429);
  }

  @Test
  void anOpenGatewayLimitsPerAddressAndTrustsXForwardedForOnlyWhenToldTo() {
    int ignoring = deploy(new GatewayOptions().setRateLimitPerMinute(1));
    int trusting = deploy(new GatewayOptions().setRateLimitPerMinute(1).setTrustForwardedFor(true));

    assertThat(forwarded(ignoring, "10.0.0.1").statusCode()).isEqualTo(200);
    assertThat(forwarded(ignoring, "10.0.0.2").statusCode()).as("one peer, one bucket").isEqualTo(429);
    assertThat(forwarded(trusting, "192.0.2.9, 10.0.0.1").statusCode()).isEqualTo(200);
    assertThat(forwarded(trusting, "10.0.0.2").statusCode()).isEqualTo(200);
    assertThat(forwarded(trusting, "10.0.0.2, 10.0.0.1").statusCode()).as("the last entry is the caller")
        .isEqualTo(429);
  }

  private HttpResponse<Buffer> forwarded(int port, String forwardedFor) {
    return await(http.post(port, "127.0.0.1", "/v1/chat/completions").putHeader("x-forwarded-for", forwardedFor)
        .sendJsonObject(new JsonObject().put("model", "m1").put("messages", "hi")));
  }

  @Test
  void usageByKeyNameIsInMetricsWithoutTheKey() {
    int port = deploy(new GatewayOptions().setApiKey(ADMIN_KEY).setTeamKeys(keys(0, 0)));
    chat(port, KEY_A, "m1");
    chat(port, KEY_A, new JsonObject().put("model", "m1").put("stream", true).put("messages", "hi"));
    chat(port, KEY_A, "m2");
    chat(port, ADMIN_KEY, "m2");

    String metrics = await(http.get(port, "127.0.0.1", "/metrics").bearerTokenAuthentication(ADMIN_KEY).send())
        .bodyAsString();

    assertThat(metrics)
        .contains("g4f_key_requests_total{key=\"team-a\"} 2.0")
        .contains("g4f_key_tokens_total{key=\"team-a\",type=\"input\"} 24.0")
        .contains("g4f_key_tokens_total{key=\"team-a\",type=\"output\"} 10.0")
        .contains("g4f_key_requests_total{key=\"admin\"} 1.0")
        .doesNotContain(KEY_A, ADMIN_KEY, "team-b");
  }

  @Test
  void keysAreNeverLoggedNorInErrorBodies() throws InterruptedException {
    List<String> logged;
    List<String> bodies = new CopyOnWriteArrayList<>();
    try (LogCapture log = LogCapture.record(Main.LogFormat.json)) {
      upstream.reply(HttpMethod.POST, "/v1/images/generations", 500, "application/json", "{\"error\":{\"message\":\"boom\"}}");
      int port = deploy(new GatewayOptions().setApiKey(ADMIN_KEY).setTeamKeys(keys(1, 0)));
      bodies.add(chat(port, KEY_A, "m2").bodyAsString());
      bodies.add(chat(port, KEY_A, "m1").bodyAsString());
      bodies.add(chat(port, KEY_A, "m1").bodyAsString());
      bodies.add(chat(port, KEY_A + "x", "m1").bodyAsString());
      bodies.add(chat(port, ADMIN_KEY, new JsonObject().put("model", "m1").put("messages", new JsonArray().addNull()))
          .bodyAsString());
      bodies.add(await(http.post(port, "127.0.0.1", "/v1/images/generations").bearerTokenAuthentication(KEY_B)
          .sendJsonObject(new JsonObject().put("prompt", "a cat"))).bodyAsString());
      logged = log.rest().stream().map(LogCapture.Line::text).toList();
    }

    assertThat(bodies).hasSize(6).allSatisfy(body -> assertThat(body).doesNotContain(KEY_A, KEY_B, ADMIN_KEY))
        .filteredOn(body -> body.startsWith("{\"error\"")).hasSize(5);
    assertThat(logged).isNotEmpty().noneMatch(line -> line.contains(KEY_A) || line.contains(KEY_B)
        || line.contains(ADMIN_KEY));
    assertThat(new GatewayOptions().setTeamKeys(keys(1, 1)).getTeamKeys().toString()).contains("team-a")
        .doesNotContain(KEY_A, KEY_B);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[{\"name\":\"a\",\"key\":\"k1\",\"budget\":5}]                  | keys[0].budget",
      "[{\"name\":\"a\",\"key\":\"k1\",\"rpm\":\"60\"}]                | keys[0].rpm",
      "[{\"name\":\"a\",\"key\":\"k1\",\"tpm\":0}]                     | keys[0].tpm",
      "[{\"name\":\"a\",\"key\":\"k1\",\"models\":[\"m1\",7]}]         | keys[0].models[1]",
      "[{\"name\":\"a\",\"key\":\"k1\",\"models\":\"m1\"}]             | keys[0].models",
      "[{\"name\":\"a\"}]                                              | keys[0].key",
      "[{\"key\":\"k1\"}]                                              | keys[0].name",
      "[{\"name\":\"a\",\"key\":\"k1\"},{\"name\":\"a\",\"key\":\"k2\"}] | keys[1].name",
      "[{\"name\":\"a\",\"key\":\"k1\"},{\"name\":\"b\",\"key\":\"k1\"}] | keys[1].key",
      "[{\"name\":\"admin\",\"key\":\"k1\"}]                           | keys[0].name",
      "[\"k1\"]                                                        | keys[0]",
  })
  void aBadKeysEntryIsAConfigErrorNamingTheFieldButNeverTheKey(String keys, String field) {
    JsonObject config = new JsonObject().put("providers", new JsonArray().add(new JsonObject().put("name", "local")
        .put("type", "openai").put("baseUrl", "http://127.0.0.1:9/v1"))).put("keys", new JsonArray(keys));

    assertThatThrownBy(() -> new GatewayOptions().applyConfig(config)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + " ").message().doesNotContain("k1", "k2");
  }

  @Test
  void keysAndTrustForwardedForAreReadFromTheConfig() {
    JsonObject config = new JsonObject().put("providers", new JsonArray().add(new JsonObject().put("name", "local")
        .put("type", "openai").put("baseUrl", "http://127.0.0.1:9/v1"))).put("keys", keys(60, 200_000))
        .put("trustForwardedFor", true);

    GatewayOptions options = new GatewayOptions().applyConfig(config);

    assertThat(options.isTrustForwardedFor()).isTrue();
    TeamKeys.TeamKey a = options.getTeamKeys().named("team-a");
    assertThat(a.models()).containsExactlyInAnyOrder("m1", "smart");
    assertThat(a.rpm()).isEqualTo(60);
    assertThat(a.tpm()).isEqualTo(200_000);
    assertThat(options.getTeamKeys().named("team-b").models()).isNull();
    assertThatThrownBy(() -> new GatewayOptions().applyConfig(config.copy().put("trustForwardedFor", "yes")))
        .hasMessageContaining("trustForwardedFor");
  }

  @Test
  void xForwardedForIsTrustedFromTheCommandLineOnlyWhenAsked() {
    Main off = new Main(java.util.Map.of());
    new picocli.CommandLine(off).parseArgs();
    Main on = new Main(java.util.Map.of());
    new picocli.CommandLine(on).parseArgs("--trust-forwarded-for");

    assertThat(off.options().isTrustForwardedFor()).isFalse();
    assertThat(on.options().isTrustForwardedFor()).isTrue();
  }

  @Test
  void aTeamKeyThatIsTheAdminKeyStopsTheStartWithoutQuotingIt() {
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setApiKey(KEY_A)
        .setTeamKeys(keys(0, 0)).addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl()), List.of()));

    assertThatThrownBy(() -> await(vertx.deployVerticle(gateway))).hasMessageContaining("admin key")
        .message().doesNotContain(KEY_A);
  }
}
