package io.g4f.server;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that stands still until a test moves it. */
final class TestClock extends Clock {

  private final AtomicLong millis;

  /** A clock at {@code instant}. */
  TestClock(Instant instant) {
    millis = new AtomicLong(instant.toEpochMilli());
  }

  /** Moves the clock forward by {@code seconds}. */
  void advanceSeconds(long seconds) {
    millis.addAndGet(seconds * 1000);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }
}
