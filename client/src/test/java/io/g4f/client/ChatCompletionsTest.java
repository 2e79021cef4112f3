package io.g4f.client;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.chat.Tool;
import io.g4f.client.chat.ToolCall;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ChatCompletionsTest {

  private static final String TRANSCRIPT = resource("transcripts/openai-chat-stream.txt");

  private Vertx vertx;
  private ScriptedServer upstream;
  private AsyncClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    client = AsyncClient.create(vertx, new ClientOptions().setBaseUrl(upstream.baseUrl()).setApiKey("test-key-1234"));
  }

  @AfterEach
  void tearDown() {
    await(client.close());
    upstream.close();
  }

  @Test
  void createFoldsTheStreamedTranscript() {
    ChatCompletion completion = await(client.chat().completions().create(
        ChatCompletionRequest.of("gpt-4o-mini", "say this is a test")));

    assertThat(completion.getId()).isEqualTo("chatcmpl-123");
    assertThat(completion.getObject()).isEqualTo("chat.completion");
    assertThat(completion.getCreated()).isEqualTo(1694268190L);
    assertThat(completion.getModel()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(completion.getProvider()).isEqualTo("OpenAI");
    assertThat(completion.getSystemFingerprint()).isEqualTo("fp_44709d6fcb");
    assertThat(completion.getChoices()).hasSize(1);
    ChatCompletion.Choice choice = completion.getChoices().get(0);
    assertThat(choice.getMessage().getRole()).isEqualTo("assistant");
    assertThat(choice.getMessage().getContent()).isEqualTo("This is a test.");
    assertThat(choice.getFinishReason()).isEqualTo("stop");
    assertThat(completion.getUsage().getPromptTokens()).isEqualTo(12);
    assertThat(completion.getUsage().getCompletionTokens()).isEqualTo(5);
    assertThat(completion.getUsage().getTotalTokens()).isEqualTo(17);
    assertThat(completion.getUsage().getExtra()).containsKey("completion_tokens_details");
  }

  @Test
  void createSendsTheOpenAiRequest() {
    await(client.chat().completions().create(new ChatCompletionRequest().setModel("gpt-4o-mini")
        .addSystemMessage("be brief").addUserMessage("say this is a test").setTemperature(0.2)
        .setStop(List.of("\n")).setSeed(7L).putExtra("logit_bias", Map.of("50256", -100))));

    ScriptedServer.Received sent = upstream.last();
    assertThat(sent.method()).isEqualTo(HttpMethod.POST);
    assertThat(sent.uri()).isEqualTo("/v1/chat/completions");
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer test-key-1234");
    assertThat(sent.headers().get("content-type")).isEqualTo("application/json");
    assertThat(sent.json()).isEqualTo(new JsonObject()
        .put("model", "gpt-4o-mini")
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", "be brief"))
            .add(new JsonObject().put("role", "user").put("content", "say this is a test")))
        .put("temperature", 0.2)
        .put("stop", new JsonArray().add("\n"))
        .put("seed", 7)
        .put("stream", false)
        .put("logit_bias", new JsonObject().put("50256", -100)));
  }

  @Test
  void streamDeliversEveryChunkInOrderAndFoldsLikeCreate() {
    ChatCompletionStream stream = await(client.chat().completions().stream(
        ChatCompletionRequest.of("gpt-4o-mini", "say this is a test")));
    List<ChatCompletionChunk> chunks = await(stream.collect(java.util.stream.Collectors.toList()));

    assertThat(chunks).hasSize(6);
    assertThat(chunks).allSatisfy(chunk -> {
      assertThat(chunk.getId()).isEqualTo("chatcmpl-123");
      assertThat(chunk.getProvider()).isEqualTo("OpenAI");
    });
    StringBuilder text = new StringBuilder();
    for (ChatCompletionChunk chunk : chunks) {
      if (!chunk.getChoices().isEmpty() && chunk.getChoices().get(0).getDelta().getContent() != null) {
        text.append(chunk.getChoices().get(0).getDelta().getContent());
      }
    }
    assertThat(text).hasToString("This is a test.");
    assertThat(upstream.last().json().containsKey("stream_options")).isFalse();

    ChatCompletionStream again = await(client.chat().completions().stream(
        ChatCompletionRequest.of("gpt-4o-mini", "say this is a test")));
    ChatCompletion folded = await(AsyncClient.ChatCompletions.collect(again));
    ChatCompletion created = await(client.chat().completions().create(
        ChatCompletionRequest.of("gpt-4o-mini", "say this is a test")));
    assertThat(folded.getId()).isEqualTo(created.getId());
    assertThat(folded.getChoices().get(0).getMessage().getContent())
        .isEqualTo(created.getChoices().get(0).getMessage().getContent());
    assertThat(folded.getChoices().get(0).getFinishReason()).isEqualTo(created.getChoices().get(0).getFinishReason());
    assertThat(JsonObject.mapFrom(folded.getUsage()).getInteger("total_tokens"))
        .isEqualTo(JsonObject.mapFrom(created.getUsage()).getInteger("total_tokens"));
  }

  @Test
  void aTranscriptWrittenInTinyPiecesWithCrlfParsesTheSame() {
    byte[] bytes = TRANSCRIPT.replace("\n", "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    upstream.on(HttpMethod.POST, "/v1/chat/completions", request -> {
      request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      writePieces(request.response(), bytes, 0);
    });

    ChatCompletion completion = await(client.chat().completions().stream(ChatCompletionRequest.of("m", "hi"))
        .compose(AsyncClient.ChatCompletions::collect));

    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("This is a test.");
    assertThat(completion.getUsage().getTotalTokens()).isEqualTo(17);
  }

  private void writePieces(io.vertx.core.http.HttpServerResponse response, byte[] bytes, int from) {
    if (from >= bytes.length) {
      response.end();
      return;
    }
    int to = Math.min(bytes.length, from + 7);
    response.write(io.vertx.core.buffer.Buffer.buffer(java.util.Arrays.copyOfRange(bytes, from, to)));
    vertx.setTimer(1, id -> writePieces(response, bytes, to));
  }

  @Test
  void toolCallFragmentsAreJoinedByIndex() {
    upstream.sse("/v1/chat/completions", resource("transcripts/openai-tool-calls-stream.txt"));
    ChatCompletion completion = await(client.chat().completions().stream(
        ChatCompletionRequest.of("gpt-4o-mini", "weather in Paris?")
            .setTools(List.of(Tool.function("get_weather", "Weather now", Map.of("type", "object"))))
            .setToolChoice("auto")).compose(AsyncClient.ChatCompletions::collect));

    ChatCompletion.Choice choice = completion.getChoices().get(0);
    assertThat(choice.getFinishReason()).isEqualTo("tool_calls");
    assertThat(choice.getMessage().getContent()).isNull();
    List<ToolCall> calls = choice.getMessage().getToolCalls();
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).getId()).isEqualTo("call_abc");
    assertThat(calls.get(0).getFunction().getName()).isEqualTo("get_weather");
    assertThat(calls.get(0).getFunction().getArguments()).isEqualTo("{\"location\": \"Paris\"}");
    assertThat(calls.get(1).getId()).isEqualTo("call_def");
    assertThat(calls.get(1).getFunction().getArguments()).isEqualTo("{}");
    assertThat(upstream.last().json().getJsonArray("tools").getJsonObject(0)).isEqualTo(new JsonObject()
        .put("type", "function").put("function", new JsonObject().put("name", "get_weather")
            .put("description", "Weather now").put("parameters", new JsonObject().put("type", "object"))));
    assertThat(upstream.last().json().getString("tool_choice")).isEqualTo("auto");
  }

  @Test
  void aWholeAnswerIsAskedAsOneAndReachesTheCallerWithEveryField() {
    String whole = """
        {"id":"chatcmpl-7","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",
         "service_tier":"default","system_fingerprint":"fp_1",
         "choices":[
          {"index":0,"message":{"role":"assistant","content":"Yes","refusal":null,"annotations":[]},
           "logprobs":{"content":[{"token":"Yes","logprob":-0.01,"bytes":[89,101,115],"top_logprobs":[]}]},
           "finish_reason":"stop"},
          {"index":1,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},
           "logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,
          "prompt_tokens_details":{"cached_tokens":0}}}""";
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 200, "application/json", whole);

    ChatCompletion completion = await(client.chat().completions().create(
        ChatCompletionRequest.of("gpt-4o-mini", "yes?").setN(2).putExtra("logprobs", true)));

    assertThat(upstream.received()).hasSize(1);
    assertThat(upstream.last().json().getBoolean("stream")).isFalse();
    assertThat(upstream.last().json().containsKey("stream_options")).isFalse();
    JsonObject expected = withoutNulls(new JsonObject(whole)).put("provider", "OpenAI");
    assertThat(JsonObject.mapFrom(completion)).isEqualTo(expected);
  }

  /** {@code json} without its null members (the data types leave nulls out, as absent and null mean the same). */
  private static JsonObject withoutNulls(JsonObject json) {
    JsonObject copy = new JsonObject();
    json.forEach(entry -> {
      if (entry.getValue() instanceof JsonObject object) {
        copy.put(entry.getKey(), withoutNulls(object));
      } else if (entry.getValue() instanceof JsonArray array) {
        JsonArray items = new JsonArray();
        array.forEach(item -> items.add(item instanceof JsonObject object ? withoutNulls(object) : item));
        copy.put(entry.getKey(), items);
      } else if (entry.getValue() != null) {
        copy.put(entry.getKey(), entry.getValue());
      }
    });
    return copy;
  }

  @Test
  void aServerThatIgnoresStreamAndAnswersJsonIsAccepted() {
    upstream.reply(HttpMethod.POST, "/v1/chat/completions", 200, "application/json", """
        {"id":"chatcmpl-9","object":"chat.completion","created":1700000000,"model":"llama3",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""");

    ChatCompletion completion = await(client.chat().completions().create(ChatCompletionRequest.of("llama3", "hi")));

    assertThat(completion.getId()).isEqualTo("chatcmpl-9");
    assertThat(completion.getChoices().get(0).getMessage().getContent()).isEqualTo("Hello there");
    assertThat(completion.getUsage().getTotalTokens()).isEqualTo(5);

    List<ChatCompletionChunk> chunks = await(await(client.chat().completions().stream(
        ChatCompletionRequest.of("llama3", "hi"))).collect(java.util.stream.Collectors.toList()));
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).getChoices().get(0).getDelta().getContent()).isEqualTo("Hello there");
  }

  @Test
  void aMissingModelBecomesTheProviderDefault() {
    await(client.chat().completions().create(new ChatCompletionRequest().addUserMessage("hi")));

    assertThat(upstream.last().json().getString("model")).isEqualTo("gpt-4o-mini");
  }

  @Test
  void emptyMessagesAreRejectedBeforeSending() {
    Throwable failure = await(client.chat().completions().create(new ChatCompletionRequest().setModel("m"))
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())));

    assertThat(failure).isInstanceOf(InvalidRequestException.class).hasMessageContaining("messages");
    assertThat(((InvalidRequestException) failure).param()).isEqualTo("messages");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void callsFromManyThreadsAllComplete() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 8; i++) {
      Thread thread = new Thread(() -> answers.add(await(client.chat().completions().create(
          ChatCompletionRequest.of("m", "hi"))).getChoices().get(0).getMessage().getContent()));
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(30_000);
    }
    assertThat(answers).hasSize(8).containsOnly("This is a test.");
  }
}
