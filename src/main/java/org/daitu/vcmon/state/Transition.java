package org.daitu.vcmon.state;

import java.time.Instant;
import java.util.List;

/**
 * A change of a site's state, as decided by the tracker, or of the causes of a site that stays
 * DEGRADED ({@code from == to}, with at least one cause added or cleared).
 *
 * @param reason why: the new state's reason, or for a change of causes what changed
 * @param announce whether outputs should tell people about it: false while the site is flapping
 *     (its changes are recorded, not re-announced) and for changes that never alert
 * @param flapping whether the site is flagged as flapping after this change
 * @param causesAdded texts of the causes a DEGRADED site gained; empty for a change of state
 * @param causesCleared texts of the causes a DEGRADED site lost; empty for a change of state
 */
public record Transition(
    String siteId,
    SiteState from,
    SiteState to,
    Instant at,
    String reason,
    boolean announce,
    boolean flapping,
    List<String> causesAdded,
    List<String> causesCleared) {

  public Transition {
    causesAdded = List.copyOf(causesAdded);
    causesCleared = List.copyOf(causesCleared);
  }

  /** A change of state. */
  public Transition(
      String siteId,
      SiteState from,
      SiteState to,
      Instant at,
      String reason,
      boolean announce,
      boolean flapping) {
    this(siteId, from, to, at, reason, announce, flapping, List.of(), List.of());
  }

  /** True for a change of a DEGRADED site's causes, the state staying the same. */
  public boolean causesChanged() {
    return !causesAdded.isEmpty() || !causesCleared.isEmpty();
  }
}
