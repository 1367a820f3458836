package org.daitu.vcmon.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock plus an offset a test steps forward or back, as NTP steps a wall clock: time
 * keeps running, and jumps when told. Thread-safe.
 */
public final class SteppedClock extends Clock {
  private volatile Duration offset = Duration.ZERO;

  public void step(Duration d) {
    offset = offset.plus(d);
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset);
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
