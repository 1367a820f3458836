package org.daitu.vcmon.app;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.SiteTracker;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.state.StateSnapshot;
import org.daitu.vcmon.state.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the {@link SiteTracker} and publishes what it decides: checks and changes go in, each
 * transition is logged and published at once with a new snapshot on the {@link StateBoard}, and
 * snapshots that only carry new measurements are published at most once a second. Used on the
 * monitor's context only, so the tracker needs no locks.
 *
 * <p>Every check and change reaches the tracker through here, so this is where stopping takes
 * effect: once {@link #close() closed}, checks that end late are dropped unjudged, changes are
 * refused, and nothing more is published (no transition, notification or store write can be
 * caused by the stop).
 */
final class StatePublisher {
  private static final Logger log = LoggerFactory.getLogger(StatePublisher.class);
  /** Snapshots without transitions are published at most this often (transitions at once). */
  static final long SNAPSHOT_MILLIS = 1000;

  private final Vertx vertx;
  private final SiteTracker tracker;
  private final StateBoard board;
  private final Clock clock;
  private long version;
  private long publishedMillis = Long.MIN_VALUE / 2;
  private boolean publishLater;
  private long laterTimer = -1;
  private boolean closed;

  StatePublisher(Vertx vertx, SiteTracker tracker, StateBoard board, Clock clock) {
    this.vertx = vertx;
    this.tracker = tracker;
    this.board = board;
    this.clock = clock;
  }

  SiteTracker tracker() {
    return tracker;
  }

  /**
   * Applies finished checks (logging reboots) and publishes: at once when states changed, within
   * a second when only measurements did. At 10,000 sites a batch ends every tick, and a snapshot
   * of every site per tick would be most of the agent's work.
   */
  void apply(List<SiteCheck> checks) {
    if (closed) {
      return;
    }
    List<Transition> transitions = new ArrayList<>();
    for (SiteCheck c : checks) {
      SiteStatus before = tracker.status(c.siteId());
      transitions.addAll(tracker.apply(c));
      SiteStatus after = tracker.status(c.siteId());
      if (before != null && after != null && after.reboots() > before.reboots()) {
        logReboot(after);
      }
    }
    if (transitions.isEmpty() && clock.millis() - publishedMillis < SNAPSHOT_MILLIS) {
      if (!publishLater) {
        publishLater = true;
        laterTimer =
            vertx.setTimer(
                SNAPSHOT_MILLIS,
                id -> {
                  if (publishLater) {
                    publish(List.of());
                  }
                });
      }
      return;
    }
    publish(transitions);
  }

  /**
   * Runs a change of the tracker (a stage, maintenance, a reload) and publishes what it caused.
   *
   * @throws IllegalStateException when closed: the agent is stopping
   */
  void change(Function<SiteTracker, List<Transition>> change) {
    if (closed) {
      throw new IllegalStateException("the agent is stopping");
    }
    publish(change.apply(tracker));
  }

  /** Publishes what a change caused, if anything (time passing into or out of a window). */
  void changeIfAny(Function<SiteTracker, List<Transition>> change) {
    if (closed) {
      return;
    }
    List<Transition> ts = change.apply(tracker);
    if (!ts.isEmpty()) {
      publish(ts);
    }
  }

  /** Logs the transitions and publishes a new snapshot with them; nothing once closed. */
  void publish(List<Transition> transitions) {
    if (closed) {
      return;
    }
    for (Transition t : transitions) {
      if (t.causesChanged()) {
        log.info(
            "Site causes changed site={} state={} added=\"{}\" cleared=\"{}\" announce={} flapping={}",
            t.siteId(),
            t.to(),
            String.join("; ", t.causesAdded()),
            String.join("; ", t.causesCleared()),
            t.announce(),
            t.flapping());
        continue;
      }
      log.info(
          "Site state changed site={} from={} to={} announce={} flapping={} reason=\"{}\"",
          t.siteId(),
          t.from(),
          t.to(),
          t.announce(),
          t.flapping(),
          t.reason());
    }
    publishLater = false;
    // A deferred publish still pending is now early: left running, it would publish again within
    // the second whenever a later batch had deferred another.
    if (laterTimer >= 0) {
      vertx.cancelTimer(laterTimer);
      laterTimer = -1;
    }
    publishedMillis = clock.millis();
    StateSnapshot next = tracker.snapshot(++version);
    board.publish(next, transitions);
  }

  /** Publishes nothing more, from now on: the agent is stopping. Idempotent. */
  void close() {
    closed = true;
    publishLater = false;
    if (laterTimer >= 0) {
      vertx.cancelTimer(laterTimer);
      laterTimer = -1;
    }
  }

  private static void logReboot(SiteStatus now) {
    log.info(
        "Site rebooted site={} reboots={} uptime_seconds={}",
        now.id(),
        now.reboots(),
        now.lastSnmpOk() == null ? "" : (long) now.lastSnmpOk().uptimeSeconds());
  }
}
