package io.g4f.client.typed;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.AsyncClient;
import io.g4f.client.Client;
import io.g4f.client.ClientOptions;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The tool loop against a scripted model that asks for tools, answer after answer. */
@ExtendWith(VertxExtension.class)
class ToolLoopTest {

  private static final String PATH = "/v1/chat/completions";

  /** The weather tool's result. */
  record Weather(String city, int celsius) {
  }

  private final Deque<String> answers = new ArrayDeque<>();
  private final List<ToolStep> steps = new CopyOnWriteArrayList<>();
  private ScriptedServer model;
  private AsyncClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    model = ScriptedServer.start(vertx).on(HttpMethod.POST, PATH, request -> {
      String answer = answers.poll();
      request.response().setStatusCode(answer == null ? 500 : 200).putHeader("content-type", "application/json")
          .end(answer == null ? "{\"error\":{\"message\":\"no answer scripted\"}}" : answer);
    });
    client = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(model.baseUrl()).setApiKey("k").setMaxRetries(0));
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    model.close();
  }

  /** Scripts the model's next answers, in order. */
  private void script(String... next) {
    answers.addAll(List.of(next));
  }

  /** An answer asking for these calls, each {@code {id, name, arguments}}. */
  private static String calls(String[]... calls) {
    JsonArray toolCalls = new JsonArray();
    for (String[] call : calls) {
      toolCalls.add(new JsonObject().put("id", call[0]).put("type", "function")
          .put("function", new JsonObject().put("name", call[1]).put("arguments", call[2])));
    }
    return completion(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", toolCalls),
        "tool_calls");
  }

  private static String text(String text) {
    return completion(new JsonObject().put("role", "assistant").put("content", text), "stop");
  }

  private static String completion(JsonObject message, String finishReason) {
    return new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1)
        .put("model", "gpt-4o-mini").put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", message).put("finish_reason", finishReason))).encode();
  }

  private static String[] call(String id, String name, String arguments) {
    return new String[] {id, name, arguments};
  }

  private ChatCompletionRequest request() {
    return ChatCompletionRequest.of("gpt-4o-mini", "What is the weather in Paris?");
  }

  private JsonArray messagesOf(int request) {
    return model.received().get(request).json().getJsonArray("messages");
  }

  @Test
  void oneToolCallThenTheAnswer() {
    script(calls(call("call_1", "GetWeather", "{\"city\":\"Paris\",\"unit\":null}")), text("21 °C in Paris."));
    List<SchemaTypes.GetWeather> asked = new ArrayList<>();
    ToolLoop tools = new ToolLoop().onStep(steps::add).add(SchemaTypes.GetWeather.class, args -> {
      asked.add(args);
      return Future.succeededFuture(new Weather(args.city(), 21));
    });

    ChatCompletion answer = await(client.chat().completions().runTools(request(), tools));

    assertThat(answer.text()).isEqualTo("21 °C in Paris.");
    assertThat(asked).containsExactly(new SchemaTypes.GetWeather("Paris", null));
    JsonObject first = model.received().get(0).json();
    assertThat(first.getJsonArray("tools").getJsonObject(0)).isEqualTo(new JsonObject(Map.of("type", "function",
        "function", Map.of("name", "GetWeather", "description", "The current weather in a city", "strict", true,
            "parameters", JsonSchemas.strict(SchemaTypes.GetWeather.class)))));
    JsonArray second = messagesOf(1);
    assertThat(second).hasSize(3);
    assertThat(second.getJsonObject(1).getString("role")).isEqualTo("assistant");
    assertThat(second.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0).getString("id")).isEqualTo("call_1");
    assertThat(second.getJsonObject(2)).isEqualTo(new JsonObject()
        .put("role", "tool").put("content", "{\"city\":\"Paris\",\"celsius\":21}").put("tool_call_id", "call_1"));
    assertThat(steps).extracting(ToolStep::number, ToolStep::isFinal).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, false), org.assertj.core.groups.Tuple.tuple(2, true));
    assertThat(steps.get(0).results().get(0).value()).isEqualTo(new Weather("Paris", 21));
    assertThat(steps.get(1).answer()).isSameAs(answer);
  }

  @Test
  void twoCallsOfOneAnswerRunConcurrentlyAndGoBackInTheirOrder() {
    script(calls(call("call_p", "GetWeather", "{\"city\":\"Paris\",\"unit\":null}"),
            call("call_o", "GetWeather", "{\"city\":\"Oslo\",\"unit\":\"celsius\"}")),
        text("Paris 21, Oslo 9."));
    Promise<Weather> paris = Promise.promise();
    ToolLoop tools = new ToolLoop().add(SchemaTypes.GetWeather.class, args -> {
      if (args.city().equals("Paris")) {
        return paris.future();            // completes only once Oslo's call has started: both run at once
      }
      paris.complete(new Weather("Paris", 21));
      return Future.succeededFuture(new Weather("Oslo", 9));
    });

    assertThat(await(client.chat().completions().runTools(request(), tools)).text()).isEqualTo("Paris 21, Oslo 9.");

    JsonArray second = messagesOf(1);
    assertThat(second).hasSize(4);
    assertThat(second.getJsonObject(2).getString("tool_call_id")).isEqualTo("call_p");
    assertThat(second.getJsonObject(2).getString("content")).contains("Paris");
    assertThat(second.getJsonObject(3).getString("tool_call_id")).isEqualTo("call_o");
    assertThat(second.getJsonObject(3).getString("content")).contains("Oslo");
  }

  @Test
  void aFailingToolIsReportedToTheModelWhichThenAnswers() {
    script(calls(call("call_1", "GetWeather", "{\"city\":\"Atlantis\",\"unit\":null}"),
            call("call_2", "NoSuchTool", "{}")),
        text("I could not find Atlantis."));
    ToolLoop tools = new ToolLoop().onStep(steps::add).add(SchemaTypes.GetWeather.class,
        args -> Future.failedFuture(new IllegalStateException("unknown city " + args.city())));

    assertThat(await(client.chat().completions().runTools(request(), tools)).text())
        .isEqualTo("I could not find Atlantis.");

    JsonArray second = messagesOf(1);
    assertThat(second.getJsonObject(2).getString("content")).isEqualTo("{\"error\":\"unknown city Atlantis\"}");
    assertThat(new JsonObject(second.getJsonObject(3).getString("content")).getString("error"))
        .isEqualTo("There is no tool named NoSuchTool; the tools are [GetWeather]");
    assertThat(steps.get(0).results()).allSatisfy(result -> assertThat(result.failure()).isNotNull());
  }

  @Test
  void argumentsThatDoNotParseAndAFunctionThatThrowsAreReportedToo() {
    script(calls(call("call_1", "GetWeather", "{\"town\":\"Paris\"}")),
        calls(call("call_2", "GetWeather", "{\"city\":\"Paris\",\"unit\":null}")), text("done"));
    ToolLoop tools = new ToolLoop().add(SchemaTypes.GetWeather.class, args -> {
      throw new IllegalArgumentException("thrown, not failed");
    });

    assertThat(await(client.chat().completions().runTools(request(), tools)).text()).isEqualTo("done");

    assertThat(messagesOf(1).getJsonObject(2).getString("content")).contains("The arguments of the call call_1 are "
        + "not GetWeather");
    assertThat(messagesOf(2).getJsonObject(4).getString("content")).isEqualTo("{\"error\":\"thrown, not failed\"}");
  }

  @Test
  void aCallMadeAgainWithTheSameArgumentsStopsTheLoop() {
    script(calls(call("call_1", "GetWeather", "{\"city\":\"Paris\",\"unit\":null}")),
        calls(call("call_2", "GetWeather", "{ \"city\": \"Paris\", \"unit\": null }")), text("never asked"));
    List<String> ran = new ArrayList<>();
    ToolLoop tools = new ToolLoop().onStep(steps::add).add(SchemaTypes.GetWeather.class, args -> {
      ran.add(args.city());
      return Future.succeededFuture("sunny");
    });

    assertThatThrownBy(() -> await(client.chat().completions().runTools(request(), tools)))
        .isInstanceOfSatisfying(ToolLoopException.class, e -> {
          assertThat(e.reason()).isEqualTo(ToolLoopException.Reason.REPEATED_CALL);
          assertThat(e.getMessage()).contains("GetWeather({ \"city\": \"Paris\", \"unit\": null })");
          assertThat(e.steps()).hasSize(2);
          assertThat(e.steps().get(1).results()).isEmpty();
        });
    assertThat(ran).containsExactly("Paris");
    assertThat(model.received()).hasSize(2);
    assertThat(steps).hasSize(2);
    assertThat(messagesOf(1).getJsonObject(2).getString("content")).isEqualTo("sunny");
  }

  @Test
  void theStepLimitStopsAModelThatKeepsAsking() {
    script(calls(call("call_1", "GetWeather", "{\"city\":\"A\",\"unit\":null}")),
        calls(call("call_2", "GetWeather", "{\"city\":\"B\",\"unit\":null}")),
        calls(call("call_3", "GetWeather", "{\"city\":\"C\",\"unit\":null}")));
    ToolLoop tools = new ToolLoop().setMaxSteps(2)
        .add(SchemaTypes.GetWeather.class, args -> Future.succeededFuture("cloudy"));

    assertThatThrownBy(() -> await(client.chat().completions().runTools(request(), tools)))
        .isInstanceOfSatisfying(ToolLoopException.class, e -> {
          assertThat(e.reason()).isEqualTo(ToolLoopException.Reason.STEP_LIMIT);
          assertThat(e.steps()).hasSize(2);
        });
    assertThat(model.received()).hasSize(2);
    assertThatThrownBy(() -> tools.setMaxSteps(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRequestIsLeftAsItIsAndItsOwnToolsAreKept() {
    script(text("no tools needed"), text("again"));
    ChatCompletionRequest request = request().addTool(TypedTool.of("lookup", "looks up", SchemaTypes.Address.class)
        .tool());
    ToolLoop tools = new ToolLoop().add(SchemaTypes.GetWeather.class, args -> Future.succeededFuture("x"));

    await(client.chat().completions().runTools(request, tools));
    await(client.chat().completions().runTools(request, tools));

    assertThat(request.getTools()).hasSize(1);
    assertThat(request.getMessages()).hasSize(1);
    assertThat(model.last().json().getJsonArray("tools")).extracting(tool -> ((JsonObject) tool)
        .getJsonObject("function").getString("name")).containsExactly("lookup", "GetWeather");
    assertThatThrownBy(() -> tools.add(SchemaTypes.GetWeather.class, args -> Future.succeededFuture("y")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GetWeather");
  }

  @Test
  void theBlockingClientRunsTheLoopToo(Vertx vertx) throws Exception {
    script(calls(call("call_1", "GetWeather", "{\"city\":\"Paris\",\"unit\":null}")), text("21 °C"));
    ToolLoop tools = new ToolLoop().add(SchemaTypes.GetWeather.class,
        args -> Future.succeededFuture(new Weather(args.city(), 21)));
    ChatCompletion answer = vertx.executeBlocking(() -> {
      try (Client blocking = Client.create(vertx, new ClientOptions().setBaseUrl(model.baseUrl()).setApiKey("k"))) {
        return blocking.chat().completions().runTools(request(), tools);
      }
    }).toCompletionStage().toCompletableFuture().get();

    assertThat(answer.text()).isEqualTo("21 °C");
    assertThat(messagesOf(1).getJsonObject(2).getString("content")).isEqualTo("{\"city\":\"Paris\",\"celsius\":21}");
  }
}
