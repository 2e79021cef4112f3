package io.g4f.client.impl;

import io.g4f.client.G4fException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries with exponential backoff and jitter, as openai-java does: 0.5 s doubling up to 8 s, minus up
 * to 25 % jitter, or the provider's {@code Retry-After} when it gave one (up to a minute). Only
 * {@linkplain G4fException#retryable() retryable} failures are retried, and never past the deadline.
 */
final class Retry {

  private static final long INITIAL_DELAY_MS = 500;
  private static final long MAX_DELAY_MS = 8_000;

  private Retry() {
  }

  /** Runs {@code attempt} once, then up to {@code maxRetries} more times while it fails retryably. */
  static <T> Future<T> run(Vertx vertx, int maxRetries, long deadlineNanos, Supplier<Future<T>> attempt) {
    Promise<T> promise = Promise.promise();
    run(vertx, 0, maxRetries, deadlineNanos, attempt, promise);
    return promise.future();
  }

  private static <T> void run(Vertx vertx, int retry, int maxRetries, long deadlineNanos,
                              Supplier<Future<T>> attempt, Promise<T> promise) {
    attempt.get().onComplete(result -> {
      if (result.succeeded()) {
        promise.complete(result.result());
        return;
      }
      Throwable failure = result.cause();
      long delay = failure instanceof G4fException g4f ? delayMillis(g4f, retry) : -1;
      boolean inTime = System.nanoTime() + Duration.ofMillis(delay).toNanos() < deadlineNanos;
      if (retry < maxRetries && delay >= 0 && inTime) {
        vertx.setTimer(Math.max(1, delay), id -> run(vertx, retry + 1, maxRetries, deadlineNanos, attempt, promise));
      } else {
        promise.fail(failure);
      }
    });
  }

  /** The delay before retry number {@code retry} (0-based), or -1 when the failure is not retryable. */
  static long delayMillis(G4fException failure, int retry) {
    if (!failure.retryable()) {
      return -1;
    }
    if (failure.retryAfter() != null) {
      return failure.retryAfter().toMillis();
    }
    long backoff = Math.min(INITIAL_DELAY_MS << Math.min(retry, 10), MAX_DELAY_MS);
    return (long) (backoff * (1 - 0.25 * ThreadLocalRandom.current().nextDouble()));
  }
}
