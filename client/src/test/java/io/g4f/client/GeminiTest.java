package io.g4f.client;

import static io.g4f.client.ErrorMappingTest.fail;
import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.ImageInput;
import io.g4f.client.chat.Tool;
import io.g4f.client.chat.ToolCall;
import io.g4f.client.errors.ContentFilterException;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.errors.RateLimitException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.provider.GeminiProvider;
import io.g4f.client.provider.Providers;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Google's Gemini API against transcripts in its documented wire format. */
@ExtendWith(VertxExtension.class)
class GeminiTest {

  private static final String KEY = "AIzaSy-test-secret-0123456789";
  private static final String STREAM_PATH = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
  private static final String WHOLE_PATH = "/v1beta/models/gemini-2.5-flash:generateContent";
  private static final String PNG_B64 =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

  @TempDir
  Path imagesDir;
  private ScriptedServer gemini;
  private AsyncClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    gemini = ScriptedServer.start(vertx).sse(STREAM_PATH, resource("transcripts/gemini-text-stream.sse"))
        .reply(HttpMethod.POST, WHOLE_PATH, 200, "application/json", resource("transcripts/gemini-generate-content.json"));
    client = AsyncClient.create(vertx, new ClientOptions().setProvider("Gemini").setImageProvider("Gemini")
            .putApiKey("Gemini", KEY).setMaxRetries(0).setImagesDir(imagesDir.toString()),
        ProviderRegistry.standard().register(new GeminiProvider("http://127.0.0.1:" + gemini.port() + "/v1beta")));
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    gemini.close();
  }

  private ChatCompletion create(ChatCompletionRequest request) {
    return await(client.chat().completions().create(request));
  }

  /** Scripts {@code sse} as the stream and its last event as the whole answer. */
  private void answer(String sse) {
    String[] events = sse.strip().split("(\r?\n){2}");
    gemini.sse(STREAM_PATH, sse).reply(HttpMethod.POST, WHOLE_PATH, 200, "application/json",
        events[events.length - 1].substring("data: ".length()));
  }

  private static JsonObject user(String text) {
    return new JsonObject().put("role", "user").put("parts", new JsonArray().add(new JsonObject().put("text", text)));
  }

  @Test
  void aWholeAnswerIsAskedOfGenerateContentWithTheKeyInAHeaderOnly() {
    create(ChatCompletionRequest.of("gemini-2.5-flash", "Why is the sky blue?"));

    ScriptedServer.Received sent = gemini.last();
    assertThat(gemini.received()).hasSize(1);
    assertThat(sent.method()).isEqualTo(HttpMethod.POST);
    assertThat(sent.uri()).isEqualTo(WHOLE_PATH);
    assertThat(sent.headers().get("x-goog-api-key")).isEqualTo(KEY);
    assertThat(sent.headers().get("authorization")).isNull();
    assertThat(sent.headers().get("content-type")).isEqualTo("application/json");
    assertThat(sent.json()).isEqualTo(new JsonObject().put("contents", new JsonArray().add(user("Why is the sky blue?"))));
  }

  @Test
  void aStreamIsAskedOfStreamGenerateContentWithTheSameBody() {
    await(await(client.chat().completions().stream(ChatCompletionRequest.of("gemini-2.5-flash", "Why is the sky blue?")))
        .collect(java.util.stream.Collectors.toList()));

    assertThat(gemini.last().uri()).isEqualTo(STREAM_PATH + "?alt=sse");
    assertThat(gemini.last().headers().get("x-goog-api-key")).isEqualTo(KEY);
    assertThat(gemini.last().json()).isEqualTo(new JsonObject().put("contents", new JsonArray()
        .add(user("Why is the sky blue?"))));
  }

  @Test
  void theDocumentedWholeResponseIsMappedLikeTheStream() {
    ChatCompletion whole = create(ChatCompletionRequest.of("gemini-2.5-flash", "Why is the sky blue?"));
    ChatCompletion streamed = await(client.chat().completions().stream(ChatCompletionRequest.of("gemini-2.5-flash",
        "Why is the sky blue?")).compose(AsyncClient.ChatCompletions::collect));

    assertThat(whole.getId()).isEqualTo("mAitaJ7bA4rQz7IPvt2V0AY");
    assertThat(whole.getModel()).isEqualTo("gemini-2.5-flash");
    assertThat(whole.getProvider()).isEqualTo("Gemini");
    assertThat(whole.getCreated()).isPositive();
    ChatCompletion.Choice choice = whole.getChoices().get(0);
    assertThat(choice.getMessage().getRole()).isEqualTo("assistant");
    assertThat(choice.getMessage().getContent())
        .isEqualTo("The sky is blue because air scatters short blue wavelengths more than red ones ✓.");
    assertThat(choice.getFinishReason()).isEqualTo("stop");
    assertThat(whole.getUsage().getPromptTokens()).isEqualTo(9);
    assertThat(whole.getUsage().getCompletionTokens()).isEqualTo(503);
    assertThat(whole.getUsage().getTotalTokens()).isEqualTo(512);
    assertThat(streamed.getChoices().get(0).getMessage().getContent()).isEqualTo(choice.getMessage().getContent());
    assertThat(streamed.getUsage().getTotalTokens()).isEqualTo(512);
  }

  @Test
  void systemMessagesBecomeTheSystemInstructionAndSettingsTheGenerationConfig() {
    create(new ChatCompletionRequest().setModel("gemini-2.5-flash")
        .addSystemMessage("You are a cat.")
        .addMessage(new ChatMessage("developer", "Your name is Neko."))
        .addUserMessage("Hello there")
        .addMessage(ChatMessage.assistant("Meow?"))
        .addUserMessage("Who are you?")
        .setTemperature(0.2).setTopP(0.9).setMaxTokens(50).setMaxCompletionTokens(100).setStop(List.of("Title"))
        .setSeed(7L).setN(2));

    assertThat(gemini.last().json()).isEqualTo(new JsonObject()
        .put("contents", new JsonArray().add(user("Hello there"))
            .add(new JsonObject().put("role", "model").put("parts", new JsonArray().add(new JsonObject()
                .put("text", "Meow?"))))
            .add(user("Who are you?")))
        .put("systemInstruction", new JsonObject().put("parts", new JsonArray()
            .add(new JsonObject().put("text", "You are a cat.")).add(new JsonObject().put("text", "Your name is Neko."))))
        .put("generationConfig", new JsonObject().put("temperature", 0.2).put("topP", 0.9).put("maxOutputTokens", 100)
            .put("stopSequences", new JsonArray().add("Title")).put("seed", 7).put("candidateCount", 2)));
  }

  @Test
  void imageBytesGoInlineAndImageUrlsAsFileDataForGeminiToFetch() {
    byte[] png = VisionTest.image("png");

    create(ChatCompletionRequest.of("gemini-2.5-flash", "Compare these").addImage(ImageInput.of(png))
        .addImage(ImageInput.ofUrl("https://example.com/photos/cat.JPG?size=large")));

    JsonArray parts = gemini.last().json().getJsonArray("contents").getJsonObject(0).getJsonArray("parts");
    assertThat(parts).isEqualTo(new JsonArray()
        .add(new JsonObject().put("text", "Compare these"))
        .add(new JsonObject().put("inlineData", new JsonObject().put("mimeType", "image/png")
            .put("data", Base64.getEncoder().encodeToString(png))))
        .add(new JsonObject().put("fileData", new JsonObject().put("mimeType", "image/jpeg")
            .put("fileUri", "https://example.com/photos/cat.JPG?size=large"))));
  }

  @Test
  void toolsBecomeFunctionDeclarationsWithTheirJsonSchema() {
    Map<String, Object> parameters = Map.of("type", "object",
        "properties", Map.of("location", Map.of("type", "string")), "required", List.of("location"),
        "additionalProperties", false);

    create(ChatCompletionRequest.of("gemini-2.5-flash", "Weather in Paris?")
        .setTools(List.of(Tool.function("get_current_weather", "Current weather at a place", parameters)))
        .setToolChoice(Map.of("type", "function", "function", Map.of("name", "get_current_weather"))));

    JsonObject body = gemini.last().json();
    assertThat(body.getJsonArray("tools")).isEqualTo(new JsonArray().add(new JsonObject()
        .put("functionDeclarations", new JsonArray().add(new JsonObject().put("name", "get_current_weather")
            .put("description", "Current weather at a place").put("parametersJsonSchema", new JsonObject(parameters))))));
    assertThat(body.getJsonObject("toolConfig")).isEqualTo(new JsonObject().put("functionCallingConfig",
        new JsonObject().put("mode", "ANY").put("allowedFunctionNames", new JsonArray().add("get_current_weather"))));
  }

  @ParameterizedTest(name = "tool_choice {0} -> mode {1}")
  @CsvSource({"auto, AUTO", "required, ANY", "none, NONE"})
  void toolChoiceBecomesTheFunctionCallingMode(String choice, String mode) {
    create(ChatCompletionRequest.of("gemini-2.5-flash", "hi").setToolChoice(choice)
        .setTools(List.of(Tool.function("noop", null, null))));

    JsonObject body = gemini.last().json();
    assertThat(body.getJsonObject("toolConfig"))
        .isEqualTo(new JsonObject().put("functionCallingConfig", new JsonObject().put("mode", mode)));
    assertThat(body.getJsonArray("tools").getJsonObject(0).getJsonArray("functionDeclarations").getJsonObject(0))
        .isEqualTo(new JsonObject().put("name", "noop"));
  }

  @Test
  void anUnknownToolChoiceIsRefusedBeforeSending() {
    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("gemini-2.5-flash", "hi")
        .setToolChoice("sometimes")));

    assertThat(failure).isInstanceOf(InvalidRequestException.class);
    assertThat(failure.param()).isEqualTo("tool_choice");
    assertThat(gemini.received()).isEmpty();
  }

  @Test
  void aFunctionCallRoundTripSendsFunctionCallsAndOneTurnOfFunctionResponses() {
    gemini.sse(STREAM_PATH, resource("transcripts/gemini-function-call-stream.sse"));
    ChatMessage assistant = await(client.chat().completions().stream(ChatCompletionRequest.of("gemini-2.5-flash",
        "Weather in Paris and London?")).compose(AsyncClient.ChatCompletions::collect)).getChoices().get(0).getMessage();

    create(ChatCompletionRequest.of("gemini-2.5-flash", "Weather in Paris and London?")
        .addMessage(assistant)
        .addMessage(new ChatMessage(ChatMessage.TOOL, "{\"temperature\":22,\"sky\":\"clear\"}")
            .setToolCallId(assistant.getToolCalls().get(0).getId()))
        .addMessage(new ChatMessage(ChatMessage.TOOL, "18 C, rain")
            .setToolCallId(assistant.getToolCalls().get(1).getId())));

    JsonArray contents = gemini.last().json().getJsonArray("contents");
    assertThat(contents).hasSize(3);
    assertThat(contents.getJsonObject(1)).isEqualTo(new JsonObject().put("role", "model").put("parts", new JsonArray()
        .add(new JsonObject().put("functionCall", new JsonObject().put("name", "get_current_weather")
            .put("args", new JsonObject().put("location", "Paris, FR").put("unit", "celsius"))))
        .add(new JsonObject().put("functionCall", new JsonObject().put("name", "get_current_weather")
            .put("args", new JsonObject().put("location", "London, UK").put("unit", "celsius"))))));
    assertThat(contents.getJsonObject(2)).isEqualTo(new JsonObject().put("role", "user").put("parts", new JsonArray()
        .add(new JsonObject().put("functionResponse", new JsonObject().put("name", "get_current_weather")
            .put("response", new JsonObject().put("temperature", 22).put("sky", "clear"))))
        .add(new JsonObject().put("functionResponse", new JsonObject().put("name", "get_current_weather")
            .put("response", new JsonObject().put("output", "18 C, rain"))))));
  }

  @Test
  void aToolResultForAnUnknownCallIsRefusedBeforeSending() {
    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("gemini-2.5-flash", "hi")
        .addMessage(new ChatMessage(ChatMessage.TOOL, "22 C").setToolCallId("call_nobody"))));

    assertThat(failure).isInstanceOf(InvalidRequestException.class).hasMessageContaining("call_nobody");
    assertThat(gemini.received()).isEmpty();
  }

  @Test
  void jsonObjectAndJsonSchemaSetTheResponseMimeTypeAndSchema() {
    Map<String, Object> schema = Map.of("type", "array", "items", Map.of("type", "object",
        "properties", Map.of("recipeName", Map.of("type", "string")), "required", List.of("recipeName")));

    create(ChatCompletionRequest.of("gemini-2.5-flash", "List a few cookie recipes")
        .setResponseFormat(Map.of("type", "json_object")));
    JsonObject jsonObject = gemini.last().json().getJsonObject("generationConfig");
    create(ChatCompletionRequest.of("gemini-2.5-flash", "List a few cookie recipes")
        .setResponseFormat(Map.of("type", "json_schema", "json_schema", Map.of("name", "recipes", "schema", schema))));
    JsonObject jsonSchema = gemini.last().json().getJsonObject("generationConfig");

    assertThat(jsonObject).isEqualTo(new JsonObject().put("responseMimeType", "application/json"));
    assertThat(jsonSchema).isEqualTo(new JsonObject().put("responseMimeType", "application/json")
        .put("responseJsonSchema", new JsonObject(schema)));
  }

  @Test
  void theStreamedTranscriptBecomesOpenAiChunks() {
    List<ChatCompletionChunk> chunks = await(await(client.chat().completions().stream(
        ChatCompletionRequest.of("gemini-2.5-flash", "Why is the sky blue?"))).collect(Collectors.toList()));

    assertThat(chunks).hasSize(3);
    assertThat(chunks).extracting(ChatCompletionChunk::getId).containsOnly("mAitaJ7bA4rQz7IPvt2V0AY");
    assertThat(chunks).extracting(ChatCompletionChunk::getModel).containsOnly("gemini-2.5-flash");
    assertThat(chunks).extracting(chunk -> chunk.getChoices().get(0).getDelta().getRole())
        .containsExactly("assistant", null, null);
    assertThat(chunks).extracting(chunk -> chunk.getChoices().get(0).getDelta().getContent())
        .containsExactly("The sky is blue", " because air scatters short blue wavelengths", " more than red ones ✓.");
    assertThat(chunks).extracting(chunk -> chunk.getChoices().get(0).getFinishReason())
        .containsExactly(null, null, "stop");
    Usage usage = chunks.get(2).getUsage();
    assertThat(List.of(usage.getPromptTokens(), usage.getCompletionTokens(), usage.getTotalTokens()))
        .containsExactly(9, 503, 512);
  }

  @Test
  void createFoldsTheStream() {
    ChatCompletion completion = create(ChatCompletionRequest.of("gemini-2.5-flash", "Why is the sky blue?"));

    ChatCompletion.Choice choice = completion.getChoices().get(0);
    assertThat(choice.getMessage().getRole()).isEqualTo("assistant");
    assertThat(choice.getMessage().getContent())
        .isEqualTo("The sky is blue because air scatters short blue wavelengths more than red ones ✓.");
    assertThat(choice.getFinishReason()).isEqualTo("stop");
    assertThat(completion.getId()).isEqualTo("mAitaJ7bA4rQz7IPvt2V0AY");
    assertThat(completion.getModel()).isEqualTo("gemini-2.5-flash");
    assertThat(completion.getProvider()).isEqualTo("Gemini");
    assertThat(completion.getUsage().getPromptTokens()).isEqualTo(9);
    assertThat(completion.getUsage().getCompletionTokens()).isEqualTo(503);
    assertThat(completion.getUsage().getTotalTokens()).isEqualTo(512);
  }

  @Test
  void functionCallsAreAssembledByCollect() {
    gemini.sse(STREAM_PATH, resource("transcripts/gemini-function-call-stream.sse"));

    ChatCompletion completion = await(AsyncClient.ChatCompletions.collect(await(client.chat().completions().stream(
        ChatCompletionRequest.of("gemini-2.5-flash", "Weather in Paris and London?")))));

    ChatCompletion.Choice choice = completion.getChoices().get(0);
    assertThat(choice.getFinishReason()).isEqualTo("tool_calls");
    List<ToolCall> calls = choice.getMessage().getToolCalls();
    assertThat(calls).hasSize(2);
    assertThat(calls).extracting(ToolCall::getType).containsOnly("function");
    assertThat(calls).extracting(call -> call.getFunction().getName()).containsOnly("get_current_weather");
    assertThat(new JsonObject(calls.get(0).getFunction().getArguments()))
        .isEqualTo(new JsonObject().put("location", "Paris, FR").put("unit", "celsius"));
    assertThat(new JsonObject(calls.get(1).getFunction().getArguments()))
        .isEqualTo(new JsonObject().put("location", "London, UK").put("unit", "celsius"));
    assertThat(calls.get(0).getId()).startsWith("call_").isNotEqualTo(calls.get(1).getId());
    assertThat(completion.getUsage().getTotalTokens()).isEqualTo(116);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"STOP, stop", "MAX_TOKENS, length", "MALFORMED_FUNCTION_CALL, malformed_function_call"})
  void finishReasonsBecomeOpenAiOnesWholeAndStreamed(String reason, String expected) {
    answer("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Once\"}],\"role\": \"model\"},"
        + "\"finishReason\": \"" + reason + "\",\"index\": 0}],\"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n");

    ChatCompletion whole = create(ChatCompletionRequest.of("gemini-2.5-flash", "Tell a story"));
    ChatCompletion streamed = await(client.chat().completions().stream(ChatCompletionRequest.of("gemini-2.5-flash",
        "Tell a story")).compose(AsyncClient.ChatCompletions::collect));

    assertThat(whole.getChoices().get(0).getFinishReason()).isEqualTo(expected);
    assertThat(streamed.getChoices().get(0).getFinishReason()).isEqualTo(expected);
  }

  @Test
  void aBlockedPromptFailsCreateAndStreamAlikeAsAContentFilterError() throws Exception {
    answer(resource("transcripts/gemini-blocked-prompt.sse"));
    ChatCompletionRequest request = ChatCompletionRequest.of("gemini-2.5-flash", "something dangerous");

    G4fException whole = fail(client.chat().completions().create(request));
    Throwable streamed = streamFailure(request, new StringBuilder());

    for (Throwable failure : List.of(whole, streamed)) {
      assertThat(failure).isInstanceOf(ContentFilterException.class).hasMessage("Gemini blocked the prompt: SAFETY");
      ContentFilterException filtered = (ContentFilterException) failure;
      assertThat(filtered.reason()).isEqualTo("SAFETY");
      assertThat(filtered.code()).isEqualTo("content_filter");
      assertThat(filtered.status()).isEqualTo(400);
      assertThat(filtered.provider()).isEqualTo("Gemini");
      assertThat(filtered.retryable()).isFalse();
    }
  }

  @Test
  void anAnswerStoppedForSafetyFailsAfterTheTextBeforeIt() throws Exception {
    answer(resource("transcripts/gemini-safety-stream.sse"));
    ChatCompletionRequest request = ChatCompletionRequest.of("gemini-2.5-flash", "how to make something dangerous");

    G4fException whole = fail(client.chat().completions().create(request));
    StringBuilder text = new StringBuilder();
    Throwable streamed = streamFailure(request, text);

    assertThat(text).hasToString("Here is how");
    for (Throwable failure : List.of(whole, streamed)) {
      assertThat(failure).isInstanceOf(ContentFilterException.class).hasMessage("Gemini withheld the answer: SAFETY");
      assertThat(((ContentFilterException) failure).reason()).isEqualTo("SAFETY");
    }
  }

  /** How a stream of {@code request} failed: before its first chunk (the call fails), or after the text it appends. */
  private Throwable streamFailure(ChatCompletionRequest request, StringBuilder text) throws Exception {
    io.vertx.core.Future<ChatCompletionStream> opened = client.chat().completions().stream(request);
    Throwable beforeFirstChunk = await(opened.<Throwable>transform(outcome ->
        io.vertx.core.Future.succeededFuture(outcome.cause())));
    if (beforeFirstChunk != null) {
      return beforeFirstChunk;
    }
    ChatCompletionStream stream = opened.result();
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    stream.exceptionHandler(failed::complete);
    stream.endHandler(v -> failed.complete(null));
    stream.handler(chunk -> chunk.getChoices().forEach(choice -> text.append(choice.getDelta().getContent())));
    return failed.get(10, TimeUnit.SECONDS);
  }

  @Test
  void anAnswerThatEndsBeforeAFinishReasonIsAProviderErrorWholeOrStreamed() {
    answer("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"The\"}],\"role\": \"model\"},"
        + "\"index\": 0}]}\r\n\r\n");

    G4fException whole = fail(client.chat().completions().create(ChatCompletionRequest.of("gemini-2.5-flash", "hi")));
    G4fException streamed = fail(client.chat().completions().stream(ChatCompletionRequest.of("gemini-2.5-flash", "hi"))
        .compose(AsyncClient.ChatCompletions::collect));

    for (G4fException failure : List.of(whole, streamed)) {
      assertThat(failure).isInstanceOf(ProviderException.class)
          .hasMessage("Gemini's stream ended before a finish reason: the answer is incomplete");
    }
  }

  @Test
  void aQuotaErrorMidStreamIsARateLimit() {
    gemini.sse(STREAM_PATH, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"The\"}],\"role\": \"model\"},"
        + "\"index\": 0}]}\r\n\r\ndata: {\"error\": {\"code\": 429,\"message\": \"Resource has been exhausted (e.g. "
        + "check quota).\",\"status\": \"RESOURCE_EXHAUSTED\"}}\r\n\r\n");

    G4fException failure = fail(client.chat().completions().stream(ChatCompletionRequest.of("gemini-2.5-flash", "hi"))
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(failure).isInstanceOf(RateLimitException.class)
        .hasMessage("Gemini failed mid-stream: Resource has been exhausted (e.g. check quota).");
    assertThat(failure.code()).isEqualTo("RESOURCE_EXHAUSTED");
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> {3}")
  @CsvSource({
      "400, INVALID_ARGUMENT, , InvalidRequestException, INVALID_ARGUMENT",
      "400, INVALID_ARGUMENT, API_KEY_INVALID, AuthenticationException, API_KEY_INVALID",
      "403, PERMISSION_DENIED, , AuthenticationException, PERMISSION_DENIED",
      "404, NOT_FOUND, , ModelNotFoundException, NOT_FOUND",
      "429, RESOURCE_EXHAUSTED, , RateLimitException, RESOURCE_EXHAUSTED",
      "500, INTERNAL, , ProviderException, INTERNAL",
      "503, UNAVAILABLE, , ProviderException, UNAVAILABLE",
  })
  void httpErrorsMapToTheirExceptionsWithoutTheKey(int status, String googleStatus, String reason, String exception,
                                                   String code) {
    String message = switch (status) {
      case 400 -> reason == null ? "Invalid JSON payload received. Unknown name \"foo\": Cannot find field."
          : "API key not valid. Please pass a valid API key.";
      case 403 -> "Method doesn't allow unregistered callers. Please use API Key or other form of API consumer identity.";
      case 404 -> "models/gemini-0.1-nope is not found for API version v1beta, or is not supported for generateContent.";
      case 429 -> "You exceeded your current quota, please check your plan and billing details.";
      case 500 -> "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting";
      default -> "The model is overloaded. Please try again later.";
    };
    JsonArray details = new JsonArray();
    if (reason != null) {
      details.add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo").put("reason", reason)
          .put("domain", "googleapis.com"));
    }
    if (status == 429) {
      details.add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", "37s"));
    }
    gemini.reply(HttpMethod.POST, WHOLE_PATH, status, "application/json", new JsonObject().put("error",
        new JsonObject().put("code", status).put("message", message).put("status", googleStatus)
            .put("details", details)).encode());

    G4fException failure = fail(client.chat().completions().create(ChatCompletionRequest.of("gemini-2.5-flash", "hi")));

    assertThat(failure.getClass().getSimpleName()).isEqualTo(exception);
    assertThat(failure).hasMessage("Gemini answered HTTP " + status + ": " + message);
    assertThat(failure.getMessage()).doesNotContain(KEY);
    assertThat(failure.status()).isEqualTo(status);
    assertThat(failure.code()).isEqualTo(code);
    assertThat(failure.retryAfter()).isEqualTo(status == 429 ? Duration.ofSeconds(37) : null);
    assertThat(gemini.last().uri()).doesNotContain(KEY);
  }

  @Test
  void theClientsBaseUrlReplacesTheProvidersOwn(Vertx vertx) {
    AsyncClient elsewhere = AsyncClient.create(vertx, new ClientOptions().setProvider("Gemini").setApiKey(KEY)
        .setBaseUrl("http://127.0.0.1:" + gemini.port() + "/v1beta").setMaxRetries(0),
        ProviderRegistry.standard().register(new GeminiProvider("http://127.0.0.1:1/unused")));
    try {
      ChatCompletion completion = await(elsewhere.chat().completions().create(
          ChatCompletionRequest.of("gemini-2.5-flash", "hi")));

      assertThat(completion.getChoices().get(0).getFinishReason()).isEqualTo("stop");
      assertThat(gemini.last().headers().get("x-goog-api-key")).isEqualTo(KEY);
    } finally {
      await(elsewhere.close());
    }
  }

  @Test
  void geminiIsABuiltInProviderForChatAndImages() {
    assertThat(ProviderRegistry.standard().get("gemini")).isSameAs(Providers.GEMINI);
    assertThat(Providers.builtIn()).contains(Providers.GEMINI);
    assertThat(Providers.GEMINI.name()).isEqualTo("Gemini");
    assertThat(Providers.GEMINI.apiKeyVariable()).isEqualTo("GEMINI_API_KEY");
    assertThat(Providers.GEMINI.defaultModel()).isEqualTo("gemini-2.5-flash");
    assertThat(Providers.GEMINI.models()).contains("gemini-2.5-pro", "gemini-2.5-flash-image", "imagen-4.0-generate-001");
    assertThat(Providers.GEMINI.capabilities()).contains(Capability.IMAGES, Capability.VISION, Capability.TOOLS,
        Capability.STREAMING, Capability.CHAT, Capability.AUTH);
  }

  @Test
  void imagenImagesComeFromPredictAsUrlsOrBase64() {
    String predict = "/v1beta/models/imagen-4.0-generate-001:predict";
    gemini.reply(HttpMethod.POST, predict, 200, "application/json", resource("transcripts/gemini-imagen-predict.json"));

    ImagesResponse asUrls = await(client.images().generate(ImageGenerationRequest.of("imagen-4.0-generate-001",
        "Robot holding a red skateboard").setN(2).setSize("1792x1024")));
    ImagesResponse asBase64 = await(client.images().generate(ImageGenerationRequest.of("imagen-4.0-generate-001",
        "Robot holding a red skateboard").setN(2).setResponseFormat(ImageGenerationRequest.B64_JSON)));

    ScriptedServer.Received first = gemini.received().get(0);
    assertThat(first.uri()).isEqualTo(predict);
    assertThat(first.headers().get("x-goog-api-key")).isEqualTo(KEY);
    assertThat(first.json()).isEqualTo(new JsonObject()
        .put("instances", new JsonArray().add(new JsonObject().put("prompt", "Robot holding a red skateboard")))
        .put("parameters", new JsonObject().put("sampleCount", 2).put("aspectRatio", "16:9")));
    assertThat(gemini.last().json().getJsonObject("parameters")).isEqualTo(new JsonObject().put("sampleCount", 2));
    assertWrittenAsPng(asUrls, 2);
    assertThat(asBase64.getData()).extracting(ImagesResponse.Image::getB64Json).containsExactly(PNG_B64, PNG_B64);
    assertThat(asBase64.getProvider()).isEqualTo("Gemini");
  }

  @Test
  void aSizeThatIsNoSizeIsRefusedBeforeSending() {
    G4fException failure = fail(client.images().generate(ImageGenerationRequest.of("imagen-4.0-generate-001", "a cat")
        .setSize("large")));

    assertThat(failure).isInstanceOf(InvalidRequestException.class).hasMessage("size must be WIDTHxHEIGHT, e.g. 1024x1024");
    assertThat(failure.param()).isEqualTo("size");
    assertThat(gemini.received()).isEmpty();
  }

  @Test
  void anImagenAnswerWithoutImagesIsAContentFilterError() {
    gemini.reply(HttpMethod.POST, "/v1beta/models/imagen-4.0-generate-001:predict", 200, "application/json", "{}");

    G4fException failure = fail(client.images().generate(ImageGenerationRequest.of("imagen-4.0-generate-001",
        "something dangerous")));

    assertThat(failure).isInstanceOf(ContentFilterException.class).hasMessageContaining("no image");
  }

  @Test
  void geminiImageModelsAnswerGenerateContentWithInlineImages() {
    String generate = "/v1beta/models/gemini-2.5-flash-image:generateContent";
    gemini.reply(HttpMethod.POST, generate, 200, "application/json",
        resource("transcripts/gemini-image-generate-content.json"));

    ImagesResponse asUrl = await(client.images().generate(ImageGenerationRequest.of("dall-e-3", "a white siamese cat")
        .setSize("1024x1024")));
    ImagesResponse asBase64 = await(client.images().generate(ImageGenerationRequest.of("gemini-2.5-flash-image",
        "a white siamese cat").setResponseFormat(ImageGenerationRequest.B64_JSON)));

    ScriptedServer.Received first = gemini.received().get(0);
    assertThat(first.uri()).isEqualTo(generate);
    assertThat(first.headers().get("x-goog-api-key")).isEqualTo(KEY);
    assertThat(first.json()).isEqualTo(new JsonObject()
        .put("contents", new JsonArray().add(user("a white siamese cat")))
        .put("generationConfig", new JsonObject().put("responseModalities", new JsonArray().add("TEXT").add("IMAGE"))
            .put("imageConfig", new JsonObject().put("aspectRatio", "1:1"))));
    assertWrittenAsPng(asUrl, 1);
    assertThat(asBase64.getData()).extracting(ImagesResponse.Image::getB64Json).containsExactly(PNG_B64);
    assertThat(gemini.received()).hasSize(2);
  }

  @Test
  void aGeminiImageAnswerBlockedForSafetyIsAContentFilterError() {
    gemini.reply(HttpMethod.POST, "/v1beta/models/gemini-2.5-flash-image:generateContent", 200, "application/json",
        "{\"candidates\": [{\"content\": {\"role\": \"model\"},\"finishReason\": \"IMAGE_SAFETY\",\"index\": 0}]}");

    G4fException failure = fail(client.images().generate(ImageGenerationRequest.of("gemini-2.5-flash-image", "x")));

    assertThat(failure).isInstanceOf(ContentFilterException.class).hasMessage("Gemini withheld the answer: IMAGE_SAFETY");
  }

  private void assertWrittenAsPng(ImagesResponse response, int count) {
    assertThat(response.getData()).hasSize(count);
    for (ImagesResponse.Image image : response.getData()) {
      assertThat(image.getB64Json()).isNull();
      Path file = Path.of(URI.create(image.getUrl()));
      assertThat(file.getParent()).isEqualTo(imagesDir.toAbsolutePath());
      assertThat(ScriptedServer.bytes(file)).isEqualTo(Base64.getDecoder().decode(PNG_B64));
    }
  }
}
