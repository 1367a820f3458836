package org.daitu.vcmon.cluster;

import java.time.Instant;
import java.util.Objects;
import org.daitu.vcmon.state.SiteState;

/**
 * One vantage's latest verdict on one site: the state its own tracker decided, as it publishes it
 * on the event bus at each change.
 *
 * @param since when that vantage's tracker entered the state, by that agent's clock
 * @param reason the tracker's reason, in English as stored; never null
 */
public record VantageVerdict(
    String siteId, String vantage, SiteState state, Instant since, String reason) {

  public VantageVerdict {
    Objects.requireNonNull(siteId, "siteId");
    Objects.requireNonNull(vantage, "vantage");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
    reason = reason == null ? "" : reason;
  }

  /** The vantage cannot reach the site (its own tracker confirmed it). */
  boolean isOut() {
    return state == SiteState.DOWN || state == SiteState.UNREACHABLE;
  }

  /**
   * The state comes from checks: it says whether the site is reachable from this vantage.
   * UNKNOWN says nothing; PLANNED and MAINTENANCE come from configuration, not from the path.
   */
  boolean isMeasured() {
    return state.isOnline() || isOut();
  }
}
