package io.g4f.examples;

import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.typed.ToolLoop;
import io.vertx.core.Future;

/** The tool loop: the model calls the weather tool (twice at once) until it can answer; each step is printed. */
public final class ToolLoopWeather {

  private ToolLoopWeather() {
  }

  /** The tool's result. */
  public record Weather(String city, int celsius) {
  }

  /** Runs the loop and prints each step, then the answer. */
  public static void main(String[] args) {
    ToolLoop tools = new ToolLoop()
        .add(ToolRoundTrip.GetWeather.class, city -> Future.succeededFuture(new Weather(city.city(), 21)))
        .onStep(step -> {
          if (!step.isFinal()) {
            System.out.println("step " + step.number() + ": " + step.results().size() + " tool call(s)");
          }
        });
    ChatCompletionRequest request = ChatCompletionRequest.of(Example.model("gpt-4o-mini"),
        "What is the weather in Paris and Oslo?");
    Example.run(client -> client.chat().completions().runTools(request, tools)
        .onSuccess(answer -> System.out.println(answer.text())));
  }
}
