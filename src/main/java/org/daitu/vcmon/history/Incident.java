package org.daitu.vcmon.history;

import java.time.Duration;
import java.time.Instant;
import org.daitu.vcmon.state.SiteState;

/**
 * One outage of one site: opened when the site went DOWN or UNREACHABLE, closed when it was next
 * seen UP or DEGRADED. While open, {@code closedAt} is null. An incident stays one incident when
 * the site moves between DOWN and UNREACHABLE; {@code parentIncidentId} links it to the parent's
 * incident that made it UNREACHABLE.
 *
 * @param kind the state that opened it (DOWN or UNREACHABLE)
 * @param reason why it opened (the transition's reason)
 * @param ackAt when someone acknowledged it, or null
 * @param ackNote the acknowledgement's note, or null
 */
public record Incident(
    long id,
    String siteId,
    SiteState kind,
    Instant openedAt,
    Instant closedAt,
    String reason,
    Long parentIncidentId,
    Instant ackAt,
    String ackNote) {

  public boolean open() {
    return closedAt == null;
  }

  /** Length so far (open) or in all (closed); never negative, even if the clock stepped back. */
  public Duration duration(Instant now) {
    Instant end = closedAt == null ? now : closedAt;
    Duration d = Duration.between(openedAt, end);
    return d.isNegative() ? Duration.ZERO : d;
  }
}
