package io.g4f.server.access;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Counter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The cluster manager's counters by name (on a single node, the Vert.x instance's), reached so that no cluster call
 * holds an event loop: a counter is made once per name on a worker (the cluster manager makes it with a blocking
 * call), and a caller waits for the cluster's answer at most {@link #CLUSTER_WAIT_MS} ({@link #bounded}), deciding
 * with a count of its own node when the cluster does not answer in time (a peer frozen or cut off). Thread-safe.
 */
public final class SharedCounters {

  /** Longest wait for the cluster's answer before a node decides with its own count: {@value} ms. */
  public static final long CLUSTER_WAIT_MS = 250;

  private final Function<String, Future<Counter>> shared;
  private final Map<String, Future<Counter>> counters = new ConcurrentHashMap<>();

  /** The counters of {@code vertx}'s shared data. */
  public SharedCounters(Vertx vertx) {
    this(name -> vertx.executeBlocking(() -> vertx.sharedData().getCounter(name)
        .toCompletionStage().toCompletableFuture().get()));
  }

  /** Counters made by {@code shared} (once a name, and never on an event loop). */
  SharedCounters(Function<String, Future<Counter>> shared) {
    this.shared = shared;
  }

  /** The counter {@code name}, made once; a failed making is tried again at the next call. */
  public Future<Counter> counter(String name) {
    Future<Counter> counter = counters.computeIfAbsent(name, shared);
    if (counter.failed()) {
      counters.remove(name, counter);
    }
    return counter;
  }

  /** {@code value} when the cluster gives it within {@link #CLUSTER_WAIT_MS}, else (or when it fails) {@code alone}. */
  public static <T> Future<T> bounded(Future<T> value, T alone) {
    return value.timeout(CLUSTER_WAIT_MS, TimeUnit.MILLISECONDS).otherwise(alone);
  }
}
