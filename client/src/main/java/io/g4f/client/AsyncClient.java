package io.g4f.client;

import io.g4f.client.impl.ChunkAccumulator;
import io.g4f.client.impl.DefaultAsyncClient;
import io.g4f.client.spi.ProviderRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.streams.ReadStream;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The asynchronous G4F client: chat completions, streamed completions and images, each returning a
 * Vert.x {@link Future}. Mirrors the OpenAI client tree: {@code client.chat().completions().create(...)},
 * {@code client.images().generate(...)}.
 *
 * <p>Thread-safe; call it from any thread. Nothing here blocks. Every returned {@code Future}
 * completes, with a {@link G4fException} subclass on failure, within the
 * {@linkplain ClientOptions#getTotalTimeout() total timeout}.
 */
public interface AsyncClient {

  /**
   * A client sharing {@code vertx}'s event loops; close it with {@link #close()}.
   *
   * @throws IllegalArgumentException when the options are invalid (an unparsable proxy URI, say)
   * @throws ProviderNotFoundException when a provider name is unknown
   */
  static AsyncClient create(Vertx vertx, ClientOptions options) {
    return create(vertx, options, ProviderRegistry.standard());
  }

  /**
   * A client whose provider names are looked up in {@code registry} (for custom providers:
   * {@code ProviderRegistry.standard().register(new MyProvider())}).
   *
   * @throws IllegalArgumentException when the options are invalid
   * @throws ProviderNotFoundException when a provider name is not in the registry
   */
  static AsyncClient create(Vertx vertx, ClientOptions options, ProviderRegistry registry) {
    return new DefaultAsyncClient(vertx, options, registry);
  }

  /** Chat: {@code chat().completions()}. */
  Chat chat();

  /** Image generation. */
  Images images();

  /** The models this client's providers serve. */
  Models models();

  /** Closes the client's HTTP connections; calls in flight fail. Does not close the {@code Vertx}. */
  Future<@Nullable Void> close();

  /** The chat service. */
  interface Chat {

    /** Chat completions. */
    ChatCompletions completions();
  }

  /** Chat completions, whole or streamed. */
  interface ChatCompletions {

    /**
     * The whole answer. The provider streams it and the chunks are {@linkplain #collect folded};
     * retryable failures are retried with backoff before anything is returned.
     */
    Future<ChatCompletion> create(ChatCompletionRequest request);

    /**
     * The answer as a stream of chunks. The future succeeds once the provider has accepted the
     * request (status and headers received); failures until then are retried, failures after that
     * end the stream and are never retried.
     */
    Future<ChatCompletionStream> stream(ChatCompletionRequest request);

    /**
     * Folds a stream into one completion: content and tool-call fragments joined per choice, the
     * last finish reason and usage kept. Reads the stream in flowing mode until it ends or fails.
     */
    static Future<ChatCompletion> collect(ReadStream<ChatCompletionChunk> stream) {
      return ChunkAccumulator.collect(stream);
    }
  }

  /** Image generation. */
  interface Images {

    /**
     * Generates images, returned as the request's {@code response_format} asks ({@code url} by
     * default) whatever the provider returned.
     */
    Future<ImagesResponse> generate(ImageGenerationRequest request);
  }

  /** The models of this client's providers. */
  interface Models {

    /**
     * Every model (and model alias) that the chat and image providers list, each once, owned by the
     * first provider that lists it; with provider {@code "Any"}, those of every provider that has its
     * key. A request naming one of these models and no provider is routed to a provider that lists it.
     */
    Future<List<Model>> list();
  }
}
