package io.g4f.client.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.g4f.client.ChatCompletionChunk;
import io.g4f.client.ChatCompletionRequest;
import io.g4f.client.ChatCompletionStream;
import io.g4f.client.ChatMessage;
import io.g4f.client.ContentPart;
import io.g4f.client.InvalidRequestException;
import io.g4f.client.ProviderException;
import io.g4f.client.Tool;
import io.g4f.client.ToolCall;
import io.g4f.client.Usage;
import io.g4f.client.spi.toolkit.ChunkDecoder;
import io.g4f.client.spi.toolkit.Json;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.g4f.client.spi.toolkit.AbstractProvider;
import io.g4f.client.spi.toolkit.SseParser;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderContext;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Anthropic's Messages API: {@code POST {baseUrl}/v1/messages} with the key in {@code x-api-key} and
 * {@code anthropic-version: 2023-06-01}, streamed as server-sent events ({@code message_start},
 * {@code content_block_start}/{@code _delta}/{@code _stop}, {@code message_delta}, {@code message_stop},
 * {@code ping}, {@code error}). A base URL that already ends in {@code /v1} is used as is.
 *
 * <p>The OpenAI-shaped request is translated: system and developer messages become the top-level
 * {@code system}; {@code max_tokens} (required by Anthropic) is {@code max_completion_tokens}, else
 * {@code max_tokens}, else {@link #DEFAULT_MAX_TOKENS}; {@code stop} becomes {@code stop_sequences},
 * {@code user} becomes {@code metadata.user_id}; images become {@code image} blocks (a base64
 * {@code data:} URI as a {@code base64} source, an {@code http(s)} URL as a {@code url} source);
 * function tools, {@code tool_choice}, assistant {@code tool_calls} and {@code tool} messages become
 * {@code tools}, {@code tool_choice}, {@code tool_use} and {@code tool_result} blocks; a
 * {@code json_schema} {@code response_format} becomes {@code output_config.format}. What has no
 * Anthropic equivalent ({@code n} other than 1, a schema-less {@code json_object} format, other
 * content part types) fails with {@link InvalidRequestException} before sending; {@code seed} is ignored.
 *
 * <p>The answer comes back as OpenAI chunks: the first carries the role, text deltas become content,
 * each {@code tool_use} block becomes a tool call (its {@code input_json_delta} fragments become
 * argument fragments), thinking blocks are left out, and the last chunk carries the finish reason
 * and the usage. An {@code error} event fails the stream as {@link ProviderErrors#fromStreamError} maps it.
 */
public class AnthropicProvider implements Provider {

  /** The Anthropic API, {@value}. */
  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
  /** The API version sent in {@code anthropic-version}: {@value}. */
  public static final String API_VERSION = "2023-06-01";
  /** The {@code max_tokens} sent when the request sets no token limit: {@value}. */
  public static final int DEFAULT_MAX_TOKENS = 4096;

  private static final List<String> MODELS = List.of("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1");
  /** Anthropic's {@code stop_reason} to OpenAI's {@code finish_reason}; other values pass through unchanged. */
  private static final Map<String, String> FINISH_REASONS = Map.of(
      "end_turn", "stop",
      "stop_sequence", "stop",
      "max_tokens", "length",
      "model_context_window_exceeded", "length",
      "tool_use", "tool_calls",
      "refusal", "content_filter");

  private final String baseUrl;

  /** Anthropic at {@link #DEFAULT_BASE_URL}. */
  public AnthropicProvider() {
    this(DEFAULT_BASE_URL);
  }

  /** An Anthropic-compatible server at {@code baseUrl} (with or without a trailing {@code /v1}). */
  public AnthropicProvider(String baseUrl) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
  }

  @Override
  public String name() {
    return "Anthropic";
  }

  @Override
  public String defaultModel() {
    return MODELS.get(0);
  }

  @Override
  public List<String> models() {
    return MODELS;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.VISION, Capability.TOOLS, Capability.AUTH);
  }

  @Override
  public String apiKeyVariable() {
    return "ANTHROPIC_API_KEY";
  }

  @Override
  public Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context) {
    Buffer body = Json.encode(body(request));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url(context))
        .putHeader("content-type", "application/json").putHeader("accept", "text/event-stream")
        .putHeader("anthropic-version", API_VERSION);
    if (context.apiKey() != null) {
      options.putHeader("x-api-key", context.apiKey());
    }
    return context.stream(options, body, response -> new EventDecoder(context.apiKey()));
  }

  private String url(ProviderContext context) {
    String base = context.baseUrl() != null ? context.baseUrl() : baseUrl;
    return AbstractProvider.join(base, base.endsWith("/v1") || base.endsWith("/v1/") ? "/messages" : "/v1/messages");
  }

  /** The Messages request body; throws {@link InvalidRequestException} for what Anthropic cannot take. */
  private ObjectNode body(ChatCompletionRequest request) {
    if (request.getN() != null && request.getN() != 1) {
      throw invalid("n", "returns one choice per request: n must be 1");
    }
    ObjectNode body = Json.MAPPER.createObjectNode().put("model", request.getModel())
        .put("max_tokens", request.getMaxCompletionTokens() != null ? request.getMaxCompletionTokens()
            : request.getMaxTokens() != null ? request.getMaxTokens() : DEFAULT_MAX_TOKENS)
        .put("stream", true);
    conversation(request.getMessages(), body);
    if (request.getTemperature() != null) {
      body.put("temperature", request.getTemperature());
    }
    if (request.getTopP() != null) {
      body.put("top_p", request.getTopP());
    }
    if (request.getStop() != null && !request.getStop().isEmpty()) {
      body.set("stop_sequences", Json.MAPPER.valueToTree(request.getStop()));
    }
    if (request.getUser() != null) {
      body.putObject("metadata").put("user_id", request.getUser());
    }
    if (request.getTools() != null && !request.getTools().isEmpty()) {
      body.set("tools", tools(request.getTools()));
    }
    ObjectNode toolChoice = toolChoice(request.getToolChoice(), request.getExtra().get("parallel_tool_calls"));
    if (toolChoice != null) {
      body.set("tool_choice", toolChoice);
    }
    if (request.getResponseFormat() != null) {
      outputFormat(request.getResponseFormat(), body);
    }
    return body;
  }

  /**
   * Puts {@code messages} and {@code system}: system and developer messages are lifted out, and the
   * results of consecutive {@code tool} messages share one user message.
   */
  private void conversation(List<ChatMessage> conversation, ObjectNode body) {
    List<String> system = new ArrayList<>();
    ArrayNode messages = body.putArray("messages");
    ArrayNode toolResults = null;
    for (ChatMessage message : conversation) {
      String role = message.getRole();
      if (ChatMessage.SYSTEM.equals(role) || "developer".equals(role)) {
        if (message.getContent() != null) {
          system.add(message.getContent());
        }
      } else if (ChatMessage.TOOL.equals(role)) {
        if (toolResults == null) {
          toolResults = messages.addObject().put("role", ChatMessage.USER).putArray("content");
        }
        ObjectNode result = toolResults.addObject().put("type", "tool_result")
            .put("tool_use_id", message.getToolCallId());
        if (message.getContent() != null) {
          result.put("content", message.getContent());
        }
      } else {
        toolResults = null;
        messages.add(ChatMessage.ASSISTANT.equals(role) ? assistantMessage(message) : userMessage(message));
      }
    }
    if (system.size() == 1) {
      body.put("system", system.get(0));
    } else if (system.size() > 1) {
      ArrayNode blocks = body.putArray("system");
      system.forEach(text -> blocks.addObject().put("type", "text").put("text", text));
    }
  }

  private ObjectNode userMessage(ChatMessage message) {
    ObjectNode out = Json.MAPPER.createObjectNode().put("role", ChatMessage.USER);
    if (message.getContentParts() == null) {
      return out.put("content", message.getContent() == null ? "" : message.getContent());
    }
    ArrayNode content = out.putArray("content");
    for (ContentPart part : message.getContentParts()) {
      if (ContentPart.TEXT.equals(part.getType())) {
        content.addObject().put("type", "text").put("text", part.getText());
      } else if (ContentPart.IMAGE_URL.equals(part.getType()) && part.getImageUrl() != null) {
        content.addObject().put("type", "image").set("source", imageSource(part.getImageUrl().getUrl()));
      } else {
        throw invalid("messages", "takes text and image content parts, not '" + part.getType() + "'");
      }
    }
    return out;
  }

  private ObjectNode imageSource(String url) {
    ObjectNode source = Json.MAPPER.createObjectNode();
    if (url.startsWith("http://") || url.startsWith("https://")) {
      return source.put("type", "url").put("url", url);
    }
    int comma = url.indexOf(',');
    String meta = url.startsWith("data:") && comma > 0 ? url.substring("data:".length(), comma) : "";
    if (!meta.endsWith(";base64")) {
      throw invalid("messages", "takes images as http(s) URLs or base64 data: URIs");
    }
    return source.put("type", "base64").put("media_type", meta.substring(0, meta.length() - ";base64".length()))
        .put("data", url.substring(comma + 1));
  }

  private ObjectNode assistantMessage(ChatMessage message) {
    ObjectNode out = Json.MAPPER.createObjectNode().put("role", ChatMessage.ASSISTANT);
    String text = message.getContent();
    if (message.getToolCalls() == null || message.getToolCalls().isEmpty()) {
      return out.put("content", text == null ? "" : text);
    }
    ArrayNode content = out.putArray("content");
    if (text != null && !text.isEmpty()) {
      content.addObject().put("type", "text").put("text", text);
    }
    for (ToolCall call : message.getToolCalls()) {
      content.addObject().put("type", "tool_use").put("id", call.getId()).put("name", call.getFunction().getName())
          .set("input", toolInput(call.getFunction().getArguments()));
    }
    return out;
  }

  private JsonNode toolInput(String arguments) {
    JsonNode input;
    try {
      input = Json.MAPPER.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
    } catch (IOException e) {
      input = null;
    }
    if (input == null || !input.isObject()) {
      throw invalid("messages", "needs tool call arguments that are a JSON object");
    }
    return input;
  }

  private ArrayNode tools(List<Tool> tools) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Tool tool : tools) {
      Tool.Function function = tool.getFunction();
      if (!"function".equals(tool.getType()) || function == null) {
        throw invalid("tools", "takes function tools only, not '" + tool.getType() + "'");
      }
      ObjectNode declared = out.addObject().put("name", function.getName());
      if (function.getDescription() != null) {
        declared.put("description", function.getDescription());
      }
      declared.set("input_schema", function.getParameters() != null
          ? Json.MAPPER.valueToTree(function.getParameters())
          : Json.MAPPER.createObjectNode().put("type", "object"));
      if (function.getStrict() != null) {
        declared.put("strict", function.getStrict());
      }
    }
    return out;
  }

  /** {@code tool_choice} ({@code parallel_tool_calls: false} as {@code disable_parallel_tool_use}); null if unset. */
  private ObjectNode toolChoice(Object choice, Object parallelToolCalls) {
    boolean serial = Boolean.FALSE.equals(parallelToolCalls);
    ObjectNode out = Json.MAPPER.createObjectNode();
    if (choice == null) {
      return serial ? out.put("type", "auto").put("disable_parallel_tool_use", true) : null;
    }
    if ("none".equals(choice)) {
      return out.put("type", "none");
    } else if ("auto".equals(choice)) {
      out.put("type", "auto");
    } else if ("required".equals(choice)) {
      out.put("type", "any");
    } else if (choice instanceof Map<?, ?> named && named.get("function") instanceof Map<?, ?> function
        && function.get("name") instanceof String name) {
      out.put("type", "tool").put("name", name);
    } else {
      throw invalid("tool_choice", "takes tool_choice \"auto\", \"required\", \"none\" or a named function, not "
          + choice);
    }
    return serial ? out.put("disable_parallel_tool_use", true) : out;
  }

  private void outputFormat(Map<String, Object> responseFormat, ObjectNode body) {
    Object type = responseFormat.get("type");
    if ("text".equals(type)) {
      return;
    }
    Object schema = responseFormat.get("json_schema") instanceof Map<?, ?> jsonSchema ? jsonSchema.get("schema") : null;
    if (!"json_schema".equals(type) || schema == null) {
      throw invalid("response_format", "has no response_format '" + type + "': JSON output needs a schema, as "
          + "{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{...}}} (sent as output_config.format); "
          + "or declare a tool and force it with tool_choice");
    }
    body.putObject("output_config").putObject("format").put("type", "json_schema")
        .set("schema", Json.MAPPER.valueToTree(schema));
  }

  private InvalidRequestException invalid(String param, String problem) {
    return InvalidRequestException.forParam(name() + " " + problem, name(), param);
  }

  /** The Messages event stream, one instance per response: events in, OpenAI chunks out. */
  private final class EventDecoder implements ChunkDecoder {

    private final String secret;
    private final ArrayDeque<SseParser.Event> events = new ArrayDeque<>();
    private final SseParser parser = new SseParser(events::add);
    private final long created = System.currentTimeMillis() / 1000;
    /** Content block index of each {@code tool_use} block to its tool call index. */
    private final Map<Integer, Integer> toolCalls = new HashMap<>();
    private String id;
    private String model;
    private int promptTokens;
    private int completionTokens;
    private String stopReason;

    EventDecoder(String secret) {
      this.secret = secret;
    }

    @Override
    public boolean decode(Buffer bytes, Consumer<ChatCompletionChunk> out) {
      parser.feed(bytes);
      for (SseParser.Event event = events.poll(); event != null; event = events.poll()) {
        if (event(event, out)) {
          events.clear();
          return true;
        }
      }
      return false;
    }

    @Override
    public void end(Consumer<ChatCompletionChunk> out) {
      throw new ProviderException(name() + " ended the stream before message_stop", 0, name());
    }

    /** Handles one event; true when it was {@code message_stop}. */
    private boolean event(SseParser.Event event, Consumer<ChatCompletionChunk> out) {
      JsonNode json;
      try {
        json = Json.MAPPER.readTree(event.data());
      } catch (IOException e) {
        throw ProviderErrors.malformed(name(), "event", e);
      }
      switch (json.path("type").asText(event.event())) {
        case "message_start" -> {
          JsonNode message = json.path("message");
          id = message.path("id").asText(null);
          model = message.path("model").asText(null);
          usage(message.path("usage"));
          out.accept(chunk(new ChatMessage().setRole(ChatMessage.ASSISTANT)));
        }
        case "content_block_start" -> blockStart(json.path("index").asInt(), json.path("content_block"), out);
        case "content_block_delta" -> blockDelta(json.path("index").asInt(), json.path("delta"), out);
        case "message_delta" -> {
          stopReason = json.path("delta").path("stop_reason").asText(stopReason);
          usage(json.path("usage"));
        }
        case "message_stop" -> {
          out.accept(finish());
          return true;
        }
        case "error" -> throw ProviderErrors.fromStreamError(name(), json, secret);
        default -> {
          // ping, content_block_stop, and event types added later: nothing to emit
        }
      }
      return false;
    }

    private void blockStart(int block, JsonNode content, Consumer<ChatCompletionChunk> out) {
      switch (content.path("type").asText()) {
        case "text" -> text(content.path("text").asText(""), out);
        case "tool_use" -> {
          int index = toolCalls.size();
          toolCalls.put(block, index);
          out.accept(chunk(new ChatMessage().setToolCalls(List.of(new ToolCall().setIndex(index)
              .setId(content.path("id").asText()).setType("function")
              .setFunction(new ToolCall.FunctionCall().setName(content.path("name").asText()).setArguments(""))))));
        }
        default -> {
          // thinking, redacted_thinking, server tool blocks: not part of an OpenAI answer
        }
      }
    }

    private void blockDelta(int block, JsonNode delta, Consumer<ChatCompletionChunk> out) {
      switch (delta.path("type").asText()) {
        case "text_delta" -> text(delta.path("text").asText(""), out);
        case "input_json_delta" -> {
          Integer index = toolCalls.get(block);
          String fragment = delta.path("partial_json").asText("");
          if (index != null && !fragment.isEmpty()) {
            out.accept(chunk(new ChatMessage().setToolCalls(List.of(new ToolCall().setIndex(index)
                .setFunction(new ToolCall.FunctionCall().setArguments(fragment))))));
          }
        }
        default -> {
          // thinking_delta, signature_delta, citations_delta
        }
      }
    }

    private void text(String text, Consumer<ChatCompletionChunk> out) {
      if (!text.isEmpty()) {
        out.accept(chunk(new ChatMessage().setContent(text)));
      }
    }

    /** Token counts; cumulative, so later events replace earlier ones. Cached prompt tokens count as prompt tokens. */
    private void usage(JsonNode usage) {
      if (usage.has("input_tokens")) {
        promptTokens = usage.path("input_tokens").asInt() + usage.path("cache_creation_input_tokens").asInt()
            + usage.path("cache_read_input_tokens").asInt();
      }
      if (usage.has("output_tokens")) {
        completionTokens = usage.path("output_tokens").asInt();
      }
    }

    private ChatCompletionChunk finish() {
      ChatCompletionChunk chunk = chunk(new ChatMessage());
      chunk.getChoices().get(0)
          .setFinishReason(stopReason == null ? "stop" : FINISH_REASONS.getOrDefault(stopReason, stopReason));
      return chunk.setUsage(new Usage(promptTokens, completionTokens, promptTokens + completionTokens));
    }

    private ChatCompletionChunk chunk(ChatMessage delta) {
      ChatCompletionChunk chunk = new ChatCompletionChunk().setId(id).setModel(model).setCreated(created)
          .setProvider(name());
      chunk.getChoices().add(new ChatCompletionChunk.Choice().setDelta(delta));
      return chunk;
    }
  }
}
