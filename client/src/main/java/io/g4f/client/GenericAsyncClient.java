package io.g4f.client;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.errors.G4fException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.impl.ChunkAccumulator;
import io.vertx.core.Future;
import io.vertx.core.streams.ReadStream;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The calls every asynchronous client offers, whether it calls providers itself ({@link AsyncClient}) or asks
 * a gateway over the event bus ({@link EventBusAsyncClient}): chat completions, streamed completions,
 * images and embeddings, each returning a Vert.x {@link Future}, in the OpenAI client's tree:
 * {@code client.chat().completions().create(...)}, {@code client.images().generate(...)},
 * {@code client.embeddings().create(...)}. Each call takes an
 * optional {@code O}, the per-call settings this client honours, beside the request.
 *
 * <p>Thread-safe; call it from any thread. Nothing here blocks. Every returned {@code Future} completes, with a
 * {@link G4fException} subclass on failure, within the call's total timeout.
 *
 * @param <O> the per-call options this client honours
 */
public interface GenericAsyncClient<O extends CallOptions> {

  /** Chat: {@code chat().completions()}. */
  Chat<O> chat();

  /** Image generation. */
  Images<O> images();

  /** Embeddings. */
  Embeddings<O> embeddings();

  /** The models this client's providers serve. */
  Models models();

  /** Closes the client's connections; calls in flight fail. Does not close a {@code Vertx} it was given. */
  Future<@Nullable Void> close();

  /** The chat service. */
  interface Chat<O extends CallOptions> {

    /** Chat completions. */
    ChatCompletions<O> completions();
  }

  /** Chat completions, whole or streamed. */
  interface ChatCompletions<O extends CallOptions> {

    /** The whole answer, with the client's settings; see {@link #create(ChatCompletionRequest, CallOptions)}. */
    default Future<ChatCompletion> create(ChatCompletionRequest request) {
      return create(request, null);
    }

    /**
     * The whole answer, asked of the provider as a whole answer and returned with every field it sent;
     * retryable failures are retried with backoff before anything is returned.
     *
     * @param options this call's settings, or null for the client's
     */
    Future<ChatCompletion> create(ChatCompletionRequest request, @Nullable O options);

    /** The answer as a stream of chunks, with the client's settings; see {@link #stream(ChatCompletionRequest, CallOptions)}. */
    default Future<ChatCompletionStream> stream(ChatCompletionRequest request) {
      return stream(request, null);
    }

    /**
     * The answer as a stream of chunks. The future succeeds once the provider's first chunk arrived (or its answer
     * ended without one); failures until then (a refused request, a failure or silence past the first-byte or idle
     * timeout before the first chunk) are retried and move on to the next provider of a list, failures after that
     * end the stream and are never retried.
     *
     * @param options this call's settings, or null for the client's
     */
    Future<ChatCompletionStream> stream(ChatCompletionRequest request, @Nullable O options);

    /**
     * Folds a stream into one completion: content and tool-call fragments joined per choice, the
     * last finish reason and usage kept. Reads the stream in flowing mode until it ends or fails.
     */
    static Future<ChatCompletion> collect(ReadStream<ChatCompletionChunk> stream) {
      return ChunkAccumulator.collect(stream);
    }
  }

  /** Image generation. */
  interface Images<O extends CallOptions> {

    /** Generates images with the client's settings; see {@link #generate(ImageGenerationRequest, CallOptions)}. */
    default Future<ImagesResponse> generate(ImageGenerationRequest request) {
      return generate(request, null);
    }

    /**
     * Generates images, returned as the request's {@code response_format} asks ({@code url} by
     * default) whatever the provider returned.
     *
     * @param options this call's settings, or null for the client's
     */
    Future<ImagesResponse> generate(ImageGenerationRequest request, @Nullable O options);
  }

  /** Embeddings. */
  interface Embeddings<O extends CallOptions> {

    /** Embeds with the client's settings; see {@link #create(EmbeddingRequest, CallOptions)}. */
    default Future<EmbeddingsResponse> create(EmbeddingRequest request) {
      return create(request, null);
    }

    /**
     * Embeds the request's input (a text or a list of texts; its {@code model} is required) with a provider
     * chosen as for chat, one embedding per input in order, each as {@code encoding_format} asks ({@code float}
     * by default, or {@code base64}) whatever the provider returned; retryable failures are retried with backoff.
     *
     * @param options this call's settings, or null for the client's
     */
    Future<EmbeddingsResponse> create(EmbeddingRequest request, @Nullable O options);
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
