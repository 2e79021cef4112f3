package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.AsyncClient;
import io.g4f.client.ClientOptions;
import io.g4f.client.EventBusAsyncClient;
import io.g4f.client.EventBusClientOptions;
import io.g4f.client.GenericAsyncClient;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.client.typed.ToolLoop;
import io.g4f.client.typed.ToolLoopException;
import io.g4f.client.typed.ToolStep;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Typed answers and the tool loop through the gateway, over HTTP (the in-process client pointed at the gateway) and
 * over the event bus ({@link EventBusAsyncClient}): the schema, the tool calls and the tool results cross it intact.
 */
@ExtendWith(VertxExtension.class)
class TypedThroughGatewayTest {

  private static final AtomicInteger GATEWAYS = new AtomicInteger();

  /** The arguments of the weather tool. */
  record GetWeather(String city) {
  }

  /** A typed answer. */
  record Person(String name, int age) {
  }

  /** How the test reaches the gateway. */
  enum Transport {
    HTTP, EVENT_BUS
  }

  private final Deque<String> answers = new ArrayDeque<>();
  private Vertx vertx;
  private ScriptedServer model;
  private GenericAsyncClient<?> client;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    model = ScriptedServer.start(vertx).on(HttpMethod.POST, "/v1/chat/completions", request -> {
      String answer;
      synchronized (answers) {
        answer = answers.poll();
      }
      request.response().setStatusCode(answer == null ? 500 : 200).putHeader("content-type", "application/json")
          .end(answer == null ? "{\"error\":{\"message\":\"no answer scripted\"}}" : answer);
    });
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    model.close();
  }

  private GenericAsyncClient<?> client(Transport transport) {
    String prefix = "typed" + GATEWAYS.incrementAndGet();
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setEventBusPrefix(prefix)
        .addProvider("local", new ClientOptions().setBaseUrl(model.baseUrl()).setMaxRetries(0), List.of()));
    await(vertx.deployVerticle(gateway));
    client = transport == Transport.HTTP
        ? AsyncClient.create(vertx, new ClientOptions().setBaseUrl("http://127.0.0.1:" + gateway.actualPort() + "/v1")
            .setApiKey("k").setMaxRetries(0))
        : EventBusAsyncClient.create(vertx, new EventBusClientOptions().setAddressPrefix(prefix));
    return client;
  }

  private void script(String... next) {
    synchronized (answers) {
      answers.addAll(List.of(next));
    }
  }

  private static String completion(JsonObject message) {
    return new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1)
        .put("model", "m1").put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", message).put("finish_reason", message.containsKey("tool_calls") ? "tool_calls" : "stop")))
        .encode();
  }

  private static String text(String text) {
    return completion(new JsonObject().put("role", "assistant").put("content", text));
  }

  private static String calls(String... cities) {
    JsonArray calls = new JsonArray();
    for (String city : cities) {
      calls.add(new JsonObject().put("id", "call_" + city).put("type", "function").put("function", new JsonObject()
          .put("name", "GetWeather").put("arguments", new JsonObject().put("city", city).encode())));
    }
    return completion(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", calls));
  }

  private JsonArray messagesOf(int request) {
    return model.received().get(request).json().getJsonArray("messages");
  }

  @ParameterizedTest
  @EnumSource
  void theToolLoopRunsParallelCallsAndAFailingOneThroughTheGateway(Transport transport) {
    script(calls("Paris", "Atlantis"), text("Paris is sunny; Atlantis is unknown."));
    List<ToolStep> steps = new CopyOnWriteArrayList<>();
    Promise<String> paris = Promise.promise();
    ToolLoop tools = new ToolLoop().onStep(steps::add).add(GetWeather.class, args -> {
      if (args.city().equals("Paris")) {
        return paris.future();                  // completes once Atlantis's call has started
      }
      paris.complete("sunny");
      return Future.failedFuture(new IllegalStateException("no such city"));
    });

    String answer = await(client(transport).chat().completions()
        .runTools(ChatCompletionRequest.of("m1", "Weather in Paris and Atlantis?"), tools, null)).text();

    assertThat(answer).isEqualTo("Paris is sunny; Atlantis is unknown.");
    assertThat(steps).extracting(ToolStep::number).containsExactly(1, 2);
    JsonObject tool = model.received().get(0).json().getJsonArray("tools").getJsonObject(0).getJsonObject("function");
    assertThat(tool.getString("name")).isEqualTo("GetWeather");
    assertThat(tool.getBoolean("strict")).isTrue();
    JsonArray second = messagesOf(1);
    assertThat(second.getJsonObject(1).getJsonArray("tool_calls")).hasSize(2);
    assertThat(second.getJsonObject(2)).isEqualTo(new JsonObject().put("role", "tool").put("content", "sunny")
        .put("tool_call_id", "call_Paris"));
    assertThat(second.getJsonObject(3)).isEqualTo(new JsonObject().put("role", "tool")
        .put("content", "{\"error\":\"no such city\"}").put("tool_call_id", "call_Atlantis"));
  }

  @ParameterizedTest
  @EnumSource
  void aRepeatedCallStopsTheLoopThroughTheGateway(Transport transport) {
    script(calls("Paris"), calls("Paris"), text("never asked"));
    ToolLoop tools = new ToolLoop().add(GetWeather.class, args -> Future.succeededFuture("sunny"));

    assertThatThrownBy(() -> await(client(transport).chat().completions()
        .runTools(ChatCompletionRequest.of("m1", "Weather in Paris?"), tools, null)))
        .isInstanceOfSatisfying(ToolLoopException.class,
            e -> assertThat(e.reason()).isEqualTo(ToolLoopException.Reason.REPEATED_CALL));
    assertThat(model.received()).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource
  void aTypedAnswerCrossesTheGateway(Transport transport) {
    script(text("{\"name\":\"Ada\",\"age\":36}"));

    assertThat(await(client(transport).chat().completions()
        .parse(ChatCompletionRequest.of("m1", "Invent a person"), Person.class))).isEqualTo(new Person("Ada", 36));
    JsonObject format = model.last().json().getJsonObject("response_format");
    assertThat(format.getJsonObject("json_schema").getJsonObject("schema").getJsonArray("required"))
        .containsExactly("name", "age");
  }
}
