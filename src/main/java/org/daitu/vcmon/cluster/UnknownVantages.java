package org.daitu.vcmon.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The vantages that sites name ({@code sites[].vantages}) but no agent of the cluster has been
 * seen as. The config cannot tell: which vantages exist is learnt from the members. A name here
 * is a typo, or an agent not started yet. Pure.
 */
public final class UnknownVantages {
  private UnknownVantages() {}

  /**
   * @param members every member known, up or gone
   * @return unknown vantage → the ids of the sites naming it, both in order
   */
  public static Map<String, List<String>> find(Collection<WatchedSite> sites, Collection<Member> members) {
    Set<String> seen = new HashSet<>();
    for (Member m : members) {
      if (m.vantage() != null) {
        seen.add(m.vantage());
      }
    }
    Map<String, List<String>> out = new TreeMap<>();
    for (WatchedSite site : sites) {
      for (String v : new java.util.TreeSet<>(site.vantages())) {
        if (!seen.contains(v)) {
          out.computeIfAbsent(v, k -> new ArrayList<>()).add(site.id());
        }
      }
    }
    out.replaceAll((k, v) -> List.copyOf(v));
    return out;
  }
}
