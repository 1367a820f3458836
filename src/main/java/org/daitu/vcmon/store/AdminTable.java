package org.daitu.vcmon.store;

import static org.daitu.vcmon.store.Rows.INCIDENT_COLUMNS;
import static org.daitu.vcmon.store.Rows.generatedKey;
import static org.daitu.vcmon.store.Rows.instant;
import static org.daitu.vcmon.store.Rows.setNullableLong;

import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.history.OperatorOp;
import org.daitu.vcmon.history.OperatorWriteRules;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.store.OpOutcome.Status;

/**
 * Operator writes: the op log ({@code operator_op}) and their effects, rollout stages ({@code
 * site}), maintenance windows ({@code maintenance}) and acknowledgements ({@code incident}), each
 * op and its effect in one transaction. Never held: they fail at once while the disk refuses
 * writes. Thread-safety: any thread.
 */
final class AdminTable implements AdminStore {
  private static final String OP_COLUMNS = "seq, id, at, kind, origin, body";

  private final SqliteDatabase db;
  /** Stamps when an op was stored here. */
  private final Clock clock;

  AdminTable(SqliteDatabase db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** How an op met the log. */
  private enum Arrival {
    /** Not in the log before; now it is. */
    NEW,
    /** In the log, pending: its effect is tried again. */
    RETRY,
    /** In the log and settled. */
    SEEN
  }

  /** Records the op unless its id is in the log already (as applied, or pending). */
  private Arrival arrive(Connection c, OperatorOp op, String subject) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT pending FROM operator_op WHERE id = ?")) {
      p.setString(1, op.id());
      try (ResultSet rs = p.executeQuery()) {
        if (rs.next()) {
          return rs.getInt(1) == 1 ? Arrival.RETRY : Arrival.SEEN;
        }
      }
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO operator_op (id, at, kind, subject, origin, body, received_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      p.setString(1, op.id());
      p.setLong(2, op.at().toEpochMilli());
      p.setString(3, op.kind());
      p.setString(4, subject);
      p.setString(5, op.origin());
      p.setString(6, op.body());
      p.setLong(7, clock.millis());
      p.executeUpdate();
    }
    return Arrival.NEW;
  }

  /** Marks the op pending (kept, not applied) or settled. */
  private static void settle(Connection c, OperatorOp op, boolean pending) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("UPDATE operator_op SET pending = ? WHERE id = ?")) {
      p.setInt(1, pending ? 1 : 0);
      p.setString(2, op.id());
      p.executeUpdate();
    }
  }

  @Override
  public Future<OpOutcome<Void>> setStage(OperatorOp op, String siteId, RolloutStage stage) {
    Objects.requireNonNull(siteId, "siteId");
    Objects.requireNonNull(stage, "stage");
    return db.write(
        c -> {
          if (arrive(c, op, siteId) == Arrival.SEEN) {
            return OpOutcome.<Void>of(Status.DUPLICATE);
          }
          Instant currentAt = null;
          String currentOp = null;
          try (PreparedStatement p = c.prepareStatement("SELECT stage_at, stage_op FROM site WHERE id = ?")) {
            p.setString(1, siteId);
            try (ResultSet rs = p.executeQuery()) {
              if (rs.next()) {
                currentAt = instant(rs, 1);
                currentOp = rs.getString(2);
              }
            }
          }
          if (!OperatorWriteRules.replaces(op.at(), op.id(), currentAt, currentOp)) {
            return OpOutcome.<Void>of(Status.SUPERSEDED);
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO site (id, stage, stage_at, stage_op) VALUES (?, ?, ?, ?)"
                      + " ON CONFLICT (id) DO UPDATE SET stage = excluded.stage,"
                      + " stage_at = excluded.stage_at, stage_op = excluded.stage_op")) {
            p.setString(1, siteId);
            p.setString(2, stage.name());
            p.setLong(3, op.at().toEpochMilli());
            p.setString(4, op.id());
            p.executeUpdate();
          }
          return OpOutcome.<Void>of(Status.APPLIED);
        });
  }

  @Override
  public Future<OpOutcome<MaintenanceWindow>> addMaintenance(OperatorOp op, MaintenanceWindow w) {
    Objects.requireNonNull(w, "window");
    Objects.requireNonNull(w.uid(), "window uid");
    if (w.weekly()) {
      if (w.from() == null || w.to() == null) {
        return Future.failedFuture(
            new IllegalArgumentException("a weekly maintenance window needs both from and to times"));
      }
    } else if (w.start() == null || w.end() == null) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "a maintenance window needs either start and end, or a day of the week with from and to"));
    } else if (!w.end().isAfter(w.start())) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "maintenance window end " + w.end() + " must be after its start " + w.start()));
    }
    return db.write(
        c -> {
          if (arrive(c, op, w.uid()) == Arrival.SEEN) {
            return OpOutcome.<MaintenanceWindow>of(Status.DUPLICATE);
          }
          if (!OperatorWriteRules.windowStands(kindsFor(c, w.uid()))) {
            return OpOutcome.<MaintenanceWindow>of(Status.SUPERSEDED);
          }
          String source = w.source() == null ? "api" : w.source();
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO maintenance"
                      + " (site, start_at, end_at, day_of_week, from_time, to_time, note, source, uid)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING")) {
            p.setString(1, w.siteId());
            setNullableLong(p, 2, w.start() == null ? null : w.start().toEpochMilli());
            setNullableLong(p, 3, w.end() == null ? null : w.end().toEpochMilli());
            setNullableLong(p, 4, w.day() == null ? null : (long) w.day().getValue());
            p.setString(5, w.from() == null ? null : w.from().toString());
            p.setString(6, w.to() == null ? null : w.to().toString());
            p.setString(7, w.note());
            p.setString(8, source);
            p.setString(9, w.uid());
            if (p.executeUpdate() == 0) {
              return OpOutcome.<MaintenanceWindow>of(Status.DUPLICATE); // stored by an earlier op
            }
            long id = generatedKey(p);
            return OpOutcome.of(
                Status.APPLIED,
                new MaintenanceWindow(
                    id, w.siteId(), w.start(), w.end(), w.day(), w.from(), w.to(), w.note(), source,
                    w.uid()));
          }
        });
  }

  @Override
  public Future<OpOutcome<MaintenanceWindow>> removeMaintenance(OperatorOp op, String uid) {
    Objects.requireNonNull(uid, "uid");
    return db.write(
        c -> {
          if (arrive(c, op, uid) == Arrival.SEEN) {
            return OpOutcome.<MaintenanceWindow>of(Status.DUPLICATE);
          }
          MaintenanceWindow removed = null;
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT " + Rows.MAINTENANCE_COLUMNS + " FROM maintenance WHERE uid = ?")) {
            p.setString(1, uid);
            try (ResultSet rs = p.executeQuery()) {
              if (rs.next()) {
                removed = Rows.maintenance(rs);
              }
            }
          }
          try (PreparedStatement p = c.prepareStatement("DELETE FROM maintenance WHERE uid = ?")) {
            p.setString(1, uid);
            p.executeUpdate();
          }
          return OpOutcome.of(Status.APPLIED, removed);
        });
  }

  /** The kinds of the ops in the log about this window. */
  private static Set<String> kindsFor(Connection c, String uid) throws SQLException {
    Set<String> kinds = new HashSet<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT DISTINCT kind FROM operator_op WHERE subject = ? AND kind IN (?, ?)")) {
      p.setString(1, uid);
      p.setString(2, OperatorOp.MAINTENANCE_ADD);
      p.setString(3, OperatorOp.MAINTENANCE_REMOVE);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          kinds.add(rs.getString(1));
        }
      }
    }
    return kinds;
  }

  @Override
  public Future<OpOutcome<Incident>> acknowledge(
      OperatorOp op, String siteId, Instant openedAt, Instant closedAt, String note) {
    Objects.requireNonNull(siteId, "siteId");
    Objects.requireNonNull(openedAt, "openedAt");
    return db.write(
        c -> {
          if (arrive(c, op, siteId) == Arrival.SEEN) {
            return OpOutcome.<Incident>of(Status.DUPLICATE);
          }
          // Only incidents that overlap the acknowledged one can match.
          List<Incident> candidates =
              Rows.incidents(
                  c,
                  "SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE site = ?"
                      + " AND (closed_at IS NULL OR closed_at >= ?) AND opened_at <= ?",
                  List.of(
                      siteId,
                      openedAt.toEpochMilli(),
                      closedAt == null ? Long.MAX_VALUE : Math.max(closedAt.toEpochMilli(), openedAt.toEpochMilli() + 1)));
          Optional<Incident> match = OperatorWriteRules.incidentFor(candidates, openedAt, closedAt);
          if (match.isEmpty()) {
            settle(c, op, true);
            return OpOutcome.<Incident>of(Status.PENDING);
          }
          Incident i = match.get();
          settle(c, op, false);
          String currentOp = null;
          try (PreparedStatement p = c.prepareStatement("SELECT ack_op FROM incident WHERE id = ?")) {
            p.setLong(1, i.id());
            try (ResultSet rs = p.executeQuery()) {
              if (rs.next()) {
                currentOp = rs.getString(1);
              }
            }
          }
          if (!OperatorWriteRules.replaces(op.at(), op.id(), i.ackAt(), currentOp)) {
            return OpOutcome.of(Status.SUPERSEDED, i);
          }
          try (PreparedStatement p =
              c.prepareStatement("UPDATE incident SET ack_at = ?, ack_note = ?, ack_op = ? WHERE id = ?")) {
            p.setLong(1, op.at().toEpochMilli());
            p.setString(2, note);
            p.setString(3, op.id());
            p.setLong(4, i.id());
            p.executeUpdate();
          }
          return OpOutcome.of(Status.APPLIED, Rows.incident(c, i.id()));
        });
  }

  @Override
  public Future<OpOutcome<Void>> keep(OperatorOp op) {
    return db.write(
        c -> {
          if (arrive(c, op, null) == Arrival.SEEN) {
            return OpOutcome.<Void>of(Status.DUPLICATE);
          }
          settle(c, op, true);
          return OpOutcome.<Void>of(Status.PENDING);
        });
  }

  @Override
  public Future<Optional<Incident>> incident(long id) {
    return db.read(
        c ->
            Rows.incidents(c, "SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE id = ?", List.of(id))
                .stream()
                .findFirst());
  }

  @Override
  public Future<List<OperatorOp>> pendingOps(String kind, String subject, Instant receivedSince) {
    StringBuilder sql = new StringBuilder("SELECT " + OP_COLUMNS + " FROM operator_op WHERE pending = 1");
    List<Object> args = new ArrayList<>();
    if (kind != null) {
      sql.append(" AND kind = ?");
      args.add(kind);
    }
    if (subject != null) {
      sql.append(" AND subject = ?");
      args.add(subject);
    }
    if (receivedSince != null) {
      sql.append(" AND received_at >= ?");
      args.add(receivedSince.toEpochMilli());
    }
    sql.append(" ORDER BY seq");
    return db.read(c -> page(c, sql.toString(), args).ops());
  }

  @Override
  public Future<OpPage> ops(long before, Instant since, int limit) {
    if (limit <= 0) {
      return Future.failedFuture(new IllegalArgumentException("op page limit must be at least 1, got " + limit));
    }
    String sql =
        "SELECT " + OP_COLUMNS + " FROM operator_op WHERE seq < ? AND (at >= ?"
            + " OR (kind = '" + OperatorOp.MAINTENANCE_ADD + "'"
            + " AND subject IN (SELECT uid FROM maintenance WHERE uid IS NOT NULL))"
            + " OR id IN (SELECT stage_op FROM site WHERE stage_op IS NOT NULL)"
            + " OR id IN (SELECT ack_op FROM incident WHERE ack_op IS NOT NULL))"
            + " ORDER BY seq DESC LIMIT ?";
    List<Object> args =
        List.of(before <= 0 ? Long.MAX_VALUE : before, since.toEpochMilli(), limit);
    return db.read(
        c -> {
          OpPage page = page(c, sql, args);
          // A short page is the last one.
          return page.ops().size() < limit ? new OpPage(page.ops(), 0) : page;
        });
  }

  /** The ops the query selects ({@link #OP_COLUMNS}), with the smallest seq as the next cursor. */
  private static OpPage page(Connection c, String sql, List<Object> args) throws SQLException {
    List<OperatorOp> ops = new ArrayList<>();
    long last = 0;
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        p.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          last = rs.getLong(1);
          ops.add(
              new OperatorOp(
                  rs.getString(2),
                  Instant.ofEpochMilli(rs.getLong(3)),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6)));
        }
      }
    }
    return new OpPage(List.copyOf(ops), last);
  }
}
