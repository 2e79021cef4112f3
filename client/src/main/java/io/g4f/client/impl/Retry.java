package io.g4f.client.impl;

import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.G4fException;
import io.netty.handler.proxy.ProxyConnectException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries with backoff, as openai-java does: the provider's {@code Retry-After} when it gave one (up to a
 * minute), else the {@link Backoff} ({@link #EXPONENTIAL}: 0.5 s doubling up to 8 s, minus up to 25 % jitter).
 * Only {@linkplain G4fException#retryable() retryable} failures are retried, and never past the deadline; a
 * provider that could not be reached at all (connection refused, unknown host, proxy unreachable), or did not send
 * its first byte within the first-byte timeout, is not retried when another provider follows it: the fallback is
 * tried at once. The
 * backoff and the {@link Timer} it waits on are injected, so tests take no real time.
 */
public final class Retry {

  /** The delay before a retry when the provider asked for none. */
  @FunctionalInterface
  public interface Backoff {

    /** The delay in ms before retry number {@code retry} (0-based). */
    long delayMillis(int retry);
  }

  /** The time retries run on. */
  public interface Timer {

    /** Now, in the units and origin of {@link System#nanoTime()} (deadlines are given in them). */
    long nanoTime();

    /** Runs {@code task} on the current Vert.x context after {@code delayMillis} (at least 1). */
    void schedule(long delayMillis, Runnable task);
  }

  /** 0.5 s doubling up to 8 s, minus up to 25 % jitter. */
  public static final Backoff EXPONENTIAL = retry -> {
    long backoff = Math.min(500L << Math.min(retry, 10), 8_000L);
    return (long) (backoff * (1 - 0.25 * ThreadLocalRandom.current().nextDouble()));
  };

  private final Backoff backoff;
  private final Timer timer;

  /** Retries that wait {@code backoff} on {@code timer}. */
  public Retry(Backoff backoff, Timer timer) {
    this.backoff = backoff;
    this.timer = timer;
  }

  /** The client's retries: {@link #EXPONENTIAL} backoff on {@code vertx}'s timers and the system clock. */
  public static Retry standard(Vertx vertx) {
    return new Retry(EXPONENTIAL, new Timer() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void schedule(long delayMillis, Runnable task) {
        vertx.setTimer(delayMillis, id -> task.run());
      }
    });
  }

  /**
   * Runs {@code attempt} once, then up to {@code maxRetries} more times while it fails retryably; with
   * {@code fallbackFollows}, a provider that could not be reached fails at once.
   */
  <T> Future<T> run(int maxRetries, long deadlineNanos, boolean fallbackFollows, Supplier<Future<T>> attempt) {
    Promise<T> promise = Promise.promise();
    run(0, maxRetries, deadlineNanos, fallbackFollows, attempt, promise);
    return promise.future();
  }

  private <T> void run(int retry, int maxRetries, long deadlineNanos, boolean fallbackFollows,
                       Supplier<Future<T>> attempt, Promise<T> promise) {
    attempt.get().onComplete(result -> {
      if (result.succeeded()) {
        promise.complete(result.result());
        return;
      }
      Throwable failure = result.cause();
      long delay = failure instanceof G4fException g4f && !(fallbackFollows && (unreachable(g4f)
          || FIRST_BYTE_TIMEOUT.equals(g4f.code())))
          ? delayMillis(g4f, retry) : -1;
      boolean inTime = timer.nanoTime() + Duration.ofMillis(delay).toNanos() < deadlineNanos;
      if (retry < maxRetries && delay >= 0 && inTime) {
        timer.schedule(Math.max(1, delay), () -> run(retry + 1, maxRetries, deadlineNanos, fallbackFollows, attempt, promise));
      } else {
        promise.fail(failure);
      }
    });
  }

  /** The code of the failure of an attempt whose first byte did not come within the first-byte timeout. */
  static final String FIRST_BYTE_TIMEOUT = "first_byte_timeout";

  /** Whether {@code failure} is a connection that could not be made (refused, unknown host, proxy unreachable). */
  static boolean unreachable(G4fException failure) {
    return failure instanceof ConnectionException && (failure.getCause() instanceof ConnectException
        || failure.getCause() instanceof UnknownHostException || failure.getCause() instanceof ProxyConnectException);
  }

  /** The delay before retry number {@code retry} (0-based), or -1 when the failure is not retryable. */
  private long delayMillis(G4fException failure, int retry) {
    if (!failure.retryable()) {
      return -1;
    }
    return failure.retryAfter() != null ? failure.retryAfter().toMillis() : backoff.delayMillis(retry);
  }
}
