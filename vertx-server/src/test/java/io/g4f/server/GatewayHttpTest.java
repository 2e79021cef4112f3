package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway over raw HTTP, in front of a scripted upstream. */
@ExtendWith(VertxExtension.class)
class GatewayHttpTest {

  private static final String TRANSCRIPT = resource("transcripts/openai-chat-stream.txt");
  private static final String KEY = "gateway-key-42";

  private Vertx vertx;
  private ScriptedServer upstream;
  private WebClient http;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    http = WebClient.create(vertx);
    port = deploy(new GatewayOptions().setPort(0));
  }

  private int deploy(GatewayOptions options) {
    ClientOptions client = new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0);
    GatewayVerticle gateway = new GatewayVerticle(options.addProvider("local", client, List.of("m1", "m2")));
    await(vertx.deployVerticle(gateway));
    return gateway.actualPort();
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  private HttpResponse<Buffer> post(String path, String body) {
    return await(http.post(port, "127.0.0.1", path).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    assertThat(response.getHeader("content-type")).isEqualTo("application/json");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
    return error;
  }

  @Test
  void aCompletionIsOpenAiShaped() {
    HttpResponse<Buffer> response = post("/v1/chat/completions",
        "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"say this is a test\"}]}");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject completion = response.bodyAsJsonObject();
    assertThat(completion.getString("object")).isEqualTo("chat.completion");
    assertThat(completion.getString("id")).isEqualTo("chatcmpl-123");
    assertThat(completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message"))
        .isEqualTo(new JsonObject().put("role", "assistant").put("content", "This is a test.")
            .put("annotations", new JsonArray()));
    assertThat(completion.getString("service_tier")).isEqualTo("default");
    assertThat(completion.getJsonObject("usage").getInteger("total_tokens")).isEqualTo(17);
    assertThat(upstream.last().json().getString("model")).isEqualTo("m1");
    assertThat(upstream.last().json().getBoolean("stream")).isFalse();
  }

  @Test
  void aStreamIsServerSentEventsEndingWithDone() {
    HttpResponse<Buffer> response = post("/v1/chat/completions",
        "{\"model\":\"m1\",\"stream\":true,\"messages\":\"say this is a test\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("content-type")).isEqualTo("text/event-stream");
    String[] events = response.bodyAsString().split("\n\n");
    assertThat(events).hasSize(6); // the upstream's usage chunk is withheld: the caller did not ask for it
    assertThat(events[5]).isEqualTo("data: [DONE]");
    assertThat(response.bodyAsString()).doesNotContain("\"usage\"");
    JsonObject second = new JsonObject(events[1].substring("data: ".length()));
    assertThat(second.getString("object")).isEqualTo("chat.completion.chunk");
    assertThat(second.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("content"))
        .isEqualTo("This");
    assertThat(upstream.last().json().getBoolean("stream")).isTrue();
    assertThat(upstream.last().json().getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
  }

  @Test
  void eventStreamsAreNeverCompressedAndJsonAnswersAreWhenAsked() {
    for (String[] streamed : new String[][] {
        {"/v1/chat/completions", "{\"model\":\"m1\",\"stream\":true,\"messages\":\"say this is a test\"}"},
        {"/v1/responses", "{\"model\":\"m1\",\"stream\":true,\"input\":\"say this is a test\"}"},
        {"/v1/messages", "{\"model\":\"m1\",\"stream\":true,\"max_tokens\":9,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"say this is a test\"}]}"}}) {
      HttpResponse<Buffer> stream = await(http.post(port, "127.0.0.1", streamed[0])
          .putHeader("content-type", "application/json").putHeader("accept-encoding", "gzip, deflate")
          .sendBuffer(Buffer.buffer(streamed[1])));

      assertThat(stream.statusCode()).as(streamed[0]).isEqualTo(200);
      assertThat(stream.getHeader("content-encoding")).as(streamed[0]).isNull();
      assertThat(stream.bodyAsString()).as(streamed[0]).contains("\n\n").containsAnyOf("data: {", "event: ");
    }
    HttpResponse<Buffer> whole = await(http.post(port, "127.0.0.1", "/v1/chat/completions")
        .putHeader("content-type", "application/json").putHeader("accept-encoding", "gzip")
        .sendBuffer(Buffer.buffer("{\"model\":\"m1\",\"messages\":\"say this is a test\"}")));

    assertThat(whole.getHeader("content-encoding")).isEqualTo("gzip");
  }

  @Test
  void anUpstreamErrorAfterTheFirstByteIsAnErrorEvent() {
    upstream.sse("/v1/chat/completions",
        "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
            + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");

    String[] events = post("/v1/chat/completions", "{\"model\":\"m1\",\"stream\":true,\"messages\":\"hi\"}")
        .bodyAsString().split("\n\n");

    assertThat(events).hasSize(3);
    JsonObject error = new JsonObject(events[1].substring("data: ".length())).getJsonObject("error");
    assertThat(error.getString("message")).contains("overloaded");
    assertThat(events[2]).isEqualTo("data: [DONE]");
  }

  @Test
  void malformedJsonIs400() {
    HttpResponse<Buffer> response = post("/v1/chat/completions", "{\"model\":");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).getString("type")).isEqualTo("invalid_request_error");
  }

  @Test
  void aWrongTypedFieldIs400WithItsParam() {
    HttpResponse<Buffer> response = post("/v1/chat/completions",
        "{\"model\":\"m1\",\"temperature\":\"hot\",\"messages\":\"hi\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).getString("param")).isEqualTo("temperature");
  }

  @Test
  void missingMessagesIs400WithItsParam() {
    HttpResponse<Buffer> response = post("/v1/chat/completions", "{\"model\":\"m1\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).getString("param")).isEqualTo("messages");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aBodyThatIsNotAnObjectIs400() {
    assertThat(post("/v1/chat/completions", "[1,2]").statusCode()).isEqualTo(400);
    assertThat(post("/v1/chat/completions", "").statusCode()).isEqualTo(400);
  }

  @Test
  void unknownRoutesWrongMethodsAndLargeBodiesGetOpenAiErrors() {
    HttpResponse<Buffer> unknown = await(http.get(port, "127.0.0.1", "/v1/nothing").send());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(error(unknown).getString("code")).isEqualTo("unknown_url");

    HttpResponse<Buffer> wrongMethod = await(http.get(port, "127.0.0.1", "/v1/chat/completions").send());
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    error(wrongMethod);

    int small = deploy(new GatewayOptions().setPort(0).setBodyLimit(100));
    HttpResponse<Buffer> large = await(http.post(small, "127.0.0.1", "/v1/chat/completions")
        .sendBuffer(Buffer.buffer("{\"messages\":\"" + "x".repeat(500) + "\"}")));
    assertThat(large.statusCode()).isEqualTo(413);
    error(large);
  }

  @Test
  void upstreamStatusesMapToGatewayStatuses() {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> request.response().setStatusCode(429)
        .putHeader("retry-after", "7").putHeader("content-type", "application/json")
        .end("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"));

    HttpResponse<Buffer> response = post("/v1/chat/completions", "{\"model\":\"m1\",\"messages\":\"hi\"}");

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.getHeader("retry-after")).isEqualTo("7");
    assertThat(error(response).getString("code")).isEqualTo("rate_limit_exceeded");

    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 500, "text/plain", "boom");
    assertThat(post("/v1/chat/completions", "{\"model\":\"m1\",\"messages\":\"hi\"}").statusCode()).isEqualTo(502);
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 401, "application/json", "{\"error\":\"bad key\"}");
    assertThat(post("/v1/chat/completions", "{\"model\":\"m1\",\"messages\":\"hi\"}").statusCode()).isEqualTo(401);
  }

  @Test
  void anApiKeyGuardsEveryRouteButHealth() {
    int guarded = deploy(new GatewayOptions().setPort(0).setApiKey(KEY));
    String body = "{\"model\":\"m1\",\"messages\":\"hi\"}";

    HttpResponse<Buffer> anonymous = await(http.post(guarded, "127.0.0.1", "/v1/chat/completions")
        .sendBuffer(Buffer.buffer(body)));
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(error(anonymous).getString("message")).doesNotContain(KEY);
    assertThat(await(http.get(guarded, "127.0.0.1", "/v1/models").putHeader("authorization", "Bearer wrong")
        .send()).statusCode()).isEqualTo(401);
    assertThat(await(http.post(guarded, "127.0.0.1", "/v1/chat/completions").putHeader("authorization", "Bearer " + KEY)
        .sendBuffer(Buffer.buffer(body))).statusCode()).isEqualTo(200);
    assertThat(await(http.get(guarded, "127.0.0.1", "/v1/models").putHeader("x-api-key", KEY).send()).statusCode())
        .isEqualTo(200);
    assertThat(await(http.get(guarded, "127.0.0.1", "/v1/models").putHeader("g4f-api-key", KEY).send()).statusCode())
        .isEqualTo(200);
    assertThat(await(http.get(guarded, "127.0.0.1", "/health").send()).statusCode()).isEqualTo(200);
  }

  @Test
  void modelsAreListed() {
    JsonObject list = await(http.get(port, "127.0.0.1", "/v1/models").send()).bodyAsJsonObject();

    assertThat(list.getString("object")).isEqualTo("list");
    assertThat(list.getJsonArray("data")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("id", "m1").put("object", "model").put("created", 0).put("owned_by", "local")
            .put("embeddings", false))
        .add(new JsonObject().put("id", "m2").put("object", "model").put("created", 0).put("owned_by", "local")
            .put("embeddings", false)));
    assertThat(await(http.get(port, "127.0.0.1", "/v1/models/m2").send()).bodyAsJsonObject().getString("id"))
        .isEqualTo("m2");
    HttpResponse<Buffer> missing = await(http.get(port, "127.0.0.1", "/v1/models/nope").send());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(error(missing).getString("code")).isEqualTo("model_not_found");
  }

  @Test
  void requestsGoToTheProviderThatListsTheirModel() {
    ScriptedServer other = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    int routed = deploy(new GatewayOptions().setPort(0)
        .addProvider("other", new ClientOptions().setBaseUrl(other.baseUrl()).setMaxRetries(0), List.of("o1")));

    assertThat(await(http.post(routed, "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(new JsonObject().put("model", "o1").put("messages", "hi"))).statusCode()).isEqualTo(200);
    assertThat(await(http.post(routed, "127.0.0.1", "/v1/chat/completions")
        .sendJsonObject(new JsonObject().put("model", "m2").put("messages", "hi"))).statusCode()).isEqualTo(200);
    assertThat(other.received()).hasSize(1);
    assertThat(other.last().json().getString("model")).isEqualTo("o1");
    assertThat(upstream.received()).hasSize(1);
    assertThat(upstream.last().json().getString("model")).isEqualTo("m2");
    other.close();
  }

  @Test
  void anUnknownModelIs404WhenTheDefaultProviderListsItsModels() {
    HttpResponse<Buffer> response = post("/v1/chat/completions", "{\"model\":\"gpt-unknown\",\"messages\":\"hi\"}");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(error(response).getString("code")).isEqualTo("model_not_found");
    assertThat(error(response).getString("param")).isEqualTo("model");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aProviderCanBeNamedInThePath() {
    HttpResponse<Buffer> named = post("/api/LOCAL/chat/completions", "{\"model\":\"anything\",\"messages\":\"hi\"}");
    assertThat(named.statusCode()).isEqualTo(200);
    assertThat(upstream.last().json().getString("model")).isEqualTo("anything");

    HttpResponse<Buffer> unknown = post("/api/nope/chat/completions", "{\"messages\":\"hi\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(error(unknown).getString("message")).contains("nope").contains("local");
  }

  @Test
  void aProviderCanBeNamedInTheBodyAsG4fDoes() {
    HttpResponse<Buffer> named = post("/v1/chat/completions",
        "{\"provider\":\"Local\",\"model\":\"anything\",\"messages\":\"hi\"}");
    assertThat(named.statusCode()).isEqualTo(200);
    assertThat(upstream.last().json().getString("model")).isEqualTo("anything");
    assertThat(upstream.last().json().fieldNames()).doesNotContain("provider");

    HttpResponse<Buffer> unknown = post("/v1/chat/completions", "{\"provider\":\"nope\",\"messages\":\"hi\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  void providersAreListed() {
    JsonObject providers = await(http.get(port, "127.0.0.1", "/v1/providers").send()).bodyAsJsonObject();

    assertThat(providers.getJsonArray("data")).isEqualTo(new JsonArray().add(new JsonObject().put("id", "local")
        .put("object", "provider").put("models", new JsonArray().add("m1").add("m2")).put("default", true)
        .put("images", true).put("targets", new JsonArray())));
  }

  @Test
  void imagesAreGenerated() {
    upstream.reply(HttpMethod.POST, "/v1/images/generations", 200, "application/json",
        "{\"created\":1,\"data\":[{\"b64_json\":\"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQ"
            + "IAX8jx0gAAAABJRU5ErkJggg==\"}]}");

    HttpResponse<Buffer> response = await(http.post(port, "127.0.0.1", "/v1/images/generations")
        .putHeader("content-type", "application/json").putHeader("x-request-id", "img-1")
        .sendBuffer(Buffer.buffer("{\"model\":\"dall-e-3\",\"prompt\":\"a cat\"}")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("url"))
        .startsWith("http://127.0.0.1:" + port + "/images/").endsWith(".png");
    assertThat(upstream.last().headers().get("x-request-id")).isEqualTo("img-1");
  }

  @Test
  void aClientThatDisconnectsCancelsTheUpstream() throws Exception {
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> request.response().setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .write("data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"));
    HttpClient raw = vertx.createHttpClient();
    CompletableFuture<Buffer> firstBytes = new CompletableFuture<>();
    await(raw.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port)
            .setHost("127.0.0.1").setURI("/v1/chat/completions"))
        .compose(request -> request.send("{\"model\":\"m1\",\"stream\":true,\"messages\":\"hi\"}"))
        .map(response -> response.handler(firstBytes::complete)));
    assertThat(firstBytes.get(10, TimeUnit.SECONDS).toString()).startsWith("data: ");

    await(raw.close());

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (upstream.closedConnections() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(upstream.closedConnections()).isEqualTo(1);
  }

  @Test
  void wholeAnswerCallersWhoLeaveCloseTheirUpstreamRequests() throws Exception {
    java.util.concurrent.atomic.AtomicInteger arrived = new java.util.concurrent.atomic.AtomicInteger();
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> arrived.incrementAndGet());
    HttpClient callers = vertx.createHttpClient(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(20));
    for (int i = 0; i < 20; i++) {
      callers.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port).setHost("127.0.0.1")
              .setURI("/v1/chat/completions").putHeader("content-type", "application/json"))
          .onSuccess(request -> request.end("{\"model\":\"m1\",\"messages\":\"hi\"}"));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (arrived.get() < 20 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(arrived.get()).as("whole answers waiting upstream").isEqualTo(20);
    int closedBefore = upstream.closedConnections();

    await(callers.close());

    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (upstream.closedConnections() < closedBefore + 20 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(upstream.closedConnections() - closedBefore).as("upstream requests closed").isEqualTo(20);
    assertThat(upstream.received()).as("nothing retried or sent elsewhere").hasSize(20);
  }
}
