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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Owns the SQLite file: the only {@link Connection}, the single store thread it is used on, the
 * writes held while the disk refuses them ({@link WriteBacklog}), faults, release and reopen, and
 * the schema migrations ({@link Schema}). The table classes ({@link HistoryTable}, {@link
 * AdminTable}, {@link OutboxTable}) know the SQL of their tables and run it through {@link
 * #read}, {@link #write} and {@link #held}; nothing else touches the connection.
 *
 * <p>One SQLite file in WAL mode, written with {@code synchronous=FULL} so that a commit is on
 * disk before its future completes. SQLite has a single writer, so every statement runs on one
 * dedicated worker thread (the shared worker pool "vcmon-store" of size 1, ordered) that owns the
 * connection: writes land in the order they were asked for, none waits on a lock held by another
 * of ours, and no event loop ever blocks on JDBC. Futures complete on the caller's context.
 *
 * <p>Thread-safety: every method may be called from any thread or context; the connection is
 * only touched on the store thread, and so is any state a table keeps (work passed to {@link
 * #read}, {@link #write} or {@link #held} runs there). Call {@link #close()} even after a failed
 * {@link #open()}: it also releases the hold on the worker pool.
 *
 * <p>The writes that follow the monitor (transitions, heartbeats, gaps, daily counts, the outbox)
 * go through {@link #held}: they survive a disk that is full, read-only or failing, held in a
 * {@link WriteBacklog} and written in order once the disk takes writes again. Writes asked for
 * through the API go through {@link #write} and fail at once instead, with the cause, while
 * anything is held. Meanwhile the connection is closed (see {@link #release}), so that the
 * operator can remount the file system, and each retry opens it again.
 */
final class SqliteDatabase {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);

  /** Also the name of the worker pool, so that thread dumps say who is busy. */
  static final String POOL = "vcmon-store";

  /**
   * Past this, Vert.x logs the store thread as blocked. A migration of a large file or a slow
   * disk's fsync may legitimately take seconds; a minute means something is wrong.
   */
  private static final long MAX_EXECUTE_SECONDS = 60;

  /** How long a statement waits for a lock held by another process (a backup, sqlite3 shell). */
  private static final int BUSY_TIMEOUT_MILLIS = 5_000;

  private final Path file;
  private final Vertx vertx;
  private final WorkerExecutor executor;
  private final WriteBacklog backlog;

  // Confined to the store thread.
  private Connection connection;
  /** The connection was closed after a failed held write; the next write opens it again. */
  private boolean released;

  private volatile boolean closed;

  SqliteDatabase(Vertx vertx, Path file) {
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

  StoreHealth health() {
    return backlog.health();
  }

  /** The database file (absolute). */
  Path file() {
    return file;
  }

  // ---- lifecycle

  Future<Void> open() {
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

  Future<Void> close() {
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

  // ---- plumbing

  /** Work done with the store's connection on the store thread. */
  @FunctionalInterface
  interface Work<T> {
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
  <T> Future<T> write(Work<T> work) {
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
  <T> Future<T> held(int records, Work<T> work) {
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
  <T> Future<T> read(Work<T> work) {
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
