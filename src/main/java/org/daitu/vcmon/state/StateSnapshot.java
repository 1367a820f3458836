package org.daitu.vcmon.state;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of every site at one moment, in inventory order. Immutable: built by the owner of the
 * tracker after each change and read lock-free by the API, the page and the metrics.
 */
public final class StateSnapshot {
  private final Instant at;
  private final List<SiteStatus> sites;
  /** Position of each site in {@link #sites}; shared by consecutive snapshots of the same sites. */
  private final Map<String, Integer> positions;
  private final Map<SiteState, Integer> counts;
  private final long version;
  private final String blind;
  private final long unitsOnline;
  private final long unitsConnected;
  /** Sites between their first disagreeing check and the change it confirms; null: not known. */
  private final Set<String> confirming;

  public StateSnapshot(Instant at, List<SiteStatus> sites, long version) {
    this(at, sites, version, null);
  }

  /**
   * @param blind why vcmon cannot see its own network now (self-check targets silent), or null
   */
  public StateSnapshot(Instant at, List<SiteStatus> sites, long version, String blind) {
    this(at, sites, version, blind, null);
  }

  /**
   * As above; {@code previous} (may be null) lends its id index when it holds the same sites in
   * the same order, so a snapshot of 10,000 sites costs a list copy and one pass, not a new map.
   */
  public StateSnapshot(
      Instant at, List<SiteStatus> sites, long version, String blind, StateSnapshot previous) {
    this(at, sites, version, blind, previous, null);
  }

  /**
   * As above, with the sites being confirmed now ({@link #confirming()}); null when whoever builds
   * the snapshot cannot tell (the combined state of several agents).
   */
  public StateSnapshot(
      Instant at,
      List<SiteStatus> sites,
      long version,
      String blind,
      StateSnapshot previous,
      Set<String> confirming) {
    this.confirming = confirming == null ? null : Set.copyOf(confirming);
    this.blind = blind;
    this.at = at;
    this.sites = List.copyOf(sites);
    this.version = version;
    Map<SiteState, Integer> c = new EnumMap<>(SiteState.class);
    for (SiteState s : SiteState.values()) {
      c.put(s, 0);
    }
    int[] perState = new int[SiteState.values().length];
    long online = 0;
    long connected = 0;
    boolean sameSites = previous != null && previous.sites.size() == this.sites.size();
    for (int i = 0; i < this.sites.size(); i++) {
      SiteStatus s = this.sites.get(i);
      perState[s.state().ordinal()]++;
      if (s.site().type().isUnit()) {
        online += s.state().isOnline() ? 1 : 0;
        connected += s.firstConnected() != null ? 1 : 0;
      }
      if (sameSites && !previous.sites.get(i).id().equals(s.id())) {
        sameSites = false;
      }
    }
    for (SiteState s : SiteState.values()) {
      c.put(s, perState[s.ordinal()]);
    }
    if (sameSites) {
      this.positions = previous.positions;
    } else {
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < this.sites.size(); i++) {
        index.putIfAbsent(this.sites.get(i).id(), i);
      }
      this.positions = Collections.unmodifiableMap(index);
    }
    this.counts = Collections.unmodifiableMap(c);
    this.unitsOnline = online;
    this.unitsConnected = connected;
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
    Integer i = positions.get(id);
    return i == null ? Optional.empty() : Optional.of(sites.get(i));
  }

  public int count(SiteState state) {
    return counts.get(state);
  }

  /** Communes and towns that are reachable now (UP or DEGRADED). */
  public long unitsOnline() {
    return unitsOnline;
  }

  /**
   * The sites whose latest checks point to a change to or from DOWN that is not confirmed yet:
   * failed checks counted but the site not DOWN (nor UNREACHABLE) yet, or a DOWN site answering
   * again but not back yet. Empty when the view is not known (see the constructor): then nothing
   * can be told of what is about to change.
   */
  public Optional<Set<String>> confirming() {
    return Optional.ofNullable(confirming);
  }

  /** Communes and towns seen UP at least once. */
  public long unitsConnected() {
    return unitsConnected;
  }
}
