package io.g4f.server.http;

import io.g4f.server.wire.OpenAiErrors;
import io.g4f.server.wire.ShuttingDownException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The gateway's graceful stop for HTTP. Knows the requests in progress (the SockJS bridge's aside, which the
 * event-bus side ends); once {@link #drain} is called it answers every new request 503 ({@link
 * OpenAiErrors#SHUTTING_DOWN}), lets those in progress finish until the deadline, then cuts what is left: a stream
 * that has begun ends with its API's last events for a {@link ShuttingDownException} ({@link HttpExchange#CUT}: chat's
 * error event and {@code data: [DONE]}, the Responses API's {@code response.failed}, Anthropic's {@code error} event)
 * and its upstream request is cancelled, any other request gets the 503 error body; and says what it cut
 * ({@link Outcome}). Event-loop only.
 */
public final class Draining implements Handler<RoutingContext> {

  private static final System.Logger LOG = System.getLogger("io.g4f.server");

  private final Vertx vertx;
  private final Set<RoutingContext> inFlight = new LinkedHashSet<>();
  private final Promise<Void> drained = Promise.promise();
  private boolean closing;
  private int streamsCut;
  private int requestsCut;

  public Draining(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Refuses a request while draining, but for the health probes: {@code /health/live} and {@code /health} stay
   * {@code 200} while the process serves (a liveness probe must not kill a pod that finishes its streams), and
   * {@code /health/ready} says {@code 503} in its own shape.
   */
  @Override
  public void handle(RoutingContext context) {
    if (closing && !context.request().path().startsWith("/health")) {
      context.response().putHeader("connection", "close");
      HttpExchange.send(context, OpenAiErrors.SHUTTING_DOWN);
      return;
    }
    if (!context.request().path().startsWith("/eventbus/") && !context.request().path().startsWith("/health")) {
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
   * What a drain found and did: the requests in progress when it began, and of these the streams and other requests
   * it cut at the deadline.
   */
  public record Outcome(int running, int streamsCut, int requestsCut) {

    /** The outcomes of several fronts' drains, added up. */
    public static Outcome sum(List<Outcome> outcomes) {
      return new Outcome(outcomes.stream().mapToInt(Outcome::running).sum(),
          outcomes.stream().mapToInt(Outcome::streamsCut).sum(), outcomes.stream().mapToInt(Outcome::requestsCut).sum());
    }

    /** Logs the outcome of the gateway's drain, whose deadline was {@code timeout} ms. */
    public void log(long timeout) {
      if (streamsCut + requestsCut > 0) {
        LOG.log(System.Logger.Level.WARNING, "Shutdown: cut {0} stream(s) and {1} other request(s) still running "
            + "after the shutdown timeout ({2} ms)", streamsCut, requestsCut, timeout);
      } else if (running > 0) {
        LOG.log(System.Logger.Level.INFO, "Shutdown: the {0} request(s) in progress finished", running);
      } else {
        LOG.log(System.Logger.Level.INFO, "Shutdown: no request in progress");
      }
    }
  }

  /**
   * Refuses new requests from now on and completes once every request in progress has ended, at the latest
   * {@code timeout} ms from now, when what is left is cut.
   */
  public Future<Outcome> drain(long timeout) {
    closing = true;
    int running = inFlight.size();
    if (running == 0) {
      return Future.succeededFuture(new Outcome(0, 0, 0));
    }
    long timer = vertx.setTimer(Math.max(1, timeout), id -> cut());
    return drained.future().map(done -> {
      vertx.cancelTimer(timer);
      return new Outcome(running, streamsCut, requestsCut);
    });
  }

  private void cut() {
    for (RoutingContext context : new ArrayList<>(inFlight)) {
      HttpServerResponse response = context.response();
      Consumer<Throwable> stream = context.get(HttpExchange.CUT);
      if (stream != null) {
        streamsCut++;
        stream.accept(new ShuttingDownException());
      } else {
        requestsCut++;
        if (response.headWritten()) {
          response.reset();
        } else {
          HttpExchange.send(context, OpenAiErrors.SHUTTING_DOWN);
        }
      }
    }
    inFlight.clear();
    drained.tryComplete();
  }
}
