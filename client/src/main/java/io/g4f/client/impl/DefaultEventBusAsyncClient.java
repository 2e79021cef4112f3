package io.g4f.client.impl;

import io.g4f.client.CallOptions;
import io.g4f.client.EventBusAsyncClient;
import io.g4f.client.EventBusClientOptions;
import io.g4f.client.Model;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.eventbus.EventBusProtocol;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.spi.toolkit.Json;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link EventBusAsyncClient}: encodes each request as the gateway's JSON, sends it to the
 * gateway's address from the caller's context (or a fresh one), and decodes the answer or the failure.
 */
public final class DefaultEventBusAsyncClient extends AbstractAsyncClient<CallOptions> implements EventBusAsyncClient {

  private final Vertx vertx;
  private final EventBusClientOptions options;
  private final Set<ChatCompletionStream> streams = ConcurrentHashMap.newKeySet();

  /** Creates a client; see {@link EventBusAsyncClient#create}. */
  public DefaultEventBusAsyncClient(Vertx vertx, EventBusClientOptions options) {
    this.vertx = vertx;
    this.options = new EventBusClientOptions(options);
  }

  @Override
  public Future<ChatCompletion> create(ChatCompletionRequest request, CallOptions callOptions) {
    JsonObject body = json(request);
    body.remove("stream");
    return cancellable(callOptions, call(vertx.getOrCreateContext(), EventBusProtocol.CHAT_COMPLETIONS, body,
        delivery(callOptions)).map(answer -> decode(answer, ChatCompletion.class)));
  }

  @Override
  public Future<ChatCompletionStream> stream(ChatCompletionRequest request, CallOptions callOptions) {
    JsonObject body = json(request).put("stream", true);
    Context context = vertx.getOrCreateContext();
    DeliveryOptions delivery = delivery(callOptions)
        .addHeader(EventBusProtocol.CREDITS, String.valueOf(options.getCredits()));
    return cancellable(callOptions, call(context, EventBusProtocol.CHAT_COMPLETIONS, body, delivery)
        .map(opening -> {
          EventBusChunkStream stream = new EventBusChunkStream(context, options, opening, streams::remove);
          streams.add(stream);
          if (callOptions != null && callOptions.getCancellation() != null) {
            callOptions.getCancellation().onComplete(cancelled -> stream.cancel());
          }
          return stream;
        }));
  }

  @Override
  public Future<ImagesResponse> generate(ImageGenerationRequest request, CallOptions callOptions) {
    JsonObject body = json(request);
    return cancellable(callOptions, call(vertx.getOrCreateContext(), EventBusProtocol.IMAGES_GENERATE, body,
        delivery(callOptions)).map(answer -> decode(answer, ImagesResponse.class)));
  }

  @Override
  public Future<EmbeddingsResponse> create(EmbeddingRequest request, CallOptions callOptions) {
    return cancellable(callOptions, call(vertx.getOrCreateContext(), EventBusProtocol.EMBEDDINGS, json(request),
        delivery(callOptions)).map(answer -> decode(answer, EmbeddingsResponse.class)));
  }

  /**
   * {@code answer}, or a {@link CancellationException} once the call's cancellation completes first. The gateway
   * is not told (a whole answer has no address to cancel at); a stream that opens later is cancelled.
   */
  private static <T> Future<T> cancellable(CallOptions callOptions, Future<T> answer) {
    if (callOptions == null || callOptions.getCancellation() == null) {
      return answer;
    }
    Promise<T> result = Promise.promise();
    answer.onComplete(result);
    callOptions.getCancellation().onComplete(cancelled -> {
      if (result.tryFail(new CancellationException("The call was cancelled"))) {
        answer.onSuccess(late -> {
          if (late instanceof ChatCompletionStream stream) {
            stream.cancel();
          }
        });
      }
    });
    return result.future();
  }

  @Override
  public Future<List<Model>> list() {
    return call(vertx.getOrCreateContext(), EventBusProtocol.MODELS, new JsonObject(),
        new DeliveryOptions().setSendTimeout(options.getTimeout()))
        .map(answer -> decode(answer, ModelList.class).data);
  }

  /** The {@code g4f.models} answer: OpenAI's model list. */
  private static final class ModelList {
    public List<Model> data = List.of();
  }

  /**
   * How a call travels: the provider named in a header; the call's timeout, when it has one, in a header for
   * the gateway to apply (and waited for a second longer here, so that the gateway's own timeout arrives),
   * else the client's.
   */
  private DeliveryOptions delivery(CallOptions callOptions) {
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(options.getTimeout());
    if (callOptions != null && callOptions.getTimeout() != null) {
      long timeout = callOptions.getTimeout().toMillis();
      delivery.setSendTimeout(Math.max(options.getTimeout(), timeout + 1000))
          .addHeader(EventBusProtocol.TIMEOUT, String.valueOf(timeout));
    }
    if (callOptions != null && callOptions.getProvider() != null) {
      delivery.addHeader(EventBusProtocol.PROVIDER, callOptions.getProvider());
    }
    return delivery;
  }

  /** Cancels the streams still open; nothing else is held. */
  @Override
  public Future<Void> close() {
    streams.forEach(ChatCompletionStream::cancel);
    return Future.succeededFuture();
  }

  /** Sends {@code body} to {@code PREFIX + suffix} from {@code context}; a failure becomes its {@code G4fException}. */
  private Future<Message<Object>> call(Context context, String suffix, JsonObject body, DeliveryOptions delivery) {
    String address = options.getAddressPrefix() + suffix;
    Promise<Message<Object>> answer = Promise.promise();
    Streams.onContext(context, () -> vertx.eventBus().request(address, body, delivery).onComplete(answer));
    return answer.future().recover(failure -> Future.failedFuture(EventBusProtocol.failure(failure, address)));
  }

  private static JsonObject json(Object request) {
    if (request == null) {
      throw new IllegalArgumentException("request must not be null");
    }
    return new JsonObject(Json.encode(request));
  }

  /** An answer's JSON body as {@code type}. */
  static <T> T decode(Message<Object> answer, Class<T> type) {
    if (!(answer.body() instanceof JsonObject json)) {
      throw ProviderErrors.malformed("The gateway", "answer", new IllegalArgumentException("not a JSON object"));
    }
    try {
      return Json.decode(json.toBuffer(), type);
    } catch (java.io.UncheckedIOException e) {
      throw ProviderErrors.malformed("The gateway", "answer", e.getCause());
    }
  }
}
