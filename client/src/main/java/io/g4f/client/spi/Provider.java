package io.g4f.client.spi;

import io.g4f.client.AsyncClient;
import io.g4f.client.CancellableStream;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.spi.toolkit.SseParser;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A model provider: turns a chat request into a whole answer or a stream of chunks, and optionally an
 * image request into images and texts into embeddings. A provider must stream; a whole answer is asked of it with {@link #chat},
 * whose default folds the stream, so a provider whose protocol has a whole form overrides it to ask for that.
 * {@link io.g4f.client.spi.toolkit.AbstractProvider} and the rest of {@code io.g4f.client.spi.toolkit} are the
 * pieces the built-in providers are made of.
 *
 * <p>The client calls these methods on a Vert.x event-loop context and handles retries, timeouts,
 * vision inputs and image formats around them; a provider only speaks its wire protocol. A
 * provider must never block, must map failures to {@link io.g4f.client.errors.G4fException} subclasses
 * (returned as a failed future, or thrown before any I/O started: the client treats both alike),
 * and must close its upstream request when {@link ProviderContext#cancellation()} completes before
 * its future did.
 */
public interface Provider {

  /** The provider's name, as users select it (matched case-insensitively). */
  String name();

  /** The model used when a request names none. */
  String defaultModel();

  /** What this provider can do. */
  Set<Capability> capabilities();

  /** The models this provider is known to serve, the default first; it may accept others too. */
  default List<String> models() {
    return List.of(defaultModel());
  }

  /** Other names for models (alias to the provider's model name); empty by default. */
  default Map<String, String> aliases() {
    return Map.of();
  }

  /** The environment variable that holds this provider's API key by convention, or null. */
  default @Nullable String apiKeyVariable() {
    return null;
  }

  /**
   * The whole answer to a request whose {@code stream} is false, as the provider sent it (every field kept).
   * The client bounds it by the call's total timeout, not an idle one (a whole answer may be silent while it
   * is made). The default asks for the stream ({@code stream} set, usage asked for) and folds it.
   */
  default Future<ChatCompletion> chat(ChatCompletionRequest request, ProviderContext context) {
    ChatCompletionRequest streamed = request.copy().setStream(true)
        .setStreamOptions(new ChatCompletionRequest.StreamOptions().setIncludeUsage(true));
    return streamChat(streamed, context).compose(AsyncClient.ChatCompletions::collect);
  }

  /**
   * Starts a streamed answer. The future succeeds once the provider accepted the request; the
   * request's images are already attached as content parts, and {@code stream} is set.
   */
  Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context);

  /**
   * Generates images, as URLs, data URIs or base64 (the client converts to what was asked).
   * The default fails: this provider makes no images.
   */
  default Future<ImagesResponse> generateImages(ImageGenerationRequest request, ProviderContext context) {
    return Future.failedFuture(new InvalidRequestException(name() + " does not generate images", 0, name()));
  }

  /**
   * Embeds the request's input, one embedding per input in order. The request names its model and asks for
   * {@code float} or {@code base64}; a provider returns either form (the client converts to what was asked) and
   * fills {@code usage} when its protocol counts tokens. The default fails: this provider makes no embeddings.
   */
  default Future<EmbeddingsResponse> embed(EmbeddingRequest request, ProviderContext context) {
    return Future.failedFuture(InvalidRequestException.forParam(name() + " does not make embeddings", name(), "model"));
  }

  /**
   * Whether {@code model} makes embeddings rather than chat. The default: this provider has
   * {@link Capability#EMBEDDINGS} and the model's name says {@code embed} ({@code text-embedding-3-small},
   * {@code gemini-embedding-001}, {@code nomic-embed-text}, {@code mistral-embed}).
   */
  default boolean embeds(String model) {
    return capabilities().contains(Capability.EMBEDDINGS) && model.toLowerCase(Locale.ROOT).contains("embed");
  }

  /**
   * Sends an Anthropic Messages request body as it is (its {@code model} already the provider's name for it) and
   * returns the whole {@code message} JSON as the provider sent it, for a provider with {@link Capability#MESSAGES};
   * an error answer fails with a {@link io.g4f.client.errors.G4fException} that keeps its status and
   * {@code error.type}. The default fails: this provider does not speak that API.
   */
  default Future<Buffer> messages(Buffer body, ProviderContext context) {
    return Future.failedFuture(InvalidRequestException.forParam(name() + " does not speak Anthropic's Messages API",
        name(), "model"));
  }

  /**
   * As {@link #messages}, for a body with {@code "stream": true}: the provider's server-sent events as they came
   * ({@code message_start} ... {@code message_stop}), ending after {@code message_stop}; an {@code error} event or
   * a body that ends before {@code message_stop} fails the stream. The default fails as {@link #messages} does.
   */
  default Future<CancellableStream<SseParser.Event>> streamMessages(Buffer body, ProviderContext context) {
    return Future.failedFuture(InvalidRequestException.forParam(name() + " does not speak Anthropic's Messages API",
        name(), "model"));
  }
}
