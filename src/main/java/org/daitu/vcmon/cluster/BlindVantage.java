package org.daitu.vcmon.cluster;

import org.daitu.vcmon.cluster.ClusterMessages.Text;

/**
 * A vantage left out of every combination because its own path is cut: it cannot reach most of
 * the sites it watches while {@code witness} sees most of those same sites online.
 *
 * @param sitesMeasured the sites it watches on which it has a measured verdict
 * @param sitesOut those it says are DOWN or UNREACHABLE
 * @param witness the live vantage that sees the most of those online (the first by id on a tie)
 * @param witnessOnline how many of the {@code sitesOut} the witness sees UP or DEGRADED
 */
public record BlindVantage(
    String vantage, int sitesMeasured, int sitesOut, String witness, int witnessOnline) {

  /** Why it is left out, for the API and the page. */
  public Text reason() {
    return ClusterMessages.blind(vantage, sitesOut, sitesMeasured, witness, witnessOnline);
  }
}
