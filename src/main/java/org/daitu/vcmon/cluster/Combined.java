package org.daitu.vcmon.cluster;

import java.time.Instant;
import java.util.List;
import org.daitu.vcmon.cluster.ClusterMessages.Text;
import org.daitu.vcmon.state.SiteState;

/**
 * A site's combined state over every vantage: what the page, the API, the history and the
 * notifications show once several agents watch it.
 *
 * @param since when the combined state began; kept across updates that leave the state as it is
 * @param reason in English, as stored: the deciding verdict's reason, then the cluster's own
 *     parts ({@code notes}), joined with "; " and cut like every reason
 * @param notes the parts of the reason the cluster added, in both languages: the vantages that
 *     cannot reach the site, or why no vantage decides it
 * @param vantages every vantage that watches the site or has a verdict on it, in id order
 */
public record Combined(
    String siteId,
    SiteState state,
    Instant since,
    String reason,
    List<Text> notes,
    List<VantageView> vantages) {

  public Combined {
    notes = List.copyOf(notes);
    vantages = List.copyOf(vantages);
  }
}
