package org.daitu.vcmon.probe.trap;

import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per sender: each may send {@code burst} notifications at once and {@code
 * perSecond} a second after that; the rest are dropped before they are decoded, so one chatty or
 * hostile device costs little and cannot crowd out the others. Pure (the caller gives the time);
 * not thread-safe: owned by the receiver's one listening thread. Only known senders get a bucket,
 * so the map is bounded by the inventory.
 */
public final class RateLimit {
  /** What one notification costs, in nanoseconds of waiting: exact, no rounding drift. */
  private final long cost;
  private final long cap;
  private final Map<String, Bucket> buckets = new HashMap<>();

  private static final class Bucket {
    /** Credit in nanoseconds: {@code cost} of it buys one notification. */
    long credit;
    long at;
  }

  public RateLimit(double perSecond, int burst) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("rate " + perSecond + "/s and burst " + burst + " must be positive");
    }
    this.cost = Math.max(1, Math.round(1e9 / perSecond));
    this.cap = cost * burst;
  }

  /** Whether {@code source} may send one more at {@code nowNanos} (monotonic); takes a token if so. */
  public boolean allow(String source, long nowNanos) {
    Bucket b = buckets.get(source);
    if (b == null) {
      b = new Bucket();
      b.credit = cap;
      b.at = nowNanos;
      buckets.put(source, b);
    }
    long elapsed = Math.max(0, nowNanos - b.at);
    b.credit = Math.min(cap, b.credit + elapsed);
    b.at = Math.max(b.at, nowNanos);
    if (b.credit < cost) {
      return false;
    }
    b.credit -= cost;
    return true;
  }
}
