package io.g4f.client;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunks;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.G4fException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.impl.BlockingChunks;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The blocking counterpart of {@link AsyncClient}, for plain Java callers: the same calls, returning
 * values, and an {@link Iterable} of chunks for streams. Every call blocks the calling thread, so it
 * refuses, with an {@link IllegalStateException}, to run on a Vert.x event-loop thread; use
 * {@link AsyncClient} there. Thread-safe. Failures are thrown as the {@link G4fException} subclasses
 * the async client reports.
 */
public final class Client implements AutoCloseable {

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final AsyncClient async;

  private Client(Vertx vertx, boolean ownsVertx, ClientOptions options) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.async = AsyncClient.create(vertx, options);
  }

  /** A client with its own Vert.x instance, closed by {@link #close()}. */
  public static Client create(ClientOptions options) {
    return new Client(Vertx.vertx(), true, options);
  }

  /** A client on a shared Vert.x instance, which {@link #close()} leaves open. */
  public static Client create(Vertx vertx, ClientOptions options) {
    return new Client(vertx, false, options);
  }

  /** The asynchronous client underneath, for code that mixes both styles. */
  public AsyncClient async() {
    return async;
  }

  /** Chat completions: {@code client.chat().completions().create(request)}. */
  public Chat chat() {
    return this::completions;
  }

  /** Image generation. */
  public Images images() {
    return (request, options) -> await(async.images().generate(request, options));
  }

  /** Embeddings. */
  public Embeddings embeddings() {
    return (request, options) -> await(async.embeddings().create(request, options));
  }

  /** The models of this client's providers; see {@link AsyncClient.Models#list()}. */
  public List<Model> models() {
    return await(async.models().list());
  }

  private ChatCompletions completions() {
    return new ChatCompletions() {
      @Override
      public ChatCompletion create(ChatCompletionRequest request, @Nullable DirectCallOptions options) {
        return await(async.chat().completions().create(request, options));
      }

      @Override
      public ChatCompletionChunks stream(ChatCompletionRequest request, @Nullable DirectCallOptions options) {
        return new BlockingChunks(await(async.chat().completions().stream(request, options)));
      }
    };
  }

  /** Closes the HTTP connections, and the Vert.x instance if this client created it. */
  @Override
  public void close() {
    await(async.close());
    if (ownsVertx) {
      await(vertx.close());
    }
  }

  /** The chat service. */
  public interface Chat {

    /** Chat completions. */
    ChatCompletions completions();
  }

  /** Blocking chat completions. */
  public interface ChatCompletions {

    /** The whole answer with the client's settings; blocks until it is complete. */
    default ChatCompletion create(ChatCompletionRequest request) {
      return create(request, null);
    }

    /** The whole answer with this call's settings (null for the client's); blocks until it is complete. */
    ChatCompletion create(ChatCompletionRequest request, @Nullable DirectCallOptions options);

    /** The answer's chunks with the client's settings; see {@link #stream(ChatCompletionRequest, DirectCallOptions)}. */
    default ChatCompletionChunks stream(ChatCompletionRequest request) {
      return stream(request, null);
    }

    /**
     * The answer's chunks, iterated as they arrive; blocks until the first chunk arrived.
     * Close it (try-with-resources) to abandon the answer early.
     *
     * @param options this call's settings, or null for the client's
     */
    ChatCompletionChunks stream(ChatCompletionRequest request, @Nullable DirectCallOptions options);
  }

  /** Blocking image generation. */
  public interface Images {

    /** Generates images in the requested format with the client's settings; blocks until they are ready. */
    default ImagesResponse generate(ImageGenerationRequest request) {
      return generate(request, null);
    }

    /** Generates images in the requested format with this call's settings (null for the client's); blocks. */
    ImagesResponse generate(ImageGenerationRequest request, @Nullable DirectCallOptions options);
  }

  /** Blocking embeddings. */
  public interface Embeddings {

    /** Embeds with the client's settings; blocks until the embeddings are back. */
    default EmbeddingsResponse create(EmbeddingRequest request) {
      return create(request, null);
    }

    /** Embeds with this call's settings (null for the client's); blocks; see {@link AsyncClient.Embeddings}. */
    EmbeddingsResponse create(EmbeddingRequest request, @Nullable DirectCallOptions options);
  }

  /** Waits for {@code future}, refusing to do so on an event loop; rethrows its failure unchecked. */
  static <T extends @Nullable Object> T await(Future<T> future) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(
          "The blocking Client cannot be used on a Vert.x event-loop thread; use AsyncClient there");
    }
    try {
      return future.toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException | CompletionException e) {
      throw unchecked(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new G4fException("Interrupted while waiting for the answer", 0, null, false);
    }
  }

  private static RuntimeException unchecked(Throwable failure) {
    if (failure instanceof RuntimeException runtime) {
      return runtime;
    }
    return new G4fException(String.valueOf(failure.getMessage()), false, new ErrorDetails().cause(failure));
  }
}
