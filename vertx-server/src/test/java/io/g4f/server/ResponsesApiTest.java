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
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /v1/responses} over raw HTTP in front of a scripted OpenAI-style chat upstream: golden answers and events. */
@ExtendWith(VertxExtension.class)
class ResponsesApiTest {

  static final String PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
  static final String TOOL_COMPLETION = "{\"id\":\"chatcmpl-tool\",\"object\":\"chat.completion\",\"created\":1694268190,"
      + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
      + "\"tool_calls\":[{\"id\":\"call_abc\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
      + "\"arguments\":\"{\\\"location\\\": \\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}],"
      + "\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":9,\"total_tokens\":39}}";
  static final JsonArray WEATHER_TOOL = new JsonArray().add(new JsonObject().put("type", "function")
      .put("name", "get_weather").put("description", "The weather in a city")
      .put("parameters", new JsonObject().put("type", "object").put("properties", new JsonObject()
          .put("location", new JsonObject().put("type", "string"))).put("required", new JsonArray().add("location"))));

  private ScriptedServer upstream;
  private WebClient http;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    http = WebClient.create(vertx);
    ClientOptions client = new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0);
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0)
        .addProvider("local", client, List.of("gpt-4o-mini")));
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
  }

  @AfterEach
  void tearDown() {
    http.close();
    upstream.close();
  }

  private HttpResponse<Buffer> post(JsonObject body) {
    return await(http.post(port, "127.0.0.1", "/v1/responses").putHeader("content-type", "application/json")
        .sendBuffer(body.toBuffer()));
  }

  private static JsonObject withImage() {
    return new JsonObject().put("model", "gpt-4o-mini").put("instructions", "Be brief.")
        .put("input", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "input_text").put("text", "say this is a test"))
            .add(new JsonObject().put("type", "input_image").put("image_url", PNG).put("detail", "low")))));
  }

  @Test
  void aWholeAnswerIsAResponseObject() {
    HttpResponse<Buffer> response = post(withImage().put("temperature", 0.2).put("max_output_tokens", 50)
        .put("metadata", new JsonObject().put("ticket", "42")).put("user", "u1"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("x-g4f-provider")).isEqualTo("local");
    assertGoldenJson(response.bodyAsJsonObject(), "responses-text.json");
    JsonObject sent = upstream.last().json();
    assertThat(sent.getInteger("max_completion_tokens")).isEqualTo(50);
    assertThat(sent.getDouble("temperature")).isEqualTo(0.2);
    assertThat(sent.getString("user")).isEqualTo("u1");
    assertThat(sent.containsKey("metadata")).as("metadata stays at the gateway").isFalse();
    assertThat(sentMessages(upstream)).isEqualTo(new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "Be brief."))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "say this is a test"))
            .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", PNG)
                .put("detail", "low"))))));
  }

  @Test
  void aStreamIsTheTypedEventsInOrder() {
    HttpResponse<Buffer> response = post(withImage().put("stream", true));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("content-type")).startsWith("text/event-stream");
    assertGoldenEvents(response.bodyAsString(), "responses-text-stream.sse");
    assertThat(upstream.last().json().getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
  }

  @Test
  void functionCallsWholeAndStreamed() {
    upstream.chat("/v1/chat/completions", resource("transcripts/openai-tool-calls-stream.txt"), TOOL_COMPLETION);
    JsonObject body = new JsonObject().put("model", "gpt-4o-mini").put("input", "Weather in Paris?")
        .put("tools", WEATHER_TOOL).put("tool_choice", new JsonObject().put("type", "function").put("name", "get_weather"));

    assertGoldenJson(post(body).bodyAsJsonObject(), "responses-tool.json");
    JsonObject sent = upstream.last().json();
    assertThat(sent.getJsonArray("tools").getJsonObject(0)).isEqualTo(new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "get_weather").put("description", "The weather in a city")
            .put("parameters", WEATHER_TOOL.getJsonObject(0).getJsonObject("parameters"))));
    assertThat(sent.getJsonObject("tool_choice")).isEqualTo(new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "get_weather")));

    assertGoldenEvents(post(body.put("stream", true)).bodyAsString(), "responses-tool-stream.sse");
  }

  @Test
  void functionCallsAndTheirOutputsGoBackAsChatMessages() {
    post(new JsonObject().put("model", "gpt-4o-mini").put("tools", WEATHER_TOOL).put("input", new JsonArray()
        .add(new JsonObject().put("type", "message").put("role", "user").put("content", "Weather in Paris?"))
        .add(new JsonObject().put("type", "function_call").put("call_id", "call_abc").put("name", "get_weather")
            .put("arguments", "{\"location\":\"Paris\"}"))
        .add(new JsonObject().put("type", "function_call_output").put("call_id", "call_abc").put("output", "18C, sunny"))
        .add(new JsonObject().put("type", "reasoning").put("id", "rs_1").put("summary", new JsonArray()))
        .add(new JsonObject().put("role", "assistant").put("content", new JsonArray()
            .add(new JsonObject().put("type", "output_text").put("text", "It is sunny."))))
        .add(new JsonObject().put("role", "developer").put("content", "Answer in French."))));

    assertThat(sentMessages(upstream)).isEqualTo(new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "Weather in Paris?"))
        .add(new JsonObject().put("role", "assistant").put("tool_calls", new JsonArray().add(new JsonObject()
            .put("id", "call_abc").put("type", "function").put("function", new JsonObject().put("name", "get_weather")
                .put("arguments", "{\"location\":\"Paris\"}")))))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "call_abc").put("content", "18C, sunny"))
        .add(new JsonObject().put("role", "assistant").put("content", "It is sunny."))
        .add(new JsonObject().put("role", "system").put("content", "Answer in French.")));
  }

  @Test
  void jsonSchemaBecomesTheResponseFormat() {
    JsonObject schema = new JsonObject().put("type", "object").put("properties", new JsonObject());
    post(new JsonObject().put("input", "hi").put("text", new JsonObject().put("format", new JsonObject()
        .put("type", "json_schema").put("name", "answer").put("schema", schema).put("strict", true))));

    assertThat(upstream.last().json().getJsonObject("response_format")).isEqualTo(new JsonObject()
        .put("type", "json_schema").put("json_schema", new JsonObject().put("name", "answer").put("schema", schema)
            .put("strict", true)));
  }

  @Test
  void theTokenLimitMakesAnIncompleteResponse() {
    String length = resource("transcripts/openai-chat-completion.json").replace("\"stop\"", "\"length\"");
    upstream.chat("/v1/chat/completions", resource("transcripts/openai-chat-stream.txt").replace("\"stop\"", "\"length\""),
        length);

    JsonObject whole = post(new JsonObject().put("input", "hi").put("max_output_tokens", 5)).bodyAsJsonObject();
    assertThat(whole.getString("status")).isEqualTo("incomplete");
    assertThat(whole.getJsonObject("incomplete_details")).isEqualTo(new JsonObject().put("reason", "max_output_tokens"));

    List<DialectTesting.Event> events = events(post(new JsonObject().put("input", "hi").put("stream", true)).bodyAsString());
    DialectTesting.Event last = events.get(events.size() - 1);
    assertThat(last.type()).isEqualTo("response.incomplete");
    assertThat(last.data().getJsonObject("response").getString("status")).isEqualTo("incomplete");
  }

  @Test
  void anUpstreamFailureAfterTheStartIsResponseFailed() {
    upstream.sse("/v1/chat/completions",
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");

    List<DialectTesting.Event> events = events(post(new JsonObject().put("input", "hi").put("stream", true)).bodyAsString());

    assertThat(events).extracting(DialectTesting.Event::type).containsExactly("response.created",
        "response.in_progress", "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.failed");
    JsonObject failed = events.get(5).data().getJsonObject("response");
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("server_error");
    assertThat(failed.getJsonObject("error").getString("message")).contains("overloaded");
    assertThat(events.get(5).data().getInteger("sequence_number")).isEqualTo(5);
  }

  @Test
  void anUpstreamFailureBeforeTheStartIsAnOpenAiError() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 503, "application/json", "{\"error\":{\"message\":\"busy\"}}");

    HttpResponse<Buffer> response = post(new JsonObject().put("input", "hi").put("stream", true));

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").fieldNames())
        .containsExactlyInAnyOrder("message", "type", "param", "code");
  }

  @Test
  void badAndStatefulFieldsAre400sNamingThem() {
    assertBad(new JsonObject().put("input", "hi").put("previous_response_id", "resp_1"), "previous_response_id",
        "stateless");
    assertBad(new JsonObject().put("input", "hi").put("store", true), "store", "stateless");
    assertBad(new JsonObject().put("input", "hi").put("background", true), "background", "stateless");
    assertBad(new JsonObject().put("input", "hi").put("conversation", "conv_1"), "conversation", "stateless");
    assertBad(new JsonObject().put("input", "hi").put("frobnicate", 1), "frobnicate", "Unknown parameter");
    assertBad(new JsonObject().put("model", "gpt-4o-mini"), "input", "is required");
    assertBad(new JsonObject().put("input", 42), "input", "a string or an array");
    assertBad(new JsonObject().put("input", new JsonArray().add(new JsonObject().put("role", "user")
        .put("content", new JsonArray().add(new JsonObject().put("type", "input_image"))))),
        "input[0].content[0].image_url", "is required");
    assertBad(new JsonObject().put("input", new JsonArray().add(new JsonObject().put("type", "item_reference")
        .put("id", "msg_1"))), "input[0].type", "not supported");
    assertBad(new JsonObject().put("input", "hi").put("tools", new JsonArray().add(new JsonObject()
        .put("type", "web_search"))), "tools[0].type", "function tools");
    assertBad(new JsonObject().put("input", "hi").put("max_output_tokens", "many"), "max_output_tokens", "integer");
    assertBad(new JsonObject().put("input", "hi").put("text", new JsonObject().put("format", new JsonObject()
        .put("type", "json_schema").put("name", "x"))), "text.format.schema", "is required");
  }

  @Test
  void aBodyThatIsNoJsonObjectIsA400() {
    HttpResponse<Buffer> response = await(http.post(port, "127.0.0.1", "/v1/responses")
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("[1,2")));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
  }

  private void assertBad(JsonObject body, String param, String says) {
    int before = upstream.received().size();
    HttpResponse<Buffer> response = post(body);

    assertThat(response.statusCode()).as(body.encode()).isEqualTo(400);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
    assertThat(error.getString("type")).isEqualTo("invalid_request_error");
    assertThat(error.getString("param")).isEqualTo(param);
    assertThat(error.getString("message")).contains(param).contains(says);
    assertThat(upstream.received()).as("nothing went upstream").hasSize(before);
  }
}
