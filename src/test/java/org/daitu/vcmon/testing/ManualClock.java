package org.daitu.vcmon.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The tests' one clock that a test moves. {@code new ManualClock(start)} stands still until the
 * test advances it; {@link #running()} follows the system clock and jumps when advanced (forward
 * or back), as NTP steps a wall clock under a running agent. Thread-safe; always UTC.
 */
public final class ManualClock extends Clock {
  /** The start of a standing clock, or null for a running one. */
  private final Instant start;
  private volatile Duration offset = Duration.ZERO;

  public ManualClock(Instant start) {
    this.start = start;
  }

  private ManualClock() {
    this.start = null;
  }

  /** A clock that runs with the system clock, offset by whatever the test has advanced it. */
  public static ManualClock running() {
    return new ManualClock();
  }

  /** Moves the clock by {@code d}; a negative {@code d} steps it back. */
  public synchronized void advance(Duration d) {
    offset = offset.plus(d);
  }

  @Override
  public Instant instant() {
    return (start == null ? Instant.now() : start).plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
