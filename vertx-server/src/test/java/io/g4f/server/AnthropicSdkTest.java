package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Base64ImageSource;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.ImageBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoice;
import com.anthropic.models.messages.ToolUseBlock;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Anthropic's official Java SDK, unchanged, against the gateway's {@code /v1/messages}, in front of an OpenAI-style
 * chat upstream (model {@code gpt-4o-mini}, translated) and an Anthropic-style upstream (provider type anthropic,
 * model {@code claude-sonnet-4-5}, passed through: {@link AnthropicPassthroughTest}).
 */
@ExtendWith(VertxExtension.class)
class AnthropicSdkTest {

  private static final String KEY = "gateway-key-5";
  private static final String OPENAI_MODEL = "gpt-4o-mini";
  private static final String CLAUDE_MODEL = "claude-sonnet-4-5";

  private ScriptedServer openAi;
  private ScriptedServer anthropic;
  private AnthropicClient sdk;
  private String gatewayUrl;

  @BeforeEach
  void setUp(Vertx vertx) {
    openAi = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    anthropic = ScriptedServer.start(vertx).chat("/v1/messages", resource("transcripts/anthropic-messages-stream.txt"),
        resource("transcripts/anthropic-message.json"));
    JsonObject config = new JsonObject().put("providers", new JsonArray()
        .add(new JsonObject().put("name", "local").put("type", "openai").put("baseUrl", openAi.baseUrl())
            .put("models", new JsonArray().add(OPENAI_MODEL)))
        .add(new JsonObject().put("name", "claude").put("type", "anthropic").put("baseUrl", anthropic.baseUrl())
            .put("apiKey", "upstream-key").put("models", new JsonArray().add(CLAUDE_MODEL))))
        .put("defaultProvider", "local");
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setApiKey(KEY).applyConfig(config));
    await(vertx.deployVerticle(gateway));
    gatewayUrl = "http://127.0.0.1:" + gateway.actualPort();
    sdk = AnthropicOkHttpClient.builder().baseUrl(gatewayUrl).apiKey(KEY).maxRetries(0).build();
  }

  @AfterEach
  void tearDown() {
    sdk.close();
    openAi.close();
    anthropic.close();
  }

  private static MessageCreateParams.Builder withImage(String model) {
    return MessageCreateParams.builder().model(model).maxTokens(256).system("Be brief.")
        .addUserMessageOfContentBlockParams(List.of(
            ContentBlockParam.ofImage(ImageBlockParam.builder().source(Base64ImageSource.builder()
                .mediaType(Base64ImageSource.MediaType.IMAGE_PNG).data(MessagesApiTest.PNG_DATA).build()).build()),
            ContentBlockParam.ofText("say this is a test")));
  }

  private static MessageCreateParams withImageAndTool(String model) {
    return withImage(model)
        .addTool(Tool.builder().name("get_weather").description("The weather in a city")
            .inputSchema(Tool.InputSchema.builder().properties(JsonValue.from(Map.of("location",
                Map.of("type", "string")))).required(List.of("location")).build())
            .build())
        .toolChoice(ToolChoice.ofAuto(com.anthropic.models.messages.ToolChoiceAuto.builder().build()))
        .build();
  }

  private static String text(Message message) {
    return message.content().stream().map(ContentBlock::text).flatMap(java.util.Optional::stream)
        .map(block -> block.text()).reduce("", String::concat);
  }

  private static Message stream(AnthropicClient sdk, MessageCreateParams params) {
    MessageAccumulator accumulator = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = sdk.messages().createStreaming(params)) {
      stream.stream().forEach(accumulator::accumulate);
    }
    return accumulator.message();
  }

  @Test
  void anOpenAiUpstreamWholeAndStreamedWithAnImageAndATool() {
    for (Message message : List.of(sdk.messages().create(withImageAndTool(OPENAI_MODEL)),
        stream(sdk, withImageAndTool(OPENAI_MODEL)))) {
      message.validate();
      assertThat(text(message)).isEqualTo("This is a test.");
      assertThat(message.stopReason()).contains(StopReason.END_TURN);
      JsonObject sent = openAi.last().json();
      assertThat(sent.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name"))
          .isEqualTo("get_weather");
      assertThat(sent.getJsonArray("messages").getJsonObject(1).getJsonArray("content").getJsonObject(0)
          .getJsonObject("image_url").getString("url")).isEqualTo(ResponsesApiTest.PNG);
    }
  }

  @Test
  void anOpenAiUpstreamsToolCallsAreToolUseBlocks() {
    openAi.chat("/v1/chat/completions", resource("transcripts/openai-tool-calls-stream.txt"),
        ResponsesApiTest.TOOL_COMPLETION);

    ToolUseBlock whole = sdk.messages().create(withImageAndTool(OPENAI_MODEL)).content().get(0).toolUse().orElseThrow();
    assertThat(whole.name()).isEqualTo("get_weather");
    assertThat(whole._input()).isEqualTo(JsonValue.from(Map.of("location", "Paris")));

    Message streamed = stream(sdk, withImageAndTool(OPENAI_MODEL));
    streamed.validate();
    assertThat(streamed.stopReason()).contains(StopReason.TOOL_USE);
    assertThat(streamed.content()).extracting(block -> block.toolUse().orElseThrow().name())
        .containsExactly("get_weather", "get_time");
    assertThat(streamed.content().get(0).toolUse().orElseThrow()._input())
        .isEqualTo(JsonValue.from(Map.of("location", "Paris")));
  }

  @Test
  void anAnthropicUpstreamWholeAndStreamedWithAnImageAndATool() {
    Message whole = sdk.messages().create(withImageAndTool(CLAUDE_MODEL));
    assertSentToAnthropic(false);
    Message streamed = stream(sdk, withImageAndTool(CLAUDE_MODEL));
    assertSentToAnthropic(true);

    whole.validate();
    streamed.validate();
    assertThat(text(whole)).isEqualTo("Hi! My name is Claude.");
    assertThat(whole.usage().outputTokens()).isEqualTo(503);
    assertThat(text(streamed)).isEqualTo("Hello!");
    assertThat(streamed.usage().outputTokens()).isEqualTo(15);
    assertThat(List.of(whole.stopReason(), streamed.stopReason())).containsOnly(java.util.Optional.of(StopReason.END_TURN));
  }

  /** The last request Anthropic got: a whole ({@code stream} absent) or streamed call, the image and tool mapped. */
  private void assertSentToAnthropic(boolean streamed) {
    JsonObject sent = anthropic.last().json();
    assertThat(sent.getBoolean("stream", false)).isEqualTo(streamed);
    assertThat(anthropic.last().headers().get("x-api-key")).isEqualTo("upstream-key");
    assertThat(sent.getString("system")).isEqualTo("Be brief.");
    assertThat(sent.getInteger("max_tokens")).isEqualTo(256);
    assertThat(sent.getJsonArray("tools").getJsonObject(0).getJsonObject("input_schema").getJsonObject("properties")
        .containsKey("location")).isTrue();
    JsonObject image = sent.getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(0);
    assertThat(image.getString("type")).isEqualTo("image");
    assertThat(image.getJsonObject("source")).isEqualTo(new JsonObject().put("type", "base64")
        .put("media_type", "image/png").put("data", MessagesApiTest.PNG_DATA));
  }

  @Test
  void anAnthropicUpstreamsToolUseArrivesWholeAndStreamed() {
    // the documented example, abridged, with what the SDK requires of a message (the gateway relays it as it is)
    JsonObject complete = new JsonObject(resource("transcripts/anthropic-tool-use-message.json")).put("type", "message")
        .putNull("stop_sequence").put("usage", new JsonObject().put("input_tokens", 472).put("output_tokens", 89));
    anthropic.chat("/v1/messages", resource("transcripts/anthropic-tool-use-stream.txt"), complete.encode());
    MessageCreateParams params = withImageAndTool(CLAUDE_MODEL);

    Message whole = sdk.messages().create(params);
    Message streamed = stream(sdk, params);

    for (Message message : List.of(whole, streamed)) {
      message.validate();
      assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
    }
    assertThat(text(whole)).isEqualTo("I'll check the current weather in San Francisco for you.");
    ToolUseBlock wholeCall = whole.content().get(1).toolUse().orElseThrow();
    assertThat(wholeCall.id()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
    assertThat(wholeCall._input()).isEqualTo(JsonValue.from(Map.of("location", "San Francisco, CA", "unit", "celsius")));
    assertThat(text(streamed)).isEqualTo("Okay, let's check the weather for San Francisco, CA:");
    ToolUseBlock call = streamed.content().get(1).toolUse().orElseThrow();
    assertThat(call.id()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assertThat(call._input()).isEqualTo(JsonValue.from(Map.of("location", "San Francisco, CA", "unit", "fahrenheit")));
  }


  @Test
  void aFailureMidStreamIsAnErrorTheSdkThrows() {
    openAi.sse("/v1/chat/completions",
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");

    assertThatThrownBy(() -> stream(sdk, withImage(OPENAI_MODEL).build())).hasMessageContaining("overloaded");
  }

  @Test
  void errorsAreTheSdksExceptions() {
    AnthropicClient stranger = AnthropicOkHttpClient.builder().baseUrl(gatewayUrl).apiKey("wrong").maxRetries(0).build();
    assertThatThrownBy(() -> stranger.messages().create(withImage(OPENAI_MODEL).build()))
        .isInstanceOf(UnauthorizedException.class);
    stranger.close();

    assertThatThrownBy(() -> sdk.messages().create(withImage(OPENAI_MODEL).maxTokens(0).build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("max_tokens");
  }
}
