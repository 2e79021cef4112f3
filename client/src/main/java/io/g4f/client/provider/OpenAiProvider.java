package io.g4f.client.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.g4f.client.ChatCompletion;
import io.g4f.client.ChatCompletionChunk;
import io.g4f.client.ChatCompletionRequest;
import io.g4f.client.ChatCompletionStream;
import io.g4f.client.ImageGenerationRequest;
import io.g4f.client.ImagesResponse;
import io.g4f.client.impl.ChunkDecoder;
import io.g4f.client.impl.Codec;
import io.g4f.client.impl.Errors;
import io.g4f.client.impl.HttpCalls;
import io.g4f.client.impl.SseParser;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderContext;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Any OpenAI-compatible server: {@code POST {baseUrl}/chat/completions} streamed as server-sent
 * events ending with {@code data: [DONE]}, and {@code POST {baseUrl}/images/generations}. Sends the
 * key as {@code Authorization: Bearer}. A server that ignores {@code stream} and answers with one
 * JSON completion is accepted too.
 */
public class OpenAiProvider implements Provider {

  private final String name;
  private final String baseUrl;
  private final List<String> models;
  private final @Nullable String apiKeyVariable;
  private final Set<Capability> capabilities;

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
    this.name = Objects.requireNonNull(name, "name");
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    if (models.isEmpty()) {
      throw new IllegalArgumentException("models must name at least the default model");
    }
    this.models = List.copyOf(models);
    this.apiKeyVariable = apiKeyVariable;
    EnumSet<Capability> all = EnumSet.noneOf(Capability.class);
    all.addAll(capabilities);
    if (apiKeyVariable != null) {
      all.add(Capability.AUTH);
    }
    this.capabilities = Collections.unmodifiableSet(all);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String defaultModel() {
    return models.get(0);
  }

  @Override
  public List<String> models() {
    return models;
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public @Nullable String apiKeyVariable() {
    return apiKeyVariable;
  }

  /** The base URL used when the client sets none. */
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(endpoint(context, request.getModel(), chatPath()))
        .setHeaders(headers(context).add(HttpHeaders.ACCEPT, "text/event-stream"));
    return HttpCalls.stream(context, name, options, Codec.encode(request), response -> decoderFor(response, context));
  }

  @Override
  public Future<ImagesResponse> generateImages(ImageGenerationRequest request, ProviderContext context) {
    return HttpCalls.call(context, name, HttpMethod.POST,
            endpoint(context, request.getModel(), "/images/generations"), headers(context),
            Codec.encode(request))
        .compose(body -> {
          try {
            return Future.succeededFuture(Codec.decode(body, ImagesResponse.class).setProvider(name));
          } catch (UncheckedIOException e) {
            return Future.failedFuture(Errors.malformed(name, "images response", e));
          }
        });
  }

  /** The chat endpoint's path under the base URL: {@code /chat/completions}. */
  protected String chatPath() {
    return "/chat/completions";
  }

  /** The request headers: JSON content, and the key as a bearer token when there is one. */
  protected MultiMap headers(ProviderContext context) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add(HttpHeaders.CONTENT_TYPE, "application/json")
        .add(HttpHeaders.USER_AGENT, "g4f-vertx");
    if (context.apiKey() != null) {
      headers.add(HttpHeaders.AUTHORIZATION, "Bearer " + context.apiKey());
    }
    return headers;
  }

  /**
   * The URL of an operation ({@link #chatPath()} or {@code /images/generations}) for {@code model}:
   * {@code path} under the base URL here; servers that put the model in the path override it.
   */
  protected String endpoint(ProviderContext context, @Nullable String model, String path) {
    return url(context, path);
  }

  /** {@code path} under the context's base URL, or this provider's own. */
  protected String url(ProviderContext context, String path) {
    String base = context.baseUrl() != null ? context.baseUrl() : baseUrl;
    return HttpCalls.url(base, path);
  }

  private ChunkDecoder decoderFor(HttpClientResponse response, ProviderContext context) {
    String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.startsWith("application/json")
        ? new WholeCompletionDecoder() : new SseDecoder(context.apiKey());
  }

  /** OpenAI's event stream: one chunk per {@code data:} event, {@code [DONE]} at the end, error events. */
  private final class SseDecoder implements ChunkDecoder {

    private final @Nullable String secret;
    private final ArrayDeque<SseParser.Event> events = new ArrayDeque<>();
    private final SseParser parser = new SseParser(events::add);

    SseDecoder(@Nullable String secret) {
      this.secret = secret;
    }

    @Override
    public boolean decode(Buffer bytes, Consumer<ChatCompletionChunk> out) {
      parser.feed(bytes);
      for (SseParser.Event event = events.poll(); event != null; event = events.poll()) {
        if (event.data().equals("[DONE]")) {
          events.clear();
          return true;
        }
        out.accept(chunk(event));
      }
      return false;
    }

    @Override
    public void end(Consumer<ChatCompletionChunk> out) {
      parser.end();
    }

    /**
     * Decodes one event. Ordinary chunks are read in one pass; an event that may be an error (its type
     * says so or its JSON has an {@code "error"} key) or that does not read as a chunk goes through the
     * tree, which tells errors apart and reports malformed input.
     */
    private ChatCompletionChunk chunk(SseParser.Event event) {
      if (!event.event().equals("error") && !event.data().contains("\"error\"")) {
        ChatCompletionChunk chunk = readDirectly(event.data());
        if (chunk != null) {
          return chunk.setProvider(name);
        }
      }
      JsonNode json;
      try {
        json = Codec.MAPPER.readTree(event.data());
      } catch (IOException e) {
        throw Errors.malformed(name, "event", e);
      }
      if (event.event().equals("error") || json.has("error") && !json.has("choices")) {
        throw Errors.fromStreamError(name, json, secret);
      }
      try {
        return Codec.MAPPER.treeToValue(json, ChatCompletionChunk.class).setProvider(name);
      } catch (IOException | IllegalArgumentException e) {
        throw Errors.malformed(name, "chunk", e);
      }
    }

    /** The chunk read straight from {@code data}, or null when it does not read as one. */
    private @Nullable ChatCompletionChunk readDirectly(String data) {
      try {
        return Codec.MAPPER.readValue(data, ChatCompletionChunk.class);
      } catch (IOException | IllegalArgumentException e) {
        return null;
      }
    }
  }

  /** A whole JSON completion where a stream was asked for: becomes one chunk per choice. */
  private final class WholeCompletionDecoder implements ChunkDecoder {

    private final Buffer body = Buffer.buffer();

    @Override
    public boolean decode(Buffer bytes, Consumer<ChatCompletionChunk> out) {
      body.appendBuffer(bytes);
      return false;
    }

    @Override
    public void end(Consumer<ChatCompletionChunk> out) {
      ChatCompletion completion;
      try {
        completion = Codec.decode(body, ChatCompletion.class);
      } catch (UncheckedIOException e) {
        throw Errors.malformed(name, "completion", e);
      }
      ChatCompletionChunk chunk = new ChatCompletionChunk().setHeader(completion).setProvider(name);
      for (ChatCompletion.Choice choice : completion.getChoices()) {
        chunk.getChoices().add(new ChatCompletionChunk.Choice().setIndex(choice.getIndex())
            .setDelta(choice.getMessage()).setFinishReason(choice.getFinishReason())
            .setLogprobs(choice.getLogprobs()));
      }
      out.accept(chunk);
    }
  }
}
