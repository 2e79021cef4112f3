package io.g4f.client.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.g4f.client.CancellableStream;
import io.g4f.client.Usage;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.ContentPart;
import io.g4f.client.chat.Tool;
import io.g4f.client.chat.ToolCall;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.ProviderContext;
import io.g4f.client.spi.toolkit.AbstractProvider;
import io.g4f.client.spi.toolkit.ImageData;
import io.g4f.client.spi.toolkit.Json;
import io.g4f.client.spi.toolkit.OpenAiShapes;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.g4f.client.spi.toolkit.SseDecoder;
import io.g4f.client.spi.toolkit.SseParser;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Anthropic's Messages API: {@code POST {baseUrl}/v1/messages} with the key in {@code x-api-key} and
 * {@code anthropic-version: 2023-06-01}. A whole answer is asked without {@code stream} and comes back as one
 * {@code message} object; a streamed one is asked with {@code "stream": true} and comes back as server-sent
 * events ({@code message_start}, {@code content_block_start}/{@code _delta}/{@code _stop}, {@code message_delta},
 * {@code message_stop}, {@code ping}, {@code error}); a stream that ends before {@code message_stop} fails.
 * A base URL that already ends in {@code /v1} is used as is.
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
 * <p>The answer comes back in OpenAI's shapes: text blocks become content, each {@code tool_use} block a tool
 * call, thinking blocks are left out, {@code stop_reason} becomes the finish reason, and the token counts the
 * usage. Streamed, the first chunk carries the role, text deltas become content, {@code input_json_delta}
 * fragments become argument fragments, and the last chunk carries the finish reason and the usage. An
 * {@code error} event fails the stream as {@link ProviderErrors#fromStreamError} maps it.
 *
 * <p>It also speaks the Messages API natively ({@link Capability#MESSAGES}): {@link #messages} and
 * {@link #streamMessages} send a caller's Messages body as it is, with the same URL, key and version, and return
 * the answer as Anthropic sent it.
 */
public class AnthropicProvider extends AbstractProvider {

  /** The Anthropic API, {@value}. */
  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
  /** The API version sent in {@code anthropic-version}: {@value}. */
  public static final String API_VERSION = "2023-06-01";
  /** The {@code max_tokens} sent when the request sets no token limit: {@value}. */
  public static final int DEFAULT_MAX_TOKENS = 4096;

  /** Anthropic's {@code stop_reason} to OpenAI's {@code finish_reason}; other values pass through unchanged. */
  private static final Map<String, String> FINISH_REASONS = Map.of(
      "end_turn", "stop",
      "stop_sequence", "stop",
      "max_tokens", "length",
      "model_context_window_exceeded", "length",
      "tool_use", "tool_calls",
      "refusal", "content_filter");

  /** Anthropic at {@link #DEFAULT_BASE_URL}. */
  public AnthropicProvider() {
    this(DEFAULT_BASE_URL);
  }

  /** An Anthropic-compatible server at {@code baseUrl} (with or without a trailing {@code /v1}). */
  public AnthropicProvider(String baseUrl) {
    super("Anthropic", baseUrl, List.of("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1"),
        "ANTHROPIC_API_KEY", EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.VISION, Capability.TOOLS,
            Capability.MESSAGES));
  }

  @Override
  public Future<Buffer> messages(Buffer body, ProviderContext context) {
    return context.send(HttpMethod.POST, messagesUrl(context), headers(context), body);
  }

  /** The events as sent; {@code message_stop} ends the stream, an {@code error} event fails it. */
  @Override
  public Future<CancellableStream<SseParser.Event>> streamMessages(Buffer body, ProviderContext context) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(messagesUrl(context))
        .setHeaders(headers(context).add(HttpHeaders.ACCEPT, "text/event-stream"));
    return context.events(options, body, event -> switch (event.event()) {
      case "message_stop" -> true;
      case "error" -> throw errorEvent(event, context);
      default -> false;
    });
  }

  private static RuntimeException errorEvent(SseParser.Event event, ProviderContext context) {
    try {
      return ProviderErrors.fromStreamError(context.providerName(), Json.MAPPER.readTree(event.data()),
          context.apiKey());
    } catch (IOException e) {
      return ProviderErrors.malformed(context.providerName(), "error event", e);
    }
  }

  /** Asks for the whole {@code message} (no {@code stream} in the body) and maps it as the stream is mapped. */
  @Override
  public Future<ChatCompletion> chat(ChatCompletionRequest request, ProviderContext context) {
    Buffer body = Json.encode(body(request));
    return context.send(HttpMethod.POST, messagesUrl(context), headers(context), body)
        .map(answer -> new Answer(context).whole(answer));
  }

  @Override
  public Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context) {
    Buffer body = Json.encode(body(request).put("stream", true));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(messagesUrl(context))
        .setHeaders(headers(context).add(HttpHeaders.ACCEPT, "text/event-stream"));
    return context.stream(options, body, response -> new Answer(context));
  }

  private String messagesUrl(ProviderContext context) {
    String base = context.baseUrl() != null ? context.baseUrl() : baseUrl();
    return join(base, base.endsWith("/v1") || base.endsWith("/v1/") ? "/messages" : "/v1/messages");
  }

  /** JSON content, the API version, and the key in {@code x-api-key} when there is one. */
  private static MultiMap headers(ProviderContext context) {
    MultiMap headers = jsonHeaders().add("anthropic-version", API_VERSION);
    if (context.apiKey() != null) {
      headers.add("x-api-key", context.apiKey());
    }
    return headers;
  }

  /** The Messages request body, without {@code stream}; throws {@link InvalidRequestException} for what Anthropic cannot take. */
  private ObjectNode body(ChatCompletionRequest request) {
    if (request.getN() != null && request.getN() != 1) {
      throw invalid("n", "returns one choice per request: n must be 1");
    }
    Integer maxTokens = OpenAiShapes.maxTokens(request);
    ObjectNode body = Json.MAPPER.createObjectNode().put("model", request.getModel())
        .put("max_tokens", maxTokens != null ? maxTokens : DEFAULT_MAX_TOKENS);
    conversation(request.getMessages(), body);
    OpenAiShapes.putIfSet(body, "temperature", request.getTemperature());
    OpenAiShapes.putIfSet(body, "top_p", request.getTopP());
    if (request.getStop() != null && !request.getStop().isEmpty()) {
      body.set("stop_sequences", Json.MAPPER.valueToTree(request.getStop()));
    }
    if (request.getUser() != null) {
      body.putObject("metadata").put("user_id", request.getUser());
    }
    if (request.getTools() != null && !request.getTools().isEmpty()) {
      body.set("tools", tools(request.getTools()));
    }
    OpenAiShapes.putIfSet(body, "tool_choice",
        toolChoice(request.getToolChoice(), request.getExtra().get("parallel_tool_calls")));
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
      if (OpenAiShapes.isInstruction(message)) {
        if (message.getContent() != null) {
          system.add(message.getContent());
        }
      } else if (ChatMessage.TOOL.equals(message.getRole())) {
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
        messages.add(ChatMessage.ASSISTANT.equals(message.getRole()) ? assistantMessage(message)
            : userMessage(message));
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
    ImageData.DataUri data = ImageData.dataUri(url);
    if (data == null) {
      throw invalid("messages", "takes images as http(s) URLs or base64 data: URIs");
    }
    return source.put("type", "base64").put("media_type", data.mimeType()).put("data", data.base64());
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
          .set("input", OpenAiShapes.toolArguments(call.getFunction().getArguments(), name()));
    }
    return out;
  }

  private ArrayNode tools(List<Tool> tools) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Tool.Function function : OpenAiShapes.functions(tools, name())) {
      ObjectNode declared = out.addObject().put("name", function.getName());
      OpenAiShapes.putIfSet(declared, "description", function.getDescription());
      declared.set("input_schema", function.getParameters() != null
          ? Json.MAPPER.valueToTree(function.getParameters())
          : Json.MAPPER.createObjectNode().put("type", "object"));
      OpenAiShapes.putIfSet(declared, "strict", function.getStrict());
    }
    return out;
  }

  /** {@code tool_choice} ({@code parallel_tool_calls: false} as {@code disable_parallel_tool_use}); null if unset. */
  private @Nullable ObjectNode toolChoice(@Nullable Object choice, @Nullable Object parallelToolCalls) {
    boolean serial = Boolean.FALSE.equals(parallelToolCalls);
    OpenAiShapes.ToolChoice read = OpenAiShapes.toolChoice(choice, name());
    ObjectNode out = Json.MAPPER.createObjectNode();
    if (read == null) {
      return serial ? out.put("type", "auto").put("disable_parallel_tool_use", true) : null;
    }
    switch (read.mode()) {
      case NONE -> {
        return out.put("type", "none");
      }
      case AUTO -> out.put("type", "auto");
      case REQUIRED -> out.put("type", "any");
      case FUNCTION -> out.put("type", "tool").put("name", read.function());
    }
    return serial ? out.put("disable_parallel_tool_use", true) : out;
  }

  private void outputFormat(Map<String, Object> responseFormat, ObjectNode body) {
    String type = OpenAiShapes.responseFormatType(responseFormat);
    if ("text".equals(type)) {
      return;
    }
    Object schema = OpenAiShapes.responseSchema(responseFormat);
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

  /**
   * One Messages answer in OpenAI's shapes, one instance per answer: as a decoder, the event stream in order;
   * with {@link #whole}, a whole {@code message} object. Both go through the same mapping of the message's
   * header, blocks, stop reason and usage.
   */
  private final class Answer extends SseDecoder {

    private final @Nullable String secret;
    private final long created = System.currentTimeMillis() / 1000;
    /** Content block index of each {@code tool_use} block to its tool call index. */
    private final Map<Integer, Integer> toolCalls = new HashMap<>();
    private @Nullable String id;
    private @Nullable String model;
    private int promptTokens;
    private int completionTokens;
    private int cacheReads;
    private int cacheWrites;
    private @Nullable String stopReason;

    Answer(ProviderContext context) {
      super(context.providerName());
      this.secret = context.apiKey();
    }

    /** The whole answer from a {@code message} object: its blocks folded into one assistant message. */
    ChatCompletion whole(Buffer body) {
      JsonNode message = json(body.toString(), "message");
      start(message);
      ChatMessage answer = new ChatMessage().setRole(ChatMessage.ASSISTANT);
      StringBuilder text = new StringBuilder();
      List<ToolCall> calls = new ArrayList<>();
      JsonNode blocks = message.path("content");
      for (int block = 0; block < blocks.size(); block++) {
        JsonNode content = blocks.get(block);
        switch (content.path("type").asText()) {
          case "text" -> text.append(content.path("text").asText(""));
          case "tool_use" -> calls.add(toolCall(block, content, content.path("input").toString()));
          default -> {
            // thinking, redacted_thinking, server tool blocks: not part of an OpenAI answer
          }
        }
      }
      answer.setContent(text.isEmpty() && !calls.isEmpty() ? null : text.toString());
      answer.setToolCalls(calls.isEmpty() ? null : calls);
      stop(message, message.path("usage"));
      ChatCompletionChunk finish = finish();
      finish.getChoices().get(0).setDelta(answer);
      return OpenAiShapes.completion(finish);
    }

    @Override
    protected boolean onEvent(SseParser.Event event, Consumer<ChatCompletionChunk> out) {
      JsonNode json = json(event.data(), "event");
      switch (json.path("type").asText(event.event())) {
        case "message_start" -> {
          start(json.path("message"));
          out.accept(chunk(new ChatMessage().setRole(ChatMessage.ASSISTANT)));
        }
        case "content_block_start" -> blockStart(json.path("index").asInt(), json.path("content_block"), out);
        case "content_block_delta" -> blockDelta(json.path("index").asInt(), json.path("delta"), out);
        case "message_delta" -> stop(json.path("delta"), json.path("usage"));
        case "message_stop" -> {
          out.accept(finish());
          return true;
        }
        case "error" -> throw ProviderErrors.fromStreamError(provider, json, secret);
        default -> {
          // ping, content_block_stop, and event types added later: nothing to emit
        }
      }
      return false;
    }

    @Override
    protected void onEnd(Consumer<ChatCompletionChunk> out) {
      throw ProviderErrors.truncated(provider, "message_stop");
    }

    private JsonNode json(String text, String what) {
      try {
        return Json.MAPPER.readTree(text);
      } catch (IOException e) {
        throw ProviderErrors.malformed(provider, what, e);
      }
    }

    /** Takes the header and usage of a {@code message} (whole, or the one {@code message_start} carries). */
    private void start(JsonNode message) {
      id = message.path("id").asText(null);
      model = message.path("model").asText(null);
      usage(message.path("usage"));
    }

    /** Takes the {@code stop_reason} of a whole message or a {@code message_delta}'s delta, and the usage beside it. */
    private void stop(JsonNode reason, JsonNode usage) {
      stopReason = reason.path("stop_reason").asText(stopReason);
      usage(usage);
    }

    private void blockStart(int block, JsonNode content, Consumer<ChatCompletionChunk> out) {
      switch (content.path("type").asText()) {
        case "text" -> text(content.path("text").asText(""), out);
        case "tool_use" -> out.accept(chunk(new ChatMessage().setToolCalls(List.of(toolCall(block, content, "")))));
        default -> {
          // thinking, redacted_thinking, server tool blocks: not part of an OpenAI answer
        }
      }
    }

    /** The tool call of a {@code tool_use} block, numbered in the order the blocks come. */
    private ToolCall toolCall(int block, JsonNode toolUse, String arguments) {
      int index = toolCalls.size();
      toolCalls.put(block, index);
      return new ToolCall().setIndex(index).setId(toolUse.path("id").asText()).setType("function")
          .setFunction(new ToolCall.FunctionCall().setName(toolUse.path("name").asText()).setArguments(arguments));
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

    /**
     * Token counts; cumulative, so later events replace earlier ones. Cached prompt tokens count as prompt tokens, and
     * are told apart as OpenAI-compatible usage tells them ({@code prompt_tokens_details.cached_tokens} read from the
     * cache, {@code cache_write_tokens} written to it), so that they can be priced as Anthropic bills them.
     */
    private void usage(JsonNode usage) {
      if (usage.has("input_tokens")) {
        cacheReads = usage.path("cache_read_input_tokens").asInt();
        cacheWrites = usage.path("cache_creation_input_tokens").asInt();
        promptTokens = usage.path("input_tokens").asInt() + cacheWrites + cacheReads;
      }
      if (usage.has("output_tokens")) {
        completionTokens = usage.path("output_tokens").asInt();
      }
    }

    /** The last chunk: the finish reason and the usage. */
    private ChatCompletionChunk finish() {
      ChatCompletionChunk chunk = chunk(new ChatMessage());
      chunk.getChoices().get(0)
          .setFinishReason(stopReason == null ? "stop" : FINISH_REASONS.getOrDefault(stopReason, stopReason));
      Usage usage = new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
      if (cacheReads > 0 || cacheWrites > 0) {
        usage.putExtra("prompt_tokens_details", Map.of("cached_tokens", cacheReads, "cache_write_tokens", cacheWrites));
      }
      return chunk.setUsage(usage);
    }

    private ChatCompletionChunk chunk(ChatMessage delta) {
      ChatCompletionChunk chunk = new ChatCompletionChunk().setId(id).setModel(model).setCreated(created)
          .setProvider(provider);
      chunk.getChoices().add(new ChatCompletionChunk.Choice().setDelta(delta));
      return chunk;
    }
  }
}
