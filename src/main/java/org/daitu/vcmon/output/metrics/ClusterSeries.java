package org.daitu.vcmon.output.metrics;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.daitu.vcmon.cluster.Member;
import org.daitu.vcmon.cluster.MemberView;
import org.daitu.vcmon.cluster.Ownership;
import org.daitu.vcmon.state.SiteState;

/**
 * The cluster's series of {@code /metrics} whose labels come and go with the members, written as
 * Prometheus text at scrape time like {@link SiteSeries}: {@code vcmon_vantage_up{vantage}} and
 * {@code vcmon_site_vantage_state{site,state,vantage}}; and the count behind {@code
 * vcmon_sites_owned}. Costs at 10,000 sites: the per-vantage states are written again only when
 * their supplier hands a new map (one series per site and vantage: the current state only, not
 * one per state), and the owned sites are counted again (a SHA-256 per site and live vantage)
 * only when the sites or the live vantages changed. Thread-safe (scrapes take turns).
 */
final class ClusterSeries {
  private final MemberView members;
  private volatile Supplier<Map<String, Map<String, SiteState>>> states;

  private Map<String, Map<String, SiteState>> lastStates;
  private byte[] lastStatesText = new byte[0];

  private List<String> ownedFor = List.of();
  private Set<String> ownedLive = Set.of();
  private int owned;
  private boolean counted;

  ClusterSeries(MemberView members) {
    this.members = members;
  }

  /** Where {@code vcmon_site_vantage_state} comes from: site → vantage → that vantage's verdict. */
  void states(Supplier<Map<String, Map<String, SiteState>>> supplier) {
    this.states = supplier;
  }

  /**
   * How many of {@code siteIds} this agent owns (sends the notifications of) over the live
   * vantages now; 0 while it is not up itself.
   */
  synchronized int owned(List<String> siteIds) {
    Set<String> live = members.liveVantages();
    if (counted && live.equals(ownedLive) && siteIds.equals(ownedFor)) {
      return owned;
    }
    String self = members.self();
    int n = 0;
    for (String id : siteIds) {
      if (Ownership.owner(id, live).filter(self::equals).isPresent()) {
        n++;
      }
    }
    ownedFor = List.copyOf(siteIds);
    ownedLive = Set.copyOf(live);
    owned = n;
    counted = true;
    return n;
  }

  /** Both families as text, to append to the scrape. */
  synchronized byte[] render() {
    StringBuilder b = new StringBuilder(256);
    b.append("# HELP vcmon_vantage_up 1 while the agent of this vantage is a member of the cluster, 0 after it left\n");
    b.append("# TYPE vcmon_vantage_up gauge\n");
    // Two nodes may briefly claim one vantage (one is refused): one series, up if either is.
    Map<String, Boolean> up = new TreeMap<>();
    for (Member m : members.members()) {
      if (m.vantage() != null) {
        up.merge(m.vantage(), m.up(), Boolean::logicalOr);
      }
    }
    up.forEach(
        (vantage, isUp) ->
            b.append("vcmon_vantage_up{vantage=\"").append(SiteSeries.escape(vantage)).append("\"} ")
                .append(isUp ? "1.0" : "0.0").append('\n'));
    byte[] head = b.toString().getBytes(StandardCharsets.UTF_8);
    byte[] verdicts = statesText();
    byte[] all = new byte[head.length + verdicts.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(verdicts, 0, all, head.length, verdicts.length);
    return all;
  }

  private byte[] statesText() {
    Supplier<Map<String, Map<String, SiteState>>> supplier = states;
    Map<String, Map<String, SiteState>> now = supplier == null ? null : supplier.get();
    if (now == null || now.isEmpty()) {
      lastStates = null;
      return new byte[0];
    }
    if (now == lastStates) {
      return lastStatesText;
    }
    StringBuilder b = new StringBuilder(64 + now.size() * 80);
    b.append("# HELP vcmon_site_vantage_state 1 for the latest verdict of each live vantage on each site it watches\n");
    b.append("# TYPE vcmon_site_vantage_state gauge\n");
    for (Map.Entry<String, Map<String, SiteState>> site : now.entrySet()) {
      String id = SiteSeries.escape(site.getKey());
      for (Map.Entry<String, SiteState> v : new TreeMap<>(site.getValue()).entrySet()) {
        if (v.getValue() == null) {
          continue;
        }
        b.append("vcmon_site_vantage_state{site=\"").append(id)
            .append("\",state=\"").append(v.getValue().name())
            .append("\",vantage=\"").append(SiteSeries.escape(v.getKey())).append("\"} 1.0\n");
      }
    }
    lastStates = now;
    lastStatesText = b.toString().getBytes(StandardCharsets.UTF_8);
    return lastStatesText;
  }
}
