package org.daitu.vcmon.history;

import java.time.LocalDate;

/**
 * One day of the rollout burn-up, in the district's time zone: communes and towns connected (seen
 * UP at least once) by the end of the day, and online (UP or DEGRADED) at most and at least
 * during the day, as far as vcmon saw.
 */
public record DailyRollout(LocalDate day, int connected, int onlineMax, int onlineMin) {}
