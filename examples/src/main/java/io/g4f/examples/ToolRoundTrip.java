package io.g4f.examples;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.ToolCall;
import io.g4f.client.typed.TypedTool;

/** One tool round trip by hand: a record as the tool, its call's arguments parsed, the result sent back. */
public final class ToolRoundTrip {

  private ToolRoundTrip() {
  }

  /** The tool's arguments. */
  @JsonClassDescription("The current weather in a city")
  public record GetWeather(@JsonPropertyDescription("the city, e.g. Paris") String city) {
  }

  /** Asks for the weather, answers the model's call, prints its final answer. */
  public static void main(String[] args) {
    TypedTool<GetWeather> weather = TypedTool.of(GetWeather.class);
    ChatCompletionRequest request = ChatCompletionRequest.of(Example.model("gpt-4o-mini"),
        "What is the weather in Paris?").addTool(weather.tool());
    Example.run(client -> client.chat().completions().create(request).compose(answer -> {
      ChatMessage asked = answer.getChoices().get(0).getMessage();
      ToolCall call = asked.getToolCalls().get(0);
      String result = "{\"city\":\"" + weather.arguments(call).city() + "\",\"celsius\":21}";
      return client.chat().completions().create(request.addMessage(asked)
          .addMessage(ChatMessage.tool(call.getId(), result)));
    }).onSuccess(answer -> System.out.println(answer.text())));
  }
}
