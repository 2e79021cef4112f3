package io.g4f.client.impl;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of a call: it fires when the call's deadline has passed, when the provider was silent for
 * longer than the idle timeout while silence counts, or when the attempt's first byte did not come within the
 * first-byte timeout, and then tells its {@link Expiry} once. Activity only notes
 * the time: the timer, set once, looks at that time when it fires and sets itself again for what is left, so a
 * stream of many items costs one timer per idle period, and a call shorter than the idle timeout one timer in
 * all. A streamed call hands the watchdog of its attempt to its stream, so that the wait for the answer and the
 * stream share it. Used on one context.
 */
final class Watchdog {

  /** Why a watchdog fired. */
  enum Reason {
    /** The call's deadline passed. */
    TOTAL,
    /** The provider was silent for the idle timeout. */
    IDLE,
    /** The attempt's first byte did not come within the first-byte timeout. */
    FIRST_BYTE
  }

  /** What a watchdog does when it fires. */
  @FunctionalInterface
  interface Expiry {

    /** The watchdog fired, for {@code reason}. */
    void expired(Reason reason);
  }

  private final Vertx vertx;
  private final long deadline;
  private final long idleNanos;
  /** When the first byte is due, in {@link System#nanoTime()}; unused once it came or without a first-byte timeout. */
  private final long firstByteDue;
  private boolean waitsForFirstByte;
  private Expiry expiry;
  /** When the provider or the consumer was last active, in {@link System#nanoTime()}. */
  private long activeAt;
  private boolean idleCounts;
  /** Whether silence counts while no body is being read: from the start for a stream, never for a whole answer. */
  private final boolean idleCountsWhileWaiting;
  /** Whole-answer bodies begun and not yet ended ({@link #bodyStarted}). */
  private int bodies;
  private long timer = -1;
  /** When the timer is due, in {@link System#nanoTime()}. */
  private long due;
  private boolean stopped;

  /**
   * Starts watching now.
   *
   * @param deadline the call's deadline, in {@link System#nanoTime()}
   * @param idleTimeout the longest silence in ms, while it counts
   * @param idleCounts whether silence counts from now
   * @param firstByteTimeout the longest wait for the first byte in ms ({@link #firstByte}), or 0 for none
   */
  Watchdog(Vertx vertx, long deadline, long idleTimeout, long firstByteTimeout, boolean idleCounts, Expiry expiry) {
    this.vertx = vertx;
    this.deadline = deadline;
    this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeout);
    this.expiry = expiry;
    this.activeAt = System.nanoTime();
    this.waitsForFirstByte = firstByteTimeout > 0;
    this.firstByteDue = activeAt + TimeUnit.MILLISECONDS.toNanos(firstByteTimeout);
    this.idleCounts = idleCounts;
    this.idleCountsWhileWaiting = idleCounts;
    arm(nextDue());
  }

  /** Tells {@code expiry} instead from now on. */
  void expiry(Expiry expiry) {
    this.expiry = expiry;
  }

  /** Notes activity now, and whether silence counts from here on. */
  void active(boolean idleCounts) {
    activeAt = System.nanoTime();
    this.idleCounts = idleCounts;
    if (!stopped && idleCounts && due - (activeAt + idleNanos) > 0) {
      vertx.cancelTimer(timer);
      arm(nextDue());
    }
  }

  /** The attempt's first byte came (a stream's first item, a whole answer's first bytes): the first-byte wait is over. */
  void firstByte() {
    waitsForFirstByte = false;
  }

  /**
   * A whole answer's body began (its headers are in): silence counts until every body begun has ended. Before it,
   * the provider is generating, which only the deadline (and the first-byte timeout) bounds.
   */
  void bodyStarted() {
    bodies++;
    firstByte();
    active(true);
  }

  /** A body {@link #bodyStarted} began ended or failed; once none is left, silence counts as it did before. */
  void bodyEnded() {
    if (--bodies == 0) {
      active(idleCountsWhileWaiting);
    }
  }

  /** Stops watching: the expiry is not told any more. */
  void stop() {
    if (!stopped) {
      stopped = true;
      vertx.cancelTimer(timer);
    }
  }

  private long nextDue() {
    long due = idleCounts && deadline - (activeAt + idleNanos) > 0 ? activeAt + idleNanos : deadline;
    return waitsForFirstByte && due - firstByteDue > 0 ? firstByteDue : due;
  }

  private void arm(long due) {
    this.due = due;
    long millis = TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime() + 999_999);
    timer = vertx.setTimer(Math.max(1, millis), id -> fired());
  }

  private void fired() {
    if (stopped) {
      return;
    }
    long now = System.nanoTime();
    Reason reason = now - deadline >= 0 ? Reason.TOTAL : idleCounts && now - activeAt >= idleNanos ? Reason.IDLE
        : waitsForFirstByte && now - firstByteDue >= 0 ? Reason.FIRST_BYTE : null;
    if (reason != null) {
      stopped = true;
      expiry.expired(reason);
    } else {
      arm(nextDue());
    }
  }
}
