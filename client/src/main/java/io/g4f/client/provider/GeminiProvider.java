package io.g4f.client.provider;

import com.fasterxml.jackson.databind.DeserializationFeature;
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
import io.g4f.client.chat.Tool;
import io.g4f.client.chat.ToolCall;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.errors.ContentFilterException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Google's Gemini API. A whole answer is {@code POST {baseUrl}/models/{model}:generateContent}, answered with one
 * {@code GenerateContentResponse}; a streamed one is {@code :streamGenerateContent?alt=sse}: server-sent events,
 * each {@code data:} a {@code GenerateContentResponse}, the stream ending with the body (no end marker: a stream
 * that ends before a candidate's finish reason fails). Both are mapped alike. Images are {@code POST {baseUrl}/models/{model}:predict} for Imagen models and
 * {@code :generateContent} with {@code responseModalities: ["TEXT","IMAGE"]} for Gemini image models. Embeddings
 * are {@code POST {baseUrl}/models/{model}:batchEmbedContents}, one request per input (its {@code dimensions} as
 * {@code outputDimensionality}), answered with {@code embeddings[].values} and no token counts.
 * The key travels in the {@code x-goog-api-key} header, never in the URL.
 *
 * <p>OpenAI-shaped requests are mapped: {@code system}/{@code developer} messages become
 * {@code systemInstruction}, {@code assistant} turns {@code model} turns, tool calls
 * {@code functionCall} parts and {@code tool} messages {@code functionResponse} parts; images go
 * inline as base64 ({@code inlineData}) or, for http(s) URLs, as {@code fileData} that Gemini fetches
 * itself. A blocked prompt or an answer stopped by a content filter fails with
 * {@link ContentFilterException}, streamed or not.
 */
public class GeminiProvider extends AbstractProvider {

  /** Gemini's public endpoint. */
  public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";
  /** The image model used when a request names none, or names an OpenAI one ({@code dall-e-*}, {@code gpt-image-*}). */
  public static final String DEFAULT_IMAGE_MODEL = "gemini-2.5-flash-image";

  private static final String NAME = "Gemini";
  private static final List<String> MODELS = List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite",
      DEFAULT_IMAGE_MODEL, "imagen-4.0-generate-001", "gemini-embedding-001");
  /** Finish reasons that mean a content filter stopped the answer. */
  private static final Set<String> FILTER_REASONS = Set.of("SAFETY", "RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST",
      "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION");
  private static final List<String> IMAGEN_ASPECT_RATIOS = List.of("1:1", "3:4", "4:3", "9:16", "16:9");
  private static final List<String> GEMINI_IMAGE_ASPECT_RATIOS = List.of("1:1", "2:3", "3:2", "3:4", "4:3", "4:5",
      "5:4", "9:16", "16:9", "21:9");

  /** Gemini at {@link #DEFAULT_BASE_URL}. */
  public GeminiProvider() {
    this(DEFAULT_BASE_URL);
  }

  /** Gemini at {@code baseUrl}, the equivalent of {@link #DEFAULT_BASE_URL} (ending in the API version). */
  public GeminiProvider(String baseUrl) {
    super(NAME, baseUrl, MODELS, "GEMINI_API_KEY", EnumSet.of(Capability.CHAT, Capability.STREAMING,
        Capability.VISION, Capability.IMAGES, Capability.TOOLS, Capability.EMBEDDINGS));
  }

  /** Asks {@code :generateContent} for the whole answer and maps its one response as a streamed one is mapped. */
  @Override
  public Future<ChatCompletion> chat(ChatCompletionRequest request, ProviderContext context) {
    Buffer body = Json.encode(body(request));
    String model = request.getModel() != null ? request.getModel() : defaultModel();
    return context.send(HttpMethod.POST, url(context, model, "generateContent"), headers(context), body)
        .map(answer -> new Answer(model, context).whole(answer));
  }

  @Override
  public Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context) {
    Buffer body = Json.encode(body(request));
    String model = request.getModel() != null ? request.getModel() : defaultModel();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setAbsoluteURI(url(context, model, "streamGenerateContent?alt=sse"))
        .setHeaders(headers(context).add(HttpHeaders.ACCEPT, "text/event-stream"));
    return context.stream(options, body, response -> new Answer(model, context));
  }

  /**
   * Generates images with Imagen ({@code imagen-*} models, one {@code :predict} call for all {@code n})
   * or a Gemini image model (one {@code :generateContent} call per image). A {@code size} becomes the
   * model's nearest supported aspect ratio.
   */
  @Override
  public Future<ImagesResponse> generateImages(ImageGenerationRequest request, ProviderContext context) {
    String model = request.getModel() == null || request.getModel().startsWith("dall-e")
        || request.getModel().startsWith("gpt-image") ? DEFAULT_IMAGE_MODEL : request.getModel();
    int count = request.getN() == null ? 1 : request.getN();
    boolean imagen = model.startsWith("imagen");
    String aspectRatio = aspectRatio(OpenAiShapes.size(request.getSize(), NAME),
        imagen ? IMAGEN_ASPECT_RATIOS : GEMINI_IMAGE_ASPECT_RATIOS);
    Future<List<ImagesResponse.Image>> images = imagen
        ? predict(context, model, request.getPrompt(), count, aspectRatio)
        : generateContentImages(context, model, request.getPrompt(), count, aspectRatio);
    return images.map(data -> new ImagesResponse().setCreated(System.currentTimeMillis() / 1000)
        .setProvider(context.providerName()).setData(data));
  }

  /** Embeds each text with one {@code :batchEmbedContents} call; the vectors come back as floats, in input order. */
  @Override
  public Future<EmbeddingsResponse> embed(EmbeddingRequest request, ProviderContext context) {
    List<String> texts = OpenAiShapes.embeddingTexts(request, NAME);
    String model = request.getModel();
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode requests = body.putArray("requests");
    for (String text : texts) {
      ObjectNode one = requests.addObject().put("model", model.contains("/") ? model : "models/" + model);
      one.putObject("content").putArray("parts").addObject().put("text", text);
      OpenAiShapes.putIfSet(one, "outputDimensionality", request.getDimensions());
    }
    return context.send(HttpMethod.POST, url(context, model, "batchEmbedContents"), headers(context), Json.encode(body))
        .map(answer -> {
          JsonNode embeddings = json(answer.toString(), "embeddings response", context.providerName())
              .path("embeddings");
          if (!embeddings.isArray() || embeddings.size() != texts.size()) {
            throw ProviderErrors.malformed(context.providerName(), "embeddings response", new IllegalArgumentException(
                "it has " + embeddings.size() + " embeddings for " + texts.size() + " inputs"));
          }
          EmbeddingsResponse response = new EmbeddingsResponse().setModel(model).setProvider(context.providerName());
          for (int i = 0; i < embeddings.size(); i++) {
            response.getData().add(new EmbeddingsResponse.Embedding(i,
                OpenAiShapes.embeddingVector(embeddings.get(i).path("values"), context.providerName())));
          }
          return response;
        });
  }

  /** The {@code GenerateContentRequest} for an OpenAI-shaped chat request. */
  ObjectNode body(ChatCompletionRequest request) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode contents = body.putArray("contents");
    ArrayNode system = Json.MAPPER.createArrayNode();
    Map<String, String> calledFunctions = new HashMap<>();
    ArrayNode toolResults = null;
    for (ChatMessage message : request.getMessages()) {
      String role = message.getRole();
      if (ChatMessage.TOOL.equals(role)) {
        if (toolResults == null) {
          toolResults = contents.addObject().put("role", "user").putArray("parts");
        }
        toolResults.addObject().set("functionResponse", functionResponse(message, calledFunctions));
        continue;
      }
      toolResults = null;
      if (OpenAiShapes.isInstruction(message)) {
        system.addAll(parts(message));
        continue;
      }
      ArrayNode parts = contents.addObject().put("role", ChatMessage.ASSISTANT.equals(role) ? "model" : "user")
          .putArray("parts").addAll(parts(message));
      if (message.getToolCalls() != null) {
        for (ToolCall call : message.getToolCalls()) {
          calledFunctions.put(call.getId(), call.getFunction().getName());
          parts.addObject().putObject("functionCall").put("name", call.getFunction().getName())
              .set("args", OpenAiShapes.toolArguments(call.getFunction().getArguments(), NAME));
        }
      }
    }
    if (!system.isEmpty()) {
      body.putObject("systemInstruction").set("parts", system);
    }
    if (request.getTools() != null && !request.getTools().isEmpty()) {
      body.putArray("tools").addObject().set("functionDeclarations", functionDeclarations(request.getTools()));
    }
    OpenAiShapes.ToolChoice toolChoice = OpenAiShapes.toolChoice(request.getToolChoice(), NAME);
    if (toolChoice != null) {
      body.putObject("toolConfig").set("functionCallingConfig", functionCallingConfig(toolChoice));
    }
    ObjectNode config = generationConfig(request);
    if (!config.isEmpty()) {
      body.set("generationConfig", config);
    }
    return body;
  }

  private ArrayNode parts(ChatMessage message) {
    ArrayNode parts = Json.MAPPER.createArrayNode();
    if (message.getContentParts() == null) {
      if (message.getContent() != null && !message.getContent().isEmpty()) {
        parts.addObject().put("text", message.getContent());
      }
      return parts;
    }
    for (ContentPart part : message.getContentParts()) {
      if (part.getText() != null) {
        parts.addObject().put("text", part.getText());
      } else if (part.getImageUrl() != null && part.getImageUrl().getUrl() != null) {
        parts.add(image(part.getImageUrl().getUrl()));
      } else {
        throw invalid(NAME + " takes text and image content parts, not '" + part.getType() + "'", "messages");
      }
    }
    return parts;
  }

  /** A base64 {@code data:} URI as {@code inlineData}; an http(s) URL as {@code fileData}, which Gemini fetches. */
  private ObjectNode image(String url) {
    ObjectNode part = Json.MAPPER.createObjectNode();
    ImageData.DataUri data = ImageData.dataUri(url);
    if (data != null) {
      part.putObject("inlineData").put("mimeType", data.mimeType()).put("data", data.base64());
    } else if (url.startsWith("https://") || url.startsWith("http://")) {
      ObjectNode file = part.putObject("fileData");
      String mimeType = imageTypeOf(url);
      if (mimeType != null) {
        file.put("mimeType", mimeType);
      }
      file.put("fileUri", url);
    } else {
      throw invalid(NAME + " takes images as base64 data: URIs or public http(s) URLs", "messages");
    }
    return part;
  }

  /** The image MIME type a URL's file extension names, or null. */
  private static String imageTypeOf(String url) {
    String path = url.replaceFirst("[?#].*$", "").toLowerCase(Locale.ROOT);
    String extension = path.substring(path.lastIndexOf('.') + 1);
    return switch (extension) {
      case "png", "webp", "heic", "heif", "gif" -> "image/" + extension;
      case "jpg", "jpeg" -> "image/jpeg";
      default -> null;
    };
  }

  private ObjectNode functionResponse(ChatMessage message, Map<String, String> calledFunctions) {
    String name = calledFunctions.getOrDefault(message.getToolCallId(), message.getName());
    if (name == null) {
      throw invalid("A tool message answers tool_call_id '" + message.getToolCallId()
          + "', which no earlier assistant message called", "messages");
    }
    ObjectNode response = Json.MAPPER.createObjectNode().put("name", name);
    String content = message.getContent() == null ? "" : message.getContent();
    JsonNode json;
    try {
      json = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(content);
    } catch (IOException notJson) {
      json = null;
    }
    response.set("response", json != null && json.isObject() ? json
        : Json.MAPPER.createObjectNode().put("output", content));
    return response;
  }

  private static ArrayNode functionDeclarations(List<Tool> tools) {
    ArrayNode declarations = Json.MAPPER.createArrayNode();
    for (Tool.Function function : OpenAiShapes.functions(tools, NAME)) {
      ObjectNode declaration = declarations.addObject().put("name", function.getName());
      OpenAiShapes.putIfSet(declaration, "description", function.getDescription());
      OpenAiShapes.putIfSet(declaration, "parametersJsonSchema", function.getParameters());
    }
    return declarations;
  }

  private static ObjectNode functionCallingConfig(OpenAiShapes.ToolChoice toolChoice) {
    ObjectNode config = Json.MAPPER.createObjectNode();
    return switch (toolChoice.mode()) {
      case AUTO -> config.put("mode", "AUTO");
      case REQUIRED -> config.put("mode", "ANY");
      case NONE -> config.put("mode", "NONE");
      case FUNCTION -> config.put("mode", "ANY")
          .set("allowedFunctionNames", Json.MAPPER.createArrayNode().add(toolChoice.function()));
    };
  }

  private static ObjectNode generationConfig(ChatCompletionRequest request) {
    ObjectNode config = Json.MAPPER.createObjectNode();
    OpenAiShapes.putIfSet(config, "temperature", request.getTemperature());
    OpenAiShapes.putIfSet(config, "topP", request.getTopP());
    OpenAiShapes.putIfSet(config, "maxOutputTokens", OpenAiShapes.maxTokens(request));
    OpenAiShapes.putIfSet(config, "stopSequences", request.getStop());
    OpenAiShapes.putIfSet(config, "seed", request.getSeed());
    OpenAiShapes.putIfSet(config, "candidateCount", request.getN());
    String type = OpenAiShapes.responseFormatType(request.getResponseFormat());
    if ("json_object".equals(type) || "json_schema".equals(type)) {
      config.put("responseMimeType", "application/json");
      OpenAiShapes.putIfSet(config, "responseJsonSchema", OpenAiShapes.responseSchema(request.getResponseFormat()));
    } else if (!"text".equals(type)) {
      throw invalid("response_format must be text, json_object or json_schema for " + NAME, "response_format");
    }
    return config;
  }

  private Future<List<ImagesResponse.Image>> predict(ProviderContext context, String model, String prompt, int count,
                                                     String aspectRatio) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putArray("instances").addObject().put("prompt", prompt);
    ObjectNode parameters = body.putObject("parameters").put("sampleCount", count);
    if (aspectRatio != null) {
      parameters.put("aspectRatio", aspectRatio);
    }
    return context.send(HttpMethod.POST, url(context, model, "predict"), headers(context),
        Json.encode(body)).map(answer -> {
          List<ImagesResponse.Image> images = new ArrayList<>();
          JsonNode predictions = json(answer.toString(), "predict response", context.providerName())
              .path("predictions");
          for (JsonNode prediction : predictions) {
            if (prediction.hasNonNull("bytesBase64Encoded")) {
              images.add(new ImagesResponse.Image().setB64Json(prediction.get("bytesBase64Encoded").asText()));
            }
          }
          if (images.isEmpty()) {
            throw new ContentFilterException(NAME + " returned no image for the prompt (Imagen leaves out the images "
                + "its safety filters block)", context.providerName(), "IMAGE_SAFETY");
          }
          return images;
        });
  }

  private Future<List<ImagesResponse.Image>> generateContentImages(ProviderContext context, String model,
                                                                   String prompt, int count, String aspectRatio) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putArray("contents").addObject().put("role", "user").putArray("parts").addObject().put("text", prompt);
    ObjectNode config = body.putObject("generationConfig");
    config.putArray("responseModalities").add("TEXT").add("IMAGE");
    if (aspectRatio != null) {
      config.putObject("imageConfig").put("aspectRatio", aspectRatio);
    }
    Buffer encoded = Json.encode(body);
    List<Future<List<ImagesResponse.Image>>> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      calls.add(context.send(HttpMethod.POST, url(context, model, "generateContent"),
          headers(context), encoded).map(answer -> inlineImages(
              json(answer.toString(), "generateContent response", context.providerName()), context.providerName())));
    }
    return Future.all(calls).map(all -> {
      List<ImagesResponse.Image> images = new ArrayList<>();
      calls.forEach(call -> images.addAll(call.result()));
      return images;
    });
  }

  private static List<ImagesResponse.Image> inlineImages(JsonNode response, String provider) {
    checkPrompt(response, provider);
    List<ImagesResponse.Image> images = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (JsonNode candidate : response.path("candidates")) {
      finishReason(candidate.path("finishReason").asText(null), false, provider);
      for (JsonNode part : candidate.path("content").path("parts")) {
        if (part.path("inlineData").hasNonNull("data")) {
          images.add(new ImagesResponse.Image().setB64Json(part.get("inlineData").get("data").asText()));
        } else if (part.hasNonNull("text")) {
          text.append(part.get("text").asText());
        }
      }
    }
    if (images.isEmpty()) {
      throw new ProviderException(NAME + " answered without an image" + (text.isEmpty() ? "" : ": " + text), 0,
          provider);
    }
    return images;
  }

  /** The supported aspect ratio nearest to {@code size}; null for no size. */
  private static @Nullable String aspectRatio(OpenAiShapes.@Nullable Size size, List<String> supported) {
    if (size == null) {
      return null;
    }
    double ratio = (double) size.width() / size.height();
    String nearest = null;
    double distance = Double.MAX_VALUE;
    for (String candidate : supported) {
      String[] parts = candidate.split(":");
      double gap = Math.abs(Math.log(ratio * Integer.parseInt(parts[1]) / Integer.parseInt(parts[0])));
      if (gap < distance) {
        nearest = candidate;
        distance = gap;
      }
    }
    return nearest;
  }

  /** Fails with {@link ContentFilterException} when the response says the prompt was blocked. */
  private static void checkPrompt(JsonNode response, String provider) {
    String blockReason = response.path("promptFeedback").path("blockReason").asText(null);
    if (blockReason != null) {
      throw new ContentFilterException(NAME + " blocked the prompt: " + blockReason, provider, blockReason);
    }
  }

  /**
   * OpenAI's finish reason for Gemini's ({@code STOP} is {@code stop}, or {@code tool_calls} after a
   * function call; {@code MAX_TOKENS} is {@code length}; others lower-cased); null while unfinished.
   * A content filter's reason fails with {@link ContentFilterException}.
   */
  private static String finishReason(String reason, boolean calledFunctions, String provider) {
    if (reason == null) {
      return null;
    }
    if (FILTER_REASONS.contains(reason)) {
      throw new ContentFilterException(NAME + " withheld the answer: " + reason, provider, reason);
    }
    return switch (reason) {
      case "STOP" -> calledFunctions ? "tool_calls" : "stop";
      case "MAX_TOKENS" -> "length";
      default -> reason.toLowerCase(Locale.ROOT);
    };
  }

  private static InvalidRequestException invalid(String message, String param) {
    return InvalidRequestException.forParam(message, NAME, param);
  }

  private static JsonNode json(String body, String what, String provider) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw ProviderErrors.malformed(provider, what, e);
    }
  }

  /** JSON content, and the key in {@code x-goog-api-key} when there is one. */
  private static MultiMap headers(ProviderContext context) {
    MultiMap headers = jsonHeaders();
    if (context.apiKey() != null) {
      headers.add("x-goog-api-key", context.apiKey());
    }
    return headers;
  }

  /** {@code {base}/models/{model}:{method}}; a model named with its collection ({@code tunedModels/x}) keeps it. */
  private String url(ProviderContext context, String model, String method) {
    return url(context, (model.contains("/") ? "/" : "/models/") + model + ":" + method);
  }

  /**
   * Gemini's answer in OpenAI's shapes, one instance per answer: as a decoder, one {@code GenerateContentResponse}
   * per {@code data:} event with no end marker (the stream is complete once a finish reason was seen); with
   * {@link #whole}, the one response of {@code :generateContent}. Both go through {@link #chunk}.
   */
  private static final class Answer extends SseDecoder {

    private final String model;
    private final @Nullable String secret;
    private final long created = System.currentTimeMillis() / 1000;
    /** Candidates whose first delta was sent (it carries the role). */
    private final Set<Integer> started = new HashSet<>();
    /** Function calls made so far, per candidate. */
    private final Map<Integer, Integer> calls = new HashMap<>();
    private @Nullable String id;
    private boolean finished;

    Answer(String model, ProviderContext context) {
      super(context.providerName());
      this.model = model;
      this.secret = context.apiKey();
    }

    /** The whole answer from one response; one without a finish reason is as truncated as such a stream. */
    ChatCompletion whole(Buffer body) {
      ChatCompletionChunk chunk = chunk(json(body.toString(), "generateContent response", provider));
      checkFinished();
      return OpenAiShapes.completion(chunk);
    }

    @Override
    protected boolean onEvent(SseParser.Event event, Consumer<ChatCompletionChunk> out) {
      out.accept(chunk(json(event.data(), "event", provider)));
      return false;
    }

    @Override
    protected void onEnd(Consumer<ChatCompletionChunk> out) {
      checkFinished();
    }

    private void checkFinished() {
      if (!finished) {
        throw ProviderErrors.truncated(provider, "a finish reason");
      }
    }

    private ChatCompletionChunk chunk(JsonNode response) {
      if (response.has("error")) {
        throw ProviderErrors.fromStreamError(provider, response, secret);
      }
      checkPrompt(response, provider);
      if (id == null) {
        id = response.path("responseId").asText(OpenAiShapes.completionId());
      }
      ChatCompletionChunk chunk = new ChatCompletionChunk().setId(id).setCreated(created).setProvider(provider)
          .setModel(response.path("modelVersion").asText(model));
      for (JsonNode candidate : response.path("candidates")) {
        chunk.getChoices().add(choice(candidate));
      }
      JsonNode usage = response.path("usageMetadata");
      if (usage.isObject()) {
        int prompt = usage.path("promptTokenCount").asInt(0);
        int completion = usage.path("candidatesTokenCount").asInt(0) + usage.path("thoughtsTokenCount").asInt(0);
        Usage counted = new Usage(prompt, completion, usage.path("totalTokenCount").asInt(prompt + completion));
        int cached = usage.path("cachedContentTokenCount").asInt(0);
        if (cached > 0) {
          // part of promptTokenCount, told apart as OpenAI-compatible usage tells them, to be priced as billed
          counted.putExtra("prompt_tokens_details", Map.of("cached_tokens", cached));
        }
        chunk.setUsage(counted);
      }
      return chunk;
    }

    private ChatCompletionChunk.Choice choice(JsonNode candidate) {
      int index = candidate.path("index").asInt(0);
      ChatMessage delta = new ChatMessage();
      if (started.add(index)) {
        delta.setRole(ChatMessage.ASSISTANT);
      }
      StringBuilder text = null;
      List<ToolCall> toolCalls = null;
      for (JsonNode part : candidate.path("content").path("parts")) {
        if (part.path("thought").asBoolean(false)) {
          continue;
        }
        if (part.hasNonNull("text")) {
          text = (text == null ? new StringBuilder() : text).append(part.get("text").asText());
        } else if (part.has("functionCall")) {
          JsonNode call = part.get("functionCall");
          toolCalls = toolCalls == null ? new ArrayList<>() : toolCalls;
          toolCalls.add(new ToolCall().setIndex(calls.merge(index, 1, Integer::sum) - 1)
              .setId(call.path("id").asText(OpenAiShapes.toolCallId()))
              .setType("function")
              .setFunction(new ToolCall.FunctionCall().setName(call.path("name").asText())
                  .setArguments(call.has("args") ? call.get("args").toString() : "{}")));
        }
      }
      if (text != null) {
        delta.setContent(text.toString());
      }
      delta.setToolCalls(toolCalls);
      String finishReason = finishReason(candidate.path("finishReason").asText(null), calls.containsKey(index),
          provider);
      finished |= finishReason != null;
      return new ChatCompletionChunk.Choice().setIndex(index).setDelta(delta).setFinishReason(finishReason);
    }
  }
}
