package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.ContentPart;
import io.g4f.client.chat.ImageInput;
import io.g4f.client.chat.Tool;
import io.g4f.client.chat.ToolCall;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.messages.MessageStreamEvent;
import io.g4f.client.provider.AnthropicProvider;
import io.g4f.client.provider.Providers;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Anthropic's Messages API against the request and stream examples of its documentation. */
@ExtendWith(VertxExtension.class)
class AnthropicTest {

  private static final String KEY = "sk-ant-test-secret-0123456789";
  private static final String TEXT_STREAM = resource("transcripts/anthropic-messages-stream.txt");
  private static final String TOOL_USE_STREAM = resource("transcripts/anthropic-tool-use-stream.txt");
  private static final String MESSAGE = resource("transcripts/anthropic-message.json");

  private Vertx vertx;
  private ScriptedServer anthropic;
  private AsyncClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    anthropic = ScriptedServer.start(vertx).chat("/v1/messages", TEXT_STREAM, MESSAGE);
    client = clientFor(new AnthropicProvider("http://127.0.0.1:" + anthropic.port()), new ClientOptions());
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    anthropic.close();
  }

  private AsyncClient clientFor(AnthropicProvider provider, ClientOptions options) {
    return AsyncClient.create(vertx, options.setProvider("Anthropic").setApiKey(KEY).setMaxRetries(0),
        ProviderRegistry.standard().register(provider));
  }

  @Test
  void aPlainRequestIsTheDocumentedBodyWithTheDocumentedHeaders() {
    await(client.chat().completions().create(ChatCompletionRequest.of("claude-sonnet-4-5", "Hello").setMaxTokens(256)));

    ScriptedServer.Received sent = anthropic.last();
    assertThat(sent.method()).isEqualTo(HttpMethod.POST);
    assertThat(sent.uri()).isEqualTo("/v1/messages");
    assertThat(sent.headers().get("x-api-key")).isEqualTo(KEY);
    assertThat(sent.headers().get("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(sent.headers().get("content-type")).isEqualTo("application/json");
    assertThat(sent.headers().get("authorization")).isNull();
    assertThat(sent.json()).isEqualTo(new JsonObject("""
        {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "Hello"}], "max_tokens": 256}"""));
  }

  @Test
  void aStreamIsAskedWithStreamTrue() {
    await(await(client.chat().completions().stream(ChatCompletionRequest.of("claude-sonnet-4-5", "Hello")))
        .collect(Collectors.toList()));

    assertThat(anthropic.last().headers().get("accept")).isEqualTo("text/event-stream");
    assertThat(anthropic.last().json().getBoolean("stream")).isTrue();
  }

  @Test
  void maxTokensComesFromMaxCompletionTokensThenMaxTokensThenTheDefault() {
    await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi").setMaxTokens(100)
        .setMaxCompletionTokens(200)));
    assertThat(anthropic.last().json().getInteger("max_tokens")).isEqualTo(200);

    await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")));
    assertThat(anthropic.last().json().getInteger("max_tokens")).isEqualTo(AnthropicProvider.DEFAULT_MAX_TOKENS);
  }

  @Test
  void systemAndDeveloperMessagesAreLiftedAndSamplingSettingsRenamed() {
    await(client.chat().completions().create(new ChatCompletionRequest().setModel("claude-haiku-4-5")
        .addSystemMessage("You are a seasoned data scientist.")
        .addUserMessage("Summarise the dataset.")
        .setTemperature(0.5).setTopP(0.9).setStop(List.of("\n\nHuman:")).setUser("user-42").setSeed(7L)));

    assertThat(anthropic.last().json()).isEqualTo(new JsonObject("""
        {"model": "claude-haiku-4-5", "max_tokens": 4096,
         "system": "You are a seasoned data scientist.",
         "messages": [{"role": "user", "content": "Summarise the dataset."}],
         "temperature": 0.5, "top_p": 0.9, "stop_sequences": ["\\n\\nHuman:"],
         "metadata": {"user_id": "user-42"}}"""));
  }

  @Test
  void severalSystemMessagesBecomeTextBlocksInOrder() {
    await(client.chat().completions().create(new ChatCompletionRequest().setModel("m")
        .addSystemMessage("Be brief.").addUserMessage("hi")
        .addMessage(new ChatMessage("developer", "Answer in French."))));

    JsonObject body = anthropic.last().json();
    assertThat(body.getJsonArray("system")).isEqualTo(new JsonArray("""
        [{"type": "text", "text": "Be brief."}, {"type": "text", "text": "Answer in French."}]"""));
    assertThat(body.getJsonArray("messages")).isEqualTo(new JsonArray("[{\"role\": \"user\", \"content\": \"hi\"}]"));
  }

  @Test
  void imageBytesBecomeABase64SourceAndUrlsAUrlSource() {
    byte[] png = VisionTest.image("png");

    await(client.chat().completions().create(ChatCompletionRequest.of("claude-sonnet-4-5", "Describe these images.")
        .addImage(ImageInput.of(png))
        .addImage(ImageInput.ofUrl("https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg"))));

    assertThat(anthropic.last().json().getJsonArray("messages")).isEqualTo(new JsonArray().add(new JsonObject()
        .put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "Describe these images."))
            .add(new JsonObject().put("type", "image").put("source", new JsonObject().put("type", "base64")
                .put("media_type", "image/png").put("data", Base64.getEncoder().encodeToString(png))))
            .add(new JsonObject().put("type", "image").put("source", new JsonObject().put("type", "url")
                .put("url", "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg"))))));
  }

  @Test
  void aDataUriThatIsNotBase64IsRefusedBeforeSending() {
    G4fException failure = fail(client.chat().completions().create(new ChatCompletionRequest().setModel("m")
        .addMessage(new ChatMessage().setRole("user").addContentPart(ContentPart.imageUrl("data:image/svg+xml,<svg/>")))));

    assertThat(failure).isInstanceOf(InvalidRequestException.class).hasMessageContaining("base64 data: URIs");
    assertThat(anthropic.received()).isEmpty();
  }

  @Test
  void toolsAndToolChoiceAreTheDocumentedToolUseRequest() {
    await(client.chat().completions().create(ChatCompletionRequest.of("claude-sonnet-4-5",
            "What is the weather like in San Francisco?").setMaxTokens(1024)
        .setTools(List.of(Tool.function("get_weather", "Get the current weather in a given location", Map.of(
            "type", "object",
            "properties", Map.of("location", Map.of("type", "string",
                "description", "The city and state, e.g. San Francisco, CA")),
            "required", List.of("location")))))
        .setToolChoice("required")));

    assertThat(anthropic.last().json()).isEqualTo(new JsonObject(resource("transcripts/anthropic-tool-use-request.json")));
  }

  @ParameterizedTest(name = "tool_choice {0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "auto     | {\"type\": \"auto\"}",
      "required | {\"type\": \"any\"}",
      "none     | {\"type\": \"none\"}",
      "get_time | {\"type\": \"tool\", \"name\": \"get_time\"}",
  })
  void toolChoiceMapsToItsAnthropicForm(String openAi, String anthropicForm) {
    Object choice = List.of("auto", "required", "none").contains(openAi) ? openAi
        : Map.of("type", "function", "function", Map.of("name", openAi));

    await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")
        .setTools(List.of(Tool.function("get_time", "The time", Map.of("type", "object")))).setToolChoice(choice)));

    assertThat(anthropic.last().json().getJsonObject("tool_choice")).isEqualTo(new JsonObject(anthropicForm));
  }

  @Test
  void noParallelToolCallsDisablesParallelToolUse() {
    await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")
        .setTools(List.of(Tool.function("f", null, null))).putExtra("parallel_tool_calls", false)));

    JsonObject body = anthropic.last().json();
    assertThat(body.getJsonObject("tool_choice"))
        .isEqualTo(new JsonObject().put("type", "auto").put("disable_parallel_tool_use", true));
    assertThat(body.getJsonArray("tools")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("name", "f").put("input_schema", new JsonObject().put("type", "object"))));
    assertThat(body.containsKey("parallel_tool_calls")).isFalse();
  }

  @Test
  void aToolCallAndItsResultGoBackAsToolUseAndToolResultBlocks() {
    await(client.chat().completions().create(new ChatCompletionRequest().setModel("claude-sonnet-4-5")
        .addUserMessage("What's the weather like in San Francisco?")
        .addMessage(new ChatMessage().setRole("assistant")
            .setContent("<thinking>I need to use get_weather, and the user wants SF, which is likely San Francisco, CA.</thinking>")
            .setToolCalls(List.of(new ToolCall().setId("toolu_01A09q90qw90lq917835lq9").setType("function")
                .setFunction(new ToolCall.FunctionCall().setName("get_weather")
                    .setArguments("{\"location\": \"San Francisco, CA\", \"unit\": \"celsius\"}")))))
        .addMessage(new ChatMessage().setRole("tool").setToolCallId("toolu_01A09q90qw90lq917835lq9")
            .setContent("15 degrees"))));

    assertThat(anthropic.last().json().getJsonArray("messages")).isEqualTo(new JsonArray("""
        [
          {"role": "user", "content": "What's the weather like in San Francisco?"},
          {"role": "assistant", "content": [
            {"type": "text", "text": "<thinking>I need to use get_weather, and the user wants SF, which is likely San Francisco, CA.</thinking>"},
            {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather",
             "input": {"location": "San Francisco, CA", "unit": "celsius"}}
          ]},
          {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_01A09q90qw90lq917835lq9", "content": "15 degrees"}
          ]}
        ]"""));
  }

  @Test
  void resultsOfParallelToolCallsShareOneUserMessage() {
    await(client.chat().completions().create(new ChatCompletionRequest().setModel("m").addUserMessage("weather?")
        .addMessage(new ChatMessage().setRole("assistant").setToolCalls(List.of(
            new ToolCall().setId("toolu_1").setType("function")
                .setFunction(new ToolCall.FunctionCall().setName("get_weather").setArguments("{\"location\":\"Paris\"}")),
            new ToolCall().setId("toolu_2").setType("function")
                .setFunction(new ToolCall.FunctionCall().setName("get_time").setArguments("")))))
        .addMessage(new ChatMessage().setRole("tool").setToolCallId("toolu_1").setContent("22 C"))
        .addMessage(new ChatMessage().setRole("tool").setToolCallId("toolu_2").setContent("noon"))
        .addUserMessage("thanks")));

    JsonArray messages = anthropic.last().json().getJsonArray("messages");
    assertThat(messages.getJsonObject(1).getJsonArray("content").getJsonObject(1).getJsonObject("input"))
        .isEqualTo(new JsonObject());
    assertThat(messages.getJsonObject(2)).isEqualTo(new JsonObject("""
        {"role": "user", "content": [
          {"type": "tool_result", "tool_use_id": "toolu_1", "content": "22 C"},
          {"type": "tool_result", "tool_use_id": "toolu_2", "content": "noon"}]}"""));
    assertThat(messages.getJsonObject(3)).isEqualTo(new JsonObject("{\"role\": \"user\", \"content\": \"thanks\"}"));
  }

  @Test
  void aWholeAnswerIsTheDocumentedMessageMapped() {
    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("claude-sonnet-4-5",
        "Hello, Claude")));

    assertThat(anthropic.received()).hasSize(1);
    assertThat(anthropic.last().json().containsKey("stream")).isFalse();
    assertThat(completion.getId()).isEqualTo("msg_013Zva2CMHLNnXjNJJKqJ2EF");
    assertThat(completion.getModel()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(completion.getProvider()).isEqualTo("Anthropic");
    assertThat(completion.getCreated()).isPositive();
    ChatCompletion.Choice choice = completion.getChoices().get(0);
    assertThat(choice.getMessage().getRole()).isEqualTo("assistant");
    assertThat(choice.getMessage().getContent()).isEqualTo("Hi! My name is Claude.");
    assertThat(choice.getMessage().getToolCalls()).isNull();
    assertThat(choice.getFinishReason()).isEqualTo("stop");
    assertThat(completion.getUsage().getPromptTokens()).isEqualTo(2095);
    assertThat(completion.getUsage().getCompletionTokens()).isEqualTo(503);
    assertThat(completion.getUsage().getTotalTokens()).isEqualTo(2598);
  }

  @Test
  void aWholeToolUseMessageBecomesTextAndOneToolCall() {
    anthropic.chat("/v1/messages", TOOL_USE_STREAM, resource("transcripts/anthropic-tool-use-message.json"));

    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("claude-sonnet-4-5",
        "What is the weather like in San Francisco?")));

    ChatCompletion.Choice choice = completion.getChoices().get(0);
    assertThat(choice.getFinishReason()).isEqualTo("tool_calls");
    assertThat(choice.getMessage().getContent()).isEqualTo("I'll check the current weather in San Francisco for you.");
    assertThat(choice.getMessage().getToolCalls()).singleElement().satisfies(call -> {
      assertThat(call.getIndex()).isNull();
      assertThat(call.getId()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
      assertThat(call.getType()).isEqualTo("function");
      assertThat(call.getFunction().getName()).isEqualTo("get_weather");
      assertThat(new JsonObject(call.getFunction().getArguments()))
          .isEqualTo(new JsonObject().put("location", "San Francisco, CA").put("unit", "celsius"));
    });
  }

  @Test
  void theDocumentedTextStreamFoldsIntoOneCompletion() {
    ChatCompletion completion = await(client.chat().completions().stream(ChatCompletionRequest.of("claude-sonnet-4-5",
        "Hello")).compose(AsyncClient.ChatCompletions::collect));

    assertThat(completion.getId()).isEqualTo("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY");
    assertThat(completion.getModel()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(completion.getProvider()).isEqualTo("Anthropic");
    assertThat(completion.getCreated()).isPositive();
    ChatCompletion.Choice choice = completion.getChoices().get(0);
    assertThat(choice.getMessage().getRole()).isEqualTo("assistant");
    assertThat(choice.getMessage().getContent()).isEqualTo("Hello!");
    assertThat(choice.getMessage().getToolCalls()).isNull();
    assertThat(choice.getFinishReason()).isEqualTo("stop");
    assertThat(completion.getUsage().getPromptTokens()).isEqualTo(25);
    assertThat(completion.getUsage().getCompletionTokens()).isEqualTo(15);
    assertThat(completion.getUsage().getTotalTokens()).isEqualTo(40);
  }

  @Test
  void theDocumentedTextStreamStreamsRoleThenTextThenFinish() {
    List<ChatCompletionChunk> chunks = await(await(client.chat().completions().stream(
        ChatCompletionRequest.of("claude-sonnet-4-5", "Hello"))).collect(Collectors.toList()));

    assertThat(chunks).extracting(chunk -> chunk.getChoices().get(0).getDelta().getRole())
        .containsExactly("assistant", null, null, null);
    assertThat(chunks).extracting(chunk -> chunk.getChoices().get(0).getDelta().getContent())
        .containsExactly(null, "Hello", "!", null);
    assertThat(chunks).extracting(chunk -> chunk.getChoices().get(0).getFinishReason())
        .containsExactly(null, null, null, "stop");
    assertThat(chunks).extracting(ChatCompletionChunk::getUsage).first().isNull();
    assertThat(chunks.get(3).getUsage().getTotalTokens()).isEqualTo(40);
    assertThat(chunks).extracting(ChatCompletionChunk::getId).containsOnly("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY");
  }

  @Test
  void eventsSplitAnywhereAndCrlfLineEndsDecodeTheSame() {
    byte[] bytes = TEXT_STREAM.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    anthropic.on(HttpMethod.POST, "/v1/messages", request -> {
      request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      writeInPieces(request.response(), bytes, 0);
    });

    ChatCompletion completion = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "Hello"))
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("Hello!");
    assertThat(completion.getUsage().getTotalTokens()).isEqualTo(40);
  }

  private void writeInPieces(HttpServerResponse response, byte[] bytes, int from) {
    if (from >= bytes.length) {
      response.end();
      return;
    }
    int to = Math.min(bytes.length, from + 7);
    response.write(Buffer.buffer(Arrays.copyOfRange(bytes, from, to)));
    vertx.setTimer(1, id -> writeInPieces(response, bytes, to));
  }

  @Test
  void theDocumentedToolUseStreamIsCollectedIntoOneToolCall() {
    anthropic.sse("/v1/messages", TOOL_USE_STREAM);

    ChatCompletion completion = await(client.chat().completions().stream(ChatCompletionRequest.of("claude-sonnet-4-5",
        "What is the weather like in San Francisco?")).compose(AsyncClient.ChatCompletions::collect));

    ChatCompletion.Choice choice = completion.getChoices().get(0);
    assertThat(choice.getFinishReason()).isEqualTo("tool_calls");
    assertThat(choice.getMessage().getContent()).isEqualTo("Okay, let's check the weather for San Francisco, CA:");
    assertThat(choice.getMessage().getToolCalls()).hasSize(1);
    ToolCall call = choice.getMessage().getToolCalls().get(0);
    assertThat(call.getId()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assertThat(call.getType()).isEqualTo("function");
    assertThat(call.getFunction().getName()).isEqualTo("get_weather");
    assertThat(new JsonObject(call.getFunction().getArguments()))
        .isEqualTo(new JsonObject().put("location", "San Francisco, CA").put("unit", "fahrenheit"));
    assertThat(completion.getUsage().getPromptTokens()).isEqualTo(472);
    assertThat(completion.getUsage().getCompletionTokens()).isEqualTo(89);
  }

  @Test
  void aToolUseBlockStreamsAsOpenAiToolCallFragments() {
    anthropic.sse("/v1/messages", TOOL_USE_STREAM);

    List<ToolCall> fragments = await(await(client.chat().completions().stream(ChatCompletionRequest.of("m", "weather?")))
        .collect(Collectors.toList())).stream()
        .map(chunk -> chunk.getChoices().get(0).getDelta().getToolCalls())
        .filter(calls -> calls != null)
        .map(calls -> calls.get(0))
        .toList();

    assertThat(fragments.get(0).getIndex()).isZero();
    assertThat(fragments.get(0).getId()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assertThat(fragments.get(0).getFunction().getName()).isEqualTo("get_weather");
    assertThat(fragments.subList(1, fragments.size())).allSatisfy(fragment -> {
      assertThat(fragment.getIndex()).isZero();
      assertThat(fragment.getId()).isNull();
      assertThat(fragment.getFunction().getArguments()).isNotEmpty();
    });
    assertThat(fragments).hasSize(9);
  }

  @Test
  void twoToolUseBlocksBecomeTwoToolCallsInOrder() {
    anthropic.sse("/v1/messages", event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\","
        + "\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}")
        + toolUse(0, "toolu_a", "get_weather", "{\"location\": \"Paris\"}")
        + toolUse(1, "toolu_b", "get_time", "{\"zone\": \"CET\"}")
        + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
            + "\"usage\":{\"output_tokens\":30}}")
        + event("message_stop", "{\"type\":\"message_stop\"}"));

    ChatCompletion completion = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "both?"))
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(completion.getChoices().get(0).getMessage().getToolCalls())
        .extracting(ToolCall::getId, call -> call.getFunction().getName(), call -> call.getFunction().getArguments())
        .containsExactly(
            tuple("toolu_a", "get_weather", "{\"location\": \"Paris\"}"),
            tuple("toolu_b", "get_time", "{\"zone\": \"CET\"}"));
  }

  private static String toolUse(int index, String id, String name, String input) {
    return event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
        + ",\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"input\":{}}}")
        + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
        + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" + Json.encode(input) + "}}")
        + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
  }

  private static String event(String type, String data) {
    return "event: " + type + "\ndata: " + data + "\n\n";
  }

  @Test
  void thinkingBlocksAreLeftOutOfTheAnswer() {
    anthropic.sse("/v1/messages", resource("transcripts/anthropic-thinking-stream.txt"));

    ChatCompletion completion = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "27 * 453?"))
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("27 * 453 = 12,231");
    assertThat(completion.getChoices().get(0).getFinishReason()).isEqualTo("stop");
  }

  @Test
  void theNativeApiSendsTheBodyAsItIsAndReturnsTheAnswerAsSent() {
    String thinking = resource("transcripts/anthropic-thinking-message.json");
    anthropic.chat("/v1/messages", resource("transcripts/anthropic-thinking-stream.txt"), thinking);
    JsonObject body = new JsonObject().put("model", "claude-sonnet-4-5").put("max_tokens", 2048).put("top_k", 5)
        .put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", 1024))
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Primes?")));

    Buffer whole = await(client.messages().create(body, null));
    List<MessageStreamEvent> events = await(await(client.messages().stream(body, null)).collect(Collectors.toList()));

    assertThat(whole.toString()).isEqualTo(thinking);
    assertThat(anthropic.received().get(0).json()).isEqualTo(body);
    assertThat(anthropic.last().json()).isEqualTo(body.copy().put("stream", true));
    assertThat(anthropic.last().headers().get("x-api-key")).isEqualTo(KEY);
    assertThat(events).extracting(MessageStreamEvent::event).startsWith("message_start").endsWith("message_stop")
        .contains("content_block_delta").hasSize(15);
    assertThat(events.get(8).data()).isEqualTo("{\"type\": \"content_block_delta\", \"index\": 0, \"delta\": "
        + "{\"type\": \"signature_delta\", \"signature\": \"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...\"}}");
  }

  @Test
  void aNativeStreamFailsOnAnErrorEventOrACutAndAnErrorAnswerKeepsItsStatusAndType() {
    String start = TEXT_STREAM.substring(0, TEXT_STREAM.indexOf("event: content_block_stop"));
    JsonObject body = new JsonObject().put("model", "claude-sonnet-4-5").put("max_tokens", 10)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));

    anthropic.sse("/v1/messages", start);
    G4fException cut = fail(client.messages().stream(body, null).compose(stream -> stream.collect(Collectors.toList())));
    anthropic.sse("/v1/messages", start + event("error", "{\"type\":\"error\",\"error\":{\"type\":"
        + "\"overloaded_error\",\"message\":\"Overloaded\"}}"));
    G4fException errorEvent = fail(client.messages().stream(body, null)
        .compose(stream -> stream.collect(Collectors.toList())));
    anthropic.reply(HttpMethod.POST, "/v1/messages", 529, "application/json",
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
    G4fException refused = fail(client.messages().create(body, null));

    assertThat(cut).isInstanceOf(ProviderException.class).hasMessageContaining("ended before");
    assertThat(errorEvent).isInstanceOf(ProviderException.class).hasMessageContaining("Overloaded");
    assertThat(errorEvent.type()).isEqualTo("overloaded_error");
    assertThat(refused.status()).isEqualTo(529);
    assertThat(refused.type()).isEqualTo("overloaded_error");
    assertThat(fail(client.messages().create(body.copy().put("stream", true), null)))
        .isInstanceOf(InvalidRequestException.class);
  }

  @ParameterizedTest(name = "stop_reason {0} -> finish_reason {1}")
  @CsvSource({
      "end_turn, stop",
      "stop_sequence, stop",
      "max_tokens, length",
      "model_context_window_exceeded, length",
      "tool_use, tool_calls",
      "refusal, content_filter",
      "pause_turn, pause_turn",
  })
  void stopReasonMapsToFinishReasonWholeAndStreamed(String stopReason, String finishReason) {
    anthropic.chat("/v1/messages", TEXT_STREAM.replace("\"end_turn\"", "\"" + stopReason + "\""),
        MESSAGE.replace("\"end_turn\"", "\"" + stopReason + "\""));

    ChatCompletion whole = await(client.chat().completions().create(ChatCompletionRequest.of("m", "Hello")));
    ChatCompletion streamed = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "Hello"))
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(whole.getChoices().get(0).getFinishReason()).isEqualTo(finishReason);
    assertThat(streamed.getChoices().get(0).getFinishReason()).isEqualTo(finishReason);
  }

  @Test
  void cachedPromptTokensCountAsPromptTokens() {
    anthropic.chat("/v1/messages", TEXT_STREAM, MESSAGE.replace("\"input_tokens\": 2095,",
        "\"input_tokens\": 25, \"cache_creation_input_tokens\": 100, \"cache_read_input_tokens\": 1000,"));

    Usage usage = await(client.chat().completions().create(ChatCompletionRequest.of("m", "Hello"))).getUsage();

    assertThat(usage.getPromptTokens()).isEqualTo(1125);
    assertThat(usage.getCompletionTokens()).isEqualTo(503);
    assertThat(usage.getTotalTokens()).isEqualTo(1628);
  }

  @Test
  void anOverloadedErrorEventFailsTheStreamAfterTheTextBeforeIt() throws Exception {
    String beforeError = TEXT_STREAM.substring(0, TEXT_STREAM.indexOf("event: content_block_stop"));
    anthropic.sse("/v1/messages", beforeError + "event: error\n"
        + "data: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n");
    ChatCompletionStream stream = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "Hello")));
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    StringBuilder text = new StringBuilder();
    stream.exceptionHandler(failed::complete);
    stream.endHandler(v -> failed.complete(null));
    stream.handler(chunk -> text.append(chunk.getChoices().get(0).getDelta().getContent() == null ? ""
        : chunk.getChoices().get(0).getDelta().getContent()));

    Throwable failure = failed.get(10, TimeUnit.SECONDS);
    assertThat(text).hasToString("Hello!");
    assertThat(failure).isInstanceOf(ProviderException.class).hasMessage("Anthropic failed mid-stream: Overloaded");
    assertThat(((G4fException) failure).type()).isEqualTo("overloaded_error");
    assertThat(((G4fException) failure).provider()).isEqualTo("Anthropic");
  }

  @Test
  void aStreamCutBeforeMessageStopFails() {
    anthropic.sse("/v1/messages", TEXT_STREAM.substring(0, TEXT_STREAM.indexOf("event: message_delta")));

    G4fException failure = fail(client.chat().completions().stream(ChatCompletionRequest.of("m", "Hello"))
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(failure).isInstanceOf(ProviderException.class)
        .hasMessage("Anthropic's stream ended before message_stop: the answer is incomplete");
  }

  @ParameterizedTest(name = "HTTP {0} ({1}) -> {3}")
  @CsvSource({
      "400, invalid_request_error, 'messages: roles must alternate', InvalidRequestException, false",
      "401, authentication_error, 'invalid x-api-key', AuthenticationException, false",
      "403, permission_error, 'Your API key does not have permission', AuthenticationException, false",
      "404, not_found_error, 'model: claude-nope', ModelNotFoundException, false",
      "404, not_found_error, 'The requested resource could not be found.', ProviderException, false",
      "413, request_too_large, 'Request exceeds the maximum size', InvalidRequestException, false",
      "429, rate_limit_error, 'Number of request tokens has exceeded your rate limit', RateLimitException, true",
      "500, api_error, 'Internal server error', ProviderException, true",
      "529, overloaded_error, 'Overloaded', ProviderException, true",
  })
  void errorStatusesMapToTheirExceptions(int status, String type, String message, String exception, boolean retryable) {
    anthropic.reply(HttpMethod.POST, "/v1/messages", status, "application/json", new JsonObject().put("type", "error")
        .put("error", new JsonObject().put("type", type).put("message", message + " (key " + KEY + ")"))
        .put("request_id", "req_011CSHoEeqs5C35K2UUqR7Fy").encode());

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("claude-nope", "Hello")));

    assertThat(failure.getClass().getSimpleName()).isEqualTo(exception);
    assertThat(failure.status()).isEqualTo(status);
    assertThat(failure.provider()).isEqualTo("Anthropic");
    assertThat(failure.type()).isEqualTo(type);
    assertThat(failure.retryable()).isEqualTo(retryable);
    assertThat(failure).hasMessage("Anthropic answered HTTP " + status + ": " + message + " (key ***)");
    assertThat(failure.getMessage()).doesNotContain(KEY);
  }

  @Test
  void aJsonSchemaResponseFormatBecomesOutputConfigFormat() {
    Map<String, Object> schema = Map.of("type", "object", "properties", Map.of("name", Map.of("type", "string")),
        "required", List.of("name"), "additionalProperties", false);

    await(client.chat().completions().create(ChatCompletionRequest.of("m", "Extract the name.").setResponseFormat(
        Map.of("type", "json_schema", "json_schema", Map.of("name", "contact", "strict", true, "schema", schema)))));

    JsonObject body = anthropic.last().json();
    assertThat(body.getJsonObject("output_config")).isEqualTo(new JsonObject()
        .put("format", new JsonObject().put("type", "json_schema").put("schema", new JsonObject(schema))));
    assertThat(body.containsKey("response_format")).isFalse();
  }

  @Test
  void aTextResponseFormatSendsNothing() {
    await(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")
        .setResponseFormat(Map.of("type", "text"))));

    assertThat(anthropic.last().json().fieldNames()).doesNotContain("output_config", "response_format");
  }

  @Test
  void aJsonObjectResponseFormatIsRefusedWithWhatToDoInstead() {
    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi")
        .setResponseFormat(Map.of("type", "json_object"))));

    assertThat(failure).isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("Anthropic has no response_format 'json_object'")
        .hasMessageContaining("json_schema").hasMessageContaining("tool_choice");
    assertThat(failure.param()).isEqualTo("response_format");
    assertThat(anthropic.received()).isEmpty();
  }

  @Test
  void moreThanOneChoiceIsRefused() {
    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("m", "hi").setN(2)));

    assertThat(failure).isInstanceOf(InvalidRequestException.class).hasMessageContaining("n must be 1");
    assertThat(anthropic.received()).isEmpty();
  }

  @Test
  void theClientBaseUrlWinsWithOrWithoutV1() {
    AsyncClient configured = clientFor(new AnthropicProvider("http://127.0.0.1:1"),
        new ClientOptions().setBaseUrl(anthropic.baseUrl()));
    try {
      await(configured.chat().completions().create(ChatCompletionRequest.of("m", "Hello")));
      assertThat(anthropic.last().uri()).isEqualTo("/v1/messages");
    } finally {
      await(configured.close());
    }
    AsyncClient bare = clientFor(new AnthropicProvider("http://127.0.0.1:1"),
        new ClientOptions().setBaseUrl("http://127.0.0.1:" + anthropic.port() + "/"));
    try {
      await(bare.chat().completions().create(ChatCompletionRequest.of("m", "Hello")));
      assertThat(anthropic.last().uri()).isEqualTo("/v1/messages");
      assertThat(anthropic.received()).hasSize(2);
    } finally {
      await(bare.close());
    }
  }

  @Test
  void anthropicIsABuiltInProvider() {
    AnthropicProvider builtIn = (AnthropicProvider) ProviderRegistry.standard().get("anthropic");

    assertThat(builtIn).isSameAs(Providers.ANTHROPIC);
    assertThat(builtIn.name()).isEqualTo("Anthropic");
    assertThat(builtIn.apiKeyVariable()).isEqualTo("ANTHROPIC_API_KEY");
    assertThat(builtIn.defaultModel()).isEqualTo(builtIn.models().get(0)).startsWith("claude-");
    assertThat(builtIn.capabilities()).contains(io.g4f.client.spi.Capability.AUTH, io.g4f.client.spi.Capability.TOOLS,
        io.g4f.client.spi.Capability.VISION);
  }
}
