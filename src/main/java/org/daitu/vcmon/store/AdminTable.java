package org.daitu.vcmon.store;

import static org.daitu.vcmon.store.Rows.generatedKey;
import static org.daitu.vcmon.store.Rows.incident;
import static org.daitu.vcmon.store.Rows.setNullableLong;

import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.inventory.RolloutStage;

/**
 * Operator writes: rollout stages ({@code site}), maintenance windows ({@code maintenance}) and
 * acknowledgements ({@code incident}). Never held: they fail at once while the disk refuses
 * writes. Thread-safety: any thread.
 */
final class AdminTable implements AdminStore {
  private final SqliteDatabase db;

  AdminTable(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Void> setStage(String siteId, RolloutStage stage, Instant at) {
    Objects.requireNonNull(siteId, "siteId");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(at, "at");
    return db.write(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO site (id, stage, stage_at) VALUES (?, ?, ?)"
                      + " ON CONFLICT (id) DO UPDATE SET stage = excluded.stage,"
                      + " stage_at = excluded.stage_at")) {
            p.setString(1, siteId);
            p.setString(2, stage.name());
            p.setLong(3, at.toEpochMilli());
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Future<MaintenanceWindow> addMaintenance(MaintenanceWindow w) {
    Objects.requireNonNull(w, "window");
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
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO maintenance"
                      + " (site, start_at, end_at, day_of_week, from_time, to_time, note, source)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, w.siteId());
            setNullableLong(p, 2, w.start() == null ? null : w.start().toEpochMilli());
            setNullableLong(p, 3, w.end() == null ? null : w.end().toEpochMilli());
            setNullableLong(p, 4, w.day() == null ? null : (long) w.day().getValue());
            p.setString(5, w.from() == null ? null : w.from().toString());
            p.setString(6, w.to() == null ? null : w.to().toString());
            p.setString(7, w.note());
            p.setString(8, w.source() == null ? "api" : w.source());
            p.executeUpdate();
            long id = generatedKey(p);
            return new MaintenanceWindow(
                id, w.siteId(), w.start(), w.end(), w.day(), w.from(), w.to(), w.note(),
                w.source() == null ? "api" : w.source());
          }
        });
  }

  @Override
  public Future<Boolean> removeMaintenance(long id) {
    return db.write(
        c -> {
          try (PreparedStatement p = c.prepareStatement("DELETE FROM maintenance WHERE id = ?")) {
            p.setLong(1, id);
            return p.executeUpdate() > 0;
          }
        });
  }

  @Override
  public Future<Optional<Incident>> acknowledge(long incidentId, String note, Instant at) {
    Objects.requireNonNull(at, "at");
    return db.write(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("UPDATE incident SET ack_at = ?, ack_note = ? WHERE id = ?")) {
            p.setLong(1, at.toEpochMilli());
            p.setString(2, note);
            p.setLong(3, incidentId);
            if (p.executeUpdate() == 0) {
              return Optional.<Incident>empty();
            }
          }
          return Optional.of(incident(c, incidentId));
        });
  }
}
