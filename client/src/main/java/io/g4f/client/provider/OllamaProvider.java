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
import io.g4f.client.ToolCall;
import io.g4f.client.Usage;
import io.g4f.client.spi.toolkit.ChunkDecoder;
import io.g4f.client.spi.toolkit.Json;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.g4f.client.spi.toolkit.AbstractProvider;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderContext;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Ollama's native chat API: {@code POST {baseUrl}/api/chat}, streamed as newline-delimited JSON
 * ({@code {"message":{...},"done":false}} lines, then a {@code "done":true} line with
 * {@code done_reason} and token counts). Sampling settings go in {@code options}, images as bare
 * base64 in a message's {@code images}, tools as OpenAI-style function declarations, JSON output as
 * {@code format}. No key.
 */
public class OllamaProvider implements Provider {

  private final String baseUrl;

  /** A local Ollama at {@code http://127.0.0.1:11434}. */
  public OllamaProvider() {
    this("http://127.0.0.1:11434");
  }

  /** An Ollama at {@code baseUrl} (without {@code /api}). */
  public OllamaProvider(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  @Override
  public String name() {
    return "OllamaNative";
  }

  @Override
  public String defaultModel() {
    return "llama3.2";
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.VISION, Capability.TOOLS);
  }

  @Override
  public Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context) {
    Buffer body = Json.encode(body(request));
    String base = context.baseUrl() != null ? context.baseUrl() : baseUrl;
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setAbsoluteURI(AbstractProvider.join(base, "/api/chat"))
        .putHeader("content-type", "application/json").putHeader("accept", "application/x-ndjson");
    return context.stream(options, body, response -> new NdjsonDecoder(context.apiKey()));
  }

  /** The {@code /api/chat} body for an OpenAI-shaped request. */
  ObjectNode body(ChatCompletionRequest request) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("model", request.getModel()).put("stream", true);
    ArrayNode messages = body.putArray("messages");
    for (ChatMessage message : request.getMessages()) {
      messages.add(message(message));
    }
    ObjectNode options = Json.MAPPER.createObjectNode();
    putIfSet(options, "temperature", request.getTemperature());
    putIfSet(options, "top_p", request.getTopP());
    putIfSet(options, "seed", request.getSeed());
    putIfSet(options, "num_predict", request.getMaxCompletionTokens() != null
        ? request.getMaxCompletionTokens() : request.getMaxTokens());
    if (request.getStop() != null) {
      options.set("stop", Json.MAPPER.valueToTree(request.getStop()));
    }
    if (!options.isEmpty()) {
      body.set("options", options);
    }
    if (request.getTools() != null) {
      body.set("tools", Json.MAPPER.valueToTree(request.getTools()));
    }
    Map<String, Object> format = request.getResponseFormat();
    if (format != null && "json_object".equals(format.get("type"))) {
      body.put("format", "json");
    } else if (format != null && format.get("json_schema") instanceof Map<?, ?> schema && schema.get("schema") != null) {
      body.set("format", Json.MAPPER.valueToTree(schema.get("schema")));
    }
    return body;
  }

  private ObjectNode message(ChatMessage message) {
    ObjectNode out = Json.MAPPER.createObjectNode().put("role", message.getRole());
    out.put("content", message.getContent() == null ? "" : message.getContent());
    if (message.getContentParts() != null) {
      ArrayNode images = Json.MAPPER.createArrayNode();
      for (ContentPart part : message.getContentParts()) {
        if (part.getImageUrl() != null) {
          images.add(base64(part.getImageUrl().getUrl()));
        }
      }
      if (!images.isEmpty()) {
        out.set("images", images);
      }
    }
    if (message.getToolCalls() != null) {
      ArrayNode calls = out.putArray("tool_calls");
      for (ToolCall call : message.getToolCalls()) {
        ObjectNode function = calls.addObject().putObject("function").put("name", call.getFunction().getName());
        try {
          function.set("arguments", Json.MAPPER.readTree(call.getFunction().getArguments()));
        } catch (IOException e) {
          throw new InvalidRequestException("Tool call arguments must be JSON for " + name(), 400, name());
        }
      }
    }
    return out;
  }

  private String base64(String url) {
    int comma = url.indexOf(',');
    if (!url.startsWith("data:") || comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
      throw new InvalidRequestException(name() + " takes images as bytes, not URLs: pass the image itself "
          + "(ImageInput.of(bytes | Path | InputStream)) or a base64 data: URI", 400, name());
    }
    return url.substring(comma + 1);
  }

  private static void putIfSet(ObjectNode node, String field, @Nullable Object value) {
    if (value != null) {
      node.set(field, Json.MAPPER.valueToTree(value));
    }
  }

  /** Ollama's NDJSON stream: one JSON object a line, bytes split anywhere. */
  private final class NdjsonDecoder implements ChunkDecoder {

    private final @Nullable String secret;
    private final String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    private Buffer partial = Buffer.buffer();
    private boolean first = true;
    private int toolCalls;

    NdjsonDecoder(@Nullable String secret) {
      this.secret = secret;
    }

    @Override
    public boolean decode(Buffer bytes, Consumer<ChatCompletionChunk> out) {
      partial.appendBuffer(bytes);
      int start = 0;
      for (int i = 0; i < partial.length(); i++) {
        if (partial.getByte(i) == '\n') {
          String line = partial.getString(start, i, StandardCharsets.UTF_8.name()).trim();
          start = i + 1;
          if (!line.isEmpty() && line(line, out)) {
            return true;
          }
        }
      }
      partial = partial.getBuffer(start, partial.length());
      return false;
    }

    @Override
    public void end(Consumer<ChatCompletionChunk> out) {
      String rest = partial.toString(StandardCharsets.UTF_8).trim();
      if (!rest.isEmpty()) {
        line(rest, out);
      }
    }

    /** Handles one line; true when it was the last ({@code "done": true}). */
    private boolean line(String line, Consumer<ChatCompletionChunk> out) {
      JsonNode json;
      try {
        json = Json.MAPPER.readTree(line);
      } catch (IOException e) {
        throw ProviderErrors.malformed(name(), "line", e);
      }
      if (json.has("error")) {
        throw ProviderErrors.fromStreamError(name(), json, secret);
      }
      ChatCompletionChunk chunk = new ChatCompletionChunk().setId(id).setModel(json.path("model").asText(null))
          .setProvider(name()).setCreated(created(json.path("created_at").asText(null)));
      ChatMessage delta = new ChatMessage();
      JsonNode message = json.path("message");
      if (first) {
        delta.setRole(message.path("role").asText(ChatMessage.ASSISTANT));
        first = false;
      }
      String content = message.path("content").asText("");
      if (!content.isEmpty()) {
        delta.setContent(content);
      }
      if (message.path("tool_calls").isArray()) {
        List<ToolCall> calls = new java.util.ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
          int index = toolCalls++;
          calls.add(new ToolCall().setIndex(index).setId("call_" + index).setType("function")
              .setFunction(new ToolCall.FunctionCall().setName(call.path("function").path("name").asText())
                  .setArguments(call.path("function").path("arguments").toString())));
        }
        delta.setToolCalls(calls);
      }
      ChatCompletionChunk.Choice choice = new ChatCompletionChunk.Choice().setDelta(delta);
      boolean done = json.path("done").asBoolean(false);
      if (done) {
        choice.setFinishReason(toolCalls > 0 ? "tool_calls" : json.path("done_reason").asText("stop"));
        if (json.has("prompt_eval_count") || json.has("eval_count")) {
          int prompt = json.path("prompt_eval_count").asInt(0);
          int completion = json.path("eval_count").asInt(0);
          chunk.setUsage(new Usage(prompt, completion, prompt + completion));
        }
      }
      chunk.getChoices().add(choice);
      out.accept(chunk);
      return done;
    }

    private long created(@Nullable String timestamp) {
      try {
        return timestamp == null ? System.currentTimeMillis() / 1000 : OffsetDateTime.parse(timestamp).toEpochSecond();
      } catch (DateTimeParseException e) {
        return System.currentTimeMillis() / 1000;
      }
    }
  }
}
