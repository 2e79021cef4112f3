package io.g4f.server.access;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Counter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts per calendar minute (of {@code clock}) in the cluster manager's shared data, so that every node of a
 * cluster counts into the same numbers (on a single node, the Vert.x instance's). Each counter is one
 * {@link Counter} by name holding the minute and the count in one long, updated by compare-and-set: a new minute
 * starts from zero without a counter per minute, so there is one counter per name, however long the gateway runs.
 *
 * <p>No cluster call can hold an event loop ({@link SharedCounters}): each count waits for the cluster at most
 * {@link SharedCounters#CLUSTER_WAIT_MS}. When the cluster does not answer in time (a peer frozen or cut off), this node decides alone with its own count of the minute, which
 * it keeps beside the shared one: during a partition of N nodes a key may get up to N times its limit.
 */
final class MinuteCounters {

  /** Bits of the packed value that hold the count; the minute is above them. */
  private static final int COUNT_BITS = 38;
  private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
  private static final String PREFIX = "g4f.minute.";

  private final Clock clock;
  private final SharedCounters shared;
  /** This node's own packed count of each name, what it decides with when the cluster is slow. */
  private final Map<String, AtomicLong> own = new ConcurrentHashMap<>();

  MinuteCounters(Vertx vertx, Clock clock) {
    this(clock, new SharedCounters(vertx));
  }

  /** Counters whose shared counter of a name is {@code shared}'s. */
  MinuteCounters(Clock clock, SharedCounters shared) {
    this.clock = clock;
    this.shared = shared;
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
    long minute = minute();
    long alone = own.computeIfAbsent(name, key -> new AtomicLong()).updateAndGet(packed ->
        (minute << COUNT_BITS) | Math.min(COUNT_MASK, count(packed, minute) + amount)) & COUNT_MASK;
    return SharedCounters.bounded(shared.counter(PREFIX + name).compose(counter -> add(counter, amount)), alone);
  }

  /** {@code name}'s count in the current minute. */
  Future<Long> get(String name) {
    long minute = minute();
    AtomicLong mine = own.get(name);
    long alone = mine == null ? 0 : count(mine.get(), minute);
    return SharedCounters.bounded(shared.counter(PREFIX + name).compose(Counter::get)
        .map(packed -> count(packed, minute)), alone);
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
