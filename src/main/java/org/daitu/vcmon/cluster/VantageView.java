package org.daitu.vcmon.cluster;

import java.time.Instant;
import org.daitu.vcmon.cluster.ClusterMessages.Text;
import org.daitu.vcmon.state.SiteState;

/**
 * One vantage's verdict on a site as the API shows it ({@code "vantages": {"tinh": {...}}}), and
 * whether the combination counted it.
 *
 * @param since null when the vantage has no verdict yet
 * @param leftOut why the verdict was not counted, for LEFT, BLIND and NOT_WATCHING; else null
 */
public record VantageView(
    String vantage,
    SiteState state,
    Instant since,
    String reason,
    Standing standing,
    Text leftOut) {

  /** How a vantage's verdict took part in the combination. */
  public enum Standing {
    /** Counted. */
    COUNTED,
    /** Live and watching, but UNKNOWN or no verdict yet: it says nothing about the site. */
    NO_VERDICT,
    /** Its agent has left the cluster: its last verdict is shown, never counted as DOWN. */
    LEFT,
    /** A DOWN or UNREACHABLE verdict of a blind vantage ({@link BlindVantages}): its path is cut. */
    BLIND,
    /** The site's {@code vantages} list does not name it (a verdict from before a reload). */
    NOT_WATCHING
  }

  public boolean counted() {
    return standing == Standing.COUNTED;
  }
}
