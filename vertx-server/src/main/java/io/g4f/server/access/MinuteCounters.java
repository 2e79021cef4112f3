package io.g4f.server.access;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Counter;
import java.time.Clock;

/**
 * Counts per calendar minute (of {@code clock}) in the cluster manager's shared data, so that every node of a
 * cluster counts into the same numbers (on a single node, the Vert.x instance's). Each counter is one
 * {@link Counter} by name holding the minute and the count in one long, updated by compare-and-set: a new minute
 * starts from zero without a counter per minute, so there is one counter per name, however long the gateway runs.
 */
final class MinuteCounters {

  /** Bits of the packed value that hold the count; the minute is above them. */
  private static final int COUNT_BITS = 38;
  private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
  private static final String PREFIX = "g4f.minute.";

  private final Vertx vertx;
  private final Clock clock;

  MinuteCounters(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  /** The current minute since the epoch. */
  long minute() {
    return clock.millis() / 60_000;
  }

  /** Seconds left in the current minute, at least 1: when a window's limit lifts. */
  long secondsLeft() {
    return Math.max(1, 60 - (clock.millis() / 1000) % 60);
  }

  /** Adds {@code amount} to {@code name}'s count in the current minute; the count after it. */
  Future<Long> add(String name, long amount) {
    return vertx.sharedData().getCounter(PREFIX + name).compose(counter -> add(counter, amount));
  }

  /** {@code name}'s count in the current minute. */
  Future<Long> get(String name) {
    return vertx.sharedData().getCounter(PREFIX + name).compose(Counter::get).map(packed -> count(packed, minute()));
  }

  private Future<Long> add(Counter counter, long amount) {
    return counter.get().compose(packed -> {
      long minute = minute();
      long count = Math.min(COUNT_MASK, count(packed, minute) + amount);
      return counter.compareAndSet(packed, (minute << COUNT_BITS) | count)
          .compose(set -> set ? Future.succeededFuture(count) : add(counter, amount));
    });
  }

  private static long count(long packed, long minute) {
    return packed >>> COUNT_BITS == minute ? packed & COUNT_MASK : 0;
  }
}
