package io.g4f.server;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id ({@code x-request-id}: the caller's when it is a plain token, else a new
 * one), echoes it on the response, and logs one line per request when the response ends: id,
 * method, path, status and duration. Never the query, headers or body, so never keys or prompts.
 */
final class AccessLog implements Handler<RoutingContext> {

  private static final System.Logger LOG = System.getLogger("io.g4f.server.access");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  @Override
  public void handle(RoutingContext context) {
    long start = System.nanoTime();
    String given = context.request().getHeader("x-request-id");
    String id = given != null && TOKEN.matcher(given).matches() ? given : UUID.randomUUID().toString();
    context.response().putHeader("x-request-id", id);
    context.addEndHandler(ended -> LOG.log(System.Logger.Level.INFO, "{0} {1} {2} {3,number,#} {4,number,#.#}ms",
        id, context.request().method(), context.request().path(), context.response().getStatusCode(),
        (System.nanoTime() - start) / 1e6));
    context.next();
  }
}
