package org.daitu.vcmon.cluster;

import org.daitu.vcmon.cluster.ClusterMessages.Text;

/**
 * A vantage whose DOWN and UNREACHABLE verdicts are left out of every combination because its own
 * path is cut: it cannot reach most of the sites it watches while {@code witness} sees most of
 * those same sites online. A site it still sees answer is still counted: that is a working path.
 *
 * @param sitesMeasured the sites it watches on which it has a measured verdict
 * @param sitesOut those it says are DOWN or UNREACHABLE
 * @param witness the live vantage that sees the most of those online (the first by id on a tie)
 * @param witnessOnline how many of the {@code sitesOut} the witness sees UP or DEGRADED
 */
public record BlindVantage(
    String vantage, int sitesMeasured, int sitesOut, String witness, int witnessOnline) {

  /** Why its outs are left out, for the API and the page. */
  public Text reason() {
    return ClusterMessages.blind(vantage, sitesOut, sitesMeasured, witness, witnessOnline);
  }
}
