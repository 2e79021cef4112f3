package io.g4f.server.eventbus;

import io.g4f.client.CancellableStream;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.eventbus.EventBusProtocol;
import io.g4f.server.access.Caller;
import io.g4f.server.api.translated.MessagesDialect;
import io.g4f.server.api.translated.ResponsesDialect;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.observability.AccessLog;
import io.g4f.server.observability.GatewayMetrics;
import io.g4f.server.pipeline.Api;
import io.g4f.server.pipeline.Apis;
import io.g4f.server.pipeline.Call;
import io.g4f.server.pipeline.Exchange;
import io.g4f.server.pipeline.Pipeline;
import io.g4f.server.pipeline.Reply;
import io.g4f.server.wire.OpenAiErrors;
import io.g4f.server.wire.RequestBodies;
import io.g4f.server.wire.ShuttingDownException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The gateway on the event bus (protocol in {@code docs/event-bus.md}): {@code PREFIX.chat.completions},
 * {@code PREFIX.responses}, {@code PREFIX.messages}, {@code PREFIX.embeddings}, {@code PREFIX.images.generate} and
 * {@code PREFIX.models} take the bodies of the HTTP API and answer with them, each call run by the {@link Pipeline}
 * as a {@link BusExchange}; failures are {@code fail(status, error JSON in the API's shape)}. A streamed answer gets
 * an address of its own; the caller pulls batches of chunks from it, each pull granting credits (the upstream is read
 * only while credits are left), or cancels. A caller that sends no pull within the event-bus timeout is taken for
 * gone: its upstream request is cancelled. All state lives on the deploying verticle's context.
 */
public final class EventBusFront {

  private final Vertx vertx;
  private final Pipeline pipeline;
  private final GatewayOptions options;
  private final GatewayMetrics metrics;
  private final Supplier<String> origin;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private final Set<StreamSession<?>> sessions = new HashSet<>();

  /**
   * The front of {@code apis}' calls through {@code pipeline}; images are served at {@code origin} (the gateway's
   * HTTP origin).
   */
  public EventBusFront(Vertx vertx, Pipeline pipeline, Apis apis, GatewayOptions options, GatewayMetrics metrics,
                Supplier<String> origin) {
    this.vertx = vertx;
    this.pipeline = pipeline;
    this.options = options;
    this.metrics = metrics;
    this.origin = origin;
    String prefix = options.getEventBusPrefix();
    register(prefix + EventBusProtocol.CHAT_COMPLETIONS, apis.chat());
    register(prefix + ResponsesDialect.ADDRESS, apis.responses());
    register(prefix + MessagesDialect.ADDRESS, apis.messages());
    register(prefix + EventBusProtocol.EMBEDDINGS, apis.embeddings());
    register(prefix + EventBusProtocol.IMAGES_GENERATE, apis.images());
    register(prefix + EventBusProtocol.MODELS, apis.models());
  }

  /** Succeeds once the addresses' registrations reached the (clustered) event bus. */
  public Future<Void> start() {
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  /** Lets the pipeline answer {@code api}'s calls on {@code address}, each request in the {@link AccessLog}. */
  private void register(String address, Api<?, ?, ?> api) {
    consumers.add(vertx.eventBus().consumer(address, AccessLog.bus(metrics, message -> {
      if (message.replyAddress() != null) {
        pipeline.run(api, new BusExchange(message));
      }
    })));
  }

  /** Unregisters the addresses; running streams fail with 503 and their upstream requests are cancelled. */
  public Future<Void> stop() {
    new ArrayList<>(sessions).forEach(StreamSession::shutDown);
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
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
   * A call as an event-bus message carries it: the body, the {@code provider}, {@code timeout} and {@code credits}
   * headers, and the caller a bridge stamped on it ({@link Caller#HEADER}; none: a verticle inside the cluster, trusted);
   * answered by a reply, a stream session, or {@code fail(status, error)}.
   */
  private final class BusExchange implements Exchange {

    private final Message<Object> message;
    private long credits;

    BusExchange(Message<Object> message) {
      this.message = message;
    }

    @Override
    public Caller caller() {
      if (message.headers().contains(EventBusBridges.UNAUTHENTICATED_HEADER)) {
        throw new AuthenticationException(EventBusBridges.UNAUTHENTICATED_MESSAGE,
            new ErrorDetails().status(401).type("authentication_error").code("invalid_api_key"));
      }
      Caller caller = Caller.fromHeader(message.headers().get(Caller.HEADER));
      entry().caller(caller.id());
      return caller;
    }

    @Override
    public Buffer body() {
      return EventBusFront.body(message);
    }

    @Override
    public String providers() {
      return message.headers().get(EventBusProtocol.PROVIDER);
    }

    @Override
    public String pathParam(String name) {
      return null;
    }

    @Override
    public String header(String name) {
      return message.headers().get(name);
    }

    /**
     * The call's {@code timeout} (ms), its request id ({@link AccessLog#requestId(Message)}) as the upstream's
     * {@code x-request-id} header, and for a stream the {@code credits} granted at once; a bad value, or a header a
     * bridge could not pass on ({@link EventBusBridges#INVALID_HEADER}), is a 400 naming it.
     */
    @Override
    public DirectCallOptions options(boolean streamed) {
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
      if (streamed) {
        try {
          credits = credits(message.headers().get(EventBusProtocol.CREDITS));
        } catch (NumberFormatException e) {
          throw InvalidRequestException.forParam("The credits header must be a non-negative integer", null,
              EventBusProtocol.CREDITS);
        }
      }
      return call;
    }

    @Override
    public String origin() {
      return origin.get();
    }

    @Override
    public AccessLog.Entry entry() {
      return AccessLog.entry(message);
    }

    @Override
    public <Q, A, E> void answer(Call<Q, A, E> call, Reply<A, E> reply) {
      BigDecimal cost = call.cost(reply.target());
      DeliveryOptions options = new DeliveryOptions();
      if (cost != null) {
        options.addHeader(Call.COST_HEADER, cost.toPlainString());
      }
      message.reply(new JsonObject(call.api().encode(call, reply.answer())), options);
    }

    @Override
    public <Q, A, E> void stream(Call<Q, A, E> call, Reply<A, E> reply) {
      new StreamSession<>(reply.stream(), reply.provider(), event -> call.api().chunk(call, event),
          failure -> call.api().error(call, failure)).open(message, credits);
    }

    @Override
    public <Q, A, E> void fail(Call<Q, A, E> call, Throwable failure) {
      OpenAiErrors.fail(message, call.api().error(call, failure));
    }
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

    /**
     * A session serving {@code upstream}, which {@code provider} (as configured) streams: each item becomes the chunk
     * {@code chunk} makes of it, and a failure fails the pull it answers as {@code errors} renders it.
     */
    StreamSession(CancellableStream<T> upstream, String provider, Function<T, JsonObject> chunk,
                  Function<Throwable, OpenAiErrors.Error> errors) {
      this.upstream = upstream;
      this.provider = provider;
      this.chunk = chunk;
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

    /** The gateway is stopping: the caller gets a 503 in the API's shape, the upstream request is closed. */
    void shutDown() {
      Message<Object> held = pull;
      OpenAiErrors.Error error = errors.apply(new ShuttingDownException());
      close(error.status());
      upstream.cancel();
      if (held != null) {
        OpenAiErrors.fail(held, error);
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
