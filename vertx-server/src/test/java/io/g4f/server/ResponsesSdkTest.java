package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputImage;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The official openai-java SDK's {@code responses()}, unchanged, against the gateway in front of an OpenAI-style chat upstream. */
@ExtendWith(VertxExtension.class)
class ResponsesSdkTest {

  private static final String KEY = "gateway-key-8";

  private ScriptedServer upstream;
  private OpenAIClient sdk;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    ClientOptions client = new ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0);
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setApiKey(KEY)
        .addProvider("local", client, List.of("gpt-4o-mini")));
    await(vertx.deployVerticle(gateway));
    sdk = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.actualPort() + "/v1").apiKey(KEY)
        .maxRetries(0).build();
  }

  @AfterEach
  void tearDown() {
    sdk.close();
    upstream.close();
  }

  private static ResponseCreateParams withImage() {
    return ResponseCreateParams.builder().model("gpt-4o-mini").instructions("Be brief.")
        .inputOfResponse(List.of(ResponseInputItem.ofMessage(ResponseInputItem.Message.builder()
            .role(ResponseInputItem.Message.Role.USER)
            .addInputTextContent("say this is a test")
            .addContent(ResponseInputImage.builder().detail(ResponseInputImage.Detail.AUTO)
                .imageUrl(ResponsesApiTest.PNG).build())
            .build())))
        .build();
  }

  private static String text(Response response) {
    return response.output().get(0).message().orElseThrow().content().get(0).outputText().orElseThrow().text();
  }

  private void assertImageWentUpstream() {
    JsonObject user = upstream.last().json().getJsonArray("messages").getJsonObject(1);
    assertThat(user.getJsonArray("content").getJsonObject(1).getJsonObject("image_url").getString("url"))
        .isEqualTo(ResponsesApiTest.PNG);
  }

  @Test
  void createWithAnImage() {
    Response response = sdk.responses().create(withImage());

    response.validate();
    assertThat(response.id()).startsWith("resp_");
    assertThat(response.status()).contains(ResponseStatus.COMPLETED);
    assertThat(text(response)).isEqualTo("This is a test.");
    assertThat(response.usage().orElseThrow().totalTokens()).isEqualTo(17);
    assertImageWentUpstream();
  }

  @Test
  void createStreamingWithAnImage() {
    ResponseAccumulator accumulator = ResponseAccumulator.create();
    StringBuilder deltas = new StringBuilder();
    try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(withImage())) {
      stream.stream().map(accumulator::accumulate).forEach(event ->
          event.outputTextDelta().ifPresent(delta -> deltas.append(delta.delta())));
    }

    Response response = accumulator.response();
    response.validate();
    assertThat(deltas).hasToString("This is a test.");
    assertThat(text(response)).isEqualTo("This is a test.");
    assertThat(response.usage().orElseThrow().outputTokens()).isEqualTo(5);
    assertImageWentUpstream();
  }

  @Test
  void functionCallsWholeAndStreamed() {
    upstream.chat("/v1/chat/completions", resource("transcripts/openai-tool-calls-stream.txt"),
        ResponsesApiTest.TOOL_COMPLETION);
    ResponseCreateParams params = ResponseCreateParams.builder().model("gpt-4o-mini").input("Weather in Paris?")
        .addTool(FunctionTool.builder().name("get_weather").strict(false)
            .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                .build())
            .build())
        .build();

    ResponseFunctionToolCall call = sdk.responses().create(params).output().get(0).functionCall().orElseThrow();
    assertThat(call.callId()).isEqualTo("call_abc");
    assertThat(call.name()).isEqualTo("get_weather");
    assertThat(call.arguments()).isEqualTo("{\"location\": \"Paris\"}");

    ResponseAccumulator accumulator = ResponseAccumulator.create();
    try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(params)) {
      stream.stream().forEach(accumulator::accumulate);
    }
    Response streamed = accumulator.response();
    streamed.validate();
    assertThat(streamed.output()).extracting(item -> item.functionCall().orElseThrow().name())
        .containsExactly("get_weather", "get_time");
    assertThat(streamed.output().get(0).functionCall().orElseThrow().arguments()).isEqualTo("{\"location\": \"Paris\"}");
  }

  @Test
  void aFailureMidStreamIsResponseFailed() {
    upstream.sse("/v1/chat/completions",
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");
    List<ResponseStreamEvent> events = new java.util.ArrayList<>();
    try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(withImage())) {
      stream.stream().forEach(events::add);
    }

    Response failed = events.get(events.size() - 1).failed().orElseThrow().response();
    failed.validate();
    assertThat(failed.status()).contains(ResponseStatus.FAILED);
    assertThat(failed.error().orElseThrow().message()).contains("overloaded");
  }

  @Test
  void aStatefulRequestIsABadRequest() {
    assertThatThrownBy(() -> sdk.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini").input("hi")
        .previousResponseId("resp_123").build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("stateless");
  }
}
