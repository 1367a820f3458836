package org.daitu.vcmon.app;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.daitu.vcmon.app.cluster.OperatorLog;
import org.daitu.vcmon.config.ReloadResult;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceCalendar;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.history.OperatorOp;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.output.web.AdminActions;
import org.daitu.vcmon.state.MaintenanceSchedule;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.SiteTracker;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.state.Transition;
import org.daitu.vcmon.store.AdminStore;
import org.daitu.vcmon.store.AdminStore.OpPage;
import org.daitu.vcmon.store.OpOutcome;
import org.daitu.vcmon.store.OpOutcome.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's writes, done for real: each becomes an {@link OperatorOp}, stored first with
 * its effect (so an accepted write survives a crash), then applied to the running monitor, then
 * handed to whoever shares it with the other agents of a cluster ({@link #onMade}). An op made on
 * another agent ({@link #receive}) goes through the same code, without being handed on. Also the
 * owner of the maintenance calendar, which the tracker and the availability reports read.
 *
 * <p>A kind of write is: a name and body ({@link OperatorOp}), a store method that records the op
 * and its effect in one transaction ({@link AdminStore}), and one entry in {@link #kinds} that
 * reads the body and applies the effect to the running agent.
 */
final class AgentAdmin implements AdminActions, OperatorLog {
  private static final Logger log = LoggerFactory.getLogger(AgentAdmin.class);

  /** Runs a change of the tracker where it lives: {@link MonitorVerticle#change}. */
  @FunctionalInterface
  interface TrackerChanges {
    Future<Void> change(Function<SiteTracker, List<Transition>> change);
  }

  private final AdminStore store;
  private final Clock clock;
  private final ZoneId zone;
  private final String origin;
  private final List<MaintenanceWindow> windows = new CopyOnWriteArrayList<>();
  private volatile MaintenanceCalendar calendar;
  private final TrackerChanges monitor;
  private final Reloader reloader;
  private final List<Consumer<OperatorOp>> madeListeners = new CopyOnWriteArrayList<>();
  /** How each kind of op from another agent is read and applied. */
  private final Map<String, Function<OperatorOp, Future<? extends OpOutcome<?>>>> kinds =
      Map.of(
          OperatorOp.STAGE_SET, this::applyStage,
          OperatorOp.MAINTENANCE_ADD, this::applyAdd,
          OperatorOp.MAINTENANCE_REMOVE, this::applyRemove,
          OperatorOp.INCIDENT_ACK, this::applyAck);
  /** Sites with an acknowledgement kept until their incident shows up here. */
  private final Set<String> pendingAckSites = ConcurrentHashMap.newKeySet();

  /**
   * @param initial the maintenance windows in force at start: the config's and those stored
   * @param monitor where the tracker lives: stage and window changes apply there
   * @param origin this agent's vantage, or {@code local} for a single agent: the origin of the ops
   *     made here and the first part of their ids
   */
  AgentAdmin(
      AdminStore store,
      Clock clock,
      ZoneId zone,
      List<MaintenanceWindow> initial,
      TrackerChanges monitor,
      Reloader reloader,
      String origin) {
    this.store = store;
    this.clock = clock;
    this.zone = zone;
    this.monitor = monitor;
    this.reloader = reloader;
    this.origin = origin;
    windows.addAll(initial);
    calendar = new MaintenanceCalendar(windows, zone);
  }

  @Override
  public Optional<String> reloadUnavailable() {
    return reloader.unavailableReason();
  }

  @Override
  public Future<ReloadResult> reload() {
    return reloader.reload("api");
  }

  MaintenanceCalendar calendar() {
    return calendar;
  }

  /** What the tracker asks: the window a site is in, as the reason it shows. */
  MaintenanceSchedule schedule() {
    return (site, at) ->
        calendar
            .activeAt(site, at)
            .map(w -> "maintenance window " + w.id() + (w.note() == null ? "" : ": " + w.note()));
  }

  // ---- the API's writes: made here

  @Override
  public Future<Void> setStage(String siteId, RolloutStage stage) {
    OperatorOp op =
        make(OperatorOp.STAGE_SET, new JsonObject().put("site", siteId).put("stage", stage.name()));
    return made(op, applyStage(op, siteId, stage))
        .compose(
            outcome ->
                outcome.status() == Status.SUPERSEDED
                    ? Future.failedFuture(
                        new IllegalStateException(
                            "a later rollout stage of " + siteId + " set on another agent is in force"))
                    : Future.<Void>succeededFuture());
  }

  @Override
  public List<MaintenanceWindow> maintenance() {
    return List.copyOf(windows);
  }

  @Override
  public Future<MaintenanceWindow> addMaintenance(MaintenanceWindow window) {
    MaintenanceWindow w = window.withUid(UUID.randomUUID().toString());
    OperatorOp op = make(OperatorOp.MAINTENANCE_ADD, windowBody(w));
    return made(op, applyAdd(op, w)).map(OpOutcome::value);
  }

  @Override
  public Future<Boolean> removeMaintenance(long id) {
    Optional<MaintenanceWindow> found =
        windows.stream().filter(w -> w.id() == id && "api".equals(w.source()) && w.uid() != null).findFirst();
    if (found.isEmpty()) {
      return Future.succeededFuture(false);
    }
    String uid = found.get().uid();
    OperatorOp op = make(OperatorOp.MAINTENANCE_REMOVE, new JsonObject().put("uid", uid));
    return made(op, applyRemove(op, uid)).map(outcome -> outcome.value() != null);
  }

  @Override
  public Future<Optional<Incident>> acknowledge(long incidentId, String note) {
    return store
        .incident(incidentId)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.succeededFuture(Optional.<Incident>empty());
              }
              Incident i = found.get();
              OperatorOp op =
                  make(
                      OperatorOp.INCIDENT_ACK,
                      new JsonObject()
                          .put("site", i.siteId())
                          .put("opened_at", i.openedAt().toEpochMilli())
                          .put("closed_at", i.closedAt() == null ? null : i.closedAt().toEpochMilli())
                          .put("note", note));
              return made(op, applyAck(op, i.siteId(), i.openedAt(), i.closedAt(), note))
                  .map(outcome -> Optional.ofNullable(outcome.value()));
            });
  }

  private OperatorOp make(String kind, JsonObject body) {
    return new OperatorOp(origin + ":" + UUID.randomUUID(), clock.instant(), kind, origin, body.encode());
  }

  /** Once an op made here is stored and applied, the others are told (whatever won here). */
  private <T> Future<OpOutcome<T>> made(OperatorOp op, Future<OpOutcome<T>> applied) {
    return applied.onSuccess(
        outcome -> {
          if (outcome.isNew()) {
            madeListeners.forEach(l -> l.accept(op));
          }
        });
  }

  @Override
  public void onMade(Consumer<OperatorOp> listener) {
    madeListeners.add(listener);
  }

  // ---- ops from the other agents

  @Override
  public Future<Boolean> receive(OperatorOp op) {
    Function<OperatorOp, Future<? extends OpOutcome<?>>> kind = kinds.get(op.kind());
    Future<? extends OpOutcome<?>> applied;
    try {
      applied = kind == null ? store.keep(op) : kind.apply(op);
    } catch (RuntimeException e) { // a body this vcmon cannot read
      return Future.failedFuture(
          new IllegalArgumentException("op " + op.id() + " (" + op.kind() + "): " + e.getMessage(), e));
    }
    return applied.map(
        outcome -> {
          if (outcome.isNew() && outcome.status() != Status.PENDING) {
            log.info(
                "Operator write from another agent op={} kind={} origin={} outcome={}",
                op.id(), op.kind(), op.origin(), outcome.status());
          }
          return outcome.isNew();
        });
  }

  @Override
  public Future<OpPage> ops(long before, Instant since, int limit) {
    return store.ops(before, since, limit);
  }

  @Override
  public Future<Void> retryPending() {
    Instant recent = clock.instant().minus(PENDING_ACK_RETRIES);
    return store
        .pendingOps(null, null, null)
        .compose(
            pending ->
                inTurn(
                    pending.stream().filter(op -> !op.kind().equals(OperatorOp.INCIDENT_ACK)).toList(),
                    this::receive))
        .compose(v -> store.pendingOps(OperatorOp.INCIDENT_ACK, null, recent))
        .compose(acks -> inTurn(acks, this::receive));
  }

  /**
   * How long after it reached this agent an acknowledgement kept for want of its incident is tried
   * again when an incident of its site opens here: long enough for an agent that just (re)joined
   * to judge the site, short enough not to acknowledge a later, unrelated outage.
   */
  static final Duration PENDING_ACK_RETRIES = Duration.ofHours(1);

  /**
   * Acknowledgements kept for want of their incident are tried again when an incident of their
   * site opens here (after the recorder, which listens first, has asked the store to record it:
   * the store writes in that order), for {@link #PENDING_ACK_RETRIES} after they arrived.
   */
  void retryAcksOn(StateBoard board) {
    board.onTransitions(
        transitions -> {
          for (Transition t : transitions) {
            boolean opens = t.to() == SiteState.DOWN || t.to() == SiteState.UNREACHABLE;
            if (opens && pendingAckSites.remove(t.siteId())) { // added again if still kept
              store
                  .pendingOps(OperatorOp.INCIDENT_ACK, t.siteId(), clock.instant().minus(PENDING_ACK_RETRIES))
                  .compose(pending -> inTurn(pending, this::receive))
                  .onFailure(
                      err -> log.warn("Could not apply a kept acknowledgement site={} error=\"{}\"",
                          t.siteId(), err.toString()));
            }
          }
        });
  }

  /** Runs {@code step} on each element, one after the other. */
  private static <T> Future<Void> inTurn(List<T> items, Function<T, Future<?>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> step.apply(item).mapEmpty());
    }
    return chain;
  }

  // ---- each kind: the store, then the running monitor

  private Future<OpOutcome<Void>> applyStage(OperatorOp op) {
    JsonObject b = new JsonObject(op.body());
    return applyStage(op, b.getString("site"), RolloutStage.valueOf(b.getString("stage")));
  }

  private Future<OpOutcome<Void>> applyStage(OperatorOp op, String siteId, RolloutStage stage) {
    return store
        .setStage(op, siteId, stage)
        .compose(
            outcome ->
                outcome.status() == Status.APPLIED
                    ? monitor.change(tracker -> tracker.setStage(siteId, stage)).map(outcome)
                    : Future.succeededFuture(outcome));
  }

  private Future<OpOutcome<MaintenanceWindow>> applyAdd(OperatorOp op) {
    return applyAdd(op, window(new JsonObject(op.body())));
  }

  private Future<OpOutcome<MaintenanceWindow>> applyAdd(OperatorOp op, MaintenanceWindow w) {
    return store
        .addMaintenance(op, w)
        .compose(
            outcome ->
                outcome.status() == Status.APPLIED
                    ? changeWindows(list -> list.add(outcome.value())).map(outcome)
                    : Future.succeededFuture(outcome));
  }

  private Future<OpOutcome<MaintenanceWindow>> applyRemove(OperatorOp op) {
    return applyRemove(op, new JsonObject(op.body()).getString("uid"));
  }

  private Future<OpOutcome<MaintenanceWindow>> applyRemove(OperatorOp op, String uid) {
    return store
        .removeMaintenance(op, uid)
        .compose(
            outcome ->
                outcome.status() == Status.APPLIED && outcome.value() != null
                    ? changeWindows(list -> list.removeIf(w -> uid.equals(w.uid()))).map(outcome)
                    : Future.succeededFuture(outcome));
  }

  private Future<OpOutcome<Incident>> applyAck(OperatorOp op) {
    JsonObject b = new JsonObject(op.body());
    Long closed = b.getLong("closed_at");
    return applyAck(
        op,
        b.getString("site"),
        Instant.ofEpochMilli(b.getLong("opened_at")),
        closed == null ? null : Instant.ofEpochMilli(closed),
        b.getString("note"));
  }

  /** Acknowledgements change nothing the monitor holds: stored is applied. */
  private Future<OpOutcome<Incident>> applyAck(
      OperatorOp op, String siteId, Instant openedAt, Instant closedAt, String note) {
    return store
        .acknowledge(op, siteId, openedAt, closedAt, note)
        .onSuccess(
            outcome -> {
              if (outcome.status() == Status.PENDING) {
                pendingAckSites.add(siteId);
              }
            });
  }

  /** Replaces the windows from the config file (a reload); those added through the API stay. */
  Future<Void> configWindows(List<MaintenanceWindow> fromConfig) {
    return changeWindows(
        list -> {
          list.removeIf(w -> !"api".equals(w.source()));
          list.addAll(0, fromConfig);
        });
  }

  /**
   * Changes the windows and gives everyone a new calendar; the tracker enters or leaves windows at
   * once. Serialised: API writes and ops from other agents arrive on different contexts.
   */
  private Future<Void> changeWindows(Consumer<List<MaintenanceWindow>> change) {
    synchronized (windows) {
      change.accept(windows);
      calendar = new MaintenanceCalendar(new ArrayList<>(windows), zone);
    }
    return monitor.change(tracker -> tracker.tick());
  }

  private JsonObject windowBody(MaintenanceWindow w) {
    return new JsonObject()
        .put("uid", w.uid())
        .put("site", w.siteId())
        .put("start", w.start() == null ? null : w.start().toEpochMilli())
        .put("end", w.end() == null ? null : w.end().toEpochMilli())
        .put("day", w.day() == null ? null : w.day().getValue())
        .put("from", w.from() == null ? null : w.from().toString())
        .put("to", w.to() == null ? null : w.to().toString())
        .put("note", w.note());
  }

  private static MaintenanceWindow window(JsonObject b) {
    Long start = b.getLong("start");
    Long end = b.getLong("end");
    Integer day = b.getInteger("day");
    String from = b.getString("from");
    String to = b.getString("to");
    return new MaintenanceWindow(
        0,
        b.getString("site"),
        start == null ? null : Instant.ofEpochMilli(start),
        end == null ? null : Instant.ofEpochMilli(end),
        day == null ? null : DayOfWeek.of(day),
        from == null ? null : LocalTime.parse(from),
        to == null ? null : LocalTime.parse(to),
        b.getString("note"),
        "api",
        b.getString("uid"));
  }
}
