package org.daitu.vcmon.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.daitu.vcmon.history.DailyRollout;
import org.daitu.vcmon.history.Gap;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.history.StateChange;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.Transition;

/**
 * Where vcmon keeps its history: state changes, incidents, first-connected dates, rollout stages
 * set through the API, maintenance windows, gaps and the daily rollout burn-up. Every method runs
 * off the event loop and completes on the caller's context. A write's future completes only once
 * the write is durable (committed and synced), so "recorded" means it survives a crash.
 *
 * <p>An interface so that another database can be added; {@link SqliteStore} is the embedded
 * default.
 */
public interface Store {

  /**
   * Opens the database and applies pending schema migrations. Fails with the path and the cause
   * when the file cannot be opened, is not a vcmon store, or was written by a newer vcmon.
   */
  Future<Void> open();

  Future<Void> close();

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
   * Records a batch of transitions in one transaction: each state change; an incident opened
   * when a site goes DOWN or UNREACHABLE without one open (UNREACHABLE ones linked to the
   * parent's open incident), closed when it is next UP or DEGRADED; the site's first-connected
   * time when it goes UP for the first time ever (never moved later).
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

  Future<Void> setStage(String siteId, RolloutStage stage, Instant at);

  /** Stores a window added through the API; returns it with its id. */
  Future<MaintenanceWindow> addMaintenance(MaintenanceWindow window);

  /** Deletes a window added through the API; false when there was none with that id. */
  Future<Boolean> removeMaintenance(long id);

  /** Acknowledges an incident with a note; empty when no incident has that id. */
  Future<Optional<Incident>> acknowledge(long incidentId, String note, Instant at);

  /** Folds the current counts into the day's row (connected at the end, online max and min). */
  Future<Void> recordDay(LocalDate day, int connected, int online);

  /** Incidents that overlap [from, to) (either bound may be null), newest first, at most limit. */
  Future<List<Incident>> incidents(String siteId, Instant from, Instant to, Boolean open, int limit);

  /** Every site's state at {@code at}: the {@code to} of its last change before then. */
  Future<Map<String, SiteState>> statesAt(Instant at);

  /** State changes in [from, to), oldest first. */
  Future<List<StateChange>> changes(Instant from, Instant to);

  /** Gaps that overlap [from, to), open ones with a null end. */
  Future<List<Gap>> gaps(Instant from, Instant to);

  /** Daily rollout rows in [from, to], oldest first. */
  Future<List<DailyRollout>> days(LocalDate from, LocalDate to);

  // ---- notification outbox

  /**
   * Queues notifications durably. An item whose (channel, key) is already in the outbox, delivered
   * or not, is ignored: submitting the same event twice delivers it once.
   *
   * @return how many items were new
   */
  Future<Integer> enqueue(List<OutboxItem> items);

  /**
   * Undelivered items due at {@code now}, oldest first, at most {@code limit}. An item is left out
   * while an earlier undelivered item of its channel waits for its retry: a channel delivers in
   * creation order, so a failing item holds back its channel's later ones.
   */
  Future<List<OutboxItem>> pending(Instant now, int limit);

  /** The item reached its channel at {@code at}; it is never sent again. */
  Future<Void> delivered(long id, Instant at);

  /** A delivery failed: records the attempts so far, when to try again and why it failed. */
  Future<Void> failed(long id, int attempts, Instant nextAttempt, String error);

  /** Undelivered items and the age of the oldest at {@code now}. */
  Future<OutboxStats> outboxStats(Instant now);
}
