package org.daitu.vcmon.store;

import static org.daitu.vcmon.store.Rows.instant;

import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code outbox} table: notifications queued durably, delivered in creation order per
 * channel, retried after failures. Its writes are held while the disk refuses them. Thread-safety:
 * any thread.
 */
final class OutboxTable implements OutboxStore {
  private static final String OUTBOX_COLUMNS =
      "id, channel, key, payload, created_at, attempts, next_attempt_at";

  private final SqliteDatabase db;

  OutboxTable(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Integer> enqueue(List<OutboxItem> items) {
    List<OutboxItem> copy = List.copyOf(items);
    if (copy.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return db.held(
        copy.size(),
        c -> {
          int inserted = 0;
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO outbox (channel, key, payload, created_at, attempts, next_attempt_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, key) DO NOTHING")) {
            for (OutboxItem item : copy) {
              p.setString(1, item.channel());
              p.setString(2, item.key());
              p.setString(3, item.payload());
              p.setLong(4, item.createdAt().toEpochMilli());
              p.setInt(5, item.attempts());
              p.setLong(6, item.nextAttemptAt().toEpochMilli());
              inserted += p.executeUpdate();
            }
          }
          return inserted;
        });
  }

  @Override
  public Future<List<OutboxItem>> pending(Instant now, int limit) {
    Objects.requireNonNull(now, "now");
    return db.read(
        c -> {
          List<OutboxItem> items = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT " + OUTBOX_COLUMNS + " FROM outbox o"
                      + " WHERE delivered_at IS NULL AND abandoned_at IS NULL AND next_attempt_at <= ?"
                      + " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.channel = o.channel"
                      + " AND e.delivered_at IS NULL AND e.abandoned_at IS NULL AND e.id < o.id"
                      + " AND e.next_attempt_at > ?)"
                      + " ORDER BY id LIMIT ?")) {
            p.setLong(1, now.toEpochMilli());
            p.setLong(2, now.toEpochMilli());
            p.setInt(3, limit);
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                items.add(
                    new OutboxItem(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5)),
                        rs.getInt(6),
                        Instant.ofEpochMilli(rs.getLong(7))));
              }
            }
          }
          return List.copyOf(items);
        });
  }

  @Override
  public Future<Void> delivered(long id, Instant at) {
    Objects.requireNonNull(at, "at");
    return db.held(
        1,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE outbox SET delivered_at = ?, last_error = NULL WHERE id = ?")) {
            p.setLong(1, at.toEpochMilli());
            p.setLong(2, id);
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Future<Void> failed(long id, int attempts, Instant nextAttempt, String error) {
    Objects.requireNonNull(nextAttempt, "nextAttempt");
    return db.held(
        1,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?"
                      + " WHERE id = ? AND delivered_at IS NULL")) {
            p.setInt(1, attempts);
            p.setLong(2, nextAttempt.toEpochMilli());
            p.setString(3, error);
            p.setLong(4, id);
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Future<Void> abandoned(long id, int attempts, Instant at, String error) {
    Objects.requireNonNull(at, "at");
    return db.held(
        1,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE outbox SET attempts = ?, abandoned_at = ?, last_error = ?"
                      + " WHERE id = ? AND delivered_at IS NULL")) {
            p.setInt(1, attempts);
            p.setLong(2, at.toEpochMilli());
            p.setString(3, error);
            p.setLong(4, id);
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Future<OutboxStats> outboxStats(Instant now) {
    Objects.requireNonNull(now, "now");
    return db.read(
        c -> {
          try (PreparedStatement p =
                  c.prepareStatement(
                      "SELECT count(*), min(created_at) FROM outbox"
                          + " WHERE delivered_at IS NULL AND abandoned_at IS NULL");
              ResultSet rs = p.executeQuery()) {
            rs.next();
            int queued = rs.getInt(1);
            Instant oldest = instant(rs, 2);
            Duration age =
                oldest == null || oldest.isAfter(now)
                    ? Duration.ZERO
                    : Duration.between(oldest, now);
            return new OutboxStats(queued, age);
          }
        });
  }
}
