package org.daitu.vcmon.store;

import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.daitu.vcmon.history.AuditEntry;

/** The {@code audit} table, its newest {@code retained} rows. Thread-safety: any thread. */
final class AuditTable implements AuditStore {
  private final SqliteDatabase db;
  private final int retained;

  AuditTable(SqliteDatabase db, int retained) {
    this.db = db;
    this.retained = retained;
  }

  @Override
  public Future<Void> audit(AuditEntry e) {
    Objects.requireNonNull(e, "entry");
    return db.write(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO audit (at, operator, action, target, detail) VALUES (?, ?, ?, ?, ?)")) {
            p.setLong(1, e.at().toEpochMilli());
            p.setString(2, e.operator());
            p.setString(3, e.action());
            p.setString(4, e.target());
            p.setString(5, e.detail());
            p.executeUpdate();
          }
          try (PreparedStatement p =
              c.prepareStatement("DELETE FROM audit WHERE id <= (SELECT max(id) FROM audit) - ?")) {
            p.setInt(1, retained);
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Future<List<AuditEntry>> audit(int limit) {
    return db.read(
        c -> {
          List<AuditEntry> out = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT at, operator, action, target, detail FROM audit ORDER BY id DESC LIMIT ?")) {
            p.setInt(1, Math.max(0, limit));
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new AuditEntry(
                        Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5)));
              }
            }
          }
          return out;
        });
  }
}
