package org.daitu.vcmon.history;

import java.time.Duration;

/**
 * Outages of one site over a reporting range, as the monthly report shows them.
 *
 * @param incidents incidents that overlap the range, including ones opened before it or still open
 * @param downtime time inside the range covered by an incident, maintenance and gaps removed
 * @param longest the longest single incident, measured the same way (clipped, exclusions removed)
 */
public record OutageStats(int incidents, Duration downtime, Duration longest) {
  public static final OutageStats NONE = new OutageStats(0, Duration.ZERO, Duration.ZERO);
}
