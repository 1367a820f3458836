package org.daitu.vcmon.app.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.daitu.vcmon.cluster.ClusterView;
import org.daitu.vcmon.cluster.Combined;
import org.daitu.vcmon.cluster.CombinedState;
import org.daitu.vcmon.cluster.Member;
import org.daitu.vcmon.cluster.Ownership;
import org.daitu.vcmon.cluster.VantageVerdict;
import org.daitu.vcmon.cluster.VantageView;
import org.daitu.vcmon.cluster.WatchedSite;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.state.StateSnapshot;
import org.daitu.vcmon.state.Transition;
import org.daitu.vcmon.state.VantageStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several agents, one view. Takes this agent's own verdicts from the local board (what its
 * tracker decided), tells them to the other agents, keeps the latest verdict of every vantage on
 * every site, and publishes on the combined board what {@link CombinedState} makes of them: the
 * state, reason and transitions that the history, the alerts, the API and the page use. The
 * local measurements (round trip, SNMP) stay as this agent saw them.
 *
 * <p>When a member comes up (it joined, restarted, or a partition healed) this agent asks it for
 * all its verdicts and the combined states it knows, so nothing published while they were apart
 * is missed; the other agent does the same. A combined state this agent has not decided yet
 * starts from the one a peer tells, so that agents agree on when it began (and so on the
 * notifications' keys).
 *
 * <p>Confined to this verticle's context; the local board's listeners hop here.
 */
public final class CombinedVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(CombinedVerticle.class);
  static final String TOPIC_VERDICTS = "verdicts";
  static final String TOPIC_SYNC = "verdicts.sync";
  /** When a member that came up is asked again for its verdicts after an ask failed. */
  /** How long a starting agent waits for the live members' verdicts before it combines. */
  public static final Duration READY_WAIT = Duration.ofSeconds(10);

  static final List<Duration> SYNC_RETRIES =
      List.of(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(7), Duration.ofSeconds(15));

  private final Peers peers;
  private final StateBoard local;
  private final StateBoard combined;
  private final Clock clock;
  private final CombinedState rule;

  /** Site id → vantage → latest verdict, this agent's own included. */
  private final Map<String, Map<String, VantageVerdict>> verdicts = new HashMap<>();
  /** Site id → its combined result, once decided. */
  private final Map<String, Combined> results = new HashMap<>();
  /** Site id → the combined state and since a peer told, used once for a site not decided yet. */
  private final Map<String, Combined> hints = new HashMap<>();
  /** Site id → when the site was first online by the combined state (rollout counts). */
  private final Map<String, Instant> firstConnected = new HashMap<>();
  /** Built statuses, reused while their inputs are the same objects (keeps the API's caches). */
  private final Map<String, Built> built = new HashMap<>();

  private record Built(SiteStatus local, Combined result, String owner, SiteStatus status) {}

  private Map<String, WatchedSite> watched = new LinkedHashMap<>();
  private Map<String, List<String>> children = new HashMap<>();
  private Set<String> live = Set.of();
  private ClusterView view = ClusterView.allSeeing(Set.of());
  private Map<String, String> owners = Map.of();
  private StateSnapshot lastLocal;
  /** Sites with a local transition since the last local snapshot was taken in. */
  private final Set<String> locallyChanged = new HashSet<>();
  private final List<Transition> localCauseChanges = new ArrayList<>();
  private boolean pending;
  private boolean caughtUp;
  private long version;
  private boolean stopped;

  public CombinedVerticle(Peers peers, StateBoard local, StateBoard combined, Clock clock, ZoneId zone) {
    this.peers = peers;
    this.local = local;
    this.combined = combined;
    this.clock = clock;
    this.rule = new CombinedState(zone);
  }

  @Override
  public Future<?> start() {
    lastLocal = local.snapshot();
    inventory(lastLocal);
    live = peers.members().liveVantages();
    owners = owners(live);
    peers.onPublished(TOPIC_VERDICTS, this::received);
    peers.onAsked(TOPIC_SYNC, body -> Future.succeededFuture(syncAnswer()));
    peers.members().onChange(m -> context.runOnContext(v -> memberChanged(m)));
    local.onSnapshot(snap -> context.runOnContext(v -> localSnapshot(snap)));
    local.onTransitions(ts -> context.runOnContext(v -> localTransitions(ts)));
    // Combine only once the members live now have told their verdicts and combined states (or
    // after READY_WAIT): a restarted agent that combined its own first verdicts alone would date
    // its states from its restart, and send again, under new keys, what the others already sent.
    List<Future<Void>> asks = new ArrayList<>();
    for (String vantage : live) {
      if (!vantage.equals(peers.self())) {
        asks.add(sync(vantage, 0));
      }
    }
    long timer = vertx.setTimer(READY_WAIT.toMillis(), t -> caughtUp("waited " + READY_WAIT.toSeconds() + " s"));
    Future.join(asks).onComplete(ar -> {
      vertx.cancelTimer(timer);
      caughtUp(asks.size() + " members told");
    });
    localSnapshot(lastLocal);
    return Future.succeededFuture();
  }

  private void caughtUp(String how) {
    if (caughtUp || stopped) {
      return;
    }
    caughtUp = true;
    log.info("Combining the vantages' verdicts from now on ({}) live={}", how, live);
    publish(recompute(everySite()));
  }

  /** Combines the sites whose inputs changed and publishes; before catching up, only remembers. */
  private void update(Map<String, Instant> dirty, List<Transition> extra) {
    if (!caughtUp) {
      return; // caughtUp() combines every site
    }
    List<Transition> ts = recompute(dirty);
    ts.addAll(extra);
    publish(ts);
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return Future.succeededFuture();
  }

  // ---- inputs ----

  private void localSnapshot(StateSnapshot snap) {
    lastLocal = snap;
    scheduleUpdate();
  }

  private void localTransitions(List<Transition> ts) {
    for (Transition t : ts) {
      locallyChanged.add(t.siteId());
      if (t.causesChanged()) {
        localCauseChanges.add(t);
      }
    }
    scheduleUpdate();
  }

  /**
   * The local board calls its snapshot listeners before its transition listeners; both hop here
   * in that order, so the update runs once both are in.
   */
  private void scheduleUpdate() {
    if (!pending) {
      pending = true;
      context.runOnContext(v -> {
        pending = false;
        if (!stopped) {
          takeLocal();
        }
      });
    }
  }

  /** This agent's verdicts from its tracker: what changed is told to the others and combined. */
  private void takeLocal() {
    StateSnapshot snap = lastLocal;
    boolean reshaped = inventory(snap);
    String self = peers.self();
    List<VantageVerdict> changed = new ArrayList<>();
    for (SiteStatus s : snap.sites()) {
      WatchedSite w = watched.get(s.id());
      if (w == null || !w.watchedBy(self)) {
        continue; // not ours to judge: our tracker has no verdict on it
      }
      VantageVerdict mine = verdicts.getOrDefault(s.id(), Map.of()).get(self);
      if (mine == null
          || mine.state() != s.state()
          || !mine.since().equals(s.since())
          || locallyChanged.contains(s.id())) {
        VantageVerdict v = new VantageVerdict(s.id(), self, s.state(), s.since(), s.reason());
        verdicts.computeIfAbsent(s.id(), k -> new HashMap<>()).put(self, v);
        changed.add(v);
      }
    }
    locallyChanged.clear();
    if (!changed.isEmpty()) {
      peers.publish(TOPIC_VERDICTS, VerdictWire.encode(changed));
    }
    Map<String, Instant> dirty = new LinkedHashMap<>();
    changed.forEach(v -> dirty.put(v.siteId(), v.since()));
    // A DEGRADED site whose causes changed, where the combined state is this agent's own.
    List<Transition> causes = new ArrayList<>();
    for (Transition t : localCauseChanges) {
      Combined c = results.get(t.siteId());
      if (c != null && c.state() == SiteState.DEGRADED && snap.site(t.siteId()).map(s -> s.state() == SiteState.DEGRADED).orElse(false)) {
        causes.add(t);
      }
    }
    localCauseChanges.clear();
    update(reshaped ? everySite() : dirty, causes);
  }

  private void received(String from, JsonObject body) {
    if (stopped) {
      return;
    }
    Map<String, Instant> dirty = new LinkedHashMap<>();
    for (VantageVerdict v : VerdictWire.decode(from, body)) {
      if (watched.containsKey(v.siteId())) {
        verdicts.computeIfAbsent(v.siteId(), k -> new HashMap<>()).put(from, v);
        dirty.put(v.siteId(), v.since());
      }
    }
    if (!dirty.isEmpty()) {
      update(dirty, List.of());
    }
  }

  private void memberChanged(Member m) {
    if (stopped) {
      return;
    }
    Set<String> now = peers.members().liveVantages();
    if (m.up() && m.vantage() != null && !m.vantage().equals(peers.self())) {
      sync(m.vantage(), 0);
    }
    if (!now.equals(live)) {
      live = now;
      owners = owners(live);
      log.info("Cluster vantages live={} sites_owned={}", live, ownedCount());
      update(everySite(), List.of());
    }
  }

  // ---- catching up ----

  private JsonObject syncAnswer() {
    List<VantageVerdict> mine = new ArrayList<>();
    JsonArray states = new JsonArray();
    for (Map.Entry<String, Map<String, VantageVerdict>> e : verdicts.entrySet()) {
      VantageVerdict v = e.getValue().get(peers.self());
      if (v != null) {
        mine.add(v);
      }
    }
    for (Combined c : results.values()) {
      states.add(new JsonObject().put("site", c.siteId()).put("state", c.state().name()).put("since", c.since().toString()));
    }
    return VerdictWire.encode(mine).put("combined", states);
  }

  /**
   * Asks a member that came up for its verdicts; again a few times when it cannot answer yet.
   * Completes once they are taken in, or given up on.
   */
  private Future<Void> sync(String vantage, int attempt) {
    Promise<Void> done = Promise.promise();
    peers.ask(vantage, TOPIC_SYNC, new JsonObject())
        .onComplete(ar -> context.runOnContext(v -> {
          if (stopped || !peers.members().liveVantages().contains(vantage)) {
            done.complete();
          } else if (ar.succeeded()) {
            synced(vantage, ar.result());
            done.complete();
          } else if (attempt < SYNC_RETRIES.size()) {
            vertx.setTimer(SYNC_RETRIES.get(attempt).toMillis(), t -> sync(vantage, attempt + 1).onComplete(done));
          } else {
            log.warn("A cluster member did not tell its verdicts; they come with its next changes vantage={} error=\"{}\"",
                vantage, ar.cause().getMessage());
            done.complete();
          }
        }));
    return done.future();
  }

  private void synced(String vantage, JsonObject answer) {
    JsonArray states = answer.getJsonArray("combined", new JsonArray());
    for (Object o : states) {
      try {
        JsonObject c = (JsonObject) o;
        String site = c.getString("site");
        SiteState state = SiteState.valueOf(c.getString("state"));
        Instant since = Instant.parse(c.getString("since"));
        Combined mine = results.get(site);
        if (!watched.containsKey(site)) {
          continue;
        }
        if (mine == null) {
          hints.put(site, new Combined(site, state, since, "", List.of(), List.of()));
        } else if (mine.state() == state && since.isBefore(mine.since())) {
          // Two agents that decided the same state on their own (started together, or apart in a
          // partition) keep the earlier since: then they agree on it, and on the keys built on it.
          results.put(site, new Combined(site, state, since, mine.reason(), mine.notes(), mine.vantages()));
        }
      } catch (RuntimeException e) {
        // An entry this version cannot read: it only loses a hint.
      }
    }
    Map<String, Instant> dirty = new LinkedHashMap<>();
    List<VantageVerdict> told = VerdictWire.decode(vantage, answer);
    Set<String> toldSites = new HashSet<>();
    for (VantageVerdict v : told) {
      if (watched.containsKey(v.siteId())) {
        verdicts.computeIfAbsent(v.siteId(), k -> new HashMap<>()).put(vantage, v);
        dirty.put(v.siteId(), v.since());
        toldSites.add(v.siteId());
      }
    }
    // What it no longer says (a site it stopped watching) is forgotten.
    for (Map.Entry<String, Map<String, VantageVerdict>> e : verdicts.entrySet()) {
      if (!toldSites.contains(e.getKey()) && e.getValue().remove(vantage) != null) {
        dirty.put(e.getKey(), clock.instant());
      }
    }
    log.info("Verdicts of a cluster member taken vantage={} verdicts={}", vantage, told.size());
    update(dirty, List.of());
  }

  // ---- combining ----

  /** Takes the sites of a snapshot; true when they changed (a reload), so every site is redone. */
  private boolean inventory(StateSnapshot snap) {
    boolean same = snap.sites().size() == watched.size();
    if (same) {
      for (SiteStatus s : snap.sites()) {
        WatchedSite w = watched.get(s.id());
        if (w == null || !w.vantages().equals(Set.copyOf(s.site().vantages()))) {
          same = false;
          break;
        }
      }
    }
    if (same) {
      return false;
    }
    Map<String, WatchedSite> next = new LinkedHashMap<>();
    Map<String, List<String>> kids = new HashMap<>();
    for (SiteStatus s : snap.sites()) {
      Site site = s.site();
      next.put(site.id(), new WatchedSite(site.id(), Set.copyOf(site.vantages())));
      if (site.parent() != null) {
        kids.computeIfAbsent(site.parent(), k -> new ArrayList<>()).add(site.id());
      }
    }
    watched = next;
    children = kids;
    verdicts.keySet().retainAll(next.keySet());
    results.keySet().retainAll(next.keySet());
    built.keySet().retainAll(next.keySet());
    owners = owners(live);
    return true;
  }

  private Map<String, Instant> everySite() {
    Map<String, Instant> all = new LinkedHashMap<>();
    Instant now = clock.instant();
    watched.keySet().forEach(id -> all.put(id, now));
    return all;
  }

  /**
   * Combines the dirty sites again (each with the time its input changed), then the children of
   * every site whose state changed, as a parent's state decides a child's mixed verdicts.
   */
  private List<Transition> recompute(Map<String, Instant> dirty) {
    List<Transition> out = new ArrayList<>();
    ClusterView next = ClusterView.of(watched.values(), verdicts, live);
    if (!next.blind().keySet().equals(view.blind().keySet())) {
      next.blind().keySet().stream().filter(v -> !view.blind().containsKey(v))
          .forEach(v -> log.warn("Vantage is blind, its outages are left out: {}", next.blind().get(v).reason().en()));
      view.blind().keySet().stream().filter(v -> !next.blind().containsKey(v))
          .forEach(v -> log.info("Vantage sees again vantage={}", v));
      dirty = new LinkedHashMap<>(dirty);
      for (Map.Entry<String, Instant> e : everySite().entrySet()) {
        dirty.putIfAbsent(e.getKey(), e.getValue());
      }
    }
    view = next;
    Instant now = clock.instant();
    Deque<String> queue = new ArrayDeque<>(dirty.keySet());
    Map<String, Instant> when = new HashMap<>(dirty);
    Set<String> queued = new LinkedHashSet<>(dirty.keySet());
    int budget = 4 * watched.size() + 16; // a parent loop in a bad config cannot spin forever
    while (!queue.isEmpty() && budget-- > 0) {
      String id = queue.poll();
      queued.remove(id);
      WatchedSite site = watched.get(id);
      if (site == null) {
        continue;
      }
      Combined previous = results.get(id);
      Combined hint = previous != null ? null : hints.remove(id);
      Combined seed = previous != null ? previous : hint;
      Instant at = when.getOrDefault(id, now);
      if (at.isAfter(now)) {
        at = now; // another agent's clock ahead of ours
      }
      SiteState parentState = parentState(id);
      Combined c = rule.combine(site, verdicts.getOrDefault(id, Map.of()), view, parentState, seed, at);
      results.put(id, c);
      SiteState shown = previous != null ? previous.state() : shownLocally(id);
      if (c.state() != shown) {
        // A state the members already had when this agent (re)started is recorded, not announced
        // again: they told people when it began, and this agent's keys for it could differ.
        boolean known = hint != null && hint.state() == c.state();
        out.add(new Transition(id, shown, c.state(), c.since(), c.reason(), !flapping(id) && !known, flapping(id)));
        if (c.state().isOnline()) {
          firstConnected.putIfAbsent(id, c.since());
        }
        for (String child : children.getOrDefault(id, List.of())) {
          when.putIfAbsent(child, at);
          if (queued.add(child)) {
            queue.add(child);
          }
        }
      }
    }
    return out;
  }

  private SiteState parentState(String id) {
    SiteStatus s = lastLocal.site(id).orElse(null);
    if (s == null || s.site().parent() == null) {
      return null;
    }
    Combined p = results.get(s.site().parent());
    return p == null ? null : p.state();
  }

  private SiteState shownLocally(String id) {
    return combined.snapshot().site(id).map(SiteStatus::state).orElse(SiteState.UNKNOWN);
  }

  private boolean flapping(String id) {
    return lastLocal.site(id).map(SiteStatus::flapping).orElse(false);
  }

  private Map<String, String> owners(Set<String> liveVantages) {
    Map<String, String> out = new HashMap<>();
    for (String id : watched.keySet()) {
      Ownership.owner(id, liveVantages).ifPresent(o -> out.put(id, o));
    }
    return out;
  }

  /** How many sites this agent owns now. */
  long ownedCount() {
    String self = peers.self();
    return owners.values().stream().filter(self::equals).count();
  }

  // ---- output ----

  private void publish(List<Transition> transitions) {
    for (Transition t : transitions) {
      if (!t.causesChanged()) {
        log.info("Combined site state changed site={} from={} to={} since={} reason=\"{}\"",
            t.siteId(), t.from(), t.to(), t.at(), t.reason());
      }
    }
    List<SiteStatus> sites = new ArrayList<>(lastLocal.sites().size());
    for (SiteStatus s : lastLocal.sites()) {
      sites.add(status(s));
    }
    String blind = live.size() <= 1 ? lastLocal.blind() : null;
    StateSnapshot previous = combined.snapshot();
    combined.publish(new StateSnapshot(lastLocal.at(), sites, ++version, blind, previous), transitions);
  }

  private SiteStatus status(SiteStatus s) {
    Combined c = results.get(s.id());
    String owner = owners.get(s.id());
    Built b = built.get(s.id());
    if (b != null && b.local == s && b.result == c && Objects.equals(b.owner, owner)) {
      return b.status;
    }
    SiteStatus out;
    if (c == null) {
      out = withCluster(s, s.state(), s.since(), s.reason(), s.firstConnected(), s.causes(), List.of(), owner);
    } else {
      Instant first = s.firstConnected();
      Instant ours = firstConnected.get(s.id());
      if (first == null || (ours != null && ours.isBefore(first))) {
        first = ours;
      }
      out = withCluster(s, c.state(), c.since(), c.reason(), first,
          c.state() == s.state() ? s.causes() : List.of(), vantages(c), owner);
    }
    built.put(s.id(), new Built(s, c, owner, out));
    return out;
  }

  private static SiteStatus withCluster(
      SiteStatus s, SiteState state, Instant since, String reason, Instant firstConnected,
      List<org.daitu.vcmon.state.SiteCause> causes, List<VantageStatus> vantages, String owner) {
    return new SiteStatus(s.site(), state, since, reason, s.flapping(), s.lastCheckAt(), s.icmp(), s.snmp(),
        s.lastSnmpOk(), s.lastSnmpOkAt(), s.reboots(), s.lastRebootAt(), firstConnected, causes, vantages, owner);
  }

  private static List<VantageStatus> vantages(Combined c) {
    List<VantageStatus> out = new ArrayList<>();
    for (VantageView v : c.vantages()) {
      out.add(new VantageStatus(v.vantage(), v.state(), v.since(), v.reason(),
          v.standing().name().toLowerCase(java.util.Locale.ROOT),
          v.leftOut() == null ? null : v.leftOut().en(),
          v.leftOut() == null ? null : v.leftOut().vi()));
    }
    return out;
  }

  private record StatesOf(StateSnapshot snapshot, Map<String, Map<String, SiteState>> states) {}

  private volatile StatesOf statesOf;

  /**
   * Every vantage's latest verdict on every site: site → vantage → state (the metrics). The same
   * map while the combined snapshot is the same, so a scrape between changes rewrites nothing.
   * Thread-safe.
   */
  public Map<String, Map<String, SiteState>> vantageStates() {
    StateSnapshot snap = combined.snapshot();
    StatesOf cached = statesOf;
    if (cached != null && cached.snapshot == snap) {
      return cached.states;
    }
    Map<String, Map<String, SiteState>> out = new HashMap<>();
    for (SiteStatus s : snap.sites()) {
      if (!s.vantages().isEmpty()) {
        Map<String, SiteState> per = new HashMap<>();
        s.vantages().forEach(v -> per.put(v.vantage(), v.state()));
        out.put(s.id(), per);
      }
    }
    if (cached != null && cached.states.equals(out)) {
      out = cached.states;
    }
    statesOf = new StatesOf(snap, out);
    return out;
  }
}
