package org.daitu.vcmon.history;

import java.time.Instant;
import org.daitu.vcmon.state.SiteState;

/** One recorded change of a site's state, as kept in the store. */
public record StateChange(String siteId, SiteState from, SiteState to, Instant at, String reason) {}
