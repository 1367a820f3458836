package org.daitu.vcmon.output.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.output.alert.Notification.Kind;
import org.daitu.vcmon.output.alert.Notification.Severity;
import org.daitu.vcmon.output.alert.Notification.SiteLine;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateSnapshot;
import org.daitu.vcmon.state.Transition;

/**
 * Decides which notifications go out for the tracker's transitions, and when; knows nothing of
 * channels (each channel filters with {@link Channel#accepts}) nor of delivery (the outbox).
 *
 * <p>Rules, from the issue: only {@link Transition#announce() announced} changes count (flapping is
 * silent); a confirmed DOWN is critical and names the sites UNREACHABLE behind it, whose own
 * changes never alert; a recovery from an announced outage is {@code resolved} with the outage's
 * duration; DEGRADED becomes a warning only once it lasted {@code degraded_after}; changes are held
 * for {@code digest.window} and go out as one digest when {@code min_sites} sites changed together
 * (a storm has one cause, and thirty messages hide it), but fewer changes are held only while
 * another site is being confirmed ({@link StateSnapshot#confirming()}): a lone outage goes out as
 * soon as it is confirmed; reminders every {@code reminder_interval}
 * while DOWN. A change of causes of a DEGRADED site already warned about is a warning too, held
 * for the digest like a change of state. Nothing goes out for MAINTENANCE, nor while vcmon is blind (its own uplink down):
 * held changes are dropped then, and an outage announced before the blind spell is not announced
 * again after it.
 *
 * <p>Pure: no I/O, no Vert.x, time from the transitions, {@link #tick} and the injected clock.
 * Keys are built from the events alone, so two instances fed the same input give the same keys and
 * the outbox can drop a duplicate after a restart. Not thread-safe: one owner calls it.
 */
public final class AlertPolicy {
  private AgentConfig.Alerts cfg;
  private Messages text;
  private MeetingReadiness readiness;
  private final Clock clock;

  // Sorted by site id, so what tick() finds due comes out in the same order in every instance.
  /** Sites with an outage that began with an announced DOWN (kept through UNKNOWN and blind spells). */
  private final Map<String, Outage> outages = new TreeMap<>();
  /** Sites DEGRADED now, waiting for degraded_after or already warned. */
  private final Map<String, Degraded> degraded = new TreeMap<>();
  /** Changes waiting for the digest window to close. */
  private final List<Held> held = new ArrayList<>();

  private Instant windowStart;
  /** When the latest held change happened (a storm's window slides with it). */
  private Instant lastHeldAt;
  static final int STORM_WINDOWS = 6;
  /** A "now" this far before the window's start means the clock was stepped back (NTP). */
  static final Duration CLOCK_STEP = Duration.ofMinutes(1);
  /** MeetingReadiness summaries sent, by key, until their meeting starts. */
  private final Map<String, Instant> readinessSent = new HashMap<>();
  /** With several agents: outages are named by the online spell they ended (see {@link #severalAgents}). */
  private boolean severalAgents;
  /** Site id → when its current or last online spell began (UP or DEGRADED after anything else). */
  private final Map<String, Instant> onlineSince = new HashMap<>();

  private static final class Outage {
    final Instant since;
    /** What names it in keys: when it began, or with several agents the online spell it ended. */
    final String id;
    final String reason;
    boolean announced;
    /** Restored from a run that may have stopped before its announcement was queued. */
    boolean unsure;
    long reminders;

    Outage(Instant since, String reason) {
      this(since, Long.toString(since.toEpochMilli()), reason);
    }

    Outage(Instant since, String id, String reason) {
      this.since = since;
      this.id = id;
      this.reason = reason;
    }
  }

  private static final class Degraded {
    final Instant since;
    boolean warned;

    Degraded(Instant since) {
      this.since = since;
    }
  }

  /**
   * A held change: a DOWN to announce or a recovery to tell, with the outage it belongs to, or a
   * change of a warned DEGRADED site's causes (no outage).
   */
  private record Held(Transition t, Outage outage) {
    boolean down() {
      return t.to() == SiteState.DOWN;
    }

    boolean causes() {
      return t.causesChanged();
    }
  }

  /**
   * @param readiness the meetings whose readiness summaries {@link #tick} sends at their lead time
   * @param clock "now" for {@link #onTransitions}: a window that closed before new changes arrive
   *     goes out first
   */
  public AlertPolicy(AgentConfig.Alerts cfg, Messages text, MeetingReadiness readiness, Clock clock) {
    this.cfg = cfg;
    this.text = text;
    this.readiness = readiness;
    this.clock = clock;
  }

  /**
   * Several agents decide the same notifications, each from its own combined history; they agree
   * on when a site's online spell began (it was decided together, before any partition), but
   * during a partition each side confirms an outage at its own moment. So with several agents an
   * outage, its recovery and its reminders are named by the start of the online spell it ended
   * ({@code site:ID:DOWN:after-MILLIS}): both sides of a partition then send the same keys. An
   * outage restored from an earlier run's open incident is taken as announced: the other agents
   * held its message and sent it when this one left.
   */
  public AlertPolicy severalAgents() {
    this.severalAgents = true;
    return this;
  }

  /**
   * Takes reloaded settings (language, digest, delays, reminders) and meetings. What it tracks —
   * outages, warnings, held changes, summaries sent — stays, so nothing is announced twice or lost.
   */
  public void reconfigure(AgentConfig.Alerts nextCfg, Messages nextText, MeetingReadiness nextReadiness) {
    this.cfg = nextCfg;
    this.text = nextText;
    this.readiness = nextReadiness;
  }

  /**
   * Takes back the outages an earlier run left open (the store's open incidents). An outage counts
   * as announced when its digest hold ended before that run's last heartbeat (its message was in
   * the outbox by then); a younger one may or may not have been queued, so it is announced again
   * under the same key (see {@link #restoreUnsure}).
   */
  public void restore(List<Incident> openIncidents, Instant lastHeartbeat) {
    Map<String, Instant> announced = new HashMap<>();
    Map<String, Instant> unsure = new HashMap<>();
    for (Incident incident : openIncidents) {
      boolean queued =
          severalAgents
              || lastHeartbeat != null && incident.openedAt().plus(cfg.digestWindow()).isBefore(lastHeartbeat);
      (queued ? announced : unsure).put(incident.siteId(), incident.openedAt());
    }
    restore(announced);
    restoreUnsure(unsure);
  }

  /**
   * Outages an earlier run already announced (the store's open incidents): after a restart the
   * site comes back through UNKNOWN to DOWN, which is the same outage and must not be announced
   * again; its recovery is told with the whole outage's length.
   */
  public void restore(Map<String, Instant> openOutages) {
    openOutages.forEach(
        (id, since) -> {
          Outage o = new Outage(since, null);
          o.announced = true;
          outages.putIfAbsent(id, o);
        });
  }

  /**
   * Outages an earlier run may have stopped in the middle of announcing (the process was killed
   * within the digest window or before the next heartbeat). When the site is seen DOWN again the
   * outage is announced at once, alone, under the key it had then, so the outbox refuses it if it
   * was queued before and sends it if it was not; its recovery is told either way.
   */
  public void restoreUnsure(Map<String, Instant> openOutages) {
    openOutages.forEach(
        (id, since) -> {
          Outage o = new Outage(since, null);
          o.announced = true;
          o.unsure = true;
          outages.putIfAbsent(id, o);
        });
  }

  /** The notifications due for these transitions (often none: they are held for the digest window). */
  public List<Notification> onTransitions(List<Transition> ts, StateSnapshot snap) {
    List<Notification> out = new ArrayList<>();
    if (snap.blind() != null) {
      dropHeld();
      return out;
    }
    Instant now = clock.instant();
    if (windowClosed(now)) {
      out.addAll(release(snap, now));
    }
    for (Transition t : ts) {
      if (t.to().isOnline() && !t.from().isOnline()) {
        onlineSince.put(t.siteId(), t.at());
      }
      if (!t.announce()) {
        continue;
      }
      handle(t, snap, out);
    }
    if (!held.isEmpty() && (cfg.digestWindow().isZero() || nothingMore(snap))) {
      out.addAll(release(snap, now));
    }
    return out;
  }

  /**
   * Whether held changes have nothing more to wait for: fewer than {@code min_sites} sites changed
   * and no other site is being confirmed, so no digest can come of them. Without a view of the
   * sites being confirmed (several agents) the whole window applies; a storm keeps its window.
   */
  private boolean nothingMore(StateSnapshot snap) {
    Set<String> confirming = snap.confirming().orElse(null);
    if (confirming == null) {
      return false;
    }
    Set<String> changed = new HashSet<>();
    held.forEach(h -> changed.add(h.t().siteId()));
    return changed.size() < cfg.digestMinSites() && changed.containsAll(confirming);
  }

  private void handle(Transition t, StateSnapshot snap, List<Notification> out) {
    String id = t.siteId();
    SiteState to = t.to();
    if (t.causesChanged()) {
      Degraded d = degraded.get(id);
      if (d != null && d.warned) {
        hold(new Held(t, null));
      }
      // Not warned yet: the warning, when due, gives the causes of that moment.
      return;
    }
    if (to != SiteState.DEGRADED) {
      Degraded d = degraded.remove(id);
      if (d != null && d.warned && to == SiteState.UP) {
        out.add(degradedRecovery(t, d, snap));
      }
    }
    switch (to) {
      case DOWN:
        Outage known = outages.get(id);
        if (known != null && known.unsure) {
          // Alone, never in a digest: only the key it had before lets the outbox drop a repeat.
          known.unsure = false;
          out.add(down(new Transition(id, t.from(), t.to(), known.since, t.reason(), true, false), known, snap, clock.instant()));
          return;
        }
        if (known != null) {
          // Back from UNKNOWN or MAINTENANCE into the same outage: told already.
          return;
        }
        Instant spell = onlineSince.get(id);
        Outage begun =
            severalAgents && spell != null && t.from().isOnline()
                ? new Outage(t.at(), "after-" + spell.toEpochMilli(), t.reason())
                : new Outage(t.at(), t.reason());
        outages.put(id, begun);
        hold(new Held(t, begun));
        return;
      case UP:
      case DEGRADED:
        if (to == SiteState.DEGRADED && !degraded.containsKey(id)) {
          degraded.put(id, new Degraded(t.at()));
        }
        Outage o = outages.remove(id);
        if (o != null && o.announced) {
          hold(new Held(t, o));
        } else if (o != null) {
          // Down and back within the window: neither goes out.
          held.removeIf(h -> h.down() && h.t().siteId().equals(id));
          if (held.isEmpty()) {
            windowStart = null;
          }
        }
        return;
      default:
        // UNREACHABLE is told by the parent's alert; UNKNOWN, MAINTENANCE, PLANNED never alert.
        return;
    }
  }

  private void hold(Held h) {
    if (held.isEmpty()) {
      windowStart = h.t().at();
    }
    lastHeldAt = h.t().at();
    held.add(h);
  }

  /**
   * The digest window closes {@code digest.window} after its first change. Once {@code
   * min_sites} sites have changed (a storm), it stays open while changes keep coming, until a
   * whole window passes without one, and at most {@link #STORM_WINDOWS} windows after the first:
   * a storm whose detections spread over a check interval still goes out as one digest.
   */
  private boolean windowClosed(Instant now) {
    if (windowStart == null) {
      return false;
    }
    if (now.isBefore(windowStart.minus(CLOCK_STEP))) {
      return true; // the clock stepped back: waiting for it to catch up could hold an alert for hours
    }
    Duration w = cfg.digestWindow();
    long sites = held.stream().map(h -> h.t().siteId()).distinct().count();
    if (sites < cfg.digestMinSites()) {
      return !now.isBefore(windowStart.plus(w));
    }
    return !now.isBefore(lastHeldAt.plus(w)) || !now.isBefore(windowStart.plus(w.multipliedBy(STORM_WINDOWS)));
  }

  private void dropHeld() {
    for (Held h : held) {
      String id = h.t().siteId();
      if (h.down() && outages.get(id) == h.outage() && !h.outage().announced) {
        outages.remove(id);
      } else if (!h.down() && !outages.containsKey(id)) {
        // The recovery of an announced outage is not lost: it goes out when the site is seen
        // back after the blind spell.
        outages.put(id, h.outage());
      }
    }
    held.clear();
    windowStart = null;
  }

  /**
   * What time alone makes due: held changes whose window closed, DEGRADED warnings, reminders,
   * meeting readiness summaries.
   * Call it every few seconds with the latest snapshot.
   */
  public List<Notification> tick(Instant now, StateSnapshot snap) {
    List<Notification> out = new ArrayList<>();
    if (severalAgents) {
      // The agents align an online state's since on the earliest any of them decided: follow it.
      for (SiteStatus s : snap.sites()) {
        if (s.state().isOnline() && s.since() != null) {
          onlineSince.merge(s.id(), s.since(), (known, seen) -> seen.isBefore(known) ? seen : known);
        }
      }
    }
    if (snap.blind() != null) {
      dropHeld();
      return out;
    }
    if (windowClosed(now) || !held.isEmpty() && nothingMore(snap)) {
      out.addAll(release(snap, now));
    }
    for (Map.Entry<String, Degraded> e : degraded.entrySet()) {
      Degraded d = e.getValue();
      SiteStatus s = snap.site(e.getKey()).orElse(null);
      if (d.warned || s == null || s.state() != SiteState.DEGRADED) {
        continue;
      }
      if (!now.isBefore(d.since.plus(cfg.degradedAfter()))) {
        d.warned = true;
        out.add(degradedWarning(s, d, now));
      }
    }
    if (!cfg.reminderInterval().isZero()) {
      for (Map.Entry<String, Outage> e : outages.entrySet()) {
        Outage o = e.getValue();
        SiteStatus s = snap.site(e.getKey()).orElse(null);
        if (!o.announced || s == null || s.state() != SiteState.DOWN) {
          continue;
        }
        long n = Duration.between(o.since, now).toMillis() / cfg.reminderInterval().toMillis();
        if (n > o.reminders) {
          o.reminders = n;
          out.add(reminder(s, o, n, now, snap));
        }
      }
    }
    readinessSent.values().removeIf(start -> start.isBefore(now));
    for (MeetingReadiness.Occurrence o : readiness.due(now)) {
      if (readinessSent.putIfAbsent(o.key(), o.start()) == null) {
        out.add(readiness.readiness(o.meeting(), o.start(), snap));
      }
    }
    return out;
  }

  private List<Notification> release(StateSnapshot snap, Instant now) {
    List<Held> batch = new ArrayList<>();
    for (Held h : held) {
      SiteStatus s = snap.site(h.t().siteId()).orElse(null);
      if (h.down() && s != null && s.state() == SiteState.MAINTENANCE) {
        outages.remove(h.t().siteId());
        continue;
      }
      batch.add(h);
    }
    Instant first = windowStart;
    held.clear();
    windowStart = null;
    List<Notification> out = new ArrayList<>();
    if (batch.isEmpty()) {
      return out;
    }
    for (Held h : batch) {
      if (h.down()) {
        Outage o = outages.get(h.t().siteId());
        if (o != null) {
          o.announced = true;
        }
      }
    }
    Set<String> sites = new LinkedHashSet<>();
    batch.forEach(h -> sites.add(h.t().siteId()));
    if (sites.size() >= cfg.digestMinSites()) {
      out.add(digest(batch, first, snap, now));
    } else {
      for (Held h : batch) {
        out.add(h.down() ? down(h.t(), h.outage(), snap, now) : h.causes() ? causesChange(h.t(), snap) : recovery(h, snap));
      }
    }
    return out;
  }

  private String name(String id, StateSnapshot snap) {
    return snap.site(id).map(s -> s.site().name()).orElse(id);
  }

  /** Names of the sites UNREACHABLE behind {@code parent}, at any depth, in inventory order. */
  private List<SiteStatus> behind(String parent, StateSnapshot snap) {
    Set<String> ancestors = new HashSet<>();
    ancestors.add(parent);
    List<SiteStatus> out = new ArrayList<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (SiteStatus s : snap.sites()) {
        String p = s.site().parent();
        if (p != null && ancestors.contains(p) && !ancestors.contains(s.id())) {
          ancestors.add(s.id());
          grew = true;
        }
      }
    }
    for (SiteStatus s : snap.sites()) {
      if (!s.id().equals(parent) && ancestors.contains(s.id()) && s.state() == SiteState.UNREACHABLE) {
        out.add(s);
      }
    }
    return out;
  }

  private static SiteLine line(SiteStatus s) {
    return new SiteLine(s.id(), s.site().name(), s.state().name(), null, s.since(), s.reason());
  }

  private static SiteLine line(Transition t, String name) {
    return new SiteLine(t.siteId(), name, t.to().name(), t.from().name(), t.at(), t.reason());
  }

  private Notification down(Transition t, Outage outage, StateSnapshot snap, Instant now) {
    String name = name(t.siteId(), snap);
    List<SiteStatus> children = behind(t.siteId(), snap);
    List<SiteLine> lines = new ArrayList<>();
    lines.add(line(t, name));
    children.forEach(c -> lines.add(line(c)));
    return new Notification(
        "site:" + t.siteId() + ":DOWN:" + outage.id,
        Kind.SITE,
        Severity.CRITICAL,
        false,
        t.at(),
        text.downTitle(name),
        text.downText(name, t.at(), now, t.reason(), children.stream().map(c -> c.site().name()).toList()),
        lines);
  }

  private Notification recovery(Held h, StateSnapshot snap) {
    Transition t = h.t();
    String name = name(t.siteId(), snap);
    // With several agents the recovery is named by its outage: each side of a partition sees the
    // site back at its own moment.
    String id = h.outage().id.startsWith("after-") ? h.outage().id : Long.toString(t.at().toEpochMilli());
    return new Notification(
        "site:" + t.siteId() + ":" + t.to().name() + ":" + id,
        Kind.SITE,
        Severity.CRITICAL,
        true,
        t.at(),
        text.recoveryTitle(name),
        text.recoveryText(name, h.outage().since, t.at(), t.to()),
        List.of(line(t, name)));
  }

  private Notification reminder(SiteStatus s, Outage o, long n, Instant now, StateSnapshot snap) {
    String name = s.site().name();
    List<SiteStatus> children = behind(s.id(), snap);
    List<SiteLine> lines = new ArrayList<>();
    lines.add(line(s));
    children.forEach(c -> lines.add(line(c)));
    return new Notification(
        // The outage's start is in the key: reminder n of the next outage is a new message, which
        // the outbox would otherwise refuse as a repeat of this one's.
        "reminder:" + s.id() + ":" + o.id + ":" + n,
        Kind.SITE,
        Severity.CRITICAL,
        false,
        now,
        text.reminderTitle(name),
        text.reminderText(name, o.since, now, o.reason, children.stream().map(c -> c.site().name()).toList()),
        lines);
  }

  private Notification degradedWarning(SiteStatus s, Degraded d, Instant now) {
    String name = s.site().name();
    return new Notification(
        "degraded:" + s.id() + ":" + d.since.toEpochMilli(),
        Kind.SITE,
        Severity.WARNING,
        false,
        now,
        text.degradedTitle(name),
        text.degradedText(name, d.since, now, s.reason()),
        List.of(line(s)));
  }

  private Notification degradedRecovery(Transition t, Degraded d, StateSnapshot snap) {
    String name = name(t.siteId(), snap);
    return new Notification(
        "site:" + t.siteId() + ":" + t.to().name() + ":" + t.at().toEpochMilli(),
        Kind.SITE,
        Severity.WARNING,
        true,
        t.at(),
        text.degradedRecoveryTitle(name),
        text.degradedRecoveryText(name, d.since, t.at(), t.to()),
        List.of(line(t, name)));
  }

  private Notification causesChange(Transition t, StateSnapshot snap) {
    String name = name(t.siteId(), snap);
    SiteStatus s = snap.site(t.siteId()).orElse(null);
    return new Notification(
        "causes:" + t.siteId() + ":" + t.at().toEpochMilli(),
        Kind.SITE,
        Severity.WARNING,
        false,
        t.at(),
        text.causesTitle(name, t.causesAdded().isEmpty()),
        text.causesText(name, t.at(), t.causesAdded(), t.causesCleared(), s == null ? null : s.reason()),
        List.of(line(t, name)));
  }

  private Notification digest(List<Held> batch, Instant first, StateSnapshot snap, Instant now) {
    List<SiteLine> lines = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    int downUnits = 0;
    for (Held h : batch) {
      Transition t = h.t();
      String name = name(t.siteId(), snap);
      lines.add(line(t, name));
      body.append('\n').append(text.digestLine(name, t.to(), t.at(), now, t.reason()));
      if (h.down()) {
        boolean unit = snap.site(t.siteId()).map(s -> s.site().type().isUnit()).orElse(false);
        if (unit) {
          downUnits++;
        }
      }
    }
    int units = (int) snap.sites().stream().filter(s -> s.site().type().isUnit()).count();
    boolean suspect = downUnits >= cfg.digestMinSites();
    Set<String> changed = new LinkedHashSet<>();
    batch.forEach(h -> changed.add(h.t().siteId()));
    String title = text.digestTitle(downUnits, units, changed.size(), suspect);
    return new Notification(
        "digest:" + first.toEpochMilli(),
        Kind.DIGEST,
        Severity.CRITICAL,
        batch.stream().noneMatch(h -> h.down() || h.causes()),
        first,
        title,
        title + body,
        lines);
  }
}
