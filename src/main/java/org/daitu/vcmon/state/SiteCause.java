package org.daitu.vcmon.state;

import java.time.Instant;

/**
 * A cause a DEGRADED site holds: confirmed by as many checks as a state change needs, with the
 * time it was confirmed and its latest text.
 */
public record SiteCause(String key, String text, Instant since) {}
