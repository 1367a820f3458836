package org.daitu.vcmon.inventory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated set of sites, in config order. Immutable: a reload builds a new Inventory.
 * Validation (unique ids, known parents, no cycles) happens in the config loader; this class
 * assumes it.
 */
public final class Inventory {
  private final List<Site> sites;
  private final Map<String, Site> byId;
  private final Map<String, List<Site>> children;

  public Inventory(List<Site> sites) {
    this.sites = List.copyOf(sites);
    Map<String, Site> index = new LinkedHashMap<>();
    Map<String, List<Site>> kids = new LinkedHashMap<>();
    for (Site s : this.sites) {
      index.put(s.id(), s);
      if (s.parent() != null) {
        kids.computeIfAbsent(s.parent(), k -> new ArrayList<>()).add(s);
      }
    }
    this.byId = Collections.unmodifiableMap(index);
    Map<String, List<Site>> frozen = new LinkedHashMap<>();
    kids.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    this.children = Collections.unmodifiableMap(frozen);
  }

  public List<Site> sites() {
    return sites;
  }

  public Optional<Site> site(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public List<Site> children(String parentId) {
    return children.getOrDefault(parentId, List.of());
  }

  public int size() {
    return sites.size();
  }

  /** The communes and towns, the units the rollout target counts. */
  public long unitCount() {
    return sites.stream().filter(s -> s.type().isUnit()).count();
  }
}
