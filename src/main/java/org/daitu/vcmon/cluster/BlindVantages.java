package org.daitu.vcmon.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds the blind vantages: "a vantage that cannot reach most of its sites is itself blind, not
 * the cause of thirty outages" — the cluster's form of the single agent's self-check.
 *
 * <p>A live vantage is blind when
 *
 * <ol>
 *   <li>it has a measured verdict (UP, DEGRADED, DOWN, UNREACHABLE) on at least {@link
 *       #MIN_SITES} of the sites it watches — two sites, one down, is one outage, not blindness;
 *   <li>more than half of those are DOWN or UNREACHABLE from it; and
 *   <li>another live vantage that watches them sees more than half of those same out sites UP or
 *       DEGRADED. Without such a witness the outages are believed: when every vantage sees the
 *       district out, the district is out and must page.
 * </ol>
 *
 * UNKNOWN, PLANNED and MAINTENANCE verdicts count neither way: they say nothing about the path.
 * A witness needs no vetting of its own: seeing a site answer is proof of a working path. No
 * hysteresis here: the verdicts are already debounced by each vantage's tracker.
 */
public final class BlindVantages {
  /** Fewest measured sites for a vantage to be called blind. */
  public static final int MIN_SITES = 5;

  private BlindVantages() {}

  /**
   * @param sites every site of the inventory, with who watches it
   * @param verdictsBySite the latest verdicts: site id → vantage → verdict
   * @param live the vantages whose agents are members of the cluster now; departed ones are left
   *     out of the combination anyway, so only live ones are judged and only live ones witness
   * @return the blind vantages by id, in id order
   */
  public static Map<String, BlindVantage> find(
      Collection<WatchedSite> sites,
      Map<String, Map<String, VantageVerdict>> verdictsBySite,
      Set<String> live) {
    Map<String, BlindVantage> blind = new TreeMap<>();
    for (String vantage : new TreeSet<>(live)) {
      int measured = 0;
      List<WatchedSite> out = new ArrayList<>();
      for (WatchedSite site : sites) {
        VantageVerdict v = verdict(verdictsBySite, site, vantage);
        if (v != null && v.isMeasured()) {
          measured++;
          if (v.isOut()) {
            out.add(site);
          }
        }
      }
      if (measured < MIN_SITES || out.size() * 2 <= measured) {
        continue;
      }
      String witness = null;
      int witnessOnline = 0;
      for (String other : new TreeSet<>(live)) {
        if (other.equals(vantage)) {
          continue;
        }
        int online = 0;
        for (WatchedSite site : out) {
          VantageVerdict v = verdict(verdictsBySite, site, other);
          online += v != null && v.state().isOnline() ? 1 : 0;
        }
        if (online > witnessOnline) {
          witness = other;
          witnessOnline = online;
        }
      }
      if (witnessOnline * 2 > out.size()) {
        blind.put(vantage, new BlindVantage(vantage, measured, out.size(), witness, witnessOnline));
      }
    }
    return Collections.unmodifiableMap(blind);
  }

  /** The vantage's verdict on a site it watches; a verdict on a site it no longer watches is stale. */
  private static VantageVerdict verdict(
      Map<String, Map<String, VantageVerdict>> verdictsBySite, WatchedSite site, String vantage) {
    if (!site.watchedBy(vantage)) {
      return null;
    }
    return verdictsBySite.getOrDefault(site.id(), Map.of()).get(vantage);
  }
}
