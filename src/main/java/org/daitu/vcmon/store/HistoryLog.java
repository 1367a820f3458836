package org.daitu.vcmon.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.history.Gap;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.history.SamplePoint;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.state.Transition;

/**
 * The history the monitor writes as it runs (transitions, incidents, first-connected times, runs
 * and heartbeats, gaps, the daily rollout) and what a starting agent reads back. These writes are
 * held in memory while the disk refuses them and written in order once it takes writes again;
 * each future completes once its write is durable.
 */
public interface HistoryLog {

  /** Whether writes succeed now, and how many wait in memory when they do not. Any thread. */
  StoreHealth health();

  /** What a starting agent needs back: nothing committed before a crash is lost. */
  record Recovered(
      Map<String, Instant> firstConnected,
      Map<String, RolloutStage> stages,
      List<Incident> openIncidents,
      List<MaintenanceWindow> maintenance,
      Instant lastHeartbeat) {}

  Future<Recovered> load();

  /**
   * Records a batch of transitions in one transaction: each state change, and the incidents and
   * first-connected times {@link org.daitu.vcmon.history.IncidentRules} decide for it (an
   * incident opened when a site goes DOWN or UNREACHABLE without one open, UNREACHABLE ones
   * linked to the parent's open incident, closed when it is next UP or DEGRADED; the site's
   * first-connected time when it goes UP for the first time ever, never moved later).
   *
   * <p>The list has one element per opening and one per closing, in batch order, each the
   * incident as stored right after that step (so an outage opened and closed within one batch
   * appears twice). A parent's incident is found only if the parent's transition comes earlier in
   * the batch or an earlier batch.
   *
   * @param parents site id to parent id, to link UNREACHABLE incidents
   * @return the incidents this batch opened or closed, as stored
   */
  Future<List<Incident>> record(List<Transition> transitions, Map<String, String> parents);

  /**
   * Marks the start of a run at {@code now}: if an earlier run left a heartbeat, the time from
   * it to {@code now} is recorded as an AGENT_STOPPED gap.
   */
  Future<Void> startRun(Instant now);

  /** The agent is alive at {@code now} (bounds the gap a crash leaves). */
  Future<Void> heartbeat(Instant now);

  /** vcmon's own uplink went down (self-check targets silent): opens an UPLINK_DOWN gap. */
  Future<Void> openGap(Instant from, Gap.Kind kind, String reason);

  /** Closes the open gap of that kind, if any. */
  Future<Void> closeGap(Instant to, Gap.Kind kind);

  /** Folds the current counts into the day's row (connected at the end, online max and min). */
  Future<Void> recordDay(LocalDate day, int connected, int online);

  /**
   * Adds 5-minute points of the sites' checks in one transaction; a point whose site and bucket
   * are stored already is added to that row.
   */
  Future<Void> recordSamples(List<SamplePoint> points);

  /** Deletes the points of buckets that start before {@code before}; the number deleted. */
  Future<Integer> pruneSamples(Instant before);
}
