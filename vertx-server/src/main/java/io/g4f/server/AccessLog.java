package io.g4f.server;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id ({@code x-request-id}: the caller's when it is a plain token, else a new
 * one), echoes it on the response, and when the response ends logs one line (id, method, path,
 * status, duration; never the query, headers or body, so never keys or prompts) and records the
 * request's latency under its route template.
 */
final class AccessLog implements Handler<RoutingContext> {

  private final GatewayMetrics metrics;

  AccessLog(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  private static final System.Logger LOG = System.getLogger("io.g4f.server.access");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  @Override
  public void handle(RoutingContext context) {
    long start = System.nanoTime();
    String given = context.request().getHeader("x-request-id");
    String id = given != null && TOKEN.matcher(given).matches() ? given : UUID.randomUUID().toString();
    context.response().putHeader("x-request-id", id);
    context.addEndHandler(ended -> {
      long nanos = System.nanoTime() - start;
      int status = context.response().getStatusCode();
      if (LOG.isLoggable(System.Logger.Level.INFO)) {
        LOG.log(System.Logger.Level.INFO, line(id, context.request().method().name(), context.request().path(), status,
            nanos));
      }
      metrics.request(context.currentRoute() == null || context.currentRoute().getPath() == null
          ? "unmatched" : context.currentRoute().getPath(), status, nanos);
    });
    context.next();
  }

  /**
   * {@code id method path status 12.3ms}, the duration rounded to a tenth of a millisecond without a
   * trailing {@code .0}; built by hand because a message pattern is parsed again for every request.
   */
  static String line(String id, String method, String path, int status, long nanos) {
    long tenths = Math.round(nanos / 1e5);
    StringBuilder line = new StringBuilder(id.length() + path.length() + 32).append(id).append(' ').append(method)
        .append(' ').append(path).append(' ').append(status).append(' ').append(tenths / 10);
    if (tenths % 10 != 0) {
      line.append('.').append(tenths % 10);
    }
    return line.append("ms").toString();
  }
}
