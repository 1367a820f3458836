package org.daitu.vcmon.probe;

/**
 * One ICMP check of one address: {@code sent} echoes, {@code received} answers, RTT statistics
 * in seconds (NaN when nothing came back). When the probe could not run at all (fping missing,
 * no permission), {@code unavailableReason} says why and the counts are zero: that is "we do not
 * know", never "the site is down".
 */
public record IcmpResult(
    int sent,
    int received,
    double rttMinSeconds,
    double rttAvgSeconds,
    double rttMaxSeconds,
    double jitterSeconds,
    String unavailableReason) {

  public static IcmpResult unavailable(String reason) {
    return new IcmpResult(0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, reason);
  }

  /**
   * Builds a result from the RTTs of the echoes that came back. Jitter is the mean absolute
   * difference between consecutive answered echoes (RFC 3550 style, without smoothing).
   */
  public static IcmpResult measured(int sent, double[] rttSeconds) {
    if (rttSeconds.length == 0) {
      return new IcmpResult(sent, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, null);
    }
    double min = Double.MAX_VALUE;
    double max = 0;
    double sum = 0;
    double diffs = 0;
    for (int i = 0; i < rttSeconds.length; i++) {
      double r = rttSeconds[i];
      min = Math.min(min, r);
      max = Math.max(max, r);
      sum += r;
      if (i > 0) {
        diffs += Math.abs(r - rttSeconds[i - 1]);
      }
    }
    double jitter = rttSeconds.length > 1 ? diffs / (rttSeconds.length - 1) : 0.0;
    return new IcmpResult(sent, rttSeconds.length, min, sum / rttSeconds.length, max, jitter, null);
  }

  public boolean available() {
    return unavailableReason == null;
  }

  /** At least one echo came back. */
  public boolean answered() {
    return received > 0;
  }

  /** Lost echoes over sent echoes, 0..1; NaN when unavailable. */
  public double lossRatio() {
    if (!available() || sent == 0) {
      return Double.NaN;
    }
    return (sent - received) / (double) sent;
  }
}
