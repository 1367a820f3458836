package org.daitu.vcmon.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One site's causes: those confirmed while it is DEGRADED, and the streaks that confirm or clear
 * them. Pure, mutable, owned by the tracker's bookkeeping of one site.
 *
 * <p>A cause found in {@code downAfter} checks in a row is added; a confirmed one absent from
 * {@code upAfter} checks that could judge it (see {@link Verdict#judged}) is cleared. A DEGRADED
 * site never keeps an empty set: when its last cause clears, the causes found in the same checks
 * take its place at once.
 */
final class CauseBook {
  /** Confirmed causes, in the order they were confirmed. */
  private final Map<String, SiteCause> confirmed = new LinkedHashMap<>();
  /** Checks in a row that found each cause, and its latest reading. */
  private final Map<String, Integer> found = new HashMap<>();
  private final Map<String, Cause> latest = new HashMap<>();
  /** Checks in a row, among those that could judge it, without each confirmed cause. */
  private final Map<String, Integer> missing = new HashMap<>();

  /** What one follow-up changed: the texts added and cleared. */
  record Change(List<String> added, List<String> cleared) {
    boolean any() {
      return !added.isEmpty() || !cleared.isEmpty();
    }
  }

  /** Counts a check that reached the site (GOOD or IMPAIRED); others say nothing of causes. */
  void count(Verdict v) {
    if (v.causes().isEmpty() && found.isEmpty() && confirmed.isEmpty()) {
      return; // a good check of a site with nothing found: most checks, most sites
    }
    Set<String> now = new HashSet<>();
    for (Cause c : v.causes()) {
      now.add(c.key());
      found.merge(c.key(), 1, Integer::sum);
      latest.put(c.key(), c);
      missing.remove(c.key());
    }
    found.keySet().removeIf(key -> !now.contains(key) && v.judged().contains(latest.get(key).source()));
    for (String key : confirmed.keySet()) {
      Cause last = latest.get(key);
      if (!now.contains(key) && last != null && v.judged().contains(last.source())) {
        missing.merge(key, 1, Integer::sum);
      }
    }
    latest.keySet().removeIf(key -> !found.containsKey(key) && !confirmed.containsKey(key));
  }

  /** The site enters DEGRADED on {@code basis}: its causes are the confirmed ones, since now. */
  void enter(Verdict basis, Instant now) {
    clear();
    for (Cause c : basis.causes()) {
      confirmed.put(c.key(), new SiteCause(c.key(), c.text(), now));
    }
  }

  /** The site leaves DEGRADED. */
  void clear() {
    confirmed.clear();
    missing.clear();
  }

  /** Confirms and clears causes after a check of a site that stays DEGRADED; texts follow the latest reading. */
  Change follow(int downAfter, int upAfter, Instant now) {
    confirmed.replaceAll((key, c) -> {
      Cause last = latest.get(key);
      return last == null || last.text().equals(c.text()) ? c : new SiteCause(key, last.text(), c.since());
    });
    List<String> added = new ArrayList<>();
    List<String> cleared = new ArrayList<>();
    for (Map.Entry<String, Integer> e : missing.entrySet()) {
      if (e.getValue() >= upAfter && confirmed.containsKey(e.getKey())) {
        cleared.add(confirmed.remove(e.getKey()).text());
      }
    }
    for (Map.Entry<String, Integer> e : found.entrySet()) {
      boolean replacesTheLast = confirmed.isEmpty() && !cleared.isEmpty();
      if (!confirmed.containsKey(e.getKey()) && (e.getValue() >= downAfter || replacesTheLast)) {
        Cause c = latest.get(e.getKey());
        confirmed.put(c.key(), new SiteCause(c.key(), c.text(), now));
        added.add(c.text());
      }
    }
    missing.keySet().retainAll(confirmed.keySet());
    return new Change(added, cleared);
  }

  boolean isEmpty() {
    return confirmed.isEmpty();
  }

  /** The confirmed causes as one short reason. */
  String summary() {
    List<Cause> active = new ArrayList<>(confirmed.size());
    for (SiteCause c : confirmed.values()) {
      Cause last = latest.get(c.key());
      active.add(new Cause(c.key(), c.text(), last == null ? Cause.Source.ICMP : last.source()));
    }
    return Reasons.summarise(active);
  }

  List<SiteCause> list() {
    return List.copyOf(confirmed.values());
  }

  /** True when {@code shown} holds exactly the confirmed causes, in order. */
  boolean sameAs(List<SiteCause> shown) {
    if (shown.size() != confirmed.size()) {
      return false;
    }
    int i = 0;
    for (SiteCause c : confirmed.values()) {
      if (!c.equals(shown.get(i++))) {
        return false;
      }
    }
    return true;
  }
}
