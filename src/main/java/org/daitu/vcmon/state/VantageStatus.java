package org.daitu.vcmon.state;

import java.time.Instant;

/**
 * One vantage's verdict on a site, as shown with the site when several agents watch it: the
 * state that vantage's own agent decided, and whether the site's combined state counted it.
 *
 * @param since null when that vantage has no verdict yet
 * @param standing how the verdict took part: {@code counted}, {@code no_verdict}, {@code left}
 *     (its agent left the cluster), {@code blind} (it cannot reach most of its sites) or {@code
 *     not_watching}
 * @param note why it was not counted, in English; null when counted
 * @param noteVi the same in Vietnamese; null when counted
 */
public record VantageStatus(
    String vantage,
    SiteState state,
    Instant since,
    String reason,
    String standing,
    String note,
    String noteVi) {}
