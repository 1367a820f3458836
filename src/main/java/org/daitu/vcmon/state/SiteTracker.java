package org.daitu.vcmon.state;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.probe.SnmpResult;

/**
 * Decides every site's state from its checks. Pure: no I/O, no threads, an injected clock. Not
 * thread-safe: one owner feeds it checks and publishes {@link #snapshot snapshots} to readers.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>Hysteresis both ways: {@code down_after} failed checks in a row make a site DOWN, and as
 *       many impaired-or-failed checks make an UP site DEGRADED; {@code up_after} reachable checks
 *       in a row bring it back (UP if the last one was good, DEGRADED otherwise), and {@code
 *       up_after} good checks turn DEGRADED into UP. A check that could not be made (local fault)
 *       makes the site UNKNOWN at once and resets the counters: unknown is not down.
 *   <li>Parent/child: a site whose failure is confirmed while its parent is DOWN (or UNREACHABLE)
 *       becomes UNREACHABLE, not DOWN; while the parent's own failure is still being confirmed,
 *       the child waits. When a parent goes DOWN its DOWN children become UNREACHABLE; when it
 *       recovers, its UNREACHABLE children must fail {@code down_after} fresh checks to be DOWN.
 *   <li>Flapping: a site that changes state more than {@code flapping.changes} times within
 *       {@code flapping.window} is flagged; its changes are still recorded but not announced, until the
 *       window holds at most half as many changes, when the settled state is announced once.
 *   <li>Causes: a DEGRADED site holds the {@link Cause causes} that make it so. While it stays
 *       DEGRADED, a cause seen in {@code down_after} checks in a row is added and one absent from
 *       {@code up_after} checks that could judge it is cleared, each as a change (from DEGRADED to
 *       DEGRADED) that is recorded, announced and counted for flapping like a change of state.
 *   <li>Reboots: sysUpTime going backwards (except near its 32-bit wrap) counts a reboot, and so
 *       does a coldStart or warmStart notification, at once; one reboot is counted once.
 *   <li>Notifications never change a state. An endpoint's own (registration lost, call dropped)
 *       shows on its reason for {@link #NOTICE_WINDOW}, while the checks it brought forward
 *       confirm or dismiss it.
 * </ul>
 */
public final class SiteTracker {
  /** sysUpTime is 32-bit TimeTicks (1/100 s): it wraps after ~497 days. */
  private static final long UPTIME_WRAP = 1L << 32;

  /** A drop from within one hour of the wrap is the wrap, not a reboot. */
  private static final long UPTIME_WRAP_GUARD = UPTIME_WRAP - 360_000;

  /** How long an endpoint's notification shows on its reason. */
  public static final Duration NOTICE_WINDOW = Duration.ofMinutes(10);

  /** A sysUpTime drop this close to a notified restart is the same reboot. */
  private static final Duration SAME_REBOOT = Duration.ofMinutes(10);

  private AgentConfig.State cfg;
  private final Clock clock;
  private CheckEvaluator evaluator;
  private Inventory inventory;
  private final Map<String, Track> tracks = new LinkedHashMap<>();
  private final Set<String> wanted = new LinkedHashSet<>();
  private volatile MaintenanceSchedule maintenance;
  /** The last snapshot built, whose id index the next one reuses when the sites are the same. */
  private StateSnapshot last;
  /** Why vcmon cannot see its own network right now, or null when it can. */
  private String blind;
  /** Self-check rounds that must fail in a row before vcmon calls itself blind; 0 = no self-check. */
  private int selfCheckDownAfter;
  private int selfCheckFailures;
  private Instant selfCheckOkAt;

  public SiteTracker(Inventory inventory, AgentConfig.State cfg, Clock clock) {
    this(inventory, cfg, clock, MaintenanceSchedule.NONE);
  }

  public SiteTracker(
      Inventory inventory, AgentConfig.State cfg, Clock clock, MaintenanceSchedule maintenance) {
    this.maintenance = maintenance;
    this.inventory = inventory;
    this.cfg = cfg;
    this.clock = clock;
    this.evaluator = new CheckEvaluator(cfg.degradedLossRatio(), cfg.degradedRtt());
    Instant now = clock.instant();
    for (Site s : inventory.sites()) {
      tracks.put(s.id(), new Track(s, now));
    }
  }

  /**
   * Feeds one check and returns the transitions it causes, in order: the site's own and those of
   * sites that depend on it. Checks of sites not in the inventory are ignored.
   */
  public List<Transition> apply(SiteCheck check) {
    Track t = tracks.get(check.siteId());
    List<Transition> out = new ArrayList<>();
    if (t == null) {
      return out;
    }
    Instant now = clock.instant();
    record(t, check, now);
    Verdict v =
        blind != null
            ? new Verdict(Verdict.Kind.UNKNOWN, blind)
            : evaluator.evaluate(
                check, t.site.snmp() == null ? List.of() : t.site.snmp().interfaces());
    t.count(v, check.startedAt());
    if (followMaintenance(t, now, out) || t.state == SiteState.MAINTENANCE) {
      return out; // checks are still recorded; the window decides the state
    }
    if (t.site.stage() == RolloutStage.PLANNED) {
      // Not expected to answer yet: stays PLANNED, but a first good answer still counts.
      if (v.kind() == Verdict.Kind.GOOD && t.firstConnected == null) {
        t.firstConnected = now;
      }
      return out;
    }
    if (v.kind() == Verdict.Kind.FAILED && t.failStreak == 1 && t.site.parent() != null) {
      // Check the parent now, while this failure is being confirmed, so that by confirmation
      // time its own check says whether the fault is upstream: no wait then.
      wanted.add(t.site.parent());
    }
    settleFlapping(t, now, out);
    decide(t, v, now, out);
    // A parent's check may release children waiting for it to be confirmed DOWN or UP.
    for (Site child : inventory.children(t.site.id())) {
      Track c = tracks.get(child.id());
      if (c.last != null && c.last.kind() == Verdict.Kind.FAILED) {
        decide(c, c.last, now, out);
      }
    }
    return out;
  }

  /**
   * Enters or leaves maintenance windows as time passes, for every site; call it every second or
   * so, since a window may begin or end between two checks.
   */
  public List<Transition> tick() {
    Instant now = clock.instant();
    List<Transition> out = new ArrayList<>();
    for (Track t : tracks.values()) {
      followMaintenance(t, now, out);
      if (t.notice != null && now.isAfter(t.noticeAt.plus(NOTICE_WINDOW))) {
        t.notice = null;
      }
    }
    return out;
  }

  /**
   * The site said it restarted (coldStart, warmStart): a reboot now, recorded at once rather than
   * at the next SNMP poll. A reboot the polls already saw within {@link #SAME_REBOOT} is not counted
   * again, nor is the sysUpTime drop the next poll will see. Changes no state.
   */
  public void rebootNotified(String siteId) {
    Track t = tracks.get(siteId);
    if (t == null) {
      return;
    }
    Instant now = clock.instant();
    if (t.lastRebootAt == null || Duration.between(t.lastRebootAt, now).abs().compareTo(SAME_REBOOT) > 0) {
      t.reboots++;
      t.lastRebootAt = now;
    }
    t.lastUptimeTicks = -1;
  }

  /**
   * The site sent a notification about itself ({@code what}, e.g. "sipRegistrationFailed"): it
   * shows on the site's reason for {@link #NOTICE_WINDOW}. Changes no state.
   */
  public void notified(String siteId, String what) {
    Track t = tracks.get(siteId);
    if (t != null) {
      t.notice = "notification " + what + " at " + clock.instant().truncatedTo(ChronoUnit.SECONDS);
      t.noticeAt = clock.instant();
    }
  }

  /** Replaces the maintenance schedule (windows added or removed through the API). */
  public void maintenance(MaintenanceSchedule schedule) {
    this.maintenance = schedule;
  }

  /** Returns true when the site's state was changed by a window starting or ending. */
  private boolean followMaintenance(Track t, Instant now, List<Transition> out) {
    if (t.site.stage() == RolloutStage.PLANNED) {
      return false;
    }
    Optional<String> window = maintenance.activeWindow(t.site.id(), now);
    if (window.isPresent() && t.state != SiteState.MAINTENANCE) {
      change(t, SiteState.MAINTENANCE, window.get(), now, out);
      return true;
    }
    if (window.isEmpty() && t.state == SiteState.MAINTENANCE) {
      change(t, SiteState.UNKNOWN, "maintenance window ended", now, out);
      if (t.last != null) {
        // The checks made during the window count: a site that answered is UP at once.
        decide(t, t.last, now, out);
      }
      return true;
    }
    return false;
  }

  /** Turns on the self-check rule: failures are confirmed only while vcmon's own uplink answers. */
  public void enableSelfCheck(int downAfter) {
    this.selfCheckDownAfter = downAfter;
  }

  /**
   * The result of one self-check round (started at {@code startedAt}): when the targets have not
   * answered {@code down_after} rounds in a row, vcmon is blind; when they answer again, sites
   * whose failure waited for this verdict are decided.
   */
  public List<Transition> selfCheck(boolean answered, Instant startedAt, String reasonIfDown) {
    List<Transition> out = new ArrayList<>();
    Instant now = clock.instant();
    if (answered) {
      selfCheckFailures = 0;
      selfCheckOkAt = startedAt;
      blind = null;
      for (Track t : tracks.values()) {
        if (t.failStreak >= cfg.downAfter() && t.last != null && !isOut(t.state)) {
          decide(t, t.last, now, out);
        }
      }
      return out;
    }
    selfCheckFailures++;
    if (selfCheckFailures >= selfCheckDownAfter && blind == null) {
      out.addAll(setBlind(reasonIfDown));
    }
    return out;
  }

  /**
   * With a self-check, a site's failure is only confirmed once a self-check round that began after
   * the site started failing has answered: otherwise the fault may be vcmon's own uplink.
   */
  private boolean uplinkUndecided(Track t) {
    return selfCheckDownAfter > 0
        && (selfCheckFailures > 0
            || selfCheckOkAt == null
            || selfCheckOkAt.isBefore(t.failingSince)
            || steppedBack(selfCheckOkAt));
  }

  /**
   * vcmon's own uplink is down ({@code reason} says how it knows): every site it cannot judge
   * becomes UNKNOWN now, and stays so until a self-check round answers. Not one false DOWN.
   */
  private List<Transition> setBlind(String reason) {
    Instant now = clock.instant();
    List<Transition> out = new ArrayList<>();
    blind = reason;
    for (Track t : tracks.values()) {
      if (t.state != SiteState.PLANNED && t.state != SiteState.MAINTENANCE) {
        t.count(new Verdict(Verdict.Kind.UNKNOWN, reason), now);
        change(t, SiteState.UNKNOWN, reason, now, out);
      }
    }
    return out;
  }

  public boolean blind() {
    return blind != null;
  }

  /**
   * Puts back what the store remembers of these sites from earlier runs (at start, or when a
   * reload adds a site that was here before): the first-connected times, never moved later, and
   * the rollout stages set through the API, which win over the file's as they do while running.
   * Returns the transitions the stages cause.
   */
  public List<Transition> restore(Map<String, Instant> firstConnected, Map<String, RolloutStage> stages) {
    restore(firstConnected);
    List<Transition> out = new ArrayList<>();
    stages.forEach((id, stage) -> out.addAll(setStage(id, stage)));
    return out;
  }

  /** The first-connected times alone (never moved later), of the sites the tracker knows. */
  public void restore(Map<String, Instant> firstConnected) {
    firstConnected.forEach(
        (id, at) -> {
          Track t = tracks.get(id);
          if (t != null && (t.firstConnected == null || at.isBefore(t.firstConnected))) {
            t.firstConnected = at;
          }
        });
  }

  /**
   * Changes a site's rollout stage (from the API or a restored override). Leaving PLANNED starts
   * judging the site (UNKNOWN until its checks decide); entering PLANNED stops it.
   */
  public List<Transition> setStage(String siteId, RolloutStage stage) {
    Track t = tracks.get(siteId);
    List<Transition> out = new ArrayList<>();
    if (t == null || t.site.stage() == stage) {
      return out;
    }
    Instant now = clock.instant();
    RolloutStage before = t.site.stage();
    t.site = t.site.withStage(stage);
    if (stage == RolloutStage.PLANNED) {
      change(t, SiteState.PLANNED, "rollout stage planned: not expected to answer yet", now, out);
    } else if (before == RolloutStage.PLANNED) {
      change(t, SiteState.UNKNOWN, "rollout stage " + stage.label() + ": checking", now, out);
      if (t.last != null) {
        decide(t, t.last, now, out);
      }
    }
    return out;
  }

  /**
   * Takes a reloaded inventory and state rules. A kept site keeps everything it has seen — state,
   * since, counters, flapping history, first connection — so a reload causes no transition of its
   * own; a new site starts as at startup (UNKNOWN or PLANNED) and a removed one is forgotten (its
   * history stays in the store). A rollout stage set through the API outlives the file's, as it
   * does across a restart; a stage changed in the file applies like one set through the API.
   */
  public List<Transition> reconfigure(Inventory next, AgentConfig.State nextCfg) {
    Instant now = clock.instant();
    Map<String, Track> previous = new LinkedHashMap<>(tracks);
    Map<String, RolloutStage> stageChanges = new LinkedHashMap<>();
    tracks.clear();
    for (Site s : next.sites()) {
      Track t = previous.get(s.id());
      if (t == null) {
        tracks.put(s.id(), new Track(s, now));
        continue;
      }
      RolloutStage running = t.site.stage();
      boolean setThroughApi = inventory.site(s.id()).map(Site::stage).orElse(running) != running;
      if (!t.site.address().equals(s.address())) {
        t.lastUptimeTicks = -1; // another device now: its uptime says nothing of this one's reboots
      }
      t.site = s.withStage(running);
      if (!setThroughApi && s.stage() != running) {
        stageChanges.put(s.id(), s.stage());
      }
      tracks.put(s.id(), t);
    }
    wanted.retainAll(tracks.keySet());
    inventory = next;
    cfg = nextCfg;
    evaluator = new CheckEvaluator(nextCfg.degradedLossRatio(), nextCfg.degradedRtt());
    List<Transition> out = new ArrayList<>();
    stageChanges.forEach((id, stage) -> out.addAll(setStage(id, stage)));
    return out;
  }

  /**
   * True when the site's last check disagrees with its state, so it should be checked again soon
   * (at {@code recheck_interval}) to confirm or dismiss the change.
   */
  public boolean pending(String siteId) {
    Track t = tracks.get(siteId);
    if (t == null || t.last == null || t.state == SiteState.PLANNED) {
      return false;
    }
    return switch (t.last.kind()) {
      case GOOD -> t.state != SiteState.UP;
      case IMPAIRED -> t.state != SiteState.DEGRADED;
      case FAILED -> t.state != SiteState.DOWN && t.state != SiteState.UNREACHABLE;
      case UNKNOWN -> false;
    };
  }

  /** The current state of every site, in inventory order. */
  /** One site's status now (null for an unknown site), without a snapshot of all of them. */
  public SiteStatus status(String siteId) {
    Track t = tracks.get(siteId);
    return t == null ? null : t.status();
  }

  /**
   * Every site's status now. Contract, relied on by the outputs' caches (the encoded body of
   * {@code /api/v1/sites}, the per-site metric series): a site's {@link SiteStatus} is the same
   * object from one snapshot to the next as long as nothing of it changed, and a new object as soon
   * as anything did, so {@code ==} tells whether a site must be written again.
   */
  public StateSnapshot snapshot(long version) {
    List<SiteStatus> list = new ArrayList<>(tracks.size());
    Set<String> confirming = new HashSet<>();
    for (Track t : tracks.values()) {
      list.add(t.status());
      if (t.confirming()) {
        confirming.add(t.site.id());
      }
    }
    // one snapshot a batch: at 10,000 sites the id index is worth sharing between them
    last = new StateSnapshot(clock.instant(), list, version, blind, last, confirming);
    return last;
  }

  private void record(Track t, SiteCheck check, Instant now) {
    t.lastCheckAt = check.startedAt();
    t.icmp = check.icmp();
    SnmpResult snmp = check.snmp();
    t.snmp = snmp;
    // The same result again is a check between two SNMP polls (probe.snmp.interval): not a new answer.
    if (snmp != null && snmp.ok() && snmp != t.lastSnmpOk) {
      long up = snmp.uptimeTicks();
      if (up >= 0) {
        if (t.lastUptimeTicks >= 0 && up < t.lastUptimeTicks && t.lastUptimeTicks < UPTIME_WRAP_GUARD) {
          t.reboots++;
          t.lastRebootAt = now.minusMillis(up * 10);
        }
        t.lastUptimeTicks = up;
      }
      t.lastSnmpOk = snmp;
      t.lastSnmpOkAt = check.startedAt();
    }
  }

  private void decide(Track t, Verdict v, Instant now, List<Transition> out) {
    SiteState s = t.state;
    if (s == SiteState.PLANNED || s == SiteState.MAINTENANCE) {
      return; // checks are recorded, the state stays: not expected to answer, or in a window
    }
    int downAfter = cfg.downAfter();
    int upAfter = cfg.upAfter();
    if (v.kind() == Verdict.Kind.UNKNOWN) {
      change(t, SiteState.UNKNOWN, v.reason(), now, out);
      return;
    }
    if (t.failStreak >= downAfter) {
      failed(t, v, now, out);
      return;
    }
    boolean offline = s == SiteState.DOWN || s == SiteState.UNREACHABLE || s == SiteState.UNKNOWN;
    if (offline && t.reachableStreak >= upAfter) {
      SiteState to = v.kind() == Verdict.Kind.GOOD ? SiteState.UP : SiteState.DEGRADED;
      change(t, to, basisFor(to, v, t), now, out);
    } else if (s == SiteState.DEGRADED && t.goodStreak >= upAfter) {
      change(t, SiteState.UP, v, now, out);
    } else if (s == SiteState.UP && t.notGoodStreak >= downAfter) {
      change(t, SiteState.DEGRADED, basisFor(SiteState.DEGRADED, v, t), now, out);
    } else if (s == SiteState.DEGRADED) {
      followCauses(t, v, now, out);
    } else if (s == SiteState.UP && v.kind() == Verdict.Kind.GOOD) {
      t.reason = v.reason(); // same state, newer details
    }
  }

  /**
   * A DEGRADED site's causes as its checks confirm or clear them; a change of causes is a change
   * like one of state. The texts follow the latest reading without being a change.
   */
  private void followCauses(Track t, Verdict v, Instant now, List<Transition> out) {
    if (v.kind() != Verdict.Kind.IMPAIRED && v.kind() != Verdict.Kind.GOOD) {
      return; // a failed check says nothing of what is wrong with a site that answers
    }
    CauseBook.Change change = t.causes.follow(cfg.downAfter(), cfg.upAfter(), now);
    t.reason = t.causes.isEmpty() ? v.reason() : t.causes.summary();
    if (!change.any()) {
      return;
    }
    t.changes.addLast(now);
    pruneChanges(t, now);
    if (!t.flapping && t.changes.size() > cfg.flapChanges()) {
      t.flapping = true;
    }
    List<String> what = new ArrayList<>();
    change.added().forEach(a -> what.add("new: " + a));
    change.cleared().forEach(c -> what.add("cleared: " + c));
    out.add(
        new Transition(
            t.site.id(), SiteState.DEGRADED, SiteState.DEGRADED, now,
            Reasons.cut(String.join("; ", what)), !t.flapping, t.flapping, change.added(), change.cleared()));
  }


  /** The site's failure is confirmed: DOWN, UNREACHABLE behind a DOWN parent, or wait. */
  private void failed(Track t, Verdict v, Instant now, List<Transition> out) {
    Track parent = t.site.parent() == null ? null : tracks.get(t.site.parent());
    if (parent != null && isOut(parent.state)) {
      change(t, SiteState.UNREACHABLE, "parent " + parent.site.id() + " is " + parent.state, now, out);
    } else if (uplinkUndecided(t)) {
      return; // wait: the next self-check round says whether the fault is vcmon's own
    } else if (parent != null && (parentUndecided(parent, t) || steppedBack(parent.lastCheckAt))) {
      wanted.add(parent.site.id()); // wait: its own checks decide between DOWN and UNREACHABLE
    } else if (t.state != SiteState.DOWN) {
      change(t, SiteState.DOWN, v, now, out);
    }
  }

  /**
   * The parent is failing but not yet confirmed, or has not been checked since the child began
   * to fail: deciding now could page for a child whose real fault is upstream.
   */
  private static boolean parentUndecided(Track parent, Track child) {
    if (parent.site.stage() == RolloutStage.PLANNED) {
      return false;
    }
    return parent.failStreak > 0
        || parent.lastCheckAt == null
        || parent.lastCheckAt.isBefore(child.failingSince);
  }

  /**
   * Sites whose check should come now rather than at their next turn: parents that children are
   * waiting for. Drained by the scheduler after each check.
   */
  public List<String> drainWanted() {
    List<String> ids = List.copyOf(wanted);
    wanted.clear();
    return ids;
  }

  /**
   * True for a time stamped after now: the clock stepped back since, so that time cannot say what
   * came first; the tracker waits for a fresh reading instead of deciding on it.
   */
  private boolean steppedBack(Instant at) {
    return at != null && at.isAfter(clock.instant());
  }

  private static boolean isOut(SiteState s) {
    return s == SiteState.DOWN || s == SiteState.UNREACHABLE;
  }

  /** The verdict a change to {@code to} stands on: for DEGRADED, the last impaired one. */
  private static Verdict basisFor(SiteState to, Verdict v, Track t) {
    if (to == SiteState.DEGRADED && v.kind() != Verdict.Kind.IMPAIRED && t.lastImpaired != null) {
      return t.lastImpaired;
    }
    return v;
  }

  /** A change whose reason is the verdict's; entering DEGRADED takes the verdict's causes. */
  private void change(Track t, SiteState to, Verdict basis, Instant now, List<Transition> out) {
    if (to == SiteState.DEGRADED && t.state != SiteState.DEGRADED) {
      t.causes.enter(basis, now);
    }
    change(t, to, basis.reason(), now, out);
  }

  private void change(Track t, SiteState to, String reason, Instant now, List<Transition> out) {
    if (t.state == to) {
      t.reason = reason;
      return;
    }
    if (to != SiteState.DEGRADED) {
      t.causes.clear();
    }
    SiteState from = t.state;
    t.state = to;
    t.since = now;
    t.reason = reason;
    if (to == SiteState.UP && t.firstConnected == null) {
      t.firstConnected = now;
    }
    t.changes.addLast(now);
    pruneChanges(t, now);
    if (!t.flapping && t.changes.size() > cfg.flapChanges()) {
      t.flapping = true;
    }
    boolean announce = !t.flapping;
    if (announce) {
      t.announced = to;
    }
    out.add(new Transition(t.site.id(), from, to, now, reason, announce, t.flapping));
    propagate(t, from, now, out);
  }

  /** Children follow a parent that goes out (UNREACHABLE) or comes back (fresh counting). */
  private void propagate(Track parent, SiteState from, Instant now, List<Transition> out) {
    for (Site child : inventory.children(parent.site.id())) {
      Track c = tracks.get(child.id());
      if (c.state == SiteState.PLANNED || c.state == SiteState.MAINTENANCE) {
        continue; // not expected to answer, or in a window: it follows nobody
      }
      if (isOut(parent.state)) {
        boolean confirmedFailure = c.failStreak >= cfg.downAfter();
        if (c.state == SiteState.DOWN || (confirmedFailure && !isOut(c.state))) {
          change(c, SiteState.UNREACHABLE, "parent " + parent.site.id() + " is " + parent.state, now, out);
        }
      } else if (isOut(from) && c.state == SiteState.UNREACHABLE) {
        // The parent is back: the child must now fail on its own, down_after times, to be DOWN.
        c.failStreak = 0;
        c.notGoodStreak = 0;
      }
    }
  }

  private void settleFlapping(Track t, Instant now, List<Transition> out) {
    if (!t.flapping) {
      return;
    }
    pruneChanges(t, now);
    if (t.changes.size() <= cfg.flapChanges() / 2) {
      t.flapping = false;
      if (t.announced != t.state) {
        out.add(
            new Transition(
                t.site.id(), t.announced, t.state, now, "stopped flapping; " + t.reason, true, false));
        t.announced = t.state;
      }
    }
  }

  private void pruneChanges(Track t, Instant now) {
    Instant horizon = now.minus(cfg.flapWindow());
    while (!t.changes.isEmpty() && t.changes.peekFirst().isBefore(horizon)) {
      t.changes.removeFirst();
    }
  }

  /** Mutable per-site bookkeeping; never leaves this class. */
  private static final class Track {
    Site site;
    SiteState state;
    Instant since;
    String reason;
    SiteState announced;
    int goodStreak;
    int reachableStreak;
    int notGoodStreak;
    int failStreak;
    Verdict last;
    Verdict lastImpaired;
    final CauseBook causes = new CauseBook();
    Instant failingSince;
    final Deque<Instant> changes = new ArrayDeque<>();
    boolean flapping;
    Instant lastCheckAt;
    IcmpResult icmp;
    SnmpResult snmp;
    SnmpResult lastSnmpOk;
    Instant lastSnmpOkAt;
    long lastUptimeTicks = -1;
    int reboots;
    Instant lastRebootAt;
    Instant firstConnected;
    /** The site's last notification about itself while it shows, or null. */
    String notice;
    Instant noticeAt;
    /** The reason with the notice, kept so that an unchanged status stays the same object. */
    private String shown;
    private String shownFrom;
    private String shownNotice;

    /** The reason as shown: with the site's recent notification, if any. */
    String shownReason() {
      if (notice == null) {
        return reason;
      }
      if (shownFrom != reason || shownNotice != notice) {
        shownFrom = reason;
        shownNotice = notice;
        shown = Reasons.cut(reason + "; " + notice);
      }
      return shown;
    }

    Track(Site site, Instant now) {
      this.site = site;
      this.since = now;
      if (site.stage() == RolloutStage.PLANNED) {
        this.state = SiteState.PLANNED;
        this.reason = "rollout stage planned: not expected to answer yet";
      } else {
        this.state = SiteState.UNKNOWN;
        this.reason = "not checked yet";
      }
      this.announced = state;
    }

    void count(Verdict v, Instant checkStart) {
      last = v;
      if (v.kind() == Verdict.Kind.GOOD || v.kind() == Verdict.Kind.IMPAIRED) {
        causes.count(v);
      }
      if (v.kind() == Verdict.Kind.FAILED
          && (failStreak == 0 || failingSince.isAfter(checkStart))) {
        // Never later than the latest failed check, even if the clock stepped back meanwhile:
        // otherwise no parent check or self-check round could ever come "after" it.
        failingSince = checkStart;
      }
      switch (v.kind()) {
        case GOOD -> {
          goodStreak++;
          reachableStreak++;
          notGoodStreak = 0;
          failStreak = 0;
        }
        case IMPAIRED -> {
          goodStreak = 0;
          reachableStreak++;
          notGoodStreak++;
          failStreak = 0;
          lastImpaired = v;
        }
        case FAILED -> {
          goodStreak = 0;
          reachableStreak = 0;
          notGoodStreak++;
          failStreak++;
        }
        case UNKNOWN -> {
          goodStreak = 0;
          reachableStreak = 0;
          notGoodStreak = 0;
          failStreak = 0;
        }
      }
    }

    /**
     * Between the first check that points to a change to or from DOWN and the change: failed
     * checks counted while the site is not out, or answers counted while it is DOWN.
     */
    boolean confirming() {
      if (last == null || state == SiteState.PLANNED || state == SiteState.MAINTENANCE) {
        return false;
      }
      return switch (last.kind()) {
        case FAILED -> !isOut(state);
        case GOOD, IMPAIRED -> state == SiteState.DOWN;
        case UNKNOWN -> false;
      };
    }

    /** The last status built; reused while nothing in it changed (most sites, most batches). */
    private SiteStatus status;


    SiteStatus status() {
      SiteStatus c = status;
      if (c != null
          && c.site() == site
          && c.state() == state
          && c.since() == since
          && c.reason() == shownReason()
          && c.flapping() == flapping
          && c.lastCheckAt() == lastCheckAt
          && c.icmp() == icmp
          && c.snmp() == snmp
          && c.lastSnmpOk() == lastSnmpOk
          && c.lastSnmpOkAt() == lastSnmpOkAt
          && c.reboots() == reboots
          && c.lastRebootAt() == lastRebootAt
          && c.firstConnected() == firstConnected
          && causes.sameAs(c.causes())) {
        return c;
      }
      return status = new SiteStatus(
          site,
          state,
          since,
          shownReason(),
          flapping,
          lastCheckAt,
          icmp,
          snmp,
          lastSnmpOk,
          lastSnmpOkAt,
          reboots,
          lastRebootAt,
          firstConnected,
          causes.list());
    }
  }
}
