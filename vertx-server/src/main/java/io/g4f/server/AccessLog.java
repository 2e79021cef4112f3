package io.g4f.server;

import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Gives every request an id ({@code x-request-id}: the caller's when it is a plain token, else a new
 * one), echoes it on the response, and when the response ends logs one event on the logger
 * {@code io.g4f.server.access} and records the request's latency under its route template. The event's message is
 * the line {@code id method path status 12.3ms [provider]} (status {@value #CLIENT_CLOSED} when the caller left
 * before it got a status line); its key-value pairs (fields of their own in
 * {@code --log-format json}) are {@code request_id}, {@code method}, {@code path}, {@code route}, {@code status},
 * {@code duration_ms}, and when known {@code provider} (the configured one that served), {@code model} (as asked)
 * and {@code caller} ({@code key:NAME} or {@code address:ADDRESS}). Never the query, headers or body, so never keys
 * or prompts. Logback's asynchronous appender ({@code logback.xml}) writes it, never the event loop.
 *
 * <p>A request that a router-wide handler ended (authentication, origin policy, limits) is recorded under the
 * template of the route it was bound for; only a request for no route is {@code unmatched}.
 */
final class AccessLog implements Handler<RoutingContext> {

  /** Where handlers put the model a request asked for ({@link #model}). */
  private static final String MODEL = "g4f.model";
  private static final Logger LOG = LoggerFactory.getLogger("io.g4f.server.access");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final GatewayMetrics metrics;
  /** The router whose routes name requests that a router-wide handler ended; null: {@code unmatched} for those. */
  private final Router router;

  AccessLog(GatewayMetrics metrics, Router router) {
    this.metrics = metrics;
    this.router = router;
  }

  /**
   * The status logged and counted for a request whose caller left before it got a status line ({@value}, nginx's
   * "client closed request"); a stream the caller left after its status line keeps the status it was sent.
   */
  static final int CLIENT_CLOSED = 499;

  /** The request's id, as echoed in its {@code x-request-id} response header. */
  static String requestId(RoutingContext context) {
    return context.response().headers().get("x-request-id");
  }

  /** Records the model {@code context}'s request asked for, for its access-log event. */
  static void model(RoutingContext context, String model) {
    context.put(MODEL, model);
  }

  @Override
  public void handle(RoutingContext context) {
    long start = System.nanoTime();
    String given = context.request().getHeader("x-request-id");
    String id = given != null && TOKEN.matcher(given).matches() ? given : UUID.randomUUID().toString();
    context.response().putHeader("x-request-id", id);
    context.addEndHandler(ended -> {
      long nanos = System.nanoTime() - start;
      int status = context.response().headWritten() ? context.response().getStatusCode() : CLIENT_CLOSED;
      String route = route(context);
      metrics.request(route, status, nanos);
      if (LOG.isInfoEnabled()) {
        String provider = context.response().headers().get(ModelRouter.PROVIDER_HEADER);
        String method = context.request().method().name();
        String path = context.request().path();
        Caller caller = context.get(Caller.CONTEXT_KEY);
        String model = context.get(MODEL);
        LoggingEventBuilder event = LOG.atInfo().addKeyValue("request_id", id).addKeyValue("method", method)
            .addKeyValue("path", path).addKeyValue("route", route).addKeyValue("status", status)
            .addKeyValue("duration_ms", Math.round(nanos / 1e5) / 10.0);
        if (provider != null) {
          event = event.addKeyValue("provider", provider);
        }
        if (model != null) {
          event = event.addKeyValue("model", model);
        }
        if (caller != null && caller.id() != null) {
          event = event.addKeyValue("caller", caller.id());
        }
        event.log(line(id, method, path, status, nanos, provider));
      }
    });
    context.next();
  }

  /** The template of the route that ended the request, else of the first route with a path that matches it, else {@code unmatched}. */
  private String route(RoutingContext context) {
    Route current = context.currentRoute();
    if (current != null && current.getPath() != null) {
      return current.getPath();
    }
    List<Route> routes = router == null ? List.of() : router.getRoutes();
    String path = context.request().path();
    for (Route route : routes) {
      String template = route.getPath();
      if (template != null && !template.endsWith("*") && (route.methods() == null
          || route.methods().isEmpty() || route.methods().contains(context.request().method())) && matches(template, path)) {
        return template;
      }
    }
    return "unmatched";
  }

  /** Whether {@code path} fits {@code template}, whose {@code :name} segments match any one segment. */
  private static boolean matches(String template, String path) {
    String[] expected = template.split("/", -1);
    String[] actual = path.split("/", -1);
    if (expected.length != actual.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (!(expected[i].startsWith(":") ? !actual[i].isEmpty() : expected[i].equals(actual[i]))) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code id method path status 12.3ms [provider]}, the duration rounded to a tenth of a millisecond without a
   * trailing {@code .0}, then the configured provider that served, if any.
   */
  static String line(String id, String method, String path, int status, long nanos, String provider) {
    long tenths = Math.round(nanos / 1e5);
    StringBuilder line = new StringBuilder(id.length() + path.length() + 32).append(id).append(' ').append(method)
        .append(' ').append(path).append(' ').append(status).append(' ').append(tenths / 10);
    if (tenths % 10 != 0) {
      line.append('.').append(tenths % 10);
    }
    line.append("ms");
    return provider == null ? line.toString() : line.append(' ').append(provider).toString();
  }
}
