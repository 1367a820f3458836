package org.daitu.vcmon.history;

import java.time.Duration;
import java.time.Instant;

/** A half-open span of time [from, to). Empty when to is not after from. */
public record Interval(Instant from, Instant to) {

  public Duration length() {
    return to.isAfter(from) ? Duration.between(from, to) : Duration.ZERO;
  }

  public boolean isEmpty() {
    return !to.isAfter(from);
  }

  public boolean contains(Instant t) {
    return !t.isBefore(from) && t.isBefore(to);
  }
}
