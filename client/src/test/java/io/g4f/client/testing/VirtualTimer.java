package io.g4f.client.testing;

import io.g4f.client.impl.Retry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Retry.Timer} on virtual time: each wait is recorded, moves the clock forward by its length and ends
 * at once (the task runs on the same context, after the current one), so backoff costs no real time.
 */
public final class VirtualTimer implements Retry.Timer {

  private final AtomicLong advanced = new AtomicLong();
  private final List<Long> waits = new CopyOnWriteArrayList<>();

  @Override
  public long nanoTime() {
    return System.nanoTime() + advanced.get();
  }

  @Override
  public void schedule(long delayMillis, Runnable task) {
    waits.add(delayMillis);
    advanced.addAndGet(delayMillis * 1_000_000);
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("Retries are scheduled from a Vert.x context");
    }
    context.runOnContext(v -> task.run());
  }

  /** Each wait asked for, in ms, in order. */
  public List<Long> waits() {
    return waits;
  }
}
