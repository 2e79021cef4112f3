package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static io.g4f.server.DialectTesting.assertGoldenEvents;
import static io.g4f.server.DialectTesting.assertGoldenJson;
import static io.g4f.server.DialectTesting.events;
import static io.g4f.server.DialectTesting.sentMessages;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /v1/messages} over raw HTTP in front of a scripted OpenAI-style chat upstream: golden answers, events, errors. */
@ExtendWith(VertxExtension.class)
class MessagesApiTest {

  static final String KEY = "gateway-key-9";
  static final String PNG_DATA = ResponsesApiTest.PNG.substring(ResponsesApiTest.PNG.indexOf(',') + 1);
  static final JsonObject WEATHER_TOOL = new JsonObject().put("name", "get_weather")
      .put("description", "The weather in a city").put("input_schema", new JsonObject().put("type", "object")
          .put("properties", new JsonObject().put("location", new JsonObject().put("type", "string")))
          .put("required", new JsonArray().add("location")));

  private Vertx vertx;
  private ScriptedServer upstream;
  private WebClient http;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    http = WebClient.create(vertx);
    port = deploy(new GatewayOptions().setApiKey(KEY));
  }

  private int deploy(GatewayOptions options) {
    ClientOptions client = new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0);
    GatewayVerticle gateway = new GatewayVerticle(options.setPort(0)
        .addProvider("local", client, List.of("gpt-4o-mini", "m1")), new TestClock(Instant.parse("2026-01-01T10:00:30Z")));
    await(vertx.deployVerticle(gateway));
    return gateway.actualPort();
  }

  @AfterEach
  void tearDown() {
    http.close();
    upstream.close();
  }

  private HttpResponse<Buffer> post(int port, String key, JsonObject body) {
    HttpRequest<Buffer> request = http.post(port, "127.0.0.1", "/v1/messages").putHeader("anthropic-version", "2023-06-01");
    if (key != null) {
      request.putHeader("x-api-key", key);
    }
    return await(request.sendJsonObject(body));
  }

  private HttpResponse<Buffer> post(JsonObject body) {
    return post(port, KEY, body);
  }

  private static JsonObject withImage() {
    return new JsonObject().put("model", "gpt-4o-mini").put("max_tokens", 100)
        .put("system", new JsonArray().add(new JsonObject().put("type", "text").put("text", "Be brief.")))
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "image").put("source", new JsonObject().put("type", "base64")
                .put("media_type", "image/png").put("data", PNG_DATA)))
            .add(new JsonObject().put("type", "image").put("source", new JsonObject().put("type", "url")
                .put("url", "https://example.com/cat.png")))
            .add(new JsonObject().put("type", "text").put("text", "say this is a test")))));
  }

  /** Asserts an error in Anthropic's shape with this status and type, and returns its message. */
  static String anthropicError(HttpResponse<Buffer> response, int status, String type) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("content-type")).isEqualTo("application/json");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("type", "error");
    assertThat(body.getString("type")).isEqualTo("error");
    assertThat(body.getJsonObject("error").fieldNames()).containsExactlyInAnyOrder("type", "message");
    assertThat(body.getJsonObject("error").getString("type")).isEqualTo(type);
    return body.getJsonObject("error").getString("message");
  }

  @Test
  void aWholeAnswerIsAMessage() {
    HttpResponse<Buffer> response = post(withImage().put("temperature", 0.5).put("stop_sequences", new JsonArray().add("END"))
        .put("metadata", new JsonObject().put("user_id", "u1")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("x-g4f-provider")).isEqualTo("local");
    assertGoldenJson(response.bodyAsJsonObject(), "messages-text.json");
    JsonObject sent = upstream.last().json();
    assertThat(sent.getInteger("max_completion_tokens")).isEqualTo(100);
    assertThat(sent.getJsonArray("stop")).containsExactly("END");
    assertThat(sent.getString("user")).isEqualTo("u1");
    assertThat(sentMessages(upstream)).isEqualTo(new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "Be brief."))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", ResponsesApiTest.PNG)))
            .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject()
                .put("url", "https://example.com/cat.png")))
            .add(new JsonObject().put("type", "text").put("text", "say this is a test")))));
  }

  @Test
  void aStreamIsAnthropicsEventsInOrder() {
    HttpResponse<Buffer> response = post(withImage().put("stream", true));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("content-type")).startsWith("text/event-stream");
    assertGoldenEvents(response.bodyAsString(), "messages-text-stream.sse");
  }

  @Test
  void toolUseWholeAndStreamed() {
    upstream.chat("/v1/chat/completions", resource("transcripts/openai-tool-calls-stream.txt"),
        ResponsesApiTest.TOOL_COMPLETION);
    JsonObject body = new JsonObject().put("model", "gpt-4o-mini").put("max_tokens", 100)
        .put("tools", new JsonArray().add(WEATHER_TOOL))
        .put("tool_choice", new JsonObject().put("type", "tool").put("name", "get_weather")
            .put("disable_parallel_tool_use", true))
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Weather in Paris?")));

    assertGoldenJson(post(body).bodyAsJsonObject(), "messages-tool.json");
    JsonObject sent = upstream.last().json();
    assertThat(sent.getJsonArray("tools").getJsonObject(0)).isEqualTo(new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "get_weather").put("description", "The weather in a city")
            .put("parameters", WEATHER_TOOL.getJsonObject("input_schema"))));
    assertThat(sent.getJsonObject("tool_choice")).isEqualTo(new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "get_weather")));
    assertThat(sent.getBoolean("parallel_tool_calls")).isFalse();

    assertGoldenEvents(post(body.put("stream", true)).bodyAsString(), "messages-tool-stream.sse");
  }

  @Test
  void toolUseAndToolResultsGoBackAsChatMessages() {
    post(new JsonObject().put("max_tokens", 100).put("tools", new JsonArray().add(WEATHER_TOOL))
        .put("tool_choice", new JsonObject().put("type", "any"))
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "user").put("content", "Weather in Paris?"))
            .add(new JsonObject().put("role", "assistant").put("content", new JsonArray()
                .add(new JsonObject().put("type", "thinking").put("thinking", "hm").put("signature", "s"))
                .add(new JsonObject().put("type", "text").put("text", "Let me check."))
                .add(new JsonObject().put("type", "tool_use").put("id", "toolu_1").put("name", "get_weather")
                    .put("input", new JsonObject().put("location", "Paris")))))
            .add(new JsonObject().put("role", "user").put("content", new JsonArray()
                .add(new JsonObject().put("type", "tool_result").put("tool_use_id", "toolu_1")
                    .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", "18C"))))
                .add(new JsonObject().put("type", "text").put("text", "And tomorrow?"))))));

    assertThat(upstream.last().json().getString("tool_choice")).isEqualTo("required");
    assertThat(sentMessages(upstream)).isEqualTo(new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "Weather in Paris?"))
        .add(new JsonObject().put("role", "assistant").put("content", "Let me check.").put("tool_calls", new JsonArray()
            .add(new JsonObject().put("id", "toolu_1").put("type", "function").put("function", new JsonObject()
                .put("name", "get_weather").put("arguments", "{\"location\":\"Paris\"}")))))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "toolu_1").put("content", "18C"))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "And tomorrow?")))));
  }

  @Test
  void theTokenLimitIsStopReasonMaxTokens() {
    upstream.chat("/v1/chat/completions", resource("transcripts/openai-chat-stream.txt").replace("\"stop\"", "\"length\""),
        resource("transcripts/openai-chat-completion.json").replace("\"stop\"", "\"length\""));
    JsonObject body = new JsonObject().put("max_tokens", 5).put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "hi")));

    assertThat(post(body).bodyAsJsonObject().getString("stop_reason")).isEqualTo("max_tokens");
    List<DialectTesting.Event> events = events(post(body.put("stream", true)).bodyAsString());
    assertThat(events.get(events.size() - 2).data().getJsonObject("delta").getString("stop_reason"))
        .isEqualTo("max_tokens");
  }

  @Test
  void anUpstreamFailureAfterTheStartIsAnErrorEvent() {
    upstream.sse("/v1/chat/completions",
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");

    List<DialectTesting.Event> events = events(post(new JsonObject().put("max_tokens", 10).put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))).bodyAsString());

    assertThat(events).extracting(DialectTesting.Event::type)
        .containsExactly("message_start", "content_block_start", "ping", "content_block_delta", "error");
    JsonObject error = events.get(4).data();
    assertThat(error.getString("type")).isEqualTo("error");
    assertThat(error.getJsonObject("error").getString("type")).isEqualTo("api_error");
    assertThat(error.getJsonObject("error").getString("message")).contains("overloaded");
  }

  @Test
  void upstreamAndRoutingFailuresAreAnthropicErrors() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 503, "application/json", "{\"error\":{\"message\":\"busy\"}}");
    JsonObject body = new JsonObject().put("max_tokens", 10)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));

    anthropicError(post(body), 502, "api_error");
    anthropicError(post(body.copy().put("stream", true)), 502, "api_error");
    anthropicError(post(body.copy().put("model", "nope")), 404, "not_found_error");
    anthropicError(await(http.post(port, "127.0.0.1", "/v1/messages/count_tokens").putHeader("x-api-key", KEY)
        .sendJsonObject(body)), 404, "not_found_error");
  }

  @Test
  void theGatewaysAuthAndLimitsAnswerInAnthropicsShape() {
    JsonObject body = new JsonObject().put("model", "m1").put("max_tokens", 10)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));

    anthropicError(post(port, null, body), 401, "authentication_error");
    anthropicError(post(port, "wrong", body), 401, "authentication_error");

    int teams = deploy(new GatewayOptions().setTeamKeys(TeamKeysTest.keys(1, 0)));
    assertThat(anthropicError(post(teams, TeamKeysTest.KEY_A, body.copy().put("model", "gpt-4o-mini")), 403,
        "permission_error")).contains("gpt-4o-mini");
    assertThat(post(teams, TeamKeysTest.KEY_A, body).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> limited = post(teams, TeamKeysTest.KEY_A, body);
    anthropicError(limited, 429, "rate_limit_error");
    assertThat(limited.getHeader("retry-after")).isEqualTo("30");
  }

  @Test
  void badFieldsAre400sNamingThemInAnthropicsShape() {
    JsonArray hi = new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"));
    assertBad(new JsonObject().put("messages", hi), "max_tokens: Field required");
    assertBad(new JsonObject().put("max_tokens", 0).put("messages", hi), "max_tokens:");
    assertBad(new JsonObject().put("max_tokens", 10), "messages: Field required");
    assertBad(new JsonObject().put("max_tokens", 10).put("messages", hi).put("frobnicate", true),
        "frobnicate: Extra inputs are not permitted");
    assertBad(new JsonObject().put("max_tokens", 10).put("messages", new JsonArray().add(new JsonObject()
        .put("role", "user").put("content", new JsonArray().add(new JsonObject().put("type", "document"))))),
        "messages.0.content.0.type:");
    assertBad(new JsonObject().put("max_tokens", 10).put("messages", new JsonArray().add(new JsonObject()
        .put("role", "user").put("content", new JsonArray().add(new JsonObject().put("type", "image")
            .put("source", new JsonObject().put("type", "base64").put("data", PNG_DATA)))))),
        "messages.0.content.0.source.media_type: Field required");
    assertBad(new JsonObject().put("max_tokens", 10).put("messages", new JsonArray().add(new JsonObject()
        .put("role", "robot").put("content", "hi"))), "messages.0.role:");
    assertBad(new JsonObject().put("max_tokens", 10).put("messages", hi).put("tools", new JsonArray()
        .add(new JsonObject().put("type", "web_search_20250305").put("name", "web_search"))), "tools.0.type:");
    assertBad(new JsonObject().put("max_tokens", 10).put("messages", hi).put("tool_choice",
        new JsonObject().put("type", "tool")), "tool_choice.name: Field required");
    assertBad(new JsonObject().put("max_tokens", 10).put("messages", hi).put("stop_sequences",
        new JsonArray().add(1)), "stop_sequences.0:");
  }

  private void assertBad(JsonObject body, String says) {
    int before = upstream.received().size();
    assertThat(anthropicError(post(body), 400, "invalid_request_error")).startsWith(says);
    assertThat(upstream.received()).as("nothing went upstream").hasSize(before);
  }
}
