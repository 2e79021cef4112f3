package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static io.g4f.client.testing.ScriptedServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.DocumentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Metadata;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.TextBlockParam;
import io.g4f.client.ClientOptions;
import io.g4f.client.eventbus.EventBusProtocol;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.api.translated.MessagesDialect;
import io.g4f.server.api.translated.MessagesPassthrough;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.ModelGroup;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /v1/messages} to an Anthropic provider passes through: Anthropic's official Java SDK sends the same bytes
 * through the gateway as straight to the (scripted) upstream and gets the same answer back, thinking blocks and
 * signatures included; errors keep Anthropic's status and type; a model group still falls back, to a translated
 * OpenAI-style target; and {@code g4f.messages} streams the same events.
 */
@ExtendWith(VertxExtension.class)
class AnthropicPassthroughTest {

  private static final String KEY = "gateway-key-3";
  private static final String UPSTREAM_KEY = "upstream-key-3";
  private static final String CLAUDE = "claude-sonnet-4-5";
  private static final String GROUP = "claude-first";
  private static final String BETA = "interleaved-thinking-2025-05-14";

  private Vertx vertx;
  private ScriptedServer anthropic;
  private ScriptedServer openAi;
  private AnthropicClient viaGateway;
  private AnthropicClient direct;
  private WebClient http;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    anthropic = ScriptedServer.start(vertx).chat("/v1/messages", resource("transcripts/anthropic-thinking-stream.txt"),
        resource("transcripts/anthropic-thinking-message.json"));
    openAi = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setApiKey(KEY)
        .addProvider("claude", new ClientOptions().setProvider("Anthropic").setBaseUrl(anthropic.baseUrl())
            .setApiKey(UPSTREAM_KEY).setMaxRetries(0), List.of(CLAUDE))
        .addProvider("local", new ClientOptions().setBaseUrl(openAi.baseUrl()).setMaxRetries(0),
            List.of("gpt-4o-mini"))
        .addModelGroup(new ModelGroup(GROUP, ModelGroup.Strategy.FALLBACK, List.of(
            new ModelGroup.Target("claude", CLAUDE, 1), new ModelGroup.Target("local", "gpt-4o-mini", 1)),
            Set.of(), null, 0)));
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
    viaGateway = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port).apiKey(KEY).maxRetries(0)
        .build();
    direct = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + anthropic.port()).apiKey(UPSTREAM_KEY)
        .maxRetries(0).build();
    http = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    viaGateway.close();
    direct.close();
    http.close();
    anthropic.close();
    openAi.close();
  }

  /** A request with what a translation through chat loses: cache_control, thinking, top_k, metadata, a document. */
  private static MessageCreateParams everything(String model) {
    return withoutDocument(model).addUserMessageOfContentBlockParams(List.of(
            ContentBlockParam.ofDocument(DocumentBlockParam.builder().textSource("Primes: 2, 3, 5, 7, 11.").build()),
            ContentBlockParam.ofText("Are there infinitely many primes?")))
        .build();
  }

  /** As {@link #everything}, with a plain question: a body chat can carry, though without most of it. */
  private static MessageCreateParams.Builder withoutDocument(String model) {
    return MessageCreateParams.builder().model(model).maxTokens(2048)
        .systemOfTextBlockParams(List.of(TextBlockParam.builder().text("You know your primes.")
            .cacheControl(CacheControlEphemeral.builder().build()).build()))
        .enabledThinking(1024)
        .metadata(Metadata.builder().userId("user-7").build())
        .serviceTier(MessageCreateParams.ServiceTier.STANDARD_ONLY)
        .putAdditionalBodyProperty("top_k", JsonValue.from(5))
        .putAdditionalHeader(MessagesPassthrough.ANTHROPIC_BETA, BETA);
  }

  private static List<RawMessageStreamEvent> events(AnthropicClient sdk, MessageCreateParams params) {
    try (StreamResponse<RawMessageStreamEvent> stream = sdk.messages().createStreaming(params)) {
      return stream.stream().toList();
    }
  }

  /** The request the gateway sent upstream is the one the SDK sends Anthropic itself: body and beta header. */
  private void assertSentUnchanged() {
    ScriptedServer.Received straight = anthropic.received().get(anthropic.received().size() - 2);
    ScriptedServer.Received relayed = anthropic.last();
    assertThat(relayed.json()).isEqualTo(straight.json());
    assertThat(relayed.json().getJsonObject("thinking"))
        .isEqualTo(new JsonObject().put("type", "enabled").put("budget_tokens", 1024));
    assertThat(relayed.json().getInteger("top_k")).isEqualTo(5);
    assertThat(relayed.json().getJsonArray("system").getJsonObject(0).getJsonObject("cache_control"))
        .isEqualTo(new JsonObject().put("type", "ephemeral"));
    assertThat(relayed.headers().get(MessagesPassthrough.ANTHROPIC_BETA)).isEqualTo(BETA);
    assertThat(relayed.headers().get("x-api-key")).isEqualTo(UPSTREAM_KEY);
    assertThat(relayed.headers().get("anthropic-version")).isEqualTo("2023-06-01");
  }

  @Test
  void aWholeAnswerPassesThroughWithThinkingAndCacheUsage() {
    Message straight = direct.messages().create(everything(CLAUDE));
    Message relayed = viaGateway.messages().create(everything(CLAUDE));

    assertSentUnchanged();
    assertThat(anthropic.last().json().containsKey("stream")).isFalse();
    assertThat(relayed).isEqualTo(straight);
    ContentBlock thinking = relayed.content().get(0);
    assertThat(thinking.thinking().orElseThrow().signature())
        .isEqualTo("zbbJhbGciOiJFU8zI1NiIsImtakcjsu38219c0.eyJoYXNoIjoiYWJjMTIzIiwiaWF0IjoxNjE0NTM0NTY3fQ....");
    assertThat(relayed.content().get(1).redactedThinking().orElseThrow().data()).startsWith("EmwKAhgBEgy3va3p");
    assertThat(relayed.usage().cacheReadInputTokens()).contains(500L);
    assertThat(metrics()).contains("g4f_tokens_total{kind=\"prompt\",provider=\"claude\"} 3595.0")
        .contains("g4f_tokens_total{kind=\"completion\",provider=\"claude\"} 503.0");
  }

  @Test
  void aStreamPassesThroughEventByEventWithThinkingAndSignatureDeltas() {
    List<RawMessageStreamEvent> straight = events(direct, everything(CLAUDE));
    List<RawMessageStreamEvent> relayed = events(viaGateway, everything(CLAUDE));

    assertSentUnchanged();
    assertThat(anthropic.last().json().getBoolean("stream")).isTrue();
    assertThat(relayed).isEqualTo(straight).hasSize(15);
    assertThat(relayed.stream().flatMap(event -> event.contentBlockDelta().stream())
        .flatMap(delta -> delta.delta().signature().stream()).map(signature -> signature.signature()).toList())
        .containsExactly("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...");
    assertThat(relayed.stream().flatMap(event -> event.contentBlockDelta().stream())
        .filter(delta -> delta.delta().thinking().isPresent()).count()).isEqualTo(6);
  }

  @Test
  void aBodyChatCannotCarryStillPassesThroughButNotToAnOpenAiTarget() {
    JsonObject webSearch = new JsonObject().put("model", CLAUDE).put("max_tokens", 100)
        .put("tools", new JsonArray().add(new JsonObject().put("type", "web_search_20250305").put("name", "web_search")
            .put("max_uses", 3)))
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "News?")));

    HttpResponse<Buffer> passed = post(webSearch);
    HttpResponse<Buffer> refused = post(webSearch.copy().put("model", "gpt-4o-mini"));

    assertThat(passed.statusCode()).isEqualTo(200);
    assertThat(passed.bodyAsJsonObject().getString("id")).isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
    assertThat(anthropic.last().json()).isEqualTo(webSearch);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("tools.0.type");
    assertThat(openAi.received()).isEmpty();
  }

  @Test
  void upstreamErrorsKeepAnthropicsStatusAndType() {
    String invalid = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
        + "\"message\":\"messages.0.content.0.cache_control: at most 4 blocks\"}}";
    String overloaded = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
    JsonObject body = new JsonObject().put("model", CLAUDE).put("max_tokens", 10)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));

    for (boolean streamed : List.of(false, true)) {
      anthropic.reply(HttpMethod.POST, "/v1/messages", 400, "application/json", invalid);
      HttpResponse<Buffer> refused = post(body.copy().put("stream", streamed));
      anthropic.reply(HttpMethod.POST, "/v1/messages", 529, "application/json", overloaded);
      HttpResponse<Buffer> busy = post(body.copy().put("stream", streamed));

      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getString("type")).isEqualTo("error");
      assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
      assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message"))
          .contains("messages.0.content.0.cache_control: at most 4 blocks");
      assertThat(busy.statusCode()).isEqualTo(529);
      assertThat(busy.bodyAsJsonObject().getJsonObject("error").getString("type")).isEqualTo("overloaded_error");
      assertThat(busy.bodyAsString()).doesNotContain(UPSTREAM_KEY);
    }
  }

  @Test
  void aModelGroupFallsBackFromAFailingAnthropicTargetToATranslatedOne() {
    anthropic.reply(HttpMethod.POST, "/v1/messages", 529, "application/json",
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
    Message whole = viaGateway.messages().create(withoutDocument(GROUP).addUserMessage("say this is a test").build());
    anthropic.sse("/v1/messages", "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
        + "\"message\":\"Overloaded\"}}\n\n");
    List<RawMessageStreamEvent> streamed = events(viaGateway,
        withoutDocument(GROUP).addUserMessage("say this is a test").build());

    assertThat(whole.content()).extracting(block -> block.text().orElseThrow().text()).containsExactly("This is a test.");
    assertThat(streamed.stream().flatMap(event -> event.contentBlockDelta().stream())
        .map(delta -> delta.delta().text().orElseThrow().text()).reduce("", String::concat)).isEqualTo("This is a test.");
    assertThat(anthropic.received()).hasSize(2);
    assertThat(openAi.received()).hasSize(2)
        .allSatisfy(sent -> assertThat(sent.json().getString("model")).isEqualTo("gpt-4o-mini"));
    assertThat(openAi.last().headers().get(MessagesPassthrough.ANTHROPIC_BETA)).isNull();
  }

  @Test
  void aStreamCutShortOrFailingMidWayEndsWithAnErrorEvent() {
    String start = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":"
        + "\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"" + CLAUDE + "\",\"stop_reason\":null,"
        + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n"
        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
        + "{\"type\":\"text\",\"text\":\"\"}}\n\n"
        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
        + "{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n";
    JsonObject body = new JsonObject().put("model", CLAUDE).put("max_tokens", 10).put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));

    anthropic.sse("/v1/messages", start);
    List<DialectTesting.Event> cut = DialectTesting.events(post(body).bodyAsString());
    anthropic.sse("/v1/messages", start + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
        + "\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
    List<DialectTesting.Event> failed = DialectTesting.events(post(body).bodyAsString());

    List<DialectTesting.Event> sent = DialectTesting.events(start);
    for (List<DialectTesting.Event> events : List.of(cut, failed)) {
      assertThat(events.subList(0, 3)).isEqualTo(sent);
      assertThat(events).hasSize(4);
      assertThat(events.get(3).type()).isEqualTo("error");
    }
    assertThat(cut.get(3).data().getJsonObject("error").getString("type")).isEqualTo("api_error");
    assertThat(cut.get(3).data().getJsonObject("error").getString("message")).contains("ended before");
    assertThat(failed.get(3).data().getJsonObject("error")).isEqualTo(new JsonObject().put("type", "overloaded_error")
        .put("message", "claude failed mid-stream: Overloaded")); // the provider as the gateway names it
  }

  @Test
  void theEventBusStreamsTheSameEventsAndCountsTheirUsage() {
    anthropic.chat("/v1/messages", resource("transcripts/anthropic-messages-stream.txt"),
        resource("transcripts/anthropic-message.json"));
    JsonObject body = new JsonObject().put("model", CLAUDE).put("max_tokens", 10).put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));

    List<JsonObject> chunks = new ArrayList<>();
    JsonObject batch = await(vertx.eventBus().<JsonObject>request("g4f.messages", body,
        new DeliveryOptions().addHeader(EventBusProtocol.CREDITS, "2"))).body();
    while (true) {
      batch.getJsonArray(EventBusProtocol.CHUNKS).forEach(chunk -> chunks.add((JsonObject) chunk));
      if (batch.getBoolean(EventBusProtocol.DONE)) {
        break;
      }
      batch = await(vertx.eventBus().<JsonObject>request(batch.getString(EventBusProtocol.STREAM_ADDRESS),
          EventBusProtocol.pull(2))).body();
    }

    assertThat(chunks).isEqualTo(DialectTesting.events(resource("transcripts/anthropic-messages-stream.txt")).stream()
        .map(DialectTesting.Event::data).toList());
    assertThat(metrics()).contains("g4f_tokens_total{kind=\"prompt\",provider=\"claude\"} 25.0")
        .contains("g4f_tokens_total{kind=\"completion\",provider=\"claude\"} 15.0");
  }

  private HttpResponse<Buffer> post(JsonObject body) {
    return await(http.post(port, "127.0.0.1", MessagesDialect.PATH).putHeader("x-api-key", KEY).sendJsonObject(body));
  }

  private String metrics() {
    return await(http.get(port, "127.0.0.1", "/metrics").putHeader("x-api-key", KEY).send()).bodyAsString();
  }
}
