package org.daitu.vcmon.state;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of every site at one moment, in inventory order. Immutable: built by the owner of the
 * tracker after each change and read lock-free by the API, the page and the metrics.
 */
public final class StateSnapshot {
  private final Instant at;
  private final List<SiteStatus> sites;
  private final Map<String, SiteStatus> byId;
  private final Map<SiteState, Integer> counts;
  private final long version;
  private final String blind;

  public StateSnapshot(Instant at, List<SiteStatus> sites, long version) {
    this(at, sites, version, null);
  }

  /**
   * @param blind why vcmon cannot see its own network now (self-check targets silent), or null
   */
  public StateSnapshot(Instant at, List<SiteStatus> sites, long version, String blind) {
    this.blind = blind;
    this.at = at;
    this.sites = List.copyOf(sites);
    this.version = version;
    Map<String, SiteStatus> index = new LinkedHashMap<>();
    Map<SiteState, Integer> c = new EnumMap<>(SiteState.class);
    for (SiteState s : SiteState.values()) {
      c.put(s, 0);
    }
    for (SiteStatus s : this.sites) {
      index.put(s.id(), s);
      c.merge(s.state(), 1, Integer::sum);
    }
    this.byId = Collections.unmodifiableMap(index);
    this.counts = Collections.unmodifiableMap(c);
  }

  public Instant at() {
    return at;
  }

  /** Increases with every published change; lets readers cache renderings. */
  public long version() {
    return version;
  }

  /** Why vcmon cannot see its own network now, or null when it can. */
  public String blind() {
    return blind;
  }

  public List<SiteStatus> sites() {
    return sites;
  }

  public Optional<SiteStatus> site(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public int count(SiteState state) {
    return counts.get(state);
  }

  /** Communes and towns that are reachable now (UP or DEGRADED). */
  public long unitsOnline() {
    return sites.stream().filter(s -> s.site().type().isUnit() && s.state().isOnline()).count();
  }

  /** Communes and towns seen UP at least once. */
  public long unitsConnected() {
    return sites.stream()
        .filter(s -> s.site().type().isUnit() && s.firstConnected() != null)
        .count();
  }
}
