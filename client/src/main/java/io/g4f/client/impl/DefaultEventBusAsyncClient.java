package io.g4f.client.impl;

import io.g4f.client.eventbus.EventBusProtocol;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.g4f.client.spi.toolkit.Json;
import io.g4f.client.ChatCompletion;
import io.g4f.client.ChatCompletionRequest;
import io.g4f.client.ChatCompletionStream;
import io.g4f.client.ClientRequest;
import io.g4f.client.EventBusAsyncClient;
import io.g4f.client.EventBusClientOptions;
import io.g4f.client.ImageGenerationRequest;
import io.g4f.client.ImagesResponse;
import io.g4f.client.InvalidRequestException;
import io.g4f.client.Model;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link EventBusAsyncClient}: encodes each request as the gateway's JSON, sends it to the
 * gateway's address from the caller's context (or a fresh one), and decodes the answer or the failure.
 */
public final class DefaultEventBusAsyncClient extends AbstractAsyncClient implements EventBusAsyncClient {

  private final Vertx vertx;
  private final EventBusClientOptions options;
  private final Set<ChatCompletionStream> streams = ConcurrentHashMap.newKeySet();

  /** Creates a client; see {@link EventBusAsyncClient#create}. */
  public DefaultEventBusAsyncClient(Vertx vertx, EventBusClientOptions options) {
    this.vertx = vertx;
    this.options = new EventBusClientOptions(options);
  }

  @Override
  public Future<ChatCompletion> create(ChatCompletionRequest request) {
    JsonObject body = json(request);
    body.remove("stream");
    return delivery(request)
        .compose(delivery -> call(vertx.getOrCreateContext(), EventBusProtocol.CHAT_COMPLETIONS, body, delivery))
        .map(answer -> decode(answer, ChatCompletion.class));
  }

  @Override
  public Future<ChatCompletionStream> stream(ChatCompletionRequest request) {
    JsonObject body = json(request).put("stream", true);
    Context context = vertx.getOrCreateContext();
    return delivery(request)
        .map(delivery -> delivery.addHeader(EventBusProtocol.CREDITS, String.valueOf(options.getCredits())))
        .compose(delivery -> call(context, EventBusProtocol.CHAT_COMPLETIONS, body, delivery))
        .map(opening -> {
          EventBusChunkStream stream = new EventBusChunkStream(context, options, opening, streams::remove);
          streams.add(stream);
          return stream;
        });
  }

  @Override
  public Future<ImagesResponse> generate(ImageGenerationRequest request) {
    JsonObject body = json(request);
    return delivery(request)
        .compose(delivery -> call(vertx.getOrCreateContext(), EventBusProtocol.IMAGES_GENERATE, body, delivery))
        .map(answer -> decode(answer, ImagesResponse.class));
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
   * How a request travels: the gateway's provider named in a header; the request's timeout, when it
   * has one, in a header for the gateway to apply (and waited for a second longer here, so that the
   * gateway's own timeout arrives), else the client's. Keys, proxies and headers are the gateway's: a
   * request setting them fails with {@link InvalidRequestException} rather than being sent without them.
   */
  private Future<DeliveryOptions> delivery(ClientRequest<?> request) {
    if (request.getApiKey() != null || request.getProxy() != null || !request.getHeaders().isEmpty()) {
      return Future.failedFuture(InvalidRequestException.forParam("Over the event bus the gateway holds the keys, "
          + "proxies and headers: a request's apiKey, proxy and headers cannot be used", null, null));
    }
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(options.getTimeout());
    if (request.getTimeout() != null) {
      delivery.setSendTimeout(Math.max(options.getTimeout(), request.getTimeout() + 1000))
          .addHeader(EventBusProtocol.TIMEOUT, String.valueOf(request.getTimeout()));
    }
    if (request.getProvider() != null) {
      delivery.addHeader(EventBusProtocol.PROVIDER, request.getProvider());
    }
    return Future.succeededFuture(delivery);
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
