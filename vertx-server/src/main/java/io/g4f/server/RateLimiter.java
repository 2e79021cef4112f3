package io.g4f.server;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Per-caller token buckets: each caller (as the gateway identifies it: its key, or its address) may make
 * {@code perMinute} requests a minute, in bursts of up to as many; beyond that it gets 429 with
 * {@code Retry-After}. Buckets idle long enough to be full again are dropped, so memory stays bounded
 * by the callers of the last minute. Runs on the verticle's event loop only.
 */
final class RateLimiter implements Handler<RoutingContext> {

  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final int perMinute;
  private final Function<RoutingContext, String> caller;
  private final Map<String, Bucket> buckets = new HashMap<>();

  RateLimiter(int perMinute, Function<RoutingContext, String> caller) {
    this.perMinute = perMinute;
    this.caller = caller;
  }

  private static final class Bucket {
    double tokens;
    long updated;
  }

  @Override
  public void handle(RoutingContext context) {
    long now = System.nanoTime();
    Bucket bucket = buckets.computeIfAbsent(caller.apply(context), id -> {
      Bucket fresh = new Bucket();
      fresh.tokens = perMinute;
      fresh.updated = now;
      return fresh;
    });
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.updated) * (double) perMinute / MINUTE_NANOS);
    bucket.updated = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      context.next();
      return;
    }
    long waitSeconds = (long) Math.ceil((1 - bucket.tokens) * 60.0 / perMinute);
    OpenAiErrors.send(context.response(), new OpenAiErrors.Error(429, OpenAiErrors.of(429,
        "Rate limit of " + perMinute + " requests per minute reached; retry in " + waitSeconds + " s",
        "rate_limit_error", null, "rate_limit_exceeded").body(), waitSeconds));
  }

  /** Drops buckets that have been idle long enough to be full; call periodically. */
  void evictIdle() {
    long now = System.nanoTime();
    buckets.values().removeIf(bucket -> now - bucket.updated >= MINUTE_NANOS);
  }
}
