package org.daitu.vcmon.store;

import java.time.Duration;

/**
 * Exponential backoff: {@code first}, twice that, four times, ... never more than {@code max}.
 * Pure and immutable.
 */
public record Backoff(Duration first, Duration max) {

  public Backoff {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < first <= max, got " + first + " and " + max);
    }
  }

  /** The wait after {@code failures} failures in a row (the first wait after one). */
  public Duration delay(int failures) {
    int shift = Math.max(0, Math.min(failures - 1, 30));
    Duration d = first.multipliedBy(1L << shift);
    return d.compareTo(max) > 0 ? max : d;
  }
}
