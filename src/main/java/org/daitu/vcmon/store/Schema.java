package org.daitu.vcmon.store;

import java.util.List;

/**
 * The store's schema as an ordered list of migrations. The version a file is at lives in SQLite's
 * {@code PRAGMA user_version} (set in the same transaction as the step), so a crash mid-migration
 * leaves the file at the previous version and the step runs again at the next start.
 *
 * <p>Never edit a released step: add a new one at the end. Instants are epoch milliseconds
 * (INTEGER), days ISO-8601 text, states and kinds their enum names.
 */
final class Schema {

  /**
   * Marks a file as a vcmon store ({@code PRAGMA application_id}, the ASCII of "vcmn"), so that
   * another program's SQLite file is refused instead of being migrated into.
   */
  static final int APPLICATION_ID = 0x76636D6E;

  /** One step: the version it brings the file to, and its statements. */
  record Migration(int version, String description, List<String> statements) {}

  static final List<Migration> MIGRATIONS =
      List.of(
          new Migration(
              1,
              "history tables",
              List.of(
                  // id is the insertion order: ties on `at` are broken by it.
                  "CREATE TABLE state_change ("
                      + " id INTEGER PRIMARY KEY,"
                      + " site TEXT NOT NULL,"
                      + " from_state TEXT NOT NULL,"
                      + " to_state TEXT NOT NULL,"
                      + " at INTEGER NOT NULL,"
                      + " reason TEXT)",
                  "CREATE INDEX state_change_at ON state_change (at, id)",
                  "CREATE INDEX state_change_site_at ON state_change (site, at, id)",
                  "CREATE TABLE incident ("
                      + " id INTEGER PRIMARY KEY,"
                      + " site TEXT NOT NULL,"
                      + " kind TEXT NOT NULL CHECK (kind IN ('DOWN', 'UNREACHABLE')),"
                      + " opened_at INTEGER NOT NULL,"
                      + " closed_at INTEGER CHECK (closed_at IS NULL OR closed_at >= opened_at),"
                      + " reason TEXT,"
                      + " parent_incident_id INTEGER REFERENCES incident (id),"
                      + " ack_at INTEGER,"
                      + " ack_note TEXT)",
                  // The database itself refuses a second open incident for a site.
                  "CREATE UNIQUE INDEX incident_one_open ON incident (site) WHERE closed_at IS NULL",
                  "CREATE INDEX incident_opened ON incident (opened_at)",
                  "CREATE INDEX incident_site_opened ON incident (site, opened_at)",
                  // Every site that ever changed state has a row, so statesAt() walks sites
                  // instead of the whole change history.
                  "CREATE TABLE site ("
                      + " id TEXT PRIMARY KEY,"
                      + " first_connected INTEGER,"
                      + " stage TEXT,"
                      + " stage_at INTEGER)",
                  "CREATE TABLE maintenance ("
                      + " id INTEGER PRIMARY KEY,"
                      + " site TEXT,"
                      + " start_at INTEGER,"
                      + " end_at INTEGER,"
                      + " day_of_week INTEGER CHECK (day_of_week BETWEEN 1 AND 7),"
                      + " from_time TEXT,"
                      + " to_time TEXT,"
                      + " note TEXT,"
                      + " source TEXT NOT NULL,"
                      + " CHECK ((day_of_week IS NOT NULL AND from_time IS NOT NULL"
                      + " AND to_time IS NOT NULL)"
                      + " OR (start_at IS NOT NULL AND end_at IS NOT NULL)))",
                  "CREATE TABLE gap ("
                      + " id INTEGER PRIMARY KEY,"
                      + " from_at INTEGER NOT NULL,"
                      + " to_at INTEGER CHECK (to_at IS NULL OR to_at >= from_at),"
                      + " kind TEXT NOT NULL,"
                      + " reason TEXT)",
                  "CREATE INDEX gap_from ON gap (from_at)",
                  "CREATE UNIQUE INDEX gap_one_open ON gap (kind) WHERE to_at IS NULL",
                  "CREATE TABLE run ("
                      + " id INTEGER PRIMARY KEY,"
                      + " started_at INTEGER NOT NULL,"
                      + " heartbeat_at INTEGER NOT NULL)",
                  "CREATE TABLE daily_rollout ("
                      + " day TEXT PRIMARY KEY,"
                      + " connected INTEGER NOT NULL,"
                      + " online_max INTEGER NOT NULL,"
                      + " online_min INTEGER NOT NULL)")),
          new Migration(
              2,
              "notification outbox",
              List.of(
                  // id is the creation order, which is the delivery order per channel. Delivered
                  // rows stay: UNIQUE(channel, key) then refuses a second delivery of one event.
                  "CREATE TABLE outbox ("
                      + " id INTEGER PRIMARY KEY,"
                      + " channel TEXT NOT NULL,"
                      + " key TEXT NOT NULL,"
                      + " payload TEXT NOT NULL,"
                      + " created_at INTEGER NOT NULL,"
                      + " attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
                      + " next_attempt_at INTEGER NOT NULL,"
                      + " delivered_at INTEGER,"
                      + " last_error TEXT,"
                      + " UNIQUE (channel, key))",
                  "CREATE INDEX outbox_undelivered ON outbox (channel, id) WHERE delivered_at IS NULL")),
          new Migration(
              3,
              "operator writes shared by a cluster",
              List.of(
                  // The op log: every operator write, made here or received from another agent,
                  // once (id is cluster-wide). seq is the arrival order here, the cursor of the
                  // pages other agents read when they catch up. subject is what the write touches
                  // (a site id, a window uid), for the rules that order writes to one thing.
                  // pending: stored but not applied (yet): an acknowledgement whose incident is not
                  // here, or a kind this vcmon does not know. received_at: when it was stored here
                  // (0 for those migrated).
                  "CREATE TABLE operator_op ("
                      + " seq INTEGER PRIMARY KEY,"
                      + " id TEXT NOT NULL UNIQUE,"
                      + " at INTEGER NOT NULL,"
                      + " kind TEXT NOT NULL,"
                      + " subject TEXT,"
                      + " origin TEXT NOT NULL,"
                      + " body TEXT NOT NULL,"
                      + " pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1)),"
                      + " received_at INTEGER NOT NULL DEFAULT 0)",
                  "CREATE INDEX operator_op_subject ON operator_op (kind, subject)",
                  "CREATE INDEX operator_op_at ON operator_op (at)",
                  "CREATE INDEX operator_op_pending ON operator_op (kind, subject) WHERE pending = 1",
                  // A window's identity across agents; windows stored before get a random one.
                  "ALTER TABLE maintenance ADD COLUMN uid TEXT",
                  "UPDATE maintenance SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL",
                  "CREATE UNIQUE INDEX maintenance_uid ON maintenance (uid)",
                  // The op whose stage or acknowledgement is in force: a later one (by at, then
                  // id) replaces it, an earlier one arriving late does not.
                  "ALTER TABLE site ADD COLUMN stage_op TEXT",
                  "ALTER TABLE incident ADD COLUMN ack_op TEXT",
                  // What was written before becomes ops of this agent, so that it reaches the
                  // agents this one is clustered with later. Ids 'migrated:...' are unique: window
                  // uids are random, and a site or incident is named with a random part too.
                  "INSERT INTO operator_op (id, at, kind, subject, origin, body)"
                      + " SELECT 'migrated:' || uid, CAST(strftime('%s', 'now') AS INTEGER) * 1000,"
                      + " 'maintenance.add', uid, 'migrated',"
                      + " json_object('uid', uid, 'site', site, 'start', start_at, 'end', end_at,"
                      + " 'day', day_of_week, 'from', from_time, 'to', to_time, 'note', note)"
                      + " FROM maintenance WHERE source = 'api' ORDER BY id",
                  "UPDATE site SET stage_op = 'migrated:' || lower(hex(randomblob(16)))"
                      + " WHERE stage IS NOT NULL",
                  "INSERT INTO operator_op (id, at, kind, subject, origin, body)"
                      + " SELECT stage_op, coalesce(stage_at, 0), 'stage.set', id, 'migrated',"
                      + " json_object('site', id, 'stage', stage)"
                      + " FROM site WHERE stage_op IS NOT NULL ORDER BY id",
                  "UPDATE incident SET ack_op = 'migrated:' || lower(hex(randomblob(16)))"
                      + " WHERE ack_at IS NOT NULL",
                  "INSERT INTO operator_op (id, at, kind, subject, origin, body)"
                      + " SELECT ack_op, ack_at, 'incident.ack', site, 'migrated',"
                      + " json_object('site', site, 'opened_at', opened_at, 'closed_at', closed_at,"
                      + " 'note', ack_note)"
                      + " FROM incident WHERE ack_op IS NOT NULL ORDER BY id")),
          new Migration(
              4,
              "notifications that cannot be delivered, channel tokens",
              List.of(
                  // Set when the channel refused the item for good (a recipient that does not
                  // exist or does not follow): it is no longer retried and holds nothing back.
                  "ALTER TABLE outbox ADD COLUMN abandoned_at INTEGER",
                  // The newest refresh token of a channel whose tokens can be used only once
                  // (Zalo OA), keyed by the channel's identity (e.g. zalo_oa:<app_id>), so that a
                  // restart goes on with it. seed_digest is the SHA-256 of the token the
                  // configuration gave: a different one there means the operator authorized
                  // again, and the configured token wins.
                  "CREATE TABLE channel_token ("
                      + " channel TEXT PRIMARY KEY,"
                      + " refresh_token TEXT NOT NULL,"
                      + " seed_digest TEXT NOT NULL,"
                      + " updated_at INTEGER NOT NULL)")),
          new Migration(
              5,
              "the audit log of operator writes",
              List.of(
                  // One row per write an operator made (sign-in and sign-out included), newest
                  // kept: AuditTable.RETAINED rows. detail is plain text, never markup.
                  "CREATE TABLE audit ("
                      + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                      + " at INTEGER NOT NULL,"
                      + " operator TEXT NOT NULL,"
                      + " action TEXT NOT NULL,"
                      + " target TEXT NOT NULL,"
                      + " detail TEXT NOT NULL)")),
          new Migration(
              6,
              "5-minute samples of each site's checks",
              List.of(
                  // One row per site and 5-minute bucket (at = its start), kept 31 days: at most
                  // sites x 31 x 288 rows. Sums, not means, so that a bucket written in two parts
                  // (before and after a restart) adds up. Keyed without a rowid: the key is the
                  // only index, and the 24-hour read of a site is one range of it; the daily
                  // prune scans the table once (no index on at, which would add a third).
                  "CREATE TABLE sample ("
                      + " site TEXT NOT NULL,"
                      + " at INTEGER NOT NULL,"
                      + " checks INTEGER NOT NULL CHECK (checks > 0),"
                      + " rtt_checks INTEGER NOT NULL CHECK (rtt_checks BETWEEN 0 AND checks),"
                      + " rtt_sum_ms REAL NOT NULL,"
                      + " rtt_max_ms REAL NOT NULL,"
                      + " loss_sum REAL NOT NULL,"
                      + " PRIMARY KEY (site, at)) WITHOUT ROWID")));

  /** The version this vcmon writes; a file above it was written by a newer vcmon. */
  static final int LATEST = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

  private Schema() {}
}
