package io.g4f.client.impl;

import io.g4f.client.AsyncClient;
import io.g4f.client.CancellableStream;
import io.g4f.client.ClientOptions;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.Model;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.messages.MessageStreamEvent;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderRegistry;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ProxyOptions;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The in-process {@link AsyncClient}: routes each call to its provider(s), attaches vision inputs,
 * retries before the first chunk, enforces the idle and total timeouts, and converts image and embedding formats.
 * Each call runs on one Vert.x context (the caller's, or a fresh event-loop context for non-Vert.x threads).
 */
public final class DefaultAsyncClient extends AbstractAsyncClient<DirectCallOptions> implements AsyncClient {

  private final Vertx vertx;
  private final ClientOptions options;
  private final ProviderRegistry registry;
  private final Map<String, Routing.Breaker> breakers = Routing.newBreakers();
  private final Map<String, Routing> routings = new ConcurrentHashMap<>();
  private final Routing chatRouting;
  private final Routing imageRouting;
  private final Routing embeddingRouting;
  private final ProxyOptions proxy;
  /** The providers' client: HTTP/2 on https:// when offered, and on http:// too (h2c) with {@link ClientOptions#isHttp2()}. */
  private final HttpClientAgent httpClient;
  /** Image URLs' client: HTTP/1.1 on http://, whatever the providers speak; {@link #httpClient} when that is so too. */
  private final HttpClientAgent downloadClient;
  private final ImageDownloads downloads;
  private final Retry retry;
  private final boolean ownsVertx;
  /**
   * The streams an HTTP/2 connection is counted for when the pool is sized: half the usual server limit of 100, so
   * that maxConnections / 50 HTTP/2 connections carry at least as many streams as maxConnections HTTP/1.1 ones would.
   * That bound also limits a burst: each call that finds no connection ready opens one, up to the bound.
   */
  private static final int STREAMS_PER_HTTP2_CONNECTION = 50;
  /**
   * The receive window of an HTTP/2 connection, as large as HTTP/2 allows: each stream's own window (64 KiB) bounds
   * what a paused reader holds, and a stream whose caller stopped reading never stalls the others on its connection.
   */
  private static final int HTTP2_CONNECTION_WINDOW = Integer.MAX_VALUE;
  /** The options of a call that has none. */
  private static final DirectCallOptions NO_OPTIONS = new DirectCallOptions();

  /**
   * One call's settings: the client's, overridden by the call's options; {@code cancelled} completes when its caller
   * leaves; {@code fallbackFollows} when the caller tries another provider if this call fails.
   */
  private record Call(Routing routing, ProxyOptions proxy, String apiKey, MultiMap headers, long timeout,
                      long deadline, Future<?> cancelled, boolean fallbackFollows) {
  }

  /** Creates a client on a shared Vert.x, which {@link #close()} leaves open; see {@link AsyncClient#create}. */
  public DefaultAsyncClient(Vertx vertx, ClientOptions options, ProviderRegistry registry) {
    this(vertx, false, options, registry, Retry.standard(vertx));
  }

  /** Creates a client with its own Vert.x, which {@link #close()} closes (as does a failure to create it). */
  public static DefaultAsyncClient owningVertx(ClientOptions options, ProviderRegistry registry) {
    Vertx vertx = Vertx.vertx();
    try {
      return new DefaultAsyncClient(vertx, true, options, registry, Retry.standard(vertx));
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /** Creates a client on a shared Vert.x whose retries wait as {@code retry} says. */
  public DefaultAsyncClient(Vertx vertx, ClientOptions options, ProviderRegistry registry, Retry retry) {
    this(vertx, false, options, registry, retry);
  }

  private DefaultAsyncClient(Vertx vertx, boolean ownsVertx, ClientOptions options, ProviderRegistry registry,
                             Retry retry) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.retry = retry;
    this.options = new ClientOptions(options);
    this.registry = registry;
    this.chatRouting = routing(options.getProvider(), Capability.CHAT);
    this.imageRouting = options.getImageProvider() == null ? chatRouting
        : routing(options.getImageProvider(), Capability.IMAGES);
    this.embeddingRouting = routing(options.getProvider(), Capability.EMBEDDINGS);
    this.proxy = ProxyUris.parse(options.getProxy());
    HttpClientOptions http = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
        .setUseAlpn(true)
        .setHttp2ClearTextUpgrade(false)
        .setHttp2ConnectionWindowSize(HTTP2_CONNECTION_WINDOW)
        .setDecompressionSupported(true)
        .setVerifyHost(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.getConnectTimeout()));
    if (options.getTrustedCertificates() != null) {
      http.setTrustOptions(new PemTrustOptions().addCertPath(options.getTrustedCertificates()));
    }
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(options.getMaxConnections())
        .setHttp2MaxSize((options.getMaxConnections() + STREAMS_PER_HTTP2_CONNECTION - 1)
            / STREAMS_PER_HTTP2_CONNECTION);
    this.downloadClient = vertx.createHttpClient(http, pool);
    this.httpClient = options.isHttp2()
        ? vertx.createHttpClient(new HttpClientOptions(http).setProtocolVersion(HttpVersion.HTTP_2), pool)
        : downloadClient;
    this.downloads = new ImageDownloads(vertx, downloadClient,
        ImageUrlGuard.of(options.getAllowedPrivateImageHosts()), options.getConnectTimeout(), options.getIdleTimeout());
  }

  @Override
  public Future<Void> close() {
    Future<Void> closed = downloadClient == httpClient ? httpClient.close()
        : Future.join(httpClient.close(), downloadClient.close()).mapEmpty();
    return ownsVertx ? closed.eventually(vertx::close) : closed;
  }

  @Override
  public Future<ChatCompletion> create(ChatCompletionRequest request, DirectCallOptions callOptions) {
    return onContext(() -> {
      Call call = chatCall(request, callOptions);
      return VisionInputs.attach(vertx, request.copy().setStream(false).setStreamOptions(null))
          .compose(ready -> call.routing().run(ready.getModel(), (provider, fallbackFollows) -> {
            ChatCompletionRequest sent = forProvider(provider, ready);
            return retried(call, provider, fallbackFollows, () -> attempt(call, provider,
                context -> provider.chat(sent, context)));
          }));
    });
  }

  @Override
  public Future<ChatCompletionStream> stream(ChatCompletionRequest request, DirectCallOptions callOptions) {
    return onContext(() -> {
      Call call = chatCall(request, callOptions);
      return VisionInputs.attach(vertx, request.copy().setStream(true))
          .compose(ready -> call.routing().run(ready.getModel(), (provider, fallbackFollows) -> {
            ChatCompletionRequest sent = forProvider(provider, ready);
            return retried(call, provider, fallbackFollows, () -> streamAttempt(call, provider,
                context -> provider.streamChat(sent, context),
                (stream, watchdog) -> new GuardedStream.Chunks(vertx, watchdog, stream, provider.name(),
                    provider instanceof EntryProvider, options.getIdleTimeout())));
          }));
    });
  }

  /** {@code stream}, cancelled when the call's caller leaves. */
  private static <S extends CancellableStream<?>> S cancelledWith(Call call, S stream) {
    call.cancelled().onComplete(cancelled -> stream.cancel());
    return stream;
  }

  @Override
  public Messages messages() {
    return new Messages() {
      @Override
      public Future<Buffer> create(JsonObject body, DirectCallOptions callOptions) {
        return onContext(() -> {
          if (Boolean.TRUE.equals(body.getValue("stream"))) {
            throw InvalidRequestException.forParam("A body with stream: true is sent with messages().stream()", null,
                "stream");
          }
          Call call = call(callOptions, chatRouting, Capability.CHAT);
          String model = model(body);
          return call.routing().run(model, (provider, fallbackFollows) -> {
            Buffer sent = forProvider(provider, body, model);
            return retried(call, provider, fallbackFollows, () -> attempt(call, provider,
                context -> provider.messages(sent, context)));
          });
        });
      }

      @Override
      public Future<CancellableStream<MessageStreamEvent>> stream(JsonObject body, DirectCallOptions callOptions) {
        return onContext(() -> {
          Call call = call(callOptions, chatRouting, Capability.CHAT);
          String model = model(body);
          JsonObject streamed = body.copy().put("stream", true);
          return call.routing().run(model, (provider, fallbackFollows) -> {
            Buffer sent = forProvider(provider, streamed, model);
            return retried(call, provider, fallbackFollows, () -> streamAttempt(call, provider,
                context -> provider.streamMessages(sent, context),
                (stream, watchdog) -> new GuardedStream.Events(vertx, watchdog, stream, provider.name(),
                    options.getIdleTimeout())));
          });
        });
      }
    };
  }

  /** The {@code model} of a Messages body, or null. */
  private static String model(JsonObject body) {
    Object model = body.getValue("model");
    if (model != null && !(model instanceof String)) {
      throw InvalidRequestException.forParam("model must be a string", null, "model");
    }
    return (String) model;
  }

  /** A Messages {@code body} as sent to {@code provider}: its model resolved to the provider's name for it. */
  private static Buffer forProvider(Provider provider, JsonObject body, String model) {
    String resolved = Routing.modelFor(provider, model);
    return (resolved.equals(model) ? body : body.copy().put("model", resolved)).toBuffer();
  }

  /** The settings of a chat call, once the request is known to be one. */
  private Call chatCall(ChatCompletionRequest request, DirectCallOptions callOptions) {
    if (request.getMessages().isEmpty() && (request.getImages() == null || request.getImages().isEmpty())) {
      throw InvalidRequestException.forParam("messages must not be empty", null, "messages");
    }
    return call(callOptions, chatRouting, Capability.CHAT);
  }

  /** {@code request} as sent to {@code provider}: its model resolved to the provider's name for it. */
  private static ChatCompletionRequest forProvider(Provider provider, ChatCompletionRequest request) {
    String model = Routing.modelFor(provider, request.getModel());
    return model.equals(request.getModel()) ? request : request.copy().setModel(model);
  }

  @Override
  public Future<ImagesResponse> generate(ImageGenerationRequest request, DirectCallOptions callOptions) {
    return onContext(() -> {
      if (request.getPrompt() == null || request.getPrompt().isBlank()) {
        throw InvalidRequestException.forParam("prompt must not be empty", null, "prompt");
      }
      String format = request.getResponseFormat() == null ? ImageGenerationRequest.URL : request.getResponseFormat();
      if (!format.equals(ImageGenerationRequest.URL) && !format.equals(ImageGenerationRequest.B64_JSON)) {
        throw InvalidRequestException.forParam("response_format must be 'url' or 'b64_json'", null,
            "response_format");
      }
      Call call = call(callOptions, imageRouting, Capability.IMAGES);
      Future<ImagesResponse> images = call.routing().run(request.getModel(), (provider, fallbackFollows) -> {
        ImageGenerationRequest sent = request.getModel() == null ? request
            : request.copy().setModel(Routing.modelFor(provider, request.getModel()));
        return retried(call, provider, fallbackFollows, () -> attempt(call, provider,
                context -> provider.generateImages(sent, context)))
            .compose(response -> ImageFormats.convert(download(call, provider), provider.name(), response, format,
                options.getImagesDir(), options.isStoreImages()));
      });
      return withDeadline(images, call, call.routing().describe());
    });
  }

  /** Embeddings go to the chat provider(s) (with provider "Any": to those that embed), routed by model as chat is. */
  @Override
  public Future<EmbeddingsResponse> create(EmbeddingRequest request, DirectCallOptions callOptions) {
    return onContext(() -> {
      if (request.getModel() == null || request.getModel().isBlank()) {
        throw InvalidRequestException.forParam("model is required", null, "model");
      }
      Object input = request.getInput();
      if (input == null || input instanceof String text && text.isEmpty()
          || input instanceof List<?> list && list.isEmpty()) {
        throw InvalidRequestException.forParam("input must not be empty", null, "input");
      }
      String format = request.getEncodingFormat() == null ? EmbeddingRequest.FLOAT : request.getEncodingFormat();
      if (!format.equals(EmbeddingRequest.FLOAT) && !format.equals(EmbeddingRequest.BASE64)) {
        throw InvalidRequestException.forParam("encoding_format must be 'float' or 'base64'", null, "encoding_format");
      }
      Call call = call(callOptions, embeddingRouting, Capability.EMBEDDINGS);
      return call.routing().run(request.getModel(), (provider, fallbackFollows) -> {
        String model = Routing.modelFor(provider, request.getModel());
        EmbeddingRequest sent = model.equals(request.getModel()) ? request : request.copy().setModel(model);
        return retried(call, provider, fallbackFollows, () -> attempt(call, provider,
                context -> provider.embed(sent, context)))
            .map(embeddings -> encoded(embeddings, format, provider.name()));
      });
    });
  }

  /** {@code embeddings} with each vector in {@code format}; a vector that is neither numbers nor base64 is malformed. */
  private static EmbeddingsResponse encoded(EmbeddingsResponse embeddings, String format, String provider) {
    try {
      embeddings.getData().forEach(format.equals(EmbeddingRequest.BASE64)
          ? EmbeddingsResponse.Embedding::toBase64 : EmbeddingsResponse.Embedding::toFloats);
    } catch (IllegalStateException e) {
      throw ProviderErrors.malformed(provider, "embedding", e);
    }
    return embeddings;
  }

  @Override
  public Future<List<Model>> list() {
    return onContext(() -> {
      Map<String, Model> models = new LinkedHashMap<>();
      for (Routing routing : new LinkedHashSet<>(List.of(chatRouting, imageRouting))) {
        for (Provider provider : routing.candidates(null)) {
          Stream.concat(provider.models().stream(), provider.aliases().keySet().stream()).forEach(id ->
              models.putIfAbsent(id, new Model().setId(id).setOwnedBy(provider.name())));
        }
      }
      return Future.succeededFuture(List.copyOf(models.values()));
    });
  }

  /** The routing for a provider name or list, made once per name. */
  private Routing routing(String names, Capability purpose) {
    return routings.computeIfAbsent(purpose + " " + names,
        key -> new Routing(vertx, registry, names, purpose, options, breakers));
  }

  /** The settings of one call: its options, else the client's. */
  private Call call(DirectCallOptions callOptions, Routing clientRouting, Capability purpose) {
    DirectCallOptions given = callOptions == null ? NO_OPTIONS : callOptions;
    Routing routing = given.getProvider() == null ? clientRouting : routing(given.getProvider(), purpose);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    given.getHeaders().forEach(headers::set);
    long timeout = given.getTimeout() != null ? given.getTimeout().toMillis() : options.getTotalTimeout();
    Future<?> cancelled = given.getCancellation() != null ? given.getCancellation() : Promise.promise().future();
    return new Call(routing, proxyFor(given.getProxy()), given.getApiKey(), headers, timeout,
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout), cancelled, given.isFallbackFollows());
  }

  /** One attempt at a whole answer, bounded by the deadline; on timeout the provider is told to cancel. */
  private <T> Future<T> attempt(Call call, Provider provider, Function<CallContext, Future<T>> attempt) {
    return attempt(call, provider, attempt, false, (answer, watchdog) -> {
      watchdog.stop();
      return answer;
    }, discarded -> { });
  }

  /**
   * One attempt at a stream, bounded by the deadline and, until the provider's first item, the idle and first-byte
   * timeouts; on timeout the provider is told to cancel, and a stream that answers too late is cancelled. The stream
   * {@code guard} makes of the provider's stream takes the attempt's {@link Watchdog} over; the attempt succeeds
   * once that stream's first item came ({@link GuardedStream#first()}), and the stream is cancelled when the call's
   * caller leaves.
   */
  private <A extends CancellableStream<?>, S extends CancellableStream<?>> Future<S> streamAttempt(
      Call call, Provider provider, Function<CallContext, Future<A>> attempt,
      BiFunction<A, Watchdog, GuardedStream<?, ?, S>> guard) {
    return attempt(call, provider, attempt, true, guard, CancellableStream::cancel)
        .compose(stream -> cancelledWith(call, stream).first());
  }

  /**
   * Runs {@code attempt} behind {@code provider}'s circuit breaker, retried as the options say; with
   * {@code fallbackFollows} (another provider of the list follows) or the call's
   * {@link DirectCallOptions#isFallbackFollows()}, a provider that cannot be reached is left at once.
   */
  private <T> Future<T> retried(Call call, Provider provider, boolean fallbackFollows, Supplier<Future<T>> attempt) {
    return retry.run(options.getMaxRetries(), call.deadline(), fallbackFollows || call.fallbackFollows(),
        () -> call.routing().guard(provider, attempt));
  }

  /**
   * @param streams whether the answer is a stream, whose silence the idle timeout bounds until it answers
   * @param take makes the result of the provider's answer, with the attempt's {@link Watchdog}
   * @param discard disposes of an answer that came too late
   */
  private <A, T> Future<T> attempt(Call call, Provider provider, Function<CallContext, Future<A>> attempt,
                                   boolean streams, BiFunction<A, Watchdog, T> take, Consumer<A> discard) {
    Promise<Void> cancellation = Promise.promise();
    Promise<T> result = Promise.promise();
    long firstByteTimeout = provider instanceof EntryProvider entry && entry.entry().getFirstByteTimeout() != null
        ? entry.entry().getFirstByteTimeout() : options.getFirstByteTimeout();
    Watchdog watchdog = new Watchdog(vertx, call.deadline(), options.getIdleTimeout(), firstByteTimeout,
        streams, reason -> {
      String why = switch (reason) {
        case IDLE -> provider.name() + " did not answer within the idle timeout (" + options.getIdleTimeout() + " ms)";
        case FIRST_BYTE -> provider.name() + " did not answer within the first-byte timeout ("
            + firstByteTimeout + " ms)";
        case TOTAL -> provider.name() + " did not answer within the total timeout (" + call.timeout() + " ms)";
      };
      RequestTimeoutException timeout = reason == Watchdog.Reason.FIRST_BYTE
          ? new RequestTimeoutException(why, new ErrorDetails().provider(provider.name()).code(Retry.FIRST_BYTE_TIMEOUT))
          : new RequestTimeoutException(why, 0, provider.name());
      if (result.tryFail(timeout)) {
        cancellation.tryComplete();
      }
    });
    Context callContext = vertx.getOrCreateContext();
    call.cancelled().onComplete(left -> Streams.onContext(callContext, () -> {
      if (result.tryFail(new CancellationException("The call to " + provider.name() + " was cancelled"))) {
        watchdog.stop();
        cancellation.tryComplete();
      }
    }));
    CallContext context = context(call, provider, call.headers(), cancellation.future(), watchdog);
    started(() -> attempt.apply(context))
        .onComplete(outcome -> {
          if (outcome.succeeded() && !result.future().isComplete()) {
            result.complete(take.apply(outcome.result(), watchdog));
            return;
          }
          watchdog.stop();
          if (outcome.failed()) {
            result.tryFail(Routing.explainMissingKey(provider, context.apiKey(), outcome.cause()));
          } else {
            discard.accept(outcome.result());
          }
        });
    return result.future();
  }

  /** The context for downloading a provider's image URLs: no extra headers (they are for the provider's API). */
  private CallContext download(Call call, Provider provider) {
    return context(call, provider, MultiMap.caseInsensitiveMultiMap(), Promise.<Void>promise().future(), null);
  }

  private CallContext context(Call call, Provider provider, MultiMap headers, Future<Void> cancellation,
                              @Nullable Watchdog watchdog) {
    return new CallContext(vertx, provider.name(), httpClient, call.routing().apiKey(provider, call.apiKey()),
        call.routing().baseUrl(provider), call.proxy(), headers, options.getConnectTimeout(),
        options.getIdleTimeout(), cancellation, downloads, watchdog);
  }

  private <T> Future<T> withDeadline(Future<T> future, Call call, String provider) {
    Promise<T> promise = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(call.deadline() - System.nanoTime())),
        id -> promise.tryFail(new RequestTimeoutException(
            provider + " did not finish within the total timeout (" + call.timeout() + " ms)", 0, provider)));
    future.onComplete(outcome -> {
      vertx.cancelTimer(timer);
      if (outcome.succeeded()) {
        promise.tryComplete(outcome.result());
      } else {
        promise.tryFail(outcome.cause());
      }
    });
    return promise.future();
  }

  /** The proxy for a call: the request's own when it names one, else the client's. */
  private ProxyOptions proxyFor(String requestProxy) {
    if (requestProxy == null) {
      return proxy;
    }
    try {
      return ProxyUris.parse(requestProxy);
    } catch (IllegalArgumentException e) {
      throw InvalidRequestException.forParam(e.getMessage(), null, "proxy");
    }
  }

  /**
   * Runs {@code call} on this thread's context, or on a new event-loop context from a non-Vert.x
   * thread; an exception it throws (a rejected request) fails the returned future.
   */
  private <T> Future<T> onContext(Supplier<Future<T>> call) {
    Context context = vertx.getOrCreateContext();
    if (Vertx.currentContext() == context) {
      return started(call);
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> started(call).onComplete(promise));
    return promise.future();
  }

  private static <T> Future<T> started(Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
