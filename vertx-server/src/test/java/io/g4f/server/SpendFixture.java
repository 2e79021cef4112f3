package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;

import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.LedgerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/**
 * Scripted upstreams whose answers report usage in each provider's shape, and the config of a gateway in front of
 * them with prices and team keys, for the spend tests. {@code m1} costs exactly $0.01 a request (5 output tokens at
 * $2000 a million); team-a may spend {@link #BUDGET} dollars a day.
 */
final class SpendFixture implements AutoCloseable {

  static final String ADMIN_KEY = "admin-spend-0001";
  static final String KEY_A = "team-a-spend-0002";
  static final String KEY_B = "team-b-spend-0003";
  /** Team a's budget: two requests for m1. */
  static final double BUDGET = 0.02;

  /** OpenAI's usage with cached input: 1000 prompt tokens of which 400 cached, 200 completion tokens. */
  static final String OPENAI_COMPLETION = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,"
      + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
      + "\"content\":\"cached\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1000,"
      + "\"completion_tokens\":200,\"total_tokens\":1200,\"prompt_tokens_details\":{\"cached_tokens\":400}}}";
  /** Anthropic's usage with cache reads and writes. */
  static final String ANTHROPIC_MESSAGE = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
      + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":\"cached\"}],"
      + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":100,"
      + "\"cache_creation_input_tokens\":1000,\"cache_read_input_tokens\":2000,\"output_tokens\":500}}";
  /** Gemini's usage with cached content and thoughts. */
  static final String GEMINI_RESPONSE = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"cached\"}],"
      + "\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":1000,"
      + "\"cachedContentTokenCount\":600,\"candidatesTokenCount\":100,\"thoughtsTokenCount\":50,"
      + "\"totalTokenCount\":1150},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}";

  final ScriptedServer local;
  final ScriptedServer oai;
  final ScriptedServer claude;
  final ScriptedServer gemini;
  private final WebClient http;

  SpendFixture(Vertx vertx) {
    local = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    oai = ScriptedServer.start(vertx).reply(HttpMethod.POST, "/v1/chat/completions", 200, "application/json",
        OPENAI_COMPLETION);
    claude = ScriptedServer.start(vertx).reply(HttpMethod.POST, "/v1/messages", 200, "application/json",
        ANTHROPIC_MESSAGE);
    gemini = ScriptedServer.start(vertx).reply(HttpMethod.POST, "/v1beta/models/gemini-2.5-flash:generateContent",
        200, "application/json", GEMINI_RESPONSE);
    http = WebClient.create(vertx);
  }

  /** The gateway's config: the four providers, m1's price, team a with its daily budget, team b without one. */
  JsonObject config() {
    return new JsonObject()
        .put("providers", new JsonArray()
            .add(new JsonObject().put("name", "local").put("type", "openai").put("baseUrl", local.baseUrl())
                .put("models", new JsonArray().add("m1")).put("retries", 0))
            .add(new JsonObject().put("name", "oai").put("type", "openai").put("baseUrl", oai.baseUrl())
                .put("models", new JsonArray().add("gpt-4o-mini")).put("retries", 0))
            .add(new JsonObject().put("name", "claude").put("type", "anthropic").put("baseUrl", claude.baseUrl())
                .put("apiKey", "ak").put("models", new JsonArray().add("claude-sonnet-4-5")).put("retries", 0))
            .add(new JsonObject().put("name", "google").put("type", "Gemini")
                .put("baseUrl", "http://127.0.0.1:" + gemini.port() + "/v1beta").put("apiKey", "gk")
                .put("models", new JsonArray().add("gemini-2.5-flash")).put("retries", 0)))
        .put("defaultProvider", "local")
        .put("prices", new JsonObject().put("m1", new JsonObject().put("input", 0).put("output", 2000)))
        .put("keys", new JsonArray()
            .add(new JsonObject().put("name", "team-a").put("key", KEY_A)
                .put("budget", new JsonObject().put("usd", BUDGET).put("period", "1d")))
            .add(new JsonObject().put("name", "team-b").put("key", KEY_B)));
  }

  /** Gateway options of {@link #config()}, with the operator key and the ledger {@code ledger} (null: none). */
  GatewayOptions options(LedgerOptions ledger) {
    return new GatewayOptions().setPort(0).setApiKey(ADMIN_KEY).applyConfig(config()).setLedger(ledger);
  }

  HttpResponse<Buffer> chat(int port, String key, String model) {
    return await(http.post(port, "127.0.0.1", "/v1/chat/completions").bearerTokenAuthentication(key)
        .sendJsonObject(new JsonObject().put("model", model).put("messages", "say this is a test")));
  }

  HttpResponse<Buffer> get(int port, String key, String uri) {
    return await(http.get(port, "127.0.0.1", uri).bearerTokenAuthentication(key).send());
  }

  @Override
  public void close() {
    http.close();
    local.close();
    oai.close();
    claude.close();
    gemini.close();
  }
}
