package io.g4f.client;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.StructuredOutputException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.impl.ChunkAccumulator;
import io.g4f.client.typed.StructuredOutput;
import io.g4f.client.typed.ToolLoop;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
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
     * The answer as a {@code type} (a record, a class or a Kotlin data class), with the client's settings; see
     * {@link #parse(ChatCompletionRequest, StructuredOutput, CallOptions)}.
     *
     * @throws IllegalArgumentException when {@code type} is not an object type
     */
    default <T> Future<T> parse(ChatCompletionRequest request, Class<T> type) {
      return parse(request, StructuredOutput.of(type), null);
    }

    /**
     * The whole answer as a {@code T}: a copy of {@code request} asks for the strict JSON schema of {@code T}
     * ({@code response_format} {@code json_schema}, or the provider's equivalent), and the answer is parsed. A refusal,
     * or an answer that does not parse, fails the future with a {@link StructuredOutputException} that has its text.
     *
     * @param options this call's settings, or null for the client's
     */
    default <T> Future<T> parse(ChatCompletionRequest request, StructuredOutput<T> output, @Nullable O options) {
      return create(output.request(request), options).map(output::parse);
    }

    /**
     * The streamed answer as a {@code T}: each piece of its text goes to {@code text} as it comes (on the stream's
     * context), and the future has the whole text parsed once the stream ends; it fails as {@link
     * #parse(ChatCompletionRequest, StructuredOutput, CallOptions)} does, or as the stream fails.
     *
     * @param options this call's settings, or null for the client's
     */
    default <T> Future<T> parseStream(ChatCompletionRequest request, StructuredOutput<T> output, Handler<String> text,
                                      @Nullable O options) {
      return stream(output.request(request), options).compose(stream -> {
        Promise<ChatCompletion> ended = Promise.promise();
        ChunkAccumulator answer = new ChunkAccumulator();
        stream.exceptionHandler(ended::tryFail).endHandler(v -> ended.tryComplete(answer.result()))
            .handler(chunk -> {
              answer.add(chunk);
              if (!chunk.text().isEmpty()) {
                text.handle(chunk.text());
              }
            });
        return ended.future();
      }).map(output::parse);
    }

    /** Runs {@code tools} for the model until it answers, with the client's settings; see {@link ToolLoop}. */
    default Future<ChatCompletion> runTools(ChatCompletionRequest request, ToolLoop tools) {
      return runTools(request, tools, null);
    }

    /**
     * Runs {@code tools} for the model until it answers, starting from {@code request} (left as it is): the model's
     * final answer, or a {@link io.g4f.client.typed.ToolLoopException} when it loops; see {@link ToolLoop}.
     *
     * @param options each model call's settings, or null for the client's
     */
    default Future<ChatCompletion> runTools(ChatCompletionRequest request, ToolLoop tools, @Nullable O options) {
      return tools.run(this, request, options);
    }

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
