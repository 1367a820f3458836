package org.daitu.vcmon.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.daitu.vcmon.history.AuditEntry;
import org.daitu.vcmon.history.DailyRollout;
import org.daitu.vcmon.history.Gap;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.history.SamplePoint;
import org.daitu.vcmon.history.OperatorOp;
import org.daitu.vcmon.history.StateChange;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.Transition;

/**
 * The embedded {@link Store}, built from a file path: one {@link SqliteDatabase} (the file, its
 * thread, held writes, faults, migrations) and the tables that run their SQL on it ({@link
 * HistoryTable}, {@link AdminTable}, {@link OutboxTable}). This class only puts them together.
 *
 * <p>Thread-safety: every method may be called from any thread or context. Call {@link #close()}
 * even after a failed {@link #open()}: it also releases this store's hold on the worker pool.
 */
public final class SqliteStore implements Store {
  private final SqliteDatabase db;
  private final HistoryTable history;
  private final AdminTable admin;
  private final OutboxTable outbox;
  private final ChannelTokenTable tokens;
  private final AuditTable audit;

  public SqliteStore(Vertx vertx, Path file) {
    this(vertx, file, AuditStore.RETAINED);
  }

  /** With another bound on the audit log than {@link AuditStore#RETAINED} (tests). */
  SqliteStore(Vertx vertx, Path file, int auditRetained) {
    this.db = new SqliteDatabase(vertx, file);
    this.history = new HistoryTable(db);
    this.admin = new AdminTable(db, Clock.systemUTC());
    this.outbox = new OutboxTable(db);
    this.tokens = new ChannelTokenTable(db);
    this.audit = new AuditTable(db, auditRetained);
  }

  /** The database file (absolute). */
  public Path file() {
    return db.file();
  }

  @Override
  public Future<Void> open() {
    return db.open();
  }

  @Override
  public Future<Void> close() {
    return db.close();
  }

  @Override
  public StoreHealth health() {
    return db.health();
  }

  // ---- history the monitor writes

  @Override
  public Future<Recovered> load() {
    return history.load();
  }

  @Override
  public Future<List<Incident>> record(List<Transition> transitions, Map<String, String> parents) {
    return history.record(transitions, parents);
  }

  @Override
  public Future<Void> startRun(Instant now) {
    return history.startRun(now);
  }

  @Override
  public Future<Void> heartbeat(Instant now) {
    return history.heartbeat(now);
  }

  @Override
  public Future<Void> openGap(Instant from, Gap.Kind kind, String reason) {
    return history.openGap(from, kind, reason);
  }

  @Override
  public Future<Void> closeGap(Instant to, Gap.Kind kind) {
    return history.closeGap(to, kind);
  }

  @Override
  public Future<Void> recordDay(LocalDate day, int connected, int online) {
    return history.recordDay(day, connected, online);
  }

  @Override
  public Future<Void> recordSamples(List<SamplePoint> points) {
    return history.recordSamples(points);
  }

  @Override
  public Future<Integer> pruneSamples(Instant before) {
    return history.pruneSamples(before);
  }

  // ---- history reads

  @Override
  public Future<List<SamplePoint>> samples(String siteId, Instant from, Instant to) {
    return history.samples(siteId, from, to);
  }

  @Override
  public Future<List<Incident>> incidents(
      String siteId, Instant from, Instant to, Boolean open, int limit) {
    return history.incidents(siteId, from, to, open, limit);
  }

  @Override
  public Future<Map<String, SiteState>> statesAt(Instant at) {
    return history.statesAt(at);
  }

  @Override
  public Future<List<StateChange>> changes(Instant from, Instant to) {
    return history.changes(from, to);
  }

  @Override
  public Future<List<Gap>> gaps(Instant from, Instant to) {
    return history.gaps(from, to);
  }

  @Override
  public Future<List<DailyRollout>> days(LocalDate from, LocalDate to) {
    return history.days(from, to);
  }

  // ---- operator writes

  @Override
  public Future<OpOutcome<Void>> setStage(OperatorOp op, String siteId, RolloutStage stage) {
    return admin.setStage(op, siteId, stage);
  }

  @Override
  public Future<OpOutcome<MaintenanceWindow>> addMaintenance(OperatorOp op, MaintenanceWindow window) {
    return admin.addMaintenance(op, window);
  }

  @Override
  public Future<OpOutcome<MaintenanceWindow>> removeMaintenance(OperatorOp op, String uid) {
    return admin.removeMaintenance(op, uid);
  }

  @Override
  public Future<OpOutcome<Incident>> acknowledge(
      OperatorOp op, String siteId, Instant openedAt, Instant closedAt, String note) {
    return admin.acknowledge(op, siteId, openedAt, closedAt, note);
  }

  @Override
  public Future<OpOutcome<Void>> keep(OperatorOp op) {
    return admin.keep(op);
  }

  @Override
  public Future<Optional<Incident>> incident(long id) {
    return admin.incident(id);
  }

  @Override
  public Future<List<OperatorOp>> pendingOps(String kind, String subject, Instant receivedSince) {
    return admin.pendingOps(kind, subject, receivedSince);
  }

  @Override
  public Future<OpPage> ops(long before, Instant since, int limit) {
    return admin.ops(before, since, limit);
  }

  // ---- notification outbox

  @Override
  public Future<Integer> enqueue(List<OutboxItem> items) {
    return outbox.enqueue(items);
  }

  @Override
  public Future<List<OutboxItem>> pending(Instant now, int limit) {
    return outbox.pending(now, limit);
  }

  @Override
  public Future<Void> delivered(long id, Instant at) {
    return outbox.delivered(id, at);
  }

  @Override
  public Future<Void> failed(long id, int attempts, Instant nextAttempt, String error) {
    return outbox.failed(id, attempts, nextAttempt, error);
  }

  @Override
  public Future<Void> abandoned(long id, int attempts, Instant at, String error) {
    return outbox.abandoned(id, attempts, at, error);
  }

  // ---- channel tokens

  @Override
  public Future<Optional<ChannelToken>> channelToken(String channel) {
    return tokens.channelToken(channel);
  }

  @Override
  public Future<Void> saveChannelToken(String channel, ChannelToken token) {
    return tokens.saveChannelToken(channel, token);
  }

  @Override
  public Future<OutboxStats> outboxStats(Instant now) {
    return outbox.outboxStats(now);
  }

  @Override
  public Future<Void> audit(AuditEntry entry) {
    return audit.audit(entry);
  }

  @Override
  public Future<List<AuditEntry>> audit(int limit) {
    return audit.audit(limit);
  }
}
