package io.g4f.client.typed;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.AsyncClient;
import io.g4f.client.Client;
import io.g4f.client.ClientOptions;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.StructuredOutputException;
import io.g4f.client.provider.AnthropicProvider;
import io.g4f.client.provider.GeminiProvider;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Typed answers through the client: asked as each provider asks for a schema, parsed whole or streamed. */
@ExtendWith(VertxExtension.class)
class TypedAnswersTest {

  private static final String ADA = "{\"name\":\"Ada\",\"age\":36,\"member\":true,\"email\":null}";
  private static final SchemaTypes.Person PERSON = new SchemaTypes.Person("Ada", 36, true, null);

  private Vertx vertx;
  private ScriptedServer upstream;
  private AsyncClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx);
    client = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl()).setApiKey("k")
        .setMaxRetries(0));
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    upstream.close();
  }

  private static String completion(JsonObject message) {
    return new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1)
        .put("model", "gpt-4o-mini").put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", message).put("finish_reason", "stop"))).encode();
  }

  private static String chunk(String content) {
    return "data: " + new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("created", 1)
        .put("model", "gpt-4o-mini").put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("delta", new JsonObject().put("content", content)))).encode() + "\n\n";
  }

  private void answer(String content) {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 200, "application/json",
        completion(new JsonObject().put("role", "assistant").put("content", content)));
  }

  private static ChatCompletionRequest request() {
    return ChatCompletionRequest.of("gpt-4o-mini", "Invent a person");
  }

  @Test
  void aWholeAnswerIsAskedAsAStrictJsonSchemaAndParsed() {
    answer(ADA);

    assertThat(await(client.chat().completions().parse(request(), SchemaTypes.Person.class))).isEqualTo(PERSON);

    JsonObject format = upstream.last().json().getJsonObject("response_format");
    assertThat(format.getString("type")).isEqualTo("json_schema");
    assertThat(format.getJsonObject("json_schema").getString("name")).isEqualTo("Person");
    assertThat(format.getJsonObject("json_schema").getBoolean("strict")).isTrue();
    assertThat(format.getJsonObject("json_schema").getJsonObject("schema").getMap())
        .isEqualTo(JsonSchemas.strict(SchemaTypes.Person.class));
  }

  @Test
  void anAnswerThatDoesNotParseFailsWithItsText() {
    answer("{\"name\":\"Ada\"");

    assertThatThrownBy(() -> await(client.chat().completions().parse(request(), SchemaTypes.Person.class)))
        .isInstanceOfSatisfying(StructuredOutputException.class, e -> {
          assertThat(e.raw()).isEqualTo("{\"name\":\"Ada\"");
          assertThat(e.provider()).isEqualTo("OpenAI");
        });
  }

  @Test
  void aRefusalFailsAsARefusal() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 200, "application/json",
        completion(new JsonObject().put("role", "assistant").putNull("content").put("refusal", "No.")));

    assertThatThrownBy(() -> await(client.chat().completions().parse(request(), SchemaTypes.Person.class)))
        .isInstanceOfSatisfying(StructuredOutputException.class, e -> assertThat(e.refused()).isTrue());
  }

  @Test
  void aStreamGivesItsTextAsItComesAndTheValueAtItsEnd() {
    upstream.sse("/v1/chat/completions", chunk("{\"name\":\"Ada\",") + chunk("\"age\":36,\"member\":true,")
        + chunk("\"email\":null}") + "data: [DONE]\n\n");
    List<String> pieces = new CopyOnWriteArrayList<>();

    SchemaTypes.Person parsed = await(client.chat().completions().parseStream(request(),
        StructuredOutput.of(SchemaTypes.Person.class), pieces::add, null));

    assertThat(parsed).isEqualTo(PERSON);
    assertThat(pieces).containsExactly("{\"name\":\"Ada\",", "\"age\":36,\"member\":true,", "\"email\":null}");
    assertThat(upstream.last().json().getBoolean("stream")).isTrue();
    assertThat(upstream.last().json().getJsonObject("response_format").getString("type")).isEqualTo("json_schema");
  }

  @Test
  void aStreamCutShortFailsWithWhatCame() {
    upstream.sse("/v1/chat/completions", chunk("{\"name\":\"Ada\",") + "data: [DONE]\n\n");

    assertThatThrownBy(() -> await(client.chat().completions().parseStream(request(),
        StructuredOutput.of(SchemaTypes.Person.class), piece -> { }, null)))
        .isInstanceOfSatisfying(StructuredOutputException.class,
            e -> assertThat(e.raw()).isEqualTo("{\"name\":\"Ada\","));
  }

  @Test
  void anthropicIsAskedForTheSchemaAsItsOutputFormat() {
    upstream.reply(HttpMethod.POST, "/v1/messages", 200, "application/json", new JsonObject()
        .put("id", "msg_1").put("type", "message").put("role", "assistant").put("model", "claude-sonnet-4-5")
        .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", ADA)))
        .put("stop_reason", "end_turn").put("usage", new JsonObject().put("input_tokens", 1).put("output_tokens", 1))
        .encode());
    AsyncClient anthropic = AsyncClient.create(vertx, new ClientOptions().setProvider("Anthropic").setApiKey("k")
        .setMaxRetries(0), ProviderRegistry.standard()
        .register(new AnthropicProvider("http://127.0.0.1:" + upstream.port())));
    try {
      assertThat(await(anthropic.chat().completions().parse(ChatCompletionRequest.of("claude-sonnet-4-5",
          "Invent a person"), SchemaTypes.Person.class))).isEqualTo(PERSON);
    } finally {
      await(anthropic.close());
    }

    JsonObject format = upstream.last().json().getJsonObject("output_config").getJsonObject("format");
    assertThat(format.getString("type")).isEqualTo("json_schema");
    assertThat(format.getJsonObject("schema").getMap()).isEqualTo(JsonSchemas.strict(SchemaTypes.Person.class));
  }

  @Test
  void geminiIsAskedForTheSchemaAsItsResponseJsonSchema() {
    upstream.reply(HttpMethod.POST, "/v1beta/models/gemini-2.5-flash:generateContent", 200, "application/json",
        new JsonObject().put("candidates", new JsonArray().add(new JsonObject().put("index", 0)
            .put("finishReason", "STOP").put("content", new JsonObject().put("role", "model")
                .put("parts", new JsonArray().add(new JsonObject().put("text", ADA)))))).encode());
    AsyncClient gemini = AsyncClient.create(vertx, new ClientOptions().setProvider("Gemini").putApiKey("Gemini", "k")
        .setMaxRetries(0), ProviderRegistry.standard()
        .register(new GeminiProvider("http://127.0.0.1:" + upstream.port() + "/v1beta")));
    try {
      assertThat(await(gemini.chat().completions().parse(ChatCompletionRequest.of("gemini-2.5-flash",
          "Invent a person"), SchemaTypes.Person.class))).isEqualTo(PERSON);
    } finally {
      await(gemini.close());
    }

    JsonObject config = upstream.last().json().getJsonObject("generationConfig");
    assertThat(config.getString("responseMimeType")).isEqualTo("application/json");
    assertThat(config.getJsonObject("responseJsonSchema").getMap())
        .isEqualTo(JsonSchemas.strict(SchemaTypes.Person.class));
  }

  @Test
  void theBlockingClientParsesToo() throws Exception {
    answer(ADA);

    SchemaTypes.Person parsed = vertx.executeBlocking(() -> {
      try (Client blocking = Client.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl()).setApiKey("k"))) {
        return blocking.chat().completions().parse(request(), SchemaTypes.Person.class);
      }
    }).toCompletionStage().toCompletableFuture().get();

    assertThat(parsed).isEqualTo(PERSON);
  }
}
