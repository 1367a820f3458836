package org.daitu.vcmon.history;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Folds each site's checks into 5-minute points (round trip average and maximum, loss ratio,
 * number of checks): what the 24-hour chart of a commune's page draws, at a bounded size (288
 * points a site a day, whatever the probe interval). A site's point is handed out when its next
 * check falls into another bucket; {@link #drain()} hands out the points still open. Pure; not
 * thread-safe (one owner).
 */
public final class SampleBuckets {
  public static final Duration BUCKET = Duration.ofMinutes(5);
  /** How long points are kept. */
  public static final Duration KEEP = Duration.ofDays(31);

  private final Map<String, SamplePoint> open = new HashMap<>();

  /** The start of the bucket {@code at} falls in (buckets start at 00:00, 00:05 ... UTC). */
  public static Instant bucketStart(Instant at) {
    long size = BUCKET.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), size) * size);
  }

  /**
   * Adds one check of a site: {@code sent} pings, {@code received} answered, their average and
   * longest round trip in seconds (NaN when none answered). A check that sent nothing (pinging
   * unavailable) is not a sample. Returns the site's previous point when this check starts
   * another bucket (later, or earlier after the clock stepped back).
   */
  public Optional<SamplePoint> add(
      String siteId, Instant at, int sent, int received, double rttAvgSeconds, double rttMaxSeconds) {
    if (sent <= 0) {
      return Optional.empty();
    }
    boolean answered = received > 0 && !Double.isNaN(rttAvgSeconds);
    double loss = Math.min(1.0, Math.max(0.0, (sent - received) / (double) sent));
    SamplePoint sample =
        new SamplePoint(
            siteId,
            bucketStart(at),
            1,
            answered ? 1 : 0,
            answered ? rttAvgSeconds * 1000 : 0,
            answered ? (Double.isNaN(rttMaxSeconds) ? rttAvgSeconds : rttMaxSeconds) * 1000 : 0,
            loss);
    SamplePoint current = open.get(siteId);
    if (current != null && current.at().equals(sample.at())) {
      open.put(siteId, current.plus(sample));
      return Optional.empty();
    }
    open.put(siteId, sample);
    return Optional.ofNullable(current);
  }

  /** The points still open, every site's, handed out and forgotten (at stop). */
  public List<SamplePoint> drain() {
    List<SamplePoint> out = new ArrayList<>(open.values());
    open.clear();
    return out;
  }
}
