package io.g4f.server.http;

import io.g4f.client.CancellableStream;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.ErrorDetails;
import io.g4f.server.access.Caller;
import io.g4f.server.api.translated.MessagesDialect;
import io.g4f.server.observability.AccessLog;
import io.g4f.server.pipeline.Api;
import io.g4f.server.pipeline.Call;
import io.g4f.server.pipeline.Exchange;
import io.g4f.server.pipeline.Pipeline;
import io.g4f.server.pipeline.Reply;
import io.g4f.server.wire.OpenAiErrors;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.function.Consumer;

/**
 * A call as an HTTP request carries it. Read: the body, the providers named by the path ({@code /api/{provider}/...})
 * or the {@code x-g4f-provider} header, the caller the gateway's key check ({@code HttpFront}) identified, and noted in the access log, before the body was read,
 * the {@code x-request-id} that goes upstream. Written: a whole answer as JSON with {@code x-g4f-provider} naming the
 * configured provider that served and {@code x-g4f-cost-usd} what it cost; a stream as server-sent events with backpressure end to end (a slow reader pauses
 * the upstream), chunks that arrive together in few writes ({@link EventBatch}), ended as the API ends one or, after a
 * failure or at the gateway's shutdown ({@link Draining}), with the API's last events; a failure in the API's error
 * shape. A caller who goes away, at any moment, cancels the upstream request.
 */
public final class HttpExchange implements Exchange {

  /** The request header naming providers to try in order ({@code oai,claude}), and the response header naming the one that served. */
  public static final String PROVIDER_HEADER = "x-g4f-provider";
  /** Where a running stream keeps, in its routing context, what ends it with a failure (see {@link Draining}). */
  static final String CUT = "g4f.cut";

  private final RoutingContext context;
  private final HttpServerResponse response;
  private final Promise<Void> left = Promise.promise();

  private HttpExchange(RoutingContext context) {
    this.context = context;
    this.response = context.response();
    response.closeHandler(closed -> left.tryComplete());
  }

  /** The route handler that runs {@code api}'s calls through {@code pipeline}. */
  public static Handler<RoutingContext> handler(Pipeline pipeline, Api<?, ?, ?> api) {
    return context -> pipeline.run(api, new HttpExchange(context));
  }

  @Override
  public Caller caller() {
    Caller caller = context.get(Caller.CONTEXT_KEY);
    if (caller == null) {
      throw new AuthenticationException("Missing or invalid API key",
          new ErrorDetails().status(401).type("authentication_error").code("invalid_api_key"));
    }
    return caller;
  }

  @Override
  public Buffer body() {
    return context.body() == null ? null : context.body().buffer();
  }

  @Override
  public String providers() {
    String path = context.pathParam("provider");
    return path != null ? path : context.request().getHeader(PROVIDER_HEADER);
  }

  @Override
  public String pathParam(String name) {
    return context.pathParam(name);
  }

  @Override
  public String header(String name) {
    List<String> values = context.request().headers().getAll(name);
    return values.isEmpty() ? null : String.join(",", values);
  }

  @Override
  public DirectCallOptions options(boolean streamed) {
    return new DirectCallOptions().putHeader(AccessLog.REQUEST_ID_HEADER, AccessLog.requestId(context))
        .setCancellation(left.future());
  }

  @Override
  public String origin() {
    URI request = URI.create(context.request().absoluteURI());
    return request.getScheme() + "://" + request.getRawAuthority();
  }

  @Override
  public AccessLog.Entry entry() {
    return AccessLog.entry(context);
  }

  @Override
  public <Q, A, E> void answer(Call<Q, A, E> call, Reply<A, E> reply) {
    if (reply.provider() != null) {
      response.putHeader(PROVIDER_HEADER, reply.provider());
    }
    BigDecimal cost = call.cost(reply.target());
    if (cost != null) {
      response.putHeader(Call.COST_HEADER, cost.toPlainString());
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(call.api().encode(call, reply.answer()));
  }

  @Override
  public <Q, A, E> void stream(Call<Q, A, E> call, Reply<A, E> reply) {
    CancellableStream<E> stream = reply.stream();
    if (response.closed()) {
      stream.cancel();
      return;
    }
    Api<Q, A, E> api = call.api();
    startEventStream(response, api.eventContentType(), reply.provider());
    left.future().onComplete(gone -> stream.cancel());
    EventBatch events = new EventBatch(Vertx.currentContext(), stream, response);
    Consumer<Throwable> cut = failure -> {
      events.flush();
      if (!response.closed() && !response.ended()) {
        response.end(api.sseFailure(call, failure));
      }
      stream.cancel();
    };
    context.put(CUT, cut);
    stream.exceptionHandler(cut::accept);
    stream.endHandler(v -> {
      events.flush();
      if (!response.closed() && !response.ended()) {
        response.end(api.sseEnd(call));
      }
    });
    stream.handler(event -> events.add(api.sse(call, event)));
  }

  /**
   * Starts an event stream of {@code contentType} served by {@code provider}: chunked, never cached, never
   * buffered by a proxy, and never compressed (a compressor holds events back until its block fills, and
   * costs a deflater per stream), though JSON answers are compressed for callers that ask.
   */
  private static void startEventStream(HttpServerResponse response, String contentType, String provider) {
    response.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, contentType)
        .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("x-accel-buffering", "no")
        .putHeader(PROVIDER_HEADER, provider);
  }

  @Override
  public <Q, A, E> void fail(Call<Q, A, E> call, Throwable failure) {
    OpenAiErrors.send(response, call.api().error(call, failure));
  }

  /** Ends {@code context}'s request with {@code error}, in Anthropic's shape on {@code /v1/messages...}. */
  public static void send(RoutingContext context, OpenAiErrors.Error error) {
    OpenAiErrors.send(context.response(), context.request().path().startsWith(MessagesDialect.PATH)
        ? MessagesDialect.errorShape(error) : error);
  }
}
