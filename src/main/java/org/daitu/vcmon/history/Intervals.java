package org.daitu.vcmon.history;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Arithmetic over half-open {@link Interval}s [from, to), the building block of availability and
 * maintenance: maintenance windows, gaps and outages overlap freely, and every "how long" question
 * must count each instant at most once. Empty intervals are dropped from every list result, so
 * callers never see a zero-length or inverted piece. Stateless.
 */
public final class Intervals {
  private Intervals() {}

  /** The part of {@code interval} inside {@code range}; empty (from == to) when they do not meet. */
  public static Interval clip(Interval interval, Interval range) {
    Instant from = max(interval.from(), range.from());
    Instant to = min(interval.to(), range.to());
    return to.isAfter(from) ? new Interval(from, to) : new Interval(from, from);
  }

  /** Each interval clipped to {@code range}, empty pieces dropped, input order kept. */
  public static List<Interval> clip(Collection<Interval> intervals, Interval range) {
    List<Interval> out = new ArrayList<>();
    for (Interval i : intervals) {
      Interval c = clip(i, range);
      if (!c.isEmpty()) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Sorted, non-overlapping intervals covering the same instants. Touching intervals ([a, b) and
   * [b, c)) become one, so a weekly window that ends where a one-off begins reads as one span.
   */
  public static List<Interval> merge(Collection<Interval> intervals) {
    List<Interval> sorted = new ArrayList<>();
    for (Interval i : intervals) {
      if (!i.isEmpty()) {
        sorted.add(i);
      }
    }
    sorted.sort(Comparator.comparing(Interval::from));
    List<Interval> out = new ArrayList<>();
    for (Interval i : sorted) {
      if (!out.isEmpty() && !i.from().isAfter(out.get(out.size() - 1).to())) {
        Interval last = out.remove(out.size() - 1);
        out.add(new Interval(last.from(), max(last.to(), i.to())));
      } else {
        out.add(i);
      }
    }
    return out;
  }

  /** The pieces of {@code interval} not covered by any of {@code holes}, in time order. */
  public static List<Interval> subtract(Interval interval, Collection<Interval> holes) {
    List<Interval> out = new ArrayList<>();
    if (interval.isEmpty()) {
      return out;
    }
    Instant cursor = interval.from();
    for (Interval hole : merge(clip(holes, interval))) {
      if (hole.from().isAfter(cursor)) {
        out.add(new Interval(cursor, hole.from()));
      }
      cursor = max(cursor, hole.to());
    }
    if (interval.to().isAfter(cursor)) {
      out.add(new Interval(cursor, interval.to()));
    }
    return out;
  }

  /** Length of the union: overlapping intervals count once, empty or inverted ones not at all. */
  public static Duration total(Collection<Interval> intervals) {
    Duration sum = Duration.ZERO;
    for (Interval i : merge(intervals)) {
      sum = sum.plus(i.length());
    }
    return sum;
  }

  static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
