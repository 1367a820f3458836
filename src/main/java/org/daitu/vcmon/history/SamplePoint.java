package org.daitu.vcmon.history;

import java.time.Instant;

/**
 * One site's checks within one 5-minute bucket, kept as sums so that two points of the same bucket
 * (written before and after a restart) add up exactly.
 *
 * @param at the bucket's start
 * @param checks checks that sent pings
 * @param rttChecks those of them with an answer, whose round trips {@code rttSumMs} adds
 * @param rttMaxMs the longest round trip, 0 when none answered
 * @param lossSum the checks' loss ratios added up
 */
public record SamplePoint(
    String siteId, Instant at, int checks, int rttChecks, double rttSumMs, double rttMaxMs, double lossSum) {

  /** The mean of the checks' average round trips; null when no check was answered. */
  public Double rttAvgMs() {
    return rttChecks == 0 ? null : rttSumMs / rttChecks;
  }

  /** The longest round trip; null when no check was answered. */
  public Double rttMax() {
    return rttChecks == 0 ? null : rttMaxMs;
  }

  /** The mean loss ratio of the checks (0 to 1); null without checks. */
  public Double lossRatio() {
    return checks == 0 ? null : lossSum / checks;
  }

  /** This point and another of the same site and bucket as one. */
  public SamplePoint plus(SamplePoint o) {
    return new SamplePoint(
        siteId, at, checks + o.checks, rttChecks + o.rttChecks, rttSumMs + o.rttSumMs,
        Math.max(rttMaxMs, o.rttMaxMs), lossSum + o.lossSum);
  }
}
