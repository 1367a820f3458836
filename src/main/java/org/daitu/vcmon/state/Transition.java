package org.daitu.vcmon.state;

import java.time.Instant;

/**
 * A change of a site's state, as decided by the tracker.
 *
 * @param announce whether outputs should tell people about it: false while the site is flapping
 *     (its changes are recorded, not re-announced) and for changes that never alert
 * @param flapping whether the site is flagged as flapping after this change
 */
public record Transition(
    String siteId,
    SiteState from,
    SiteState to,
    Instant at,
    String reason,
    boolean announce,
    boolean flapping) {}
