package io.g4f.server;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The gateway's graceful stop for HTTP. Knows the requests in progress (the SockJS bridge's aside, which the
 * event-bus side ends); once {@link #drain} is called it answers every new request 503 ({@link
 * OpenAiErrors#SHUTTING_DOWN}), lets those in progress finish until the deadline, then cuts what is left: a stream
 * that has begun gets an error event and {@code data: [DONE]} ({@link ChatCompletionsHandler#endWithError}), any
 * other request the 503 error body; and logs what it cut. Event-loop only.
 */
final class Draining implements Handler<RoutingContext> {

  private static final System.Logger LOG = System.getLogger("io.g4f.server");

  private final Vertx vertx;
  private final Set<RoutingContext> inFlight = new LinkedHashSet<>();
  private final Promise<Void> drained = Promise.promise();
  private boolean closing;

  Draining(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void handle(RoutingContext context) {
    if (closing) {
      context.response().putHeader("connection", "close");
      OpenAiErrors.send(context.response(), OpenAiErrors.SHUTTING_DOWN);
      return;
    }
    if (!context.request().path().startsWith("/eventbus/")) {
      inFlight.add(context);
      context.addEndHandler(ended -> {
        inFlight.remove(context);
        if (closing && inFlight.isEmpty()) {
          drained.tryComplete();
        }
      });
    }
    context.next();
  }

  /**
   * Refuses new requests from now on and completes once every request in progress has ended, at the latest
   * {@code timeout} ms from now, when what is left is cut.
   */
  Future<Void> drain(long timeout) {
    closing = true;
    if (inFlight.isEmpty()) {
      LOG.log(System.Logger.Level.INFO, "Shutdown: no request in progress");
      return Future.succeededFuture();
    }
    int running = inFlight.size();
    long timer = vertx.setTimer(Math.max(1, timeout), id -> cut(timeout));
    return drained.future().onSuccess(done -> {
      if (vertx.cancelTimer(timer)) {
        LOG.log(System.Logger.Level.INFO, "Shutdown: the {0} request(s) in progress finished", running);
      }
    });
  }

  private void cut(long timeout) {
    int streams = 0;
    int requests = 0;
    for (RoutingContext context : new ArrayList<>(inFlight)) {
      HttpServerResponse response = context.response();
      if (response.headWritten() && String.valueOf(response.headers().get("content-type")).startsWith("text/event-stream")) {
        streams++;
        ChatCompletionsHandler.endWithError(response, OpenAiErrors.SHUTTING_DOWN);
      } else {
        requests++;
        if (response.headWritten()) {
          response.reset();
        } else {
          OpenAiErrors.send(response, OpenAiErrors.SHUTTING_DOWN);
        }
      }
    }
    LOG.log(System.Logger.Level.WARNING, "Shutdown: cut {0} stream(s) and {1} other request(s) still running after "
        + "the shutdown timeout ({2} ms)", streams, requests, timeout);
    inFlight.clear();
    drained.tryComplete();
  }
}
