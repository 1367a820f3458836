package org.daitu.vcmon.state;

import java.time.Instant;
import java.util.Optional;

/**
 * Tells the tracker whether a site is inside a maintenance window. The calendar behind it
 * (one-off and weekly windows, time zones) lives elsewhere; the tracker only asks.
 */
@FunctionalInterface
public interface MaintenanceSchedule {
  /** A short human description of the active window (shown as the reason), or empty. */
  Optional<String> activeWindow(String siteId, Instant at);

  MaintenanceSchedule NONE = (site, at) -> Optional.empty();
}
