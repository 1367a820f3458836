package org.daitu.vcmon.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.history.DailyRollout;
import org.daitu.vcmon.history.Gap;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.history.StateChange;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded {@link Store}: one SQLite file in WAL mode, written with {@code synchronous=FULL}
 * so that a commit is on disk before its future completes.
 *
 * <p>SQLite has a single writer, so every statement runs on one dedicated worker thread (the
 * shared worker pool "vcmon-store" of size 1, ordered) that owns the only {@link Connection}:
 * writes land in the order they were asked for, none waits on a lock held by another of ours,
 * and no event loop ever blocks on JDBC. Futures complete on the caller's context.
 *
 * <p>Thread-safety: every public method may be called from any thread or context; the connection
 * and the current run id are only touched on the store thread. Call {@link #close()} even after a
 * failed {@link #open()}: it also releases this store's hold on the worker pool.
 *
 * <p>The writes that follow the monitor (transitions, heartbeats, gaps, daily counts, the outbox)
 * survive a disk that is full, read-only or failing: they are held in a {@link WriteBacklog} and
 * written in order once the disk takes writes again. Writes asked for through the API fail at
 * once instead, with the cause, while anything is held. Meanwhile the connection is closed (see
 * {@link #release}), so that the operator can remount the file system, and each retry opens it
 * again.
 */
public final class SqliteStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);

  /** Also the name of the worker pool, so that thread dumps say who is busy. */
  static final String POOL = "vcmon-store";

  /**
   * Past this, Vert.x logs the store thread as blocked. A migration of a large file or a slow
   * disk's fsync may legitimately take seconds; a minute means something is wrong.
   */
  private static final long MAX_EXECUTE_SECONDS = 60;

  /** How long a statement waits for a lock held by another process (a backup, sqlite3 shell). */
  private static final int BUSY_TIMEOUT_MILLIS = 5_000;

  private static final String INCIDENT_COLUMNS =
      "id, site, kind, opened_at, closed_at, reason, parent_incident_id, ack_at, ack_note";

  private static final String MAINTENANCE_COLUMNS =
      "id, site, start_at, end_at, day_of_week, from_time, to_time, note, source";

  private final Path file;
  private final Vertx vertx;
  private final WorkerExecutor executor;
  private final WriteBacklog backlog;

  // Confined to the store thread.
  private Connection connection;
  /** The connection was closed after a failed held write; the next write opens it again. */
  private boolean released;
  private long currentRun;

  private volatile boolean closed;

  public SqliteStore(Vertx vertx, Path file) {
    this.file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
    this.vertx = vertx;
    this.executor =
        vertx.createSharedWorkerExecutor(POOL, 1, MAX_EXECUTE_SECONDS, TimeUnit.SECONDS);
    this.backlog =
        new WriteBacklog(
            this.file, Clock.systemUTC(), this::retryIn, this::fault, WriteBacklog.MAX_RECORDS);
  }

  /**
   * SQLite reports a write refused by a read-only file system (EROFS) as a plain I/O error; a
   * small file created next to the database tells which it is. (access(2) does not: ext4 gone
   * read-only after an error still passes it.)
   */
  private StoreFault fault(Throwable error) {
    StoreFault f = StoreFault.of(error);
    if (f == null || f.kind() != StoreFault.Kind.IO_ERROR) {
      return f;
    }
    try {
      Files.delete(Files.createTempFile(file.getParent(), ".vcmon-write-check", ""));
      return f;
    } catch (IOException e) {
      StoreFault os = StoreFault.of(e);
      return os == null || os.kind() == StoreFault.Kind.IO_ERROR
          ? f
          : new StoreFault(os.kind(), f.detail() + "; " + e.getMessage());
    }
  }

  @Override
  public StoreHealth health() {
    return backlog.health();
  }

  /** The database file (absolute). */
  public Path file() {
    return file;
  }

  // ---- lifecycle

  @Override
  public Future<Void> open() {
    return onStoreThread(
        () -> {
          if (connection != null) {
            return null;
          }
          Connection c = connect();
          try {
            int applied = migrate(c);
            connection = c;
            LOG.info(
                "History store opened path={} schema_version={} migrations_applied={}",
                file,
                Schema.LATEST,
                applied);
            return null;
          } catch (Exception e) {
            closeQuietly(c);
            throw e instanceof SQLException ? openFailure((SQLException) e) : e;
          }
        });
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    Future<Void> closing =
        executor.executeBlocking(
            () -> {
              backlog.close();
              if (connection != null) {
                Connection c = connection;
                connection = null;
                // The last connection to close checkpoints the WAL into the main file.
                c.close();
              }
              return null;
            },
            true);
    return closing.eventually(executor::close);
  }

  private Connection connect() throws StoreException {
    Path dir = file.getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException(
          file,
          "cannot create its directory " + dir + " (" + describe(e) + ")",
          "create the directory and make it writable by the user vcmon runs as,"
              + " or set store.path to a writable place",
          e);
    }
    if (Files.isDirectory(file)) {
      throw new StoreException(
          file,
          "it is a directory, not a database file",
          "set store.path to a file name inside it, e.g. " + file.resolve("vcmon.db"),
          null);
    }
    // SQLite would quietly open a read-only file read-only and fail at the first write, long after
    // start; say it now. (root passes these checks whatever the permissions.)
    if (Files.exists(file) && !Files.isWritable(file)) {
      throw new StoreException(
          file,
          "the file is read-only",
          "make it writable by the user vcmon runs as, or set store.path to a writable place",
          null);
    }
    if (!Files.isWritable(dir)) {
      throw new StoreException(
          file,
          "its directory " + dir + " is not writable (SQLite keeps its -wal and -shm files there)",
          "make the directory writable by the user vcmon runs as, or set store.path to a writable"
              + " place",
          null);
    }
    Connection c = null;
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
      c = config.createConnection("jdbc:sqlite:" + file);
      try (Statement s = c.createStatement()) {
        // The first statement is the first read of the file: a file that is not SQLite fails here.
        String mode = queryString(s, "PRAGMA journal_mode=WAL");
        if (!"wal".equalsIgnoreCase(mode)) {
          LOG.warn(
              "History store cannot use WAL, writes will block readers path={} journal_mode={}",
              file,
              mode);
        }
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA foreign_keys=ON");
        s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MILLIS);
      }
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      throw openFailure(e);
    }
  }

  /** Applies pending migrations, one transaction each; returns how many ran. */
  private int migrate(Connection c) throws Exception {
    int version;
    int applicationId;
    int objects;
    try (Statement s = c.createStatement()) {
      version = queryInt(s, "PRAGMA user_version");
      applicationId = queryInt(s, "PRAGMA application_id");
      objects = queryInt(s, "SELECT count(*) FROM sqlite_master");
    }
    boolean foreign =
        applicationId != Schema.APPLICATION_ID && (applicationId != 0 || version != 0 || objects > 0);
    if (foreign) {
      throw new StoreException(
          file,
          "it is an SQLite database of another program, not a vcmon store",
          "set store.path to another file (vcmon creates it), or move this one away",
          null);
    }
    if (version > Schema.LATEST) {
      throw new StoreException(
          file,
          "it was written by a newer vcmon (schema version "
              + version
              + ", this vcmon knows up to "
              + Schema.LATEST
              + ")",
          "run that newer vcmon, or set store.path to another file to start a new history",
          null);
    }
    int applied = 0;
    for (Schema.Migration m : Schema.MIGRATIONS) {
      if (m.version() <= version) {
        continue;
      }
      inTransaction(
          c,
          () -> {
            try (Statement s = c.createStatement()) {
              for (String sql : m.statements()) {
                s.execute(sql);
              }
              s.execute("PRAGMA application_id=" + Schema.APPLICATION_ID);
              s.execute("PRAGMA user_version=" + m.version());
            }
            return null;
          });
      LOG.info(
          "History store migrated path={} schema_version={} step=\"{}\"",
          file,
          m.version(),
          m.description());
      applied++;
    }
    return applied;
  }

  private StoreException openFailure(SQLException e) {
    int code = e instanceof SQLiteException ? ((SQLiteException) e).getResultCode().code & 0xFF : -1;
    String problem;
    String fix;
    if (code == SQLiteErrorCode.SQLITE_NOTADB.code) {
      problem = "it is not an SQLite database";
      fix = "move the file away or set store.path to another file (vcmon creates it)";
    } else if (code == SQLiteErrorCode.SQLITE_CORRUPT.code) {
      problem = "the database is corrupt";
      fix = "restore it from a backup, or move it away to start a new history";
    } else if (code == SQLiteErrorCode.SQLITE_CANTOPEN.code) {
      problem = "cannot open the file";
      fix =
          "check that its directory exists and is writable by the user vcmon runs as,"
              + " or set store.path to a writable place";
    } else if (code == SQLiteErrorCode.SQLITE_READONLY.code
        || code == SQLiteErrorCode.SQLITE_PERM.code
        || code == SQLiteErrorCode.SQLITE_AUTH.code) {
      problem = "the file or its directory is read-only";
      fix =
          "make both writable by the user vcmon runs as, or set store.path to a writable place";
    } else if (code == SQLiteErrorCode.SQLITE_BUSY.code
        || code == SQLiteErrorCode.SQLITE_LOCKED.code) {
      problem = "the file is locked by another process";
      fix = "stop the other program using it; give each agent its own store.path";
    } else if (code == SQLiteErrorCode.SQLITE_FULL.code) {
      problem = "the disk is full";
      fix = "free space on that disk, or set store.path to another disk";
    } else {
      problem = "cannot use the file";
      fix = "check the file and its disk, or set store.path to another file";
    }
    return new StoreException(file, problem + " (" + e.getMessage() + ")", fix, e);
  }

  // ---- writes

  @Override
  public Future<Void> startRun(Instant now) {
    Objects.requireNonNull(now, "now");
    return write(
        c -> {
          Instant last = lastHeartbeat(c, -1);
          if (last != null && now.isAfter(last)) {
            try (PreparedStatement p =
                c.prepareStatement("INSERT INTO gap (from_at, to_at, kind, reason) VALUES (?, ?, ?, ?)")) {
              p.setLong(1, last.toEpochMilli());
              p.setLong(2, now.toEpochMilli());
              p.setString(3, Gap.Kind.AGENT_STOPPED.name());
              p.setString(4, "vcmon was not running (last heartbeat of the previous run)");
              p.executeUpdate();
            }
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO run (started_at, heartbeat_at) VALUES (?, ?)")) {
            p.setLong(1, now.toEpochMilli());
            p.setLong(2, now.toEpochMilli());
            p.executeUpdate();
            currentRun = generatedKey(p);
          }
          return null;
        });
  }

  @Override
  public Future<Void> heartbeat(Instant now) {
    Objects.requireNonNull(now, "now");
    return held(
        1,
        c -> {
          if (currentRun == 0) {
            throw new IllegalStateException("heartbeat before startRun: call startRun(now) first");
          }
          // The latest reading, even if the clock stepped back: the next start measures its gap
          // with the same clock.
          try (PreparedStatement p = c.prepareStatement("UPDATE run SET heartbeat_at = ? WHERE id = ?")) {
            p.setLong(1, now.toEpochMilli());
            p.setLong(2, currentRun);
            p.executeUpdate();
          }
          return null;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>The list has one element per opening and one per closing, in batch order, each the
   * incident as stored right after that step (so an outage opened and closed within one batch
   * appears twice). A parent's incident is found only if the parent's transition comes earlier in
   * the batch or an earlier batch.
   */
  @Override
  public Future<List<Incident>> record(List<Transition> transitions, Map<String, String> parents) {
    List<Transition> batch = List.copyOf(transitions);
    Map<String, String> parentOf = parents == null ? Map.of() : Map.copyOf(parents);
    if (batch.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return held(batch.size(), c -> recordBatch(c, batch, parentOf));
  }

  private List<Incident> recordBatch(
      Connection c, List<Transition> batch, Map<String, String> parents) throws SQLException {
    List<Incident> touched = new ArrayList<>();
    try (PreparedStatement change =
            c.prepareStatement(
                "INSERT INTO state_change (site, from_state, to_state, at, reason)"
                    + " VALUES (?, ?, ?, ?, ?)");
        PreparedStatement site = c.prepareStatement("INSERT OR IGNORE INTO site (id) VALUES (?)");
        PreparedStatement open =
            c.prepareStatement(
                "INSERT INTO incident (site, kind, opened_at, reason, parent_incident_id)"
                    + " VALUES (?, ?, ?, ?, ?)");
        PreparedStatement link =
            c.prepareStatement("UPDATE incident SET parent_incident_id = ? WHERE id = ?");
        PreparedStatement close =
            c.prepareStatement(
                "UPDATE incident SET closed_at = max(opened_at, ?) WHERE id = ?");
        PreparedStatement firstConnected =
            c.prepareStatement(
                "UPDATE site SET first_connected = ? WHERE id = ? AND first_connected IS NULL")) {
      for (Transition t : batch) {
        long at = t.at().toEpochMilli();
        change.setString(1, t.siteId());
        change.setString(2, t.from().name());
        change.setString(3, t.to().name());
        change.setLong(4, at);
        change.setString(5, t.reason());
        change.executeUpdate();
        site.setString(1, t.siteId());
        site.executeUpdate();

        Incident current = openIncident(c, t.siteId());
        if (t.to() == SiteState.DOWN || t.to() == SiteState.UNREACHABLE) {
          Long parentIncident = null;
          if (t.to() == SiteState.UNREACHABLE && parents.get(t.siteId()) != null) {
            Incident p = openIncident(c, parents.get(t.siteId()));
            parentIncident = p == null ? null : p.id();
          }
          if (current == null) {
            open.setString(1, t.siteId());
            open.setString(2, t.to().name());
            open.setLong(3, at);
            open.setString(4, t.reason());
            setNullableLong(open, 5, parentIncident);
            open.executeUpdate();
            touched.add(incident(c, generatedKey(open)));
          } else if (parentIncident != null && !parentIncident.equals(current.parentIncidentId())) {
            // Still the same outage; it now has a cause upstream.
            link.setLong(1, parentIncident);
            link.setLong(2, current.id());
            link.executeUpdate();
          }
        } else if (t.to().isOnline() && current != null) {
          close.setLong(1, at);
          close.setLong(2, current.id());
          close.executeUpdate();
          touched.add(incident(c, current.id()));
        }
        if (t.to() == SiteState.UP) {
          firstConnected.setLong(1, at);
          firstConnected.setString(2, t.siteId());
          firstConnected.executeUpdate();
        }
      }
    }
    return touched;
  }

  @Override
  public Future<Void> openGap(Instant from, Gap.Kind kind, String reason) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(kind, "kind");
    return held(
        1,
        c -> {
          // At most one open gap per kind: opening twice keeps the first start.
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO gap (from_at, kind, reason) VALUES (?, ?, ?)"
                      + " ON CONFLICT (kind) WHERE to_at IS NULL DO NOTHING")) {
            p.setLong(1, from.toEpochMilli());
            p.setString(2, kind.name());
            p.setString(3, reason);
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Future<Void> closeGap(Instant to, Gap.Kind kind) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(kind, "kind");
    return held(
        1,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE gap SET to_at = max(from_at, ?) WHERE kind = ? AND to_at IS NULL")) {
            p.setLong(1, to.toEpochMilli());
            p.setString(2, kind.name());
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Future<Void> setStage(String siteId, RolloutStage stage, Instant at) {
    Objects.requireNonNull(siteId, "siteId");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(at, "at");
    return write(
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
    return write(
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
    return write(
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
    return write(
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

  @Override
  public Future<Void> recordDay(LocalDate day, int connected, int online) {
    Objects.requireNonNull(day, "day");
    if (connected < 0 || online < 0) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "daily rollout counts must not be negative: connected=" + connected + " online=" + online));
    }
    return held(
        1,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO daily_rollout (day, connected, online_max, online_min)"
                      + " VALUES (?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET"
                      + " connected = excluded.connected,"
                      + " online_max = max(online_max, excluded.online_max),"
                      + " online_min = min(online_min, excluded.online_min)")) {
            p.setString(1, day.toString());
            p.setInt(2, connected);
            p.setInt(3, online);
            p.setInt(4, online);
            p.executeUpdate();
          }
          return null;
        });
  }

  // ---- reads

  @Override
  public Future<Recovered> load() {
    return read(
        c -> {
          Map<String, Instant> firstConnected = new LinkedHashMap<>();
          Map<String, RolloutStage> stages = new LinkedHashMap<>();
          try (PreparedStatement p =
                  c.prepareStatement("SELECT id, first_connected, stage FROM site ORDER BY id");
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              Instant first = instant(rs, 2);
              if (first != null) {
                firstConnected.put(rs.getString(1), first);
              }
              String stage = rs.getString(3);
              if (stage != null) {
                stages.put(rs.getString(1), RolloutStage.valueOf(stage));
              }
            }
          }
          List<Incident> open =
              incidents(
                  c,
                  "SELECT " + INCIDENT_COLUMNS
                      + " FROM incident WHERE closed_at IS NULL ORDER BY opened_at, id",
                  List.of());
          List<MaintenanceWindow> maintenance = new ArrayList<>();
          try (PreparedStatement p =
                  c.prepareStatement("SELECT " + MAINTENANCE_COLUMNS + " FROM maintenance ORDER BY id");
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              maintenance.add(maintenance(rs));
            }
          }
          return new Recovered(
              Map.copyOf(firstConnected),
              Map.copyOf(stages),
              List.copyOf(open),
              List.copyOf(maintenance),
              lastHeartbeat(c, currentRun));
        });
  }

  @Override
  public Future<List<Incident>> incidents(
      String siteId, Instant from, Instant to, Boolean open, int limit) {
    if (limit <= 0) {
      return Future.failedFuture(
          new IllegalArgumentException("incident limit must be at least 1, got " + limit));
    }
    StringBuilder sql = new StringBuilder("SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (siteId != null) {
      sql.append(" AND site = ?");
      args.add(siteId);
    }
    if (to != null) {
      sql.append(" AND opened_at < ?");
      args.add(to.toEpochMilli());
    }
    if (from != null) {
      // An open incident overlaps everything after its start.
      sql.append(" AND (closed_at IS NULL OR closed_at > ?)");
      args.add(from.toEpochMilli());
    }
    if (open != null) {
      sql.append(open ? " AND closed_at IS NULL" : " AND closed_at IS NOT NULL");
    }
    sql.append(" ORDER BY opened_at DESC, id DESC LIMIT ?");
    args.add((long) limit);
    return read(c -> List.copyOf(incidents(c, sql.toString(), args)));
  }

  @Override
  public Future<Map<String, SiteState>> statesAt(Instant at) {
    Objects.requireNonNull(at, "at");
    return read(
        c -> {
          Map<String, SiteState> states = new HashMap<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT s.id, (SELECT to_state FROM state_change"
                      + " WHERE site = s.id AND at < ? ORDER BY at DESC, id DESC LIMIT 1)"
                      + " FROM site s")) {
            p.setLong(1, at.toEpochMilli());
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                String state = rs.getString(2);
                if (state != null) {
                  states.put(rs.getString(1), SiteState.valueOf(state));
                }
              }
            }
          }
          return Map.copyOf(states);
        });
  }

  @Override
  public Future<List<StateChange>> changes(Instant from, Instant to) {
    return read(
        c -> {
          List<StateChange> changes = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT site, from_state, to_state, at, reason FROM state_change"
                      + " WHERE at >= ? AND at < ? ORDER BY at, id")) {
            p.setLong(1, from == null ? Long.MIN_VALUE : from.toEpochMilli());
            p.setLong(2, to == null ? Long.MAX_VALUE : to.toEpochMilli());
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                changes.add(
                    new StateChange(
                        rs.getString(1),
                        SiteState.valueOf(rs.getString(2)),
                        SiteState.valueOf(rs.getString(3)),
                        Instant.ofEpochMilli(rs.getLong(4)),
                        rs.getString(5)));
              }
            }
          }
          return List.copyOf(changes);
        });
  }

  @Override
  public Future<List<Gap>> gaps(Instant from, Instant to) {
    return read(
        c -> {
          List<Gap> gaps = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT from_at, to_at, kind, reason FROM gap"
                      + " WHERE from_at < ? AND (to_at IS NULL OR to_at > ?) ORDER BY from_at, id")) {
            p.setLong(1, to == null ? Long.MAX_VALUE : to.toEpochMilli());
            p.setLong(2, from == null ? Long.MIN_VALUE : from.toEpochMilli());
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                gaps.add(
                    new Gap(
                        Instant.ofEpochMilli(rs.getLong(1)),
                        instant(rs, 2),
                        Gap.Kind.valueOf(rs.getString(3)),
                        rs.getString(4)));
              }
            }
          }
          return List.copyOf(gaps);
        });
  }

  @Override
  public Future<List<DailyRollout>> days(LocalDate from, LocalDate to) {
    return read(
        c -> {
          List<DailyRollout> days = new ArrayList<>();
          // ISO dates sort as text.
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT day, connected, online_max, online_min FROM daily_rollout"
                      + " WHERE (? IS NULL OR day >= ?) AND (? IS NULL OR day <= ?) ORDER BY day")) {
            String f = from == null ? null : from.toString();
            String t = to == null ? null : to.toString();
            p.setString(1, f);
            p.setString(2, f);
            p.setString(3, t);
            p.setString(4, t);
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                days.add(
                    new DailyRollout(
                        LocalDate.parse(rs.getString(1)), rs.getInt(2), rs.getInt(3), rs.getInt(4)));
              }
            }
          }
          return List.copyOf(days);
        });
  }

  // ---- notification outbox

  private static final String OUTBOX_COLUMNS =
      "id, channel, key, payload, created_at, attempts, next_attempt_at";

  @Override
  public Future<Integer> enqueue(List<OutboxItem> items) {
    List<OutboxItem> copy = List.copyOf(items);
    if (copy.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return held(
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
    return read(
        c -> {
          List<OutboxItem> items = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT " + OUTBOX_COLUMNS + " FROM outbox o"
                      + " WHERE delivered_at IS NULL AND next_attempt_at <= ?"
                      + " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.channel = o.channel"
                      + " AND e.delivered_at IS NULL AND e.id < o.id AND e.next_attempt_at > ?)"
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
    return held(
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
    return held(
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
  public Future<OutboxStats> outboxStats(Instant now) {
    Objects.requireNonNull(now, "now");
    return read(
        c -> {
          try (PreparedStatement p =
                  c.prepareStatement(
                      "SELECT count(*), min(created_at) FROM outbox WHERE delivered_at IS NULL");
              ResultSet rs = p.executeQuery()) {
            rs.next();
            int queued = rs.getInt(1);
            Instant oldest = instant(rs, 2);
            java.time.Duration age =
                oldest == null || oldest.isAfter(now)
                    ? java.time.Duration.ZERO
                    : java.time.Duration.between(oldest, now);
            return new OutboxStats(queued, age);
          }
        });
  }

  // ---- plumbing

  /** Work done with the store's connection on the store thread. */
  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws Exception;
  }

  private <T> Future<T> onStoreThread(Callable<T> task) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("history store " + file + " is closed"));
    }
    return executor.executeBlocking(task, true);
  }

  /**
   * One transaction; its future completes after the commit (durable: synchronous=FULL). Fails at
   * once while writes are held: it must not overtake them, and the disk is not taking writes.
   */
  private <T> Future<T> write(Work<T> work) {
    return onStoreThread(
        () -> {
          if (backlog.holding()) {
            throw new StoreException(
                file,
                "cannot write now: " + backlog.health().fault().describe(),
                "free space on that disk or make it writable again, then retry",
                null);
          }
          Connection c = writableConnection();
          return inTransaction(c, () -> work.run(c));
        });
  }

  /**
   * A transaction that survives a failing disk: when it fails with a {@link StoreFault} it is held
   * and retried in order, and its future completes once it is committed. {@code records} is its
   * weight against the backlog's bound.
   */
  private <T> Future<T> held(int records, Work<T> work) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("history store " + file + " is closed"));
    }
    Context caller = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    executor
        .executeBlocking(
            () -> {
              backlog.submit(new HeldWrite<>(records, work, caller, promise));
              return null;
            },
            true)
        .onFailure(promise::tryFail);
    return promise.future();
  }

  /** Runs {@link WriteBacklog#drain} on the store thread after {@code delay}. */
  private void retryIn(Duration delay) {
    Runnable drain =
        () -> {
          if (!closed) {
            executor.executeBlocking(
                () -> {
                  backlog.drain();
                  return null;
                },
                true);
          }
        };
    if (delay.isZero()) {
      drain.run();
    } else {
      vertx.setTimer(delay.toMillis(), id -> drain.run());
    }
  }

  /** A held write; its future completes on the caller's context. */
  private final class HeldWrite<T> implements WriteBacklog.Entry {
    private final int records;
    private final Work<T> work;
    private final Context caller;
    private final Promise<T> promise;

    HeldWrite(int records, Work<T> work, Context caller, Promise<T> promise) {
      this.records = records;
      this.work = work;
      this.caller = caller;
      this.promise = promise;
    }

    @Override
    public int records() {
      return records;
    }

    @Override
    public void write() throws Exception {
      T result;
      try {
        Connection c = writableConnection();
        result = inTransaction(c, () -> work.run(c));
      } catch (Exception e) {
        release(e);
        throw e;
      }
      caller.runOnContext(v -> promise.complete(result));
    }

    @Override
    public void fail(Throwable error) {
      caller.runOnContext(v -> promise.fail(error));
    }
  }

  /**
   * Reads with the store's connection, or, while it is released, with a read-only connection of
   * their own that is closed again right after the read, so that between reads no file stays open
   * (a remount tried during a read is refused with EBUSY and can simply be tried again). SQLite
   * reads a WAL database on a read-only file system too.
   */
  private <T> Future<T> read(Work<T> work) {
    return onStoreThread(
        () -> {
          if (!released) {
            return work.run(openConnection());
          }
          SQLiteConfig config = new SQLiteConfig();
          config.setReadOnly(true);
          try (Connection c = config.createConnection("jdbc:sqlite:" + file)) {
            return work.run(c);
          }
        });
  }

  private Connection openConnection() {
    if (connection == null) {
      throw new IllegalStateException("history store " + file + " is not open: call open() first");
    }
    return connection;
  }

  /**
   * The connection for a write; after {@link #release} it is opened again with the checks of
   * {@link #open()} (vcmon's file, schema version). Until the directory and the file take writes
   * again that fails with the file system's own error (read-only, full, permission denied), a
   * {@link StoreFault}, so that the write stays held.
   */
  private Connection writableConnection() throws Exception {
    if (!released) {
      return openConnection();
    }
    Files.delete(Files.createTempFile(file.getParent(), ".vcmon-write-check", ""));
    if (Files.exists(file) && !Files.isWritable(file)) {
      throw new AccessDeniedException(file.toString(), null, "the file is not writable");
    }
    Connection c = connect();
    try {
      migrate(c);
    } catch (Exception e) {
      closeQuietly(c);
      throw e instanceof SQLException ? openFailure((SQLException) e) : e;
    }
    connection = c;
    released = false;
    LOG.debug("History store opened its file again path={}", file);
    return c;
  }

  /**
   * Lets go of the file after a held write failed: closes the connection, which releases every
   * file it had open for writing (the database, -wal and -shm). A file system cannot be remounted
   * read-only or read-write, nor a read-only bind mount lifted, while a process holds files on it
   * open for writing; released, the operator can repair the mount and the next retry reopens it.
   */
  private void release(Exception cause) {
    if (connection == null) {
      return;
    }
    Connection c = connection;
    connection = null;
    released = true;
    closeQuietly(c);
    // Said once when writes start failing; a retry that opens and releases it again is routine.
    if (backlog.holding()) {
      LOG.debug("History store released its file again path={}", file);
    } else {
      LOG.warn(
          "History store released its file until a write succeeds again path={} error=\"{}\"",
          file,
          cause.getMessage());
    }
  }

  /**
   * BEGIN and COMMIT by hand rather than through the driver's auto-commit switch: on SQLITE_FULL
   * and I/O errors SQLite rolls the transaction back itself, and the driver's switch back to
   * auto-commit then fails with "no transaction is active", hiding the cause and leaving the
   * driver believing a transaction is open.
   */
  private static <T> T inTransaction(Connection c, Callable<T> work) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN");
    }
    try {
      T result = work.call();
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
      return result;
    } catch (Exception e) {
      try (Statement s = c.createStatement()) {
        s.execute("ROLLBACK");
      } catch (SQLException rollback) {
        e.addSuppressed(rollback); // already rolled back by SQLite
      }
      throw e;
    }
  }

  private static Instant lastHeartbeat(Connection c, long exceptRun) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT heartbeat_at FROM run WHERE id <> ? ORDER BY id DESC LIMIT 1")) {
      p.setLong(1, exceptRun);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Instant.ofEpochMilli(rs.getLong(1)) : null;
      }
    }
  }

  private static Incident openIncident(Connection c, String site) throws SQLException {
    List<Incident> open =
        incidents(
            c,
            "SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE site = ? AND closed_at IS NULL",
            List.of(site));
    return open.isEmpty() ? null : open.get(0);
  }

  private static Incident incident(Connection c, long id) throws SQLException {
    return incidents(c, "SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE id = ?", List.of(id))
        .get(0);
  }

  private static List<Incident> incidents(Connection c, String sql, List<Object> args)
      throws SQLException {
    List<Incident> result = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        p.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          long parent = rs.getLong(7);
          Long parentId = rs.wasNull() ? null : parent;
          result.add(
              new Incident(
                  rs.getLong(1),
                  rs.getString(2),
                  SiteState.valueOf(rs.getString(3)),
                  Instant.ofEpochMilli(rs.getLong(4)),
                  instant(rs, 5),
                  rs.getString(6),
                  parentId,
                  instant(rs, 8),
                  rs.getString(9)));
        }
      }
    }
    return result;
  }

  private static MaintenanceWindow maintenance(ResultSet rs) throws SQLException {
    long dow = rs.getLong(5);
    DayOfWeek day = rs.wasNull() ? null : DayOfWeek.of((int) dow);
    String from = rs.getString(6);
    String to = rs.getString(7);
    return new MaintenanceWindow(
        rs.getLong(1),
        rs.getString(2),
        instant(rs, 3),
        instant(rs, 4),
        day,
        from == null ? null : LocalTime.parse(from),
        to == null ? null : LocalTime.parse(to),
        rs.getString(8),
        rs.getString(9));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  private static void setNullableLong(PreparedStatement p, int index, Long value)
      throws SQLException {
    if (value == null) {
      p.setNull(index, Types.INTEGER);
    } else {
      p.setLong(index, value);
    }
  }

  /** The row id of the statement's insert (same connection, same thread: nothing in between). */
  private static long generatedKey(PreparedStatement p) throws SQLException {
    try (Statement s = p.getConnection().createStatement();
        ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String queryString(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static int queryInt(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("Closing a failed history store connection failed", e);
    }
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
