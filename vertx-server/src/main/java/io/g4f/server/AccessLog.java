package io.g4f.server;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Gives every request an id ({@code x-request-id}: the caller's when it is a plain token, else a new
 * one), echoes it on the response, and when the response ends or the caller leaves logs one line (id,
 * method, path, status ({@value #CLIENT_CLOSED} when the caller never got one), duration; never the query,
 * headers or body, so never keys or prompts) and records the request's latency under its route template. The line is logged by one daemon thread, not the event
 * loop: a logging handler formats records and writes them to the console synchronously, which costs
 * tens of microseconds per request and blocks for as long as the console is not read. Lines wait in a
 * bounded queue; when it is full they are dropped and counted, and the count is logged.
 */
final class AccessLog implements Handler<RoutingContext> {

  private final GatewayMetrics metrics;

  AccessLog(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * The status logged and counted for a request whose caller left before it got a status line ({@value}, nginx's
   * "client closed request"); a stream the caller left after its status line keeps the status it was sent.
   */
  static final int CLIENT_CLOSED = 499;

  private static final System.Logger LOG = System.getLogger("io.g4f.server.access");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final int QUEUE_LINES = 10_000;
  /** Lines not yet logged, shared by every gateway in the JVM; taken by {@link #WRITER}. */
  private static final BlockingQueue<String> LINES = new ArrayBlockingQueue<>(QUEUE_LINES);
  private static final AtomicLong DROPPED = new AtomicLong();
  private static final Thread WRITER = new Thread(AccessLog::write, "g4f-access-log");

  static {
    WRITER.setDaemon(true);
    WRITER.start();
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
      if (LOG.isLoggable(System.Logger.Level.INFO)
          && !LINES.offer(line(id, context.request().method().name(), context.request().path(), status, nanos,
              context.response().headers().get(ModelRouter.PROVIDER_HEADER)))) {
        DROPPED.incrementAndGet();
      }
      metrics.request(context.currentRoute() == null || context.currentRoute().getPath() == null
          ? "unmatched" : context.currentRoute().getPath(), status, nanos);
    });
    context.next();
  }

  /** The writer thread's loop: logs each queued line, and first how many were dropped since the last report. */
  private static void write() {
    while (true) {
      String line;
      try {
        line = LINES.take();
      } catch (InterruptedException e) {
        return;
      }
      long dropped = DROPPED.getAndSet(0);
      if (dropped > 0) {
        LOG.log(System.Logger.Level.WARNING, dropped + " access log lines dropped: the log could not keep up");
      }
      LOG.log(System.Logger.Level.INFO, line);
    }
  }

  /**
   * {@code id method path status 12.3ms [provider]}, the duration rounded to a tenth of a millisecond without a
   * trailing {@code .0}, then the configured provider that served, if any; built by hand because a message
   * pattern is parsed again for every request.
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
