package org.daitu.vcmon.history;

import java.time.Instant;

/**
 * A period when vcmon could not observe the sites: it was not running, or its own uplink was
 * down (self-check targets silent). Excluded from availability: neither uptime nor downtime.
 *
 * @param to null while the gap is still going on
 */
public record Gap(Instant from, Instant to, Kind kind, String reason) {

  public enum Kind {
    /** vcmon was stopped or crashed. */
    AGENT_STOPPED,
    /** vcmon ran but its own network was down. */
    UPLINK_DOWN
  }
}
