package org.daitu.vcmon.store;

import java.time.Duration;

/**
 * How far behind notification delivery is, for the metrics and the readiness check.
 *
 * @param queued notifications not delivered yet, over all channels
 * @param oldestAge age of the oldest of them; zero when none is queued
 */
public record OutboxStats(int queued, Duration oldestAge) {}
