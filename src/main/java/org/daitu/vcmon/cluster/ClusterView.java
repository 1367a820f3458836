package org.daitu.vcmon.cluster;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The cluster as the combination needs it: which vantages are live (their agents are members
 * now) and which of those are blind.
 */
public record ClusterView(Set<String> live, Map<String, BlindVantage> blind) {

  public ClusterView {
    live = Set.copyOf(live);
    blind = Map.copyOf(blind);
  }

  /** The live vantages, with the blind ones found from every latest verdict. */
  public static ClusterView of(
      Collection<WatchedSite> sites,
      Map<String, Map<String, VantageVerdict>> verdictsBySite,
      Set<String> live) {
    return new ClusterView(live, BlindVantages.find(sites, verdictsBySite, live));
  }

  /** A cluster of live vantages none of which is blind (one agent, or tests). */
  public static ClusterView allSeeing(Set<String> live) {
    return new ClusterView(live, Map.of());
  }
}
