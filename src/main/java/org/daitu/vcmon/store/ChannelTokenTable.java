package org.daitu.vcmon.store;

import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code channel_token} table: one row per channel identity. Its writes are held while the
 * disk refuses them. Thread-safety: any thread.
 */
final class ChannelTokenTable implements TokenStore {
  private final SqliteDatabase db;

  ChannelTokenTable(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Optional<ChannelToken>> channelToken(String channel) {
    Objects.requireNonNull(channel, "channel");
    return db.read(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT refresh_token, seed_digest, updated_at FROM channel_token WHERE channel = ?")) {
            p.setString(1, channel);
            try (ResultSet rs = p.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new ChannelToken(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
            }
          }
        });
  }

  @Override
  public Future<Void> saveChannelToken(String channel, ChannelToken token) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(token, "token");
    return db.held(
        1,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO channel_token (channel, refresh_token, seed_digest, updated_at)"
                      + " VALUES (?, ?, ?, ?) ON CONFLICT (channel) DO UPDATE SET"
                      + " refresh_token = excluded.refresh_token, seed_digest = excluded.seed_digest,"
                      + " updated_at = excluded.updated_at")) {
            p.setString(1, channel);
            p.setString(2, token.refreshToken());
            p.setString(3, token.seedDigest());
            p.setLong(4, token.updatedAt().toEpochMilli());
            p.executeUpdate();
          }
          return null;
        });
  }
}
