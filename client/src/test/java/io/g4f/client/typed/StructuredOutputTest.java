package io.g4f.client.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.ToolCall;
import io.g4f.client.errors.StructuredOutputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing answers and tool calls into types, and what is sent to ask for them. */
class StructuredOutputTest {

  private final StructuredOutput<SchemaTypes.Person> person = StructuredOutput.of(SchemaTypes.Person.class);

  private static ChatCompletion answer(ChatMessage message, String finishReason) {
    return new ChatCompletion().setProvider("OpenAI").setChoices(List.of(new ChatCompletion.Choice()
        .setMessage(message).setFinishReason(finishReason)));
  }

  @Test
  void theResponseFormatIsAStrictJsonSchemaNamedAfterTheType() {
    assertThat(person.responseFormat()).containsEntry("type", "json_schema");
    assertThat(person.responseFormat().get("json_schema")).isEqualTo(Map.of("name", "Person", "strict", true,
        "schema", JsonSchemas.strict(SchemaTypes.Person.class)));
  }

  @Test
  void theRequestAskingForTheTypeIsACopy() {
    ChatCompletionRequest request = ChatCompletionRequest.of("gpt-4o-mini", "invent a person");
    ChatCompletionRequest asking = person.request(request);
    assertThat(asking.getResponseFormat()).isEqualTo(person.responseFormat());
    assertThat(asking.getMessages()).hasSize(1);
    assertThat(request.getResponseFormat()).isNull();
  }

  @Test
  void anAnswerParses() {
    SchemaTypes.Person parsed = person.parse(answer(ChatMessage.assistant(
        "{\"name\":\"Ada\",\"age\":36,\"member\":true,\"email\":null}"), "stop"));
    assertThat(parsed).isEqualTo(new SchemaTypes.Person("Ada", 36, true, null));
  }

  @Test
  void nestedTypesListsAndEnumsParse() {
    SchemaTypes.Team team = StructuredOutput.of(SchemaTypes.Team.class).parse("""
        {"name":"core","lead":"plain-user","office":{"street":"1 Main St","city":"Oslo"},"backup":null,
         "sites":[{"street":"2 Side St","city":"Bergen"}],"tags":["a","b"]}""");
    assertThat(team.lead()).isEqualTo(SchemaTypes.Role.USER);
    assertThat(team.sites()).containsExactly(new SchemaTypes.Address("2 Side St", "Bergen"));
    assertThat(team.backup()).isNull();
  }

  @Test
  void aRefusalIsAnExceptionWithTheRefusal() {
    ChatMessage refusal = ChatMessage.assistant(null).setRefusal("I can't help with that.");
    assertThatThrownBy(() -> person.parse(answer(refusal, "stop")))
        .isInstanceOfSatisfying(StructuredOutputException.class, e -> {
          assertThat(e.refused()).isTrue();
          assertThat(e.raw()).isEqualTo("I can't help with that.");
          assertThat(e.provider()).isEqualTo("OpenAI");
          assertThat(e.code()).isEqualTo("refusal");
        });
  }

  @Test
  void anAnswerThatDoesNotParseIsAnExceptionWithTheText() {
    assertThatThrownBy(() -> person.parse(answer(ChatMessage.assistant("Sure! Here is a person: Ada"), "stop")))
        .isInstanceOfSatisfying(StructuredOutputException.class, e -> {
          assertThat(e.refused()).isFalse();
          assertThat(e.raw()).isEqualTo("Sure! Here is a person: Ada");
          assertThat(e.getMessage()).startsWith("The answer is not Person");
          assertThat(e.getCause()).isNotNull();
        });
  }

  @Test
  void anAnswerCutAtTheTokenLimitSaysSo() {
    assertThatThrownBy(() -> person.parse(answer(ChatMessage.assistant("{\"name\":\"Ad"), "length")))
        .isInstanceOf(StructuredOutputException.class).hasMessageContaining("cut at the token limit");
  }

  @Test
  void anAnswerWithoutTextIsAnException() {
    assertThatThrownBy(() -> person.parse(new ChatCompletion()))
        .isInstanceOfSatisfying(StructuredOutputException.class, e -> assertThat(e.raw()).isNull());
    assertThatThrownBy(() -> person.parse(answer(ChatMessage.assistant(" "), "stop")))
        .isInstanceOf(StructuredOutputException.class).hasMessageContaining("no JSON");
  }

  @Test
  void aToolIsStrictWithTheTypesSchemaNameAndDescription() {
    TypedTool<SchemaTypes.GetWeather> weather = TypedTool.of(SchemaTypes.GetWeather.class);
    assertThat(weather.tool().getType()).isEqualTo("function");
    assertThat(weather.tool().getFunction().getName()).isEqualTo("GetWeather");
    assertThat(weather.tool().getFunction().getDescription()).isEqualTo("The current weather in a city");
    assertThat(weather.tool().getFunction().getStrict()).isTrue();
    assertThat(weather.tool().getFunction().getParameters())
        .isEqualTo(JsonSchemas.strict(SchemaTypes.GetWeather.class));
    assertThat(TypedTool.of("get_weather", null, SchemaTypes.GetWeather.class).tool().getFunction().getName())
        .isEqualTo("get_weather");
  }

  @Test
  void aCallsArgumentsParse() {
    TypedTool<SchemaTypes.GetWeather> weather = TypedTool.of(SchemaTypes.GetWeather.class);
    ToolCall call = new ToolCall().setId("call_1").setType("function").setFunction(new ToolCall.FunctionCall()
        .setName("GetWeather").setArguments("{\"city\":\"Paris\",\"unit\":null}"));
    assertThat(weather.matches(call)).isTrue();
    assertThat(weather.arguments(call)).isEqualTo(new SchemaTypes.GetWeather("Paris", null));
  }

  @Test
  void argumentsThatDoNotParseAreAnExceptionWithThem() {
    TypedTool<SchemaTypes.GetWeather> weather = TypedTool.of(SchemaTypes.GetWeather.class);
    ToolCall call = new ToolCall().setId("call_1").setFunction(new ToolCall.FunctionCall().setName("GetWeather")
        .setArguments("{\"town\":\"Paris\"}"));
    assertThatThrownBy(() -> weather.arguments(call))
        .isInstanceOfSatisfying(StructuredOutputException.class,
            e -> assertThat(e.raw()).isEqualTo("{\"town\":\"Paris\"}"));
    ToolCall other = new ToolCall().setId("call_2").setFunction(new ToolCall.FunctionCall().setName("Other"));
    assertThatThrownBy(() -> weather.arguments(other)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not to GetWeather but to Other");
  }

  @Test
  void aNameStrictModeRefusesIsRefusedHere() {
    assertThatThrownBy(() -> TypedTool.of("get weather", null, SchemaTypes.GetWeather.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'get weather'");
  }

  @Test
  void aToolMessageAnswersACall() {
    ChatMessage message = ChatMessage.tool("call_1", "{\"celsius\":21}");
    assertThat(message.getRole()).isEqualTo("tool");
    assertThat(message.getToolCallId()).isEqualTo("call_1");
    assertThat(message.getContent()).isEqualTo("{\"celsius\":21}");
  }
}
