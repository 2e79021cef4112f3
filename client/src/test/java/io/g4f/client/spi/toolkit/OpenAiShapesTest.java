package io.g4f.client.spi.toolkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.Usage;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.Tool;
import io.g4f.client.chat.ToolCall;
import io.g4f.client.errors.InvalidRequestException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The OpenAI-shape helpers every translating provider shares. */
class OpenAiShapesTest {

  @Test
  void toolArgumentsAreAJsonObjectAndBlankIsEmpty() {
    assertThat(OpenAiShapes.toolArguments("{\"city\":\"Paris\"}", "P").get("city").asText()).isEqualTo("Paris");
    assertThat(OpenAiShapes.toolArguments(" ", "P")).isEmpty();
    assertThat(OpenAiShapes.toolArguments(null, "P")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1]", "\"text\"", "{not json"})
  void toolArgumentsThatAreNoObjectAreRefusedNamingTheProvider(String arguments) {
    assertThatThrownBy(() -> OpenAiShapes.toolArguments(arguments, "P"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
          assertThat(e.param()).isEqualTo("messages");
          assertThat(e.provider()).isEqualTo("P");
        });
  }

  @Test
  void toolChoiceReadsTheFourForms() {
    assertThat(OpenAiShapes.toolChoice(null, "P")).isNull();
    assertThat(OpenAiShapes.toolChoice("auto", "P").mode()).isEqualTo(OpenAiShapes.ToolMode.AUTO);
    assertThat(OpenAiShapes.toolChoice("required", "P").mode()).isEqualTo(OpenAiShapes.ToolMode.REQUIRED);
    assertThat(OpenAiShapes.toolChoice("none", "P").mode()).isEqualTo(OpenAiShapes.ToolMode.NONE);
    assertThat(OpenAiShapes.toolChoice(Map.of("type", "function", "function", Map.of("name", "f")), "P"))
        .isEqualTo(new OpenAiShapes.ToolChoice(OpenAiShapes.ToolMode.FUNCTION, "f"));
    assertThatThrownBy(() -> OpenAiShapes.toolChoice("sometimes", "P"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("tool_choice"));
  }

  @Test
  void onlyFunctionToolsAreTaken() {
    Tool function = Tool.function("f", "d", Map.of("type", "object"));
    assertThat(OpenAiShapes.functions(List.of(function), "P")).containsExactly(function.getFunction());
    assertThatThrownBy(() -> OpenAiShapes.functions(List.of(new Tool().setType("web_search")), "P"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("tools"));
  }

  @Test
  void responseFormatTypeAndSchema() {
    Map<String, Object> schema = Map.of("type", "object");
    Map<String, Object> format = Map.of("type", "json_schema", "json_schema", Map.of("name", "n", "schema", schema));

    assertThat(OpenAiShapes.responseFormatType(null)).isEqualTo("text");
    assertThat(OpenAiShapes.responseFormatType(format)).isEqualTo("json_schema");
    assertThat(OpenAiShapes.responseSchema(format)).isEqualTo(schema);
    assertThat(OpenAiShapes.responseSchema(Map.of("type", "json_object"))).isNull();
  }

  @Test
  void maxTokensPrefersMaxCompletionTokens() {
    assertThat(OpenAiShapes.maxTokens(new ChatCompletionRequest())).isNull();
    assertThat(OpenAiShapes.maxTokens(new ChatCompletionRequest().setMaxTokens(10))).isEqualTo(10);
    assertThat(OpenAiShapes.maxTokens(new ChatCompletionRequest().setMaxTokens(10).setMaxCompletionTokens(20)))
        .isEqualTo(20);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1024", "0x10", "axb", "10x10x10", "-1x5"})
  void aSizeIsWidthByHeight(String wrong) {
    assertThat(OpenAiShapes.size("512x768", "P")).isEqualTo(new OpenAiShapes.Size(512, 768));
    assertThat(OpenAiShapes.size(null, "P")).isNull();
    assertThat(OpenAiShapes.size("auto", "P")).isNull();
    assertThatThrownBy(() -> OpenAiShapes.size(wrong, "P"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("size"));
  }

  @Test
  void idsAreFreshAndShaped() {
    assertThat(OpenAiShapes.completionId()).matches("chatcmpl-[0-9a-f]{24}").isNotEqualTo(OpenAiShapes.completionId());
    assertThat(OpenAiShapes.toolCallId()).matches("call_[0-9a-f]{24}");
  }

  @Test
  void aWholeChunkBecomesACompletionWithoutToolCallIndexes() {
    ChatCompletionChunk chunk = new ChatCompletionChunk().setId("id-1").setModel("m").setCreated(7).setProvider("P")
        .setUsage(new Usage(1, 2, 3));
    chunk.getChoices().add(new ChatCompletionChunk.Choice().setIndex(0).setFinishReason("tool_calls")
        .setDelta(new ChatMessage().setRole("assistant").setContent("hi").setToolCalls(List.of(new ToolCall()
            .setIndex(0).setId("call_1").setType("function").setFunction(new ToolCall.FunctionCall().setName("f")
                .setArguments("{}"))))));

    ChatCompletion completion = OpenAiShapes.completion(chunk);

    assertThat(completion.getId()).isEqualTo("id-1");
    assertThat(completion.getModel()).isEqualTo("m");
    assertThat(completion.getCreated()).isEqualTo(7);
    assertThat(completion.getProvider()).isEqualTo("P");
    assertThat(completion.getUsage().getTotalTokens()).isEqualTo(3);
    ChatCompletion.Choice choice = completion.getChoices().get(0);
    assertThat(choice.getFinishReason()).isEqualTo("tool_calls");
    assertThat(choice.getMessage().getContent()).isEqualTo("hi");
    assertThat(choice.getMessage().getToolCalls()).singleElement().satisfies(call -> {
      assertThat(call.getIndex()).isNull();
      assertThat(call.getId()).isEqualTo("call_1");
    });
  }
}
