package io.g4f.client.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.ProviderContext;
import io.g4f.client.spi.toolkit.AbstractProvider;
import io.g4f.client.spi.toolkit.ChunkDecoder;
import io.g4f.client.spi.toolkit.Json;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.g4f.client.spi.toolkit.SseDecoder;
import io.g4f.client.spi.toolkit.SseParser;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Any OpenAI-compatible server: {@code POST {baseUrl}/chat/completions} streamed as server-sent
 * events ending with {@code data: [DONE]}, {@code POST {baseUrl}/images/generations} and
 * {@code POST {baseUrl}/embeddings} (the request passed through as it is). Sends the
 * key as {@code Authorization: Bearer}. A server that ignores {@code stream} and answers with one
 * JSON completion is accepted too.
 */
public class OpenAiProvider extends AbstractProvider {

  /**
   * An OpenAI-compatible server.
   *
   * @param name the provider's name
   * @param baseUrl its base URL, ending in {@code /v1} or the equivalent
   * @param models its models, the default first (at least one)
   * @param apiKeyVariable the environment variable holding its key by convention, or null when it needs none
   * @param capabilities what it can do ({@link Capability#AUTH} is added when {@code apiKeyVariable} is set)
   */
  public OpenAiProvider(String name, String baseUrl, List<String> models, @Nullable String apiKeyVariable,
                        Set<Capability> capabilities) {
    super(name, baseUrl, models, apiKeyVariable, capabilities);
  }

  /** Asks for the whole answer ({@code stream: false}) and returns it with every field the server sent. */
  @Override
  public Future<ChatCompletion> chat(ChatCompletionRequest request, ProviderContext context) {
    return context.send(HttpMethod.POST, endpoint(context, request.getModel(), chatPath()), headers(context),
        Json.encode(request)).map(body -> completion(body, context.providerName()));
  }

  @Override
  public Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(endpoint(context, request.getModel(), chatPath()))
        .setHeaders(headers(context).add(HttpHeaders.ACCEPT, "text/event-stream"));
    return context.stream(options, Json.encode(request), response -> decoderFor(response, context));
  }

  @Override
  public Future<ImagesResponse> generateImages(ImageGenerationRequest request, ProviderContext context) {
    return context.send(HttpMethod.POST, endpoint(context, request.getModel(), "/images/generations"),
            headers(context), Json.encode(request))
        .compose(body -> {
          try {
            return Future.succeededFuture(Json.decode(body, ImagesResponse.class)
                .setProvider(context.providerName()));
          } catch (UncheckedIOException e) {
            return Future.failedFuture(ProviderErrors.malformed(context.providerName(), "images response", e));
          }
        });
  }

  /** Sends the request as it is; the answer comes back as the server sent it ({@code float} or {@code base64}). */
  @Override
  public Future<EmbeddingsResponse> embed(EmbeddingRequest request, ProviderContext context) {
    return context.send(HttpMethod.POST, endpoint(context, request.getModel(), "/embeddings"), headers(context),
            Json.encode(request))
        .map(body -> {
          EmbeddingsResponse embeddings;
          try {
            embeddings = Json.decode(body, EmbeddingsResponse.class);
          } catch (UncheckedIOException e) {
            throw ProviderErrors.malformed(context.providerName(), "embeddings response", e);
          }
          if (embeddings.getData().isEmpty()) {
            throw ProviderErrors.malformed(context.providerName(), "embeddings response",
                new IllegalArgumentException("it has no data"));
          }
          return embeddings.setProvider(context.providerName());
        });
  }

  /** The chat endpoint's path under the base URL: {@code /chat/completions}. */
  protected String chatPath() {
    return "/chat/completions";
  }

  /** The request headers: JSON content, and the key as a bearer token when there is one. */
  protected MultiMap headers(ProviderContext context) {
    MultiMap headers = jsonHeaders();
    if (context.apiKey() != null) {
      headers.add(HttpHeaders.AUTHORIZATION, "Bearer " + context.apiKey());
    }
    return headers;
  }

  /**
   * The URL of an operation ({@link #chatPath()}, {@code /images/generations} or {@code /embeddings}) for {@code model}:
   * {@code path} under the base URL here; servers that put the model in the path override it.
   */
  protected String endpoint(ProviderContext context, @Nullable String model, String path) {
    return url(context, path);
  }

  /**
   * The decoder for a 2xx answer to a streamed request: an event stream, or one JSON completion from a server
   * that ignores {@code stream}; any other content type (an HTML page from a proxy, say) is refused.
   */
  private ChunkDecoder decoderFor(HttpClientResponse response, ProviderContext context) {
    String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && type.startsWith("application/json")) {
      return new WholeCompletionDecoder(context.providerName());
    }
    if (type != null && !type.startsWith("text/event-stream")) {
      throw ProviderErrors.malformed(context.providerName(), "stream", new IllegalArgumentException(
          "its content type is " + type + ", not text/event-stream"));
    }
    return new EventDecoder(context);
  }

  /**
   * A whole completion of {@code provider} from its JSON; a body that is not one, or has no choices, is a malformed
   * answer.
   */
  private static ChatCompletion completion(Buffer body, String provider) {
    ChatCompletion completion;
    try {
      completion = Json.decode(body, ChatCompletion.class);
    } catch (UncheckedIOException e) {
      throw ProviderErrors.malformed(provider, "completion", e);
    }
    if (completion.getChoices().isEmpty()) {
      throw ProviderErrors.malformed(provider, "completion", new IllegalArgumentException("it has no choices"));
    }
    return completion.setProvider(provider);
  }

  /**
   * OpenAI's event stream: one chunk per {@code data:} event, {@code [DONE]} at the end, error events. A stream
   * that ends without {@code [DONE]} is complete only when a finish reason was seen.
   */
  private final class EventDecoder extends SseDecoder {

    private final @Nullable String secret;
    private boolean finished;

    EventDecoder(ProviderContext context) {
      super(context.providerName());
      this.secret = context.apiKey();
    }

    @Override
    protected boolean onEvent(SseParser.Event event, Consumer<ChatCompletionChunk> out) {
      if (event.dataIs("[DONE]")) {
        return true;
      }
      ChatCompletionChunk chunk = chunk(event);
      for (ChatCompletionChunk.Choice choice : chunk.getChoices()) {
        finished |= choice.getFinishReason() != null;
      }
      out.accept(chunk);
      return false;
    }

    @Override
    protected void onEnd(Consumer<ChatCompletionChunk> out) {
      if (!finished) {
        throw ProviderErrors.truncated(provider, "[DONE] or a finish reason");
      }
    }

    /**
     * Decodes one event. Ordinary chunks are read in one pass, from the event's bytes; an event that may be an
     * error (its type says so, or it has an {@code "error"} property and no choices) or that does not read as a
     * chunk goes through the tree, which tells errors apart and reports malformed input.
     */
    private ChatCompletionChunk chunk(SseParser.Event event) {
      if (!event.event().equals("error")) {
        ChatCompletionChunk chunk = readDirectly(event);
        if (chunk != null && (!chunk.getChoices().isEmpty() || !chunk.getExtra().containsKey("error"))) {
          return chunk.setProvider(provider);
        }
      }
      JsonNode json;
      try {
        json = Json.MAPPER.readTree(event.data());
      } catch (IOException e) {
        throw ProviderErrors.malformed(provider, "event", e);
      }
      if (event.event().equals("error") || json.has("error") && !json.has("choices")) {
        throw ProviderErrors.fromStreamError(provider, json, secret);
      }
      try {
        return Json.MAPPER.treeToValue(json, ChatCompletionChunk.class).setProvider(provider);
      } catch (IOException | IllegalArgumentException e) {
        throw ProviderErrors.malformed(provider, "chunk", e);
      }
    }

    /** The chunk read straight from the event's data, or null when it does not read as one. */
    private @Nullable ChatCompletionChunk readDirectly(SseParser.Event event) {
      try {
        return event.dataAs(ChatCompletionChunk.class);
      } catch (UncheckedIOException | IllegalArgumentException e) {
        return null;
      }
    }
  }

  /** A whole JSON completion of {@code provider} where a stream was asked for: becomes one chunk per choice. */
  private static final class WholeCompletionDecoder implements ChunkDecoder {

    private final Buffer body = Buffer.buffer();
    private final String provider;

    WholeCompletionDecoder(String provider) {
      this.provider = provider;
    }

    @Override
    public boolean decode(Buffer bytes, Consumer<ChatCompletionChunk> out) {
      body.appendBuffer(bytes);
      return false;
    }

    @Override
    public void end(Consumer<ChatCompletionChunk> out) {
      ChatCompletion completion = completion(body, provider);
      ChatCompletionChunk chunk = new ChatCompletionChunk().setHeader(completion).setProvider(provider);
      for (ChatCompletion.Choice choice : completion.getChoices()) {
        chunk.getChoices().add(new ChatCompletionChunk.Choice().setIndex(choice.getIndex())
            .setDelta(choice.getMessage()).setFinishReason(choice.getFinishReason())
            .setLogprobs(choice.getLogprobs()));
      }
      out.accept(chunk);
    }
  }
}
