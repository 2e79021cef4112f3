package io.g4f.client.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.g4f.client.Usage;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.ContentPart;
import io.g4f.client.chat.ToolCall;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.ProviderContext;
import io.g4f.client.spi.toolkit.AbstractProvider;
import io.g4f.client.spi.toolkit.ImageData;
import io.g4f.client.spi.toolkit.Json;
import io.g4f.client.spi.toolkit.NdjsonDecoder;
import io.g4f.client.spi.toolkit.OpenAiShapes;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Ollama's native chat API: {@code POST {baseUrl}/api/chat}. A whole answer is asked with {@code "stream": false}
 * and comes back as one JSON object ({@code {"message":{...},"done":true,...}}); a streamed one is asked with
 * {@code "stream": true} and comes back as newline-delimited JSON ({@code {"message":{...},"done":false}} lines,
 * then a {@code "done":true} line with {@code done_reason} and token counts; a body that ends before it fails).
 * Both are mapped alike. Sampling settings go in {@code options}, images as bare base64 in a message's
 * {@code images} (image URLs downloaded by the client first, see {@link ProviderContext#imageData}), tools as OpenAI-style function declarations, JSON output as {@code format}. Embeddings are
 * {@code POST /api/embed} ({@code model}, {@code input}, {@code dimensions}), answered with {@code embeddings} (one
 * array of floats per input) and {@code prompt_eval_count} (the usage). No key.
 */
public class OllamaProvider extends AbstractProvider {

  /** A local Ollama at {@code http://127.0.0.1:11434}. */
  public OllamaProvider() {
    this("http://127.0.0.1:11434");
  }

  /** An Ollama at {@code baseUrl} (without {@code /api}). */
  public OllamaProvider(String baseUrl) {
    super("OllamaNative", baseUrl, List.of("llama3.2", "nomic-embed-text"), null,
        EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.VISION, Capability.TOOLS, Capability.EMBEDDINGS));
  }

  /** Asks for the whole answer ({@code "stream": false}) and maps its one object as the last line of a stream. */
  @Override
  public Future<ChatCompletion> chat(ChatCompletionRequest request, ProviderContext context) {
    return images(request, context).compose(images -> context.send(HttpMethod.POST, url(context, "/api/chat"),
            jsonHeaders(), Json.encode(body(request, images).put("stream", false))))
        .map(answer -> new Answer(context).whole(answer));
  }

  @Override
  public Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setAbsoluteURI(url(context, "/api/chat"))
        .setHeaders(jsonHeaders().add(HttpHeaders.ACCEPT, "application/x-ndjson"));
    return images(request, context).compose(images -> context.stream(options,
        Json.encode(body(request, images).put("stream", true)), response -> new Answer(context)));
  }

  /**
   * The base64 of each image of {@code request}, by its URL: {@code data:} URIs decoded, {@code http(s)} URLs
   * downloaded by the client ({@link ProviderContext#imageData}), since Ollama takes bytes only.
   */
  private static Future<Map<String, String>> images(ChatCompletionRequest request, ProviderContext context) {
    Map<String, Future<ImageData.DataUri>> images = new LinkedHashMap<>();
    for (ChatMessage message : request.getMessages()) {
      for (ContentPart part : message.getContentParts() == null ? List.<ContentPart>of() : message.getContentParts()) {
        if (part.getImageUrl() != null) {
          images.computeIfAbsent(part.getImageUrl().getUrl(), context::imageData);
        }
      }
    }
    return Future.all(List.copyOf(images.values())).map(all -> {
      Map<String, String> base64 = new LinkedHashMap<>();
      images.forEach((url, data) -> base64.put(url, data.result().base64()));
      return base64;
    });
  }

  /** Embeds the texts with one {@code /api/embed} call; the vectors come back as floats, in input order. */
  @Override
  public Future<EmbeddingsResponse> embed(EmbeddingRequest request, ProviderContext context) {
    List<String> texts = OpenAiShapes.embeddingTexts(request, name());
    ObjectNode body = Json.MAPPER.createObjectNode().put("model", request.getModel());
    texts.forEach(body.putArray("input")::add);
    OpenAiShapes.putIfSet(body, "dimensions", request.getDimensions());
    return context.send(HttpMethod.POST, url(context, "/api/embed"), jsonHeaders(), Json.encode(body))
        .map(answer -> {
          JsonNode json;
          try {
            json = Json.MAPPER.readTree(answer.getBytes());
          } catch (IOException e) {
            throw ProviderErrors.malformed(context.providerName(), "embeddings response", e);
          }
          JsonNode embeddings = json.path("embeddings");
          if (!embeddings.isArray() || embeddings.size() != texts.size()) {
            throw ProviderErrors.malformed(context.providerName(), "embeddings response", new IllegalArgumentException(
                "it has " + embeddings.size() + " embeddings for " + texts.size() + " inputs"));
          }
          EmbeddingsResponse response = new EmbeddingsResponse().setProvider(context.providerName())
              .setModel(json.path("model").asText(request.getModel()));
          for (int i = 0; i < embeddings.size(); i++) {
            response.getData().add(new EmbeddingsResponse.Embedding(i,
                OpenAiShapes.embeddingVector(embeddings.get(i), context.providerName())));
          }
          if (json.path("prompt_eval_count").isIntegralNumber()) {
            int tokens = json.path("prompt_eval_count").intValue();
            response.setUsage(new Usage().setPromptTokens(tokens).setTotalTokens(tokens));
          }
          return response;
        });
  }

  /** The {@code /api/chat} body for an OpenAI-shaped request, without {@code stream}; {@code images} by URL. */
  private ObjectNode body(ChatCompletionRequest request, Map<String, String> images) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("model", request.getModel());
    ArrayNode messages = body.putArray("messages");
    for (ChatMessage message : request.getMessages()) {
      messages.add(message(message, images));
    }
    ObjectNode options = Json.MAPPER.createObjectNode();
    OpenAiShapes.putIfSet(options, "temperature", request.getTemperature());
    OpenAiShapes.putIfSet(options, "top_p", request.getTopP());
    OpenAiShapes.putIfSet(options, "seed", request.getSeed());
    OpenAiShapes.putIfSet(options, "num_predict", OpenAiShapes.maxTokens(request));
    OpenAiShapes.putIfSet(options, "stop", request.getStop());
    if (!options.isEmpty()) {
      body.set("options", options);
    }
    OpenAiShapes.putIfSet(body, "tools", request.getTools());
    Map<String, Object> format = request.getResponseFormat();
    if ("json_object".equals(OpenAiShapes.responseFormatType(format))) {
      body.put("format", "json");
    } else {
      OpenAiShapes.putIfSet(body, "format", OpenAiShapes.responseSchema(format));
    }
    return body;
  }

  private ObjectNode message(ChatMessage message, Map<String, String> base64) {
    ObjectNode out = Json.MAPPER.createObjectNode().put("role", message.getRole());
    out.put("content", message.getContent() == null ? "" : message.getContent());
    if (message.getContentParts() != null) {
      ArrayNode images = Json.MAPPER.createArrayNode();
      for (ContentPart part : message.getContentParts()) {
        if (part.getImageUrl() != null) {
          images.add(base64.get(part.getImageUrl().getUrl()));
        }
      }
      if (!images.isEmpty()) {
        out.set("images", images);
      }
    }
    if (message.getToolCalls() != null) {
      ArrayNode calls = out.putArray("tool_calls");
      for (ToolCall call : message.getToolCalls()) {
        calls.addObject().putObject("function").put("name", call.getFunction().getName())
            .set("arguments", OpenAiShapes.toolArguments(call.getFunction().getArguments(), name()));
      }
    }
    return out;
  }

  /**
   * Ollama's answer in OpenAI's shapes, one instance per answer: as a decoder, one JSON object a line until the
   * {@code "done": true} one; with {@link #whole}, the one object of a {@code "stream": false} answer. Both go
   * through {@link #chunk}.
   */
  private final class Answer extends NdjsonDecoder {

    private final @Nullable String secret;
    private final String id = OpenAiShapes.completionId();
    private boolean first = true;
    private int toolCalls;

    Answer(ProviderContext context) {
      super(context.providerName());
      this.secret = context.apiKey();
    }

    /** The whole answer from its one object; one that is not {@code "done"} is truncated. */
    ChatCompletion whole(Buffer body) {
      JsonNode json = json(body.toString());
      ChatCompletionChunk chunk = chunk(json);
      if (!json.path("done").asBoolean(false)) {
        throw ProviderErrors.truncated(provider, "\"done\": true");
      }
      return OpenAiShapes.completion(chunk);
    }

    @Override
    protected boolean onLine(String line, Consumer<ChatCompletionChunk> out) {
      JsonNode json = json(line);
      out.accept(chunk(json));
      return json.path("done").asBoolean(false);
    }

    private JsonNode json(String text) {
      JsonNode json;
      try {
        json = Json.MAPPER.readTree(text);
      } catch (IOException e) {
        throw ProviderErrors.malformed(provider, "line", e);
      }
      if (json.has("error")) {
        throw ProviderErrors.fromStreamError(provider, json, secret);
      }
      return json;
    }

    /** The chunk of one object: its message as the delta; when {@code done}, the finish reason and the usage. */
    private ChatCompletionChunk chunk(JsonNode json) {
      ChatCompletionChunk chunk = new ChatCompletionChunk().setId(id).setModel(json.path("model").asText(null))
          .setProvider(provider).setCreated(created(json.path("created_at").asText(null)));
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
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
          int index = toolCalls++;
          calls.add(new ToolCall().setIndex(index).setId("call_" + index).setType("function")
              .setFunction(new ToolCall.FunctionCall().setName(call.path("function").path("name").asText())
                  .setArguments(call.path("function").path("arguments").toString())));
        }
        delta.setToolCalls(calls);
      }
      ChatCompletionChunk.Choice choice = new ChatCompletionChunk.Choice().setDelta(delta);
      if (json.path("done").asBoolean(false)) {
        choice.setFinishReason(toolCalls > 0 ? "tool_calls" : json.path("done_reason").asText("stop"));
        if (json.has("prompt_eval_count") || json.has("eval_count")) {
          int prompt = json.path("prompt_eval_count").asInt(0);
          int completion = json.path("eval_count").asInt(0);
          chunk.setUsage(new Usage(prompt, completion, prompt + completion));
        }
      }
      chunk.getChoices().add(choice);
      return chunk;
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
