package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.ImageInput;
import io.g4f.client.chat.Tool;
import io.g4f.client.chat.ToolCall;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.ModelNotFoundException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.provider.OllamaProvider;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Ollama's native /api/chat against transcripts in its documented NDJSON format. */
@ExtendWith(VertxExtension.class)
class OllamaNativeTest {

  private static final String TRANSCRIPT = resource("transcripts/ollama-chat-stream.ndjson");
  private static final String WHOLE = resource("transcripts/ollama-chat.json");
  private static final String NDJSON = "application/x-ndjson";

  private Vertx vertx;
  private ScriptedServer ollama;
  private AsyncClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    ollama = ScriptedServer.start(vertx).chat("/api/chat", NDJSON, TRANSCRIPT, WHOLE);
    client = AsyncClient.create(vertx, new ClientOptions().setProvider("OllamaNative").setMaxRetries(0),
        ProviderRegistry.standard().register(new OllamaProvider("http://127.0.0.1:" + ollama.port())));
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    ollama.close();
  }

  @Test
  void theRequestIsOllamasShape() {
    await(client.chat().completions().create(new ChatCompletionRequest().setModel("llama3.2")
        .addSystemMessage("be brief").addUserMessage("why is the sky blue?").setTemperature(0.2).setTopP(0.9)
        .setSeed(7L).setMaxTokens(100).setStop(List.of("\n\n"))
        .setResponseFormat(Map.of("type", "json_object"))));

    assertThat(ollama.last().uri()).isEqualTo("/api/chat");
    assertThat(ollama.last().json()).isEqualTo(new JsonObject()
        .put("model", "llama3.2").put("stream", false)
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", "be brief"))
            .add(new JsonObject().put("role", "user").put("content", "why is the sky blue?")))
        .put("options", new JsonObject().put("temperature", 0.2).put("top_p", 0.9).put("seed", 7)
            .put("num_predict", 100).put("stop", new JsonArray().add("\n\n")))
        .put("format", "json"));
  }

  @Test
  void aWholeAnswerIsAskedWithStreamFalseAndIsTheDocumentedObjectMapped() {
    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("llama3.2", "hi")));

    assertThat(ollama.received()).hasSize(1);
    assertThat(ollama.last().json().getBoolean("stream")).isFalse();
    assertThat(completion.getId()).startsWith("chatcmpl-");
    assertThat(completion.getChoices().get(0).getMessage().getRole()).isEqualTo("assistant");
    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("Hello! How are you today?");
    assertThat(completion.getChoices().get(0).getFinishReason()).isEqualTo("stop");
    assertThat(completion.getUsage().getPromptTokens()).isEqualTo(26);
    assertThat(completion.getUsage().getCompletionTokens()).isEqualTo(298);
    assertThat(completion.getUsage().getTotalTokens()).isEqualTo(324);
    assertThat(completion.getModel()).isEqualTo("llama3.2");
    assertThat(completion.getProvider()).isEqualTo("OllamaNative");
    assertThat(completion.getCreated()).isEqualTo(1702390423L);
  }

  @Test
  void aStreamIsAskedWithStreamTrueAndFoldsTheTranscript() {
    List<ChatCompletionChunk> chunks = await(await(client.chat().completions().stream(
        ChatCompletionRequest.of("llama3.2", "hi"))).collect(Collectors.toList()));

    assertThat(ollama.last().json().getBoolean("stream")).isTrue();
    assertThat(ollama.last().headers().get("accept")).isEqualTo(NDJSON);
    assertThat(chunks).hasSize(4);
    assertThat(chunks).extracting(ChatCompletionChunk::getId).containsOnly(chunks.get(0).getId());
    ChatCompletion completion = await(client.chat().completions().stream(ChatCompletionRequest.of("llama3.2", "hi"))
        .compose(AsyncClient.ChatCompletions::collect));
    assertThat(completion.getChoices().get(0).getMessage().getRole()).isEqualTo("assistant");
    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test ✓.");
    assertThat(completion.getChoices().get(0).getFinishReason()).isEqualTo("stop");
    assertThat(completion.getUsage().getPromptTokens()).isEqualTo(26);
    assertThat(completion.getUsage().getCompletionTokens()).isEqualTo(282);
    assertThat(completion.getCreated()).isEqualTo(1691164339L);
  }

  @Test
  void anAnswerThatEndsBeforeDoneFailsWholeOrStreamed() {
    String cut = TRANSCRIPT.substring(0, TRANSCRIPT.lastIndexOf("{\"model\""));
    ollama.chat("/api/chat", NDJSON, cut, cut.substring(0, cut.indexOf('\n')));

    G4fException whole = fail(client.chat().completions().create(ChatCompletionRequest.of("llama3.2", "hi")));
    G4fException streamed = fail(client.chat().completions().stream(ChatCompletionRequest.of("llama3.2", "hi"))
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(whole).isInstanceOf(ProviderException.class)
        .hasMessage("OllamaNative's stream ended before \"done\": true: the answer is incomplete");
    assertThat(streamed).isInstanceOf(ProviderException.class)
        .hasMessage("OllamaNative's stream ended before its last line: the answer is incomplete");
  }

  @Test
  void linesSplitAnywhereIncludingInsideACharacter() {
    byte[] bytes = TRANSCRIPT.getBytes(StandardCharsets.UTF_8);
    ollama.on(HttpMethod.POST, "/api/chat", request -> {
      request.response().setChunked(true).putHeader("content-type", "application/x-ndjson");
      writeInPieces(request.response(), bytes, 0);
    });

    ChatCompletion completion = await(client.chat().completions().stream(ChatCompletionRequest.of("llama3.2", "hi"))
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test ✓.");
  }

  private void writeInPieces(io.vertx.core.http.HttpServerResponse response, byte[] bytes, int from) {
    if (from >= bytes.length) {
      response.end();
      return;
    }
    int to = Math.min(bytes.length, from + 5);
    response.write(Buffer.buffer(Arrays.copyOfRange(bytes, from, to)));
    vertx.setTimer(1, id -> writeInPieces(response, bytes, to));
  }

  @Test
  void imagesAreSentAsBareBase64() {
    byte[] png = VisionTest.image("png");

    await(client.chat().completions().create(ChatCompletionRequest.of("llava", "what is this?")
        .addImage(ImageInput.of(png))));

    JsonObject message = ollama.last().json().getJsonArray("messages").getJsonObject(0);
    assertThat(message.getString("content")).isEqualTo("what is this?");
    assertThat(message.getJsonArray("images")).isEqualTo(new JsonArray().add(Base64.getEncoder().encodeToString(png)));
  }

  @Test
  void anImageUrlIsDownloadedAndSentAsBareBase64() {
    byte[] png = VisionTest.image("png");
    ollama.on(HttpMethod.GET, "/cat.png", request -> request.response().putHeader("content-type", "image/png")
        .end(Buffer.buffer(png)));
    AsyncClient allowing = AsyncClient.create(vertx, new ClientOptions().setProvider("OllamaNative").setMaxRetries(0)
            .setAllowedPrivateImageHosts(List.of("127.0.0.1")),
        ProviderRegistry.standard().register(new OllamaProvider("http://127.0.0.1:" + ollama.port())));

    await(allowing.chat().completions().stream(ChatCompletionRequest.of("llava", "what?")
        .addImage(ImageInput.ofUrl("http://127.0.0.1:" + ollama.port() + "/cat.png"))));
    await(allowing.close());

    assertThat(ollama.received()).extracting(ScriptedServer.Received::uri).containsExactly("/cat.png", "/api/chat");
    assertThat(ollama.last().json().getJsonArray("messages").getJsonObject(0).getJsonArray("images"))
        .isEqualTo(new JsonArray().add(Base64.getEncoder().encodeToString(png)));
  }

  @Test
  void toolCallsComeBackAsOpenAiToolCallsWholeAndStreamed() {
    ollama.chat("/api/chat", NDJSON, resource("transcripts/ollama-tool-call.ndjson"),
        resource("transcripts/ollama-tool-call.json"));
    ChatCompletionRequest request = ChatCompletionRequest.of("llama3.2", "weather in Paris?")
        .setTools(List.of(Tool.function("get_current_weather", "Weather", Map.of("type", "object"))));

    ChatCompletion whole = await(client.chat().completions().create(request));
    ChatCompletion streamed = await(client.chat().completions().stream(request)
        .compose(AsyncClient.ChatCompletions::collect));

    for (ChatCompletion completion : List.of(whole, streamed)) {
      ChatCompletion.Choice choice = completion.getChoices().get(0);
      assertThat(choice.getFinishReason()).isEqualTo("tool_calls");
      assertThat(choice.getMessage().getToolCalls()).hasSize(1);
      ToolCall call = choice.getMessage().getToolCalls().get(0);
      assertThat(call.getId()).isEqualTo("call_0");
      assertThat(call.getFunction().getName()).isEqualTo("get_current_weather");
      assertThat(new JsonObject(call.getFunction().getArguments()))
          .isEqualTo(new JsonObject().put("format", "celsius").put("location", "Paris, FR"));
    }
    assertThat(whole.getUsage().getTotalTokens()).isEqualTo(155);
    assertThat(ollama.last().json().getJsonArray("tools").getJsonObject(0).getJsonObject("function")
        .getString("name")).isEqualTo("get_current_weather");
  }

  @Test
  void anAssistantToolCallIsSentBackWithObjectArguments() {
    await(client.chat().completions().create(new ChatCompletionRequest().setModel("llama3.2")
        .addUserMessage("weather?")
        .addMessage(new ChatMessage().setRole("assistant").setToolCalls(List.of(new ToolCall().setId("call_0")
            .setType("function").setFunction(new ToolCall.FunctionCall().setName("get_current_weather")
                .setArguments("{\"location\":\"Paris\"}")))))
        .addMessage(new ChatMessage().setRole("tool").setToolCallId("call_0").setContent("22 C"))));

    JsonArray messages = ollama.last().json().getJsonArray("messages");
    assertThat(messages.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0)).isEqualTo(new JsonObject()
        .put("function", new JsonObject().put("name", "get_current_weather")
            .put("arguments", new JsonObject().put("location", "Paris"))));
    assertThat(messages.getJsonObject(2)).isEqualTo(new JsonObject().put("role", "tool").put("content", "22 C"));
  }

  @Test
  void anUnknownModelIsModelNotFound() {
    ollama.reply(HttpMethod.POST, "/api/chat", 404, "application/json", "{\"error\":\"model 'nope' not found\"}");

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("nope", "hi")));

    assertThat(failure).isInstanceOf(ModelNotFoundException.class)
        .hasMessage("OllamaNative answered HTTP 404: model 'nope' not found");
  }

  @Test
  void anErrorLineMidStreamFailsTheStream() {
    ollama.reply(HttpMethod.POST, "/api/chat", 200, "application/x-ndjson",
        "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n"
            + "{\"error\":\"an error was encountered while running the model: unexpected EOF\"}\n");

    G4fException failure = fail(client.chat().completions().stream(ChatCompletionRequest.of("llama3.2", "hi"))
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(failure).isInstanceOf(ProviderException.class)
        .hasMessage("OllamaNative failed mid-stream: an error was encountered while running the model: unexpected EOF");
  }
}
