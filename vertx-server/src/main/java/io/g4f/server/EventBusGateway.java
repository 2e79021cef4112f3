package io.g4f.server;

import io.g4f.client.CallOptions;
import io.g4f.client.CancellableStream;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.Usage;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.eventbus.EventBusProtocol;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.spi.toolkit.Json;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The gateway on the event bus (protocol in {@code docs/event-bus.md}): {@code PREFIX.chat.completions},
 * {@code PREFIX.images.generate}, {@code PREFIX.embeddings} ({@link EmbeddingsGateway}) and {@code PREFIX.models}
 * take the bodies of the HTTP API and answer with them; failures are {@code fail(status, OpenAI error JSON)}. A
 * streamed answer (a completion's chunks, or the events of {@code PREFIX.responses} and {@code PREFIX.messages},
 * {@link #stream}) gets an address of its own; the caller pulls batches of chunks from it, each pull granting
 * credits (the upstream is read only while credits are left), or cancels. A caller that sends no pull within the
 * event-bus timeout is taken for gone: its upstream request is cancelled.
 * All state lives on the deploying verticle's context.
 */
final class EventBusGateway {

  private final Vertx vertx;
  private final Upstreams upstreams;
  private final ModelRouter router;
  private final Access access;
  private final GatewayOptions options;
  private final GatewayMetrics metrics;
  private final ImageFiles imageFiles;
  private final Supplier<String> baseUrl;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private final Set<StreamSession> sessions = new HashSet<>();

  /** Handlers for {@code upstreams}; image files are served from {@code baseUrl} (the gateway's HTTP origin). */
  EventBusGateway(Vertx vertx, Upstreams upstreams, ModelRouter router, Access access, GatewayOptions options,
                  GatewayMetrics metrics, ImageFiles imageFiles, Supplier<String> baseUrl) {
    this.vertx = vertx;
    this.upstreams = upstreams;
    this.router = router;
    this.access = access;
    this.options = options;
    this.metrics = metrics;
    this.imageFiles = imageFiles;
    this.baseUrl = baseUrl;
  }

  /**
   * Registers the addresses, with {@code PREFIX.responses} and {@code PREFIX.messages} ({@link DialectGateway}), each
   * request in the {@link AccessLog}; succeeds once the registrations reached the (clustered) event bus.
   */
  Future<Void> start() {
    String prefix = options.getEventBusPrefix();
    register(prefix + EventBusProtocol.CHAT_COMPLETIONS, this::chat);
    register(prefix + EventBusProtocol.IMAGES_GENERATE, this::images);
    register(prefix + EventBusProtocol.MODELS, this::models);
    register(prefix + EventBusProtocol.EMBEDDINGS, new EmbeddingsGateway(router, access, metrics)::bus);
    DialectGateway responses = new DialectGateway(new ResponsesApi(), router, access, metrics);
    DialectGateway messages = new DialectGateway(new MessagesApi(), router, access, metrics);
    register(prefix + ResponsesApi.ADDRESS, message -> responses.bus(message, this));
    register(prefix + MessagesApi.ADDRESS, message -> messages.bus(message, this));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  /**
   * Lets {@code handler} answer on {@code address}, each request logged by {@link AccessLog#bus}; a request a bridge
   * marked unauthenticated ({@link EventBusBridges#UNAUTHENTICATED_HEADER}) is answered 401 instead.
   */
  private void register(String address, Handler<Message<Object>> handler) {
    consumers.add(vertx.eventBus().consumer(address, AccessLog.bus(metrics, message -> {
      if (message.headers().contains(EventBusBridges.UNAUTHENTICATED_HEADER)) {
        OpenAiErrors.fail(message, EventBusBridges.UNAUTHENTICATED);
      } else {
        handler.handle(message);
      }
    })));
  }

  /** Unregisters the addresses; running streams fail with 503 and their upstream requests are cancelled. */
  Future<Void> stop() {
    new ArrayList<>(sessions).forEach(StreamSession::shutDown);
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private void chat(Message<Object> message) {
    if (message.replyAddress() == null) {
      return;
    }
    ChatCompletionRequest request;
    CallOptions call;
    ModelRouter.Route route;
    long credits;
    try {
      request = RequestBodies.parse(body(message), ChatCompletionRequest.class);
      AccessLog.entry(message).model(request.getModel());
      call = callOptions(message);
      route = router.route(message.headers().get(EventBusProtocol.PROVIDER), request);
      credits = Boolean.TRUE.equals(request.getStream()) ? credits(message.headers().get(EventBusProtocol.CREDITS)) : 0;
    } catch (G4fException e) {
      OpenAiErrors.fail(message, OpenAiErrors.of(e));
      return;
    } catch (NumberFormatException e) {
      OpenAiErrors.fail(message, OpenAiErrors.of(400, "The credits header must be a non-negative integer",
          "invalid_request_error", EventBusProtocol.CREDITS, null));
      return;
    }
    Caller caller = Caller.fromHeader(message.headers().get(Caller.HEADER));
    access.admit(caller, request.getModel()).onComplete(admitted -> {
      if (admitted.failed()) {
        OpenAiErrors.fail(message, OpenAiErrors.of(admitted.cause()));
      } else if (Boolean.TRUE.equals(request.getStream())) {
        router.stream(route, request, call)
            .onSuccess(served -> {
              String provider = served.target().provider();
              Usage[] usage = new Usage[1];
              stream(message, credits, served.answer(), provider, chunk -> {
                usage[0] = chunk.getUsage() != null ? chunk.getUsage() : usage[0];
                return json(chunk);
              }, () -> {
                metrics.tokens(provider, usage[0]);
                access.used(caller, usage[0]);
                AccessLog.entry(message).served(provider, usage[0]);
              }, OpenAiErrors::of);
            })
            .onFailure(failure -> fail(message, route.provider(), failure));
      } else {
        router.complete(route, request, call)
            .onSuccess(served -> {
              metrics.tokens(served.target().provider(), served.answer().getUsage());
              access.used(caller, served.answer().getUsage());
              AccessLog.entry(message).served(served.target().provider(), served.answer().getUsage());
              message.reply(json(served.answer()));
            })
            .onFailure(failure -> fail(message, route.provider(), failure));
      }
    });
  }

  private void images(Message<Object> message) {
    if (message.replyAddress() == null) {
      return;
    }
    ImageGenerationRequest request;
    DirectCallOptions call;
    Upstreams.Upstream upstream;
    try {
      request = RequestBodies.parse(body(message), ImageGenerationRequest.class);
      AccessLog.entry(message).model(request.getModel());
      call = callOptions(message);
      upstream = upstreams.forImages(message.headers().get(EventBusProtocol.PROVIDER), request);
    } catch (G4fException e) {
      OpenAiErrors.fail(message, OpenAiErrors.of(e));
      return;
    }
    access.admit(Caller.fromHeader(message.headers().get(Caller.HEADER)), request.getModel()).onComplete(admitted -> {
      if (admitted.failed()) {
        OpenAiErrors.fail(message, OpenAiErrors.of(admitted.cause()));
      } else {
        upstream.client().images().generate(request, call)
            .compose(images -> imageFiles.serve(images, baseUrl.get()))
            .onSuccess(images -> {
              AccessLog.entry(message).served(upstream.name(), null);
              message.reply(json(images));
            })
            .onFailure(failure -> fail(message, upstream.name(), failure));
      }
    });
  }

  private void models(Message<Object> message) {
    message.reply(new JsonObject().put("object", "list").put("data", router.models()));
  }

  private void fail(Message<Object> message, String provider, Throwable failure) {
    metrics.upstreamError(provider, failure);
    OpenAiErrors.fail(message, OpenAiErrors.of(failure));
  }

  /** A message body as JSON bytes: bridges and JVM callers send a {@code JsonObject}, a JSON string or a buffer; else null. */
  static Buffer body(Message<Object> message) {
    Object body = message.body();
    if (body instanceof Buffer buffer) {
      return buffer;
    }
    if (body instanceof JsonObject json) {
      return RequestBodies.encode(json);
    }
    return body instanceof String text ? Buffer.buffer(text) : null;
  }

  private static JsonObject json(Object value) {
    return new JsonObject(Json.encode(value));
  }

  /**
   * The call's settings from the message's headers: its {@code timeout} (ms), and its request id
   * ({@link AccessLog#requestId(Message)}) as the upstream's {@code x-request-id} header; a bad timeout, or one a
   * bridge could not pass on ({@link EventBusBridges#INVALID_HEADER}), is a 400 naming it.
   */
  static DirectCallOptions callOptions(Message<Object> message) {
    String invalid = message.headers().get(EventBusBridges.INVALID_HEADER);
    if (invalid != null) {
      throw InvalidRequestException.forParam(EventBusBridges.invalidHeader(invalid), null, invalid);
    }
    DirectCallOptions call = new DirectCallOptions();
    String id = AccessLog.requestId(message);
    if (id != null) {
      call.putHeader(AccessLog.REQUEST_ID_HEADER, id);
    }
    String timeout = message.headers().get(EventBusProtocol.TIMEOUT);
    if (timeout != null) {
      try {
        call.setTimeout(Long.parseLong(timeout.trim()));
      } catch (IllegalArgumentException e) {
        throw InvalidRequestException.forParam("The timeout header must be a positive number of ms", null,
            EventBusProtocol.TIMEOUT);
      }
    }
    return call;
  }

  /**
   * Serves {@code upstream}, which {@code provider} (as configured) streams, as the stream {@code request} opened,
   * with {@code credits} granted at once: each item becomes the chunk {@code chunk} makes of it (and may note its
   * usage), {@code counted} runs once when it ends or fails, and a failure fails the pull it answers as
   * {@code errors} renders it. The stream's access-log line is written when it ends.
   */
  <T> void stream(Message<Object> request, long credits, CancellableStream<T> upstream, String provider,
                  Function<T, JsonObject> chunk, Runnable counted, Function<Throwable, OpenAiErrors.Error> errors) {
    new StreamSession<>(upstream, provider, chunk, counted, errors).open(request, credits);
  }

  /** A credits value: absent is 0; negative or not a number throws {@link NumberFormatException}. */
  static long credits(Object value) {
    long credits = value == null ? 0 : value instanceof Number number ? number.longValue()
        : Long.parseLong(value.toString().trim());
    if (credits < 0) {
      throw new NumberFormatException("negative credits");
    }
    return credits;
  }

  /**
   * One streamed answer, pulled through its own address {@code PREFIX.stream.UUID}, registered on the
   * (clustered) bus so that a caller on any node or bridge can reach it. {@code credits} is how many
   * chunks the caller may still be sent, those in {@code batch} included; the upstream is fetched
   * exactly that far ahead. {@code pull} is the caller's request awaiting an answer, if any: it is
   * answered once chunks, the end or a failure are at hand, or after half the timeout (empty, as a
   * heartbeat). Between an answer and the next pull the {@code idle} timer runs out the timeout.
   */
  private final class StreamSession<T> {

    private final CancellableStream<T> upstream;
    private final String provider;
    private final Function<T, JsonObject> chunk;
    private final Runnable counted;
    private final Function<Throwable, OpenAiErrors.Error> errors;
    /** The request that opened the stream, whose access-log event is written when the stream ends. */
    private Message<Object> opening;
    private final String address = options.getEventBusPrefix() + EventBusProtocol.STREAM + UUID.randomUUID();
    private final JsonArray batch = new JsonArray();
    private MessageConsumer<Object> pulls;
    private long credits;
    private Message<Object> pull;
    private long heartbeat = -1;
    private long idle = -1;
    private boolean ended;
    private Throwable failure;
    private boolean closed;

    /** See {@link EventBusGateway#stream}. */
    StreamSession(CancellableStream<T> upstream, String provider, Function<T, JsonObject> chunk, Runnable counted,
                  Function<Throwable, OpenAiErrors.Error> errors) {
      this.upstream = upstream;
      this.provider = provider;
      this.chunk = chunk;
      this.counted = counted;
      this.errors = errors;
    }

    /** Starts reading {@code credits} chunks ahead and answers the opening request once the stream address is registered. */
    void open(Message<Object> request, long credits) {
      opening = request;
      AccessLog.streamed(request);
      AccessLog.entry(request).served(provider, null);
      sessions.add(this);
      upstream.pause();
      upstream.exceptionHandler(this::failed);
      upstream.endHandler(v -> {
        counted.run();
        ended = true;
        answerIfHeld();
      });
      upstream.handler(this::item);
      this.credits = credits;
      upstream.fetch(credits);
      pulls = vertx.eventBus().consumer(address, this::pulled);
      pulls.completion().onComplete(registered -> {
        if (closed) {
          OpenAiErrors.fail(request, OpenAiErrors.SHUTTING_DOWN);
        } else if (registered.failed()) {
          OpenAiErrors.Error error = errors.apply(registered.cause());
          close(error.status());
          upstream.cancel();
          metrics.upstreamError(provider, registered.cause());
          OpenAiErrors.fail(request, error);
        } else {
          pull = request;
          answer();
        }
      });
    }

    private void item(T item) {
      batch.add(chunk.apply(item));
      answerIfHeld();
    }

    private void failed(Throwable error) {
      if (!closed) {
        counted.run();
        metrics.upstreamError(provider, error);
        failure = error;
        answerIfHeld();
      }
    }

    private void answerIfHeld() {
      if (pull != null) {
        answer();
      }
    }

    private void pulled(Message<Object> next) {
      if (closed) {
        return;
      }
      JsonObject body = next.body() instanceof JsonObject json ? json : new JsonObject();
      if (Boolean.TRUE.equals(body.getValue(EventBusProtocol.CANCEL))) {
        Message<Object> held = pull;
        close(AccessLog.CLIENT_CLOSED);
        upstream.cancel();
        if (held != null) {
          held.reply(EventBusProtocol.batch(address, new JsonArray(), true));
        }
        if (next.replyAddress() != null) {
          next.reply(EventBusProtocol.batch(address, new JsonArray(), true));
        }
        return;
      }
      if (next.replyAddress() == null) {
        return;
      }
      if (pull != null) {
        OpenAiErrors.fail(next, OpenAiErrors.of(409, "A pull is already waiting for this stream's next batch",
            "invalid_request_error", null, null));
        return;
      }
      long more;
      try {
        more = credits(body.getValue(EventBusProtocol.CREDITS));
      } catch (NumberFormatException e) {
        OpenAiErrors.fail(next, OpenAiErrors.of(400, "credits must be a non-negative integer",
            "invalid_request_error", EventBusProtocol.CREDITS, null));
        return;
      }
      cancelTimer(idle);
      idle = -1;
      credits = credits + more < 0 ? Long.MAX_VALUE : credits + more;
      upstream.fetch(more);
      pull = next;
      if (!batch.isEmpty() || ended || failure != null) {
        answer();
      } else {
        heartbeat = vertx.setTimer(Math.max(1, options.getEventBusTimeout() / 2), id -> {
          heartbeat = -1;
          answerIfHeld();
        });
      }
    }

    /** Answers the held pull with the batch, the end or the failure. */
    private void answer() {
      Message<Object> to = pull;
      pull = null;
      cancelTimer(heartbeat);
      heartbeat = -1;
      if (batch.isEmpty() && failure != null) {
        OpenAiErrors.Error error = errors.apply(failure);
        close(error.status());
        OpenAiErrors.fail(to, error);
        return;
      }
      JsonArray chunks = batch.copy();
      credits -= batch.size();
      batch.clear();
      if (ended) {
        close(200);
      } else {
        idle = vertx.setTimer(options.getEventBusTimeout(), id -> {
          idle = -1;
          close(AccessLog.CLIENT_CLOSED);
          upstream.cancel();
        });
      }
      to.reply(EventBusProtocol.batch(address, chunks, ended));
    }

    /** The gateway is stopping: the caller gets a 503, the upstream request is closed. */
    void shutDown() {
      Message<Object> held = pull;
      close(OpenAiErrors.SHUTTING_DOWN.status());
      upstream.cancel();
      if (held != null) {
        OpenAiErrors.fail(held, OpenAiErrors.SHUTTING_DOWN);
      }
    }

    /** Ends the session; the stream's access-log event says {@code status}. */
    private void close(int status) {
      AccessLog.ended(opening, status);
      closed = true;
      pull = null;
      cancelTimer(heartbeat);
      cancelTimer(idle);
      heartbeat = -1;
      idle = -1;
      if (pulls != null) {
        pulls.unregister();
      }
      sessions.remove(this);
    }

    private void cancelTimer(long timer) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
  }
}
