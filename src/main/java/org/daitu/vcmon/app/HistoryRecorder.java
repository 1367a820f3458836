package org.daitu.vcmon.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.daitu.vcmon.history.Gap;
import org.daitu.vcmon.history.SampleBuckets;
import org.daitu.vcmon.history.SamplePoint;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.store.HistoryLog;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.state.StateSnapshot;
import org.daitu.vcmon.state.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the store in step with the monitor: every transition (and the incidents and first
 * connections it implies), the daily rollout counts, the gaps while vcmon's own uplink is down, and
 * a heartbeat that bounds the gap a crash leaves, and each site's checks as 5-minute points
 * (pruned once a day to {@link SampleBuckets#KEEP}). Listens to the {@link StateBoard}; never blocks
 * (the store works on its own thread). {@link #detach()} is the agent's stop step between the
 * monitor's last publication and the store's close: a last heartbeat, then every write asked for
 * is waited for, so the store closes with nothing of ours in flight.
 */
final class HistoryRecorder {
  private static final Logger log = LoggerFactory.getLogger(HistoryRecorder.class);
  static final long HEARTBEAT_MILLIS = 10_000;

  private final Vertx vertx;
  private final HistoryLog store;
  private final Clock clock;
  private final ZoneId zone;
  /** Site id to its parent; replaced whole by a reload, read on the monitor's thread. */
  private volatile Map<String, String> parents = Map.of();
  private String blind;
  private LocalDate day;
  private long connected = -1;
  private long online = -1;
  private long heartbeatTimer = -1;
  private boolean firstCycleDone;
  /** Each site's checks folded into 5-minute points; on the monitor's thread. */
  private final SampleBuckets samples = new SampleBuckets();
  private final Map<String, Instant> lastCheck = new HashMap<>();
  private LocalDate prunedOn;
  /** Writes asked for and not yet ended; from the monitor's context and the heartbeat timer's. */
  private final Set<Future<?>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean detached;

  HistoryRecorder(Vertx vertx, HistoryLog store, Inventory inventory, Clock clock, ZoneId zone) {
    this.vertx = vertx;
    this.store = store;
    this.clock = clock;
    this.zone = zone;
    inventory(inventory);
  }

  /** Takes a reloaded inventory's parents (stored with each transition). */
  void inventory(Inventory inventory) {
    Map<String, String> next = new HashMap<>();
    for (Site s : inventory.sites()) {
      if (s.parent() != null) {
        next.put(s.id(), s.parent());
      }
    }
    parents = next;
  }

  void attach(StateBoard board) {
    board.onTransitions(this::record);
    board.onSnapshot(this::snapshot);
    heartbeatTimer =
        vertx.setPeriodic(
            HEARTBEAT_MILLIS,
            id -> {
              if (!detached) {
                logged(store.heartbeat(clock.instant()), "heartbeat");
              }
            });
  }

  /**
   * Stops recording: writes the last heartbeat and completes once it and every write asked for
   * before have ended (each write reports its own failure). Call it after the monitor has
   * stopped publishing; the caller bounds the wait. Not waited for while the store cannot write
   * (it would wait for the disk): closing the store makes the last try and says what is lost.
   */
  Future<Void> detach() {
    if (detached) {
      return Future.succeededFuture();
    }
    detached = true;
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    logged(store.recordSamples(samples.drain()), "samples");
    logged(store.heartbeat(clock.instant()), "heartbeat");
    if (!store.health().writable()) {
      return Future.succeededFuture();
    }
    return Future.join(List.copyOf(inFlight)).<Void>mapEmpty().otherwiseEmpty();
  }

  private void record(List<Transition> transitions) {
    if (detached) {
      return;
    }
    logged(store.record(transitions, parents), "transitions");
  }

  private void snapshot(StateSnapshot snap) {
    if (detached) {
      return;
    }
    Instant now = clock.instant();
    if (snap.blind() != null && blind == null) {
      logged(store.openGap(now, Gap.Kind.UPLINK_DOWN, snap.blind()), "uplink gap");
    } else if (snap.blind() == null && blind != null) {
      logged(store.closeGap(now, Gap.Kind.UPLINK_DOWN), "uplink gap");
    }
    blind = snap.blind();
    samples(snap, now);
    if (!everySiteChecked(snap)) {
      return; // before the first full cycle the counts are still zero: not a day's low
    }
    LocalDate today = LocalDate.ofInstant(now, zone);
    long c = snap.unitsConnected();
    long o = snap.unitsOnline();
    if (!today.equals(day) || c != connected || o != online) {
      day = today;
      connected = c;
      online = o;
      logged(store.recordDay(today, (int) c, (int) o), "daily rollout");
    }
  }

  /** Folds the checks made since the last snapshot; writes the points they closed; prunes daily. */
  private void samples(StateSnapshot snap, Instant now) {
    List<SamplePoint> closed = new ArrayList<>();
    for (SiteStatus s : snap.sites()) {
      IcmpResult icmp = s.icmp();
      Instant at = s.lastCheckAt();
      if (icmp == null || at == null || at.equals(lastCheck.put(s.id(), at))) {
        continue;
      }
      samples
          .add(s.id(), at, icmp.sent(), icmp.received(), icmp.rttAvgSeconds(), icmp.rttMaxSeconds())
          .ifPresent(closed::add);
    }
    if (!closed.isEmpty()) {
      logged(store.recordSamples(closed), "samples");
    }
    LocalDate today = LocalDate.ofInstant(now, zone);
    if (!today.equals(prunedOn)) {
      prunedOn = today;
      logged(store.pruneSamples(now.minus(SampleBuckets.KEEP)), "sample pruning");
    }
  }

  private boolean everySiteChecked(StateSnapshot snap) {
    if (firstCycleDone) {
      return true;
    }
    firstCycleDone =
        snap.sites().stream()
            .allMatch(s -> s.site().stage() == RolloutStage.PLANNED || s.lastCheckAt() != null);
    return firstCycleDone;
  }

  private <T> void logged(Future<T> write, String what) {
    inFlight.add(write);
    write.onComplete(ar -> inFlight.remove(write));
    write.onFailure(
        err -> {
          // While the disk fails, the store itself logs, rate-limited, what it drops.
          if (store.health().writable()) {
            log.error("Store write failed what=\"{}\" error=\"{}\"", what, err.getMessage());
          }
        });
  }
}
