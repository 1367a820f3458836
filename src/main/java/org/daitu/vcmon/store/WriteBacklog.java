package org.daitu.vcmon.store;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes the store could not make because of its disk ({@link StoreFault}: full, read-only,
 * I/O error), held in memory in the order they were asked for and retried with backoff until they
 * succeed. While any is held, later writes queue behind it, so the history is written in its
 * original order; a failed transaction was rolled back, so a retry never writes anything twice.
 *
 * <p>Bounded at {@link #MAX_RECORDS} records (a batch of transitions counts one per transition):
 * past it, a new write is refused (its future fails), counted in {@link StoreHealth#droppedRecords}
 * and logged. The oldest are kept rather than the newest so that what is stored stays a gap-free
 * history up to the overflow; the live state is in memory anyway.
 *
 * <p>Logs once when writes start failing, then at most every {@link #REPEAT_LOG} while they still
 * fail (or at once when the cause changes), and once when they succeed again with how many
 * records it caught up.
 *
 * <p>Confined to the store thread; {@link #health()} may be read from any thread.
 */
final class WriteBacklog {
  private static final Logger LOG = LoggerFactory.getLogger(WriteBacklog.class);

  static final int MAX_RECORDS = 50_000;
  static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
  static final Duration REPEAT_LOG = Duration.ofMinutes(5);
  /** Held writes made per turn on the store thread, so that reads are not kept waiting. */
  static final int DRAIN_BATCH = 100;

  /** One held write: its transaction and its caller's future. */
  interface Entry {
    int records();

    /** Runs the transaction and completes the caller's future with its result; throws on failure. */
    void write() throws Exception;

    /** Gives it up: fails the caller's future. */
    void fail(Throwable error);
  }

  private final Path file;
  private final Clock clock;
  private final Consumer<Duration> retryIn;
  private final Function<Throwable, StoreFault> classify;
  private final int maxRecords;
  private final Deque<Entry> held = new ArrayDeque<>();
  private int records;
  private StoreFault fault;
  private Instant since;
  private int failuresInRow;
  private long dropped;
  private long droppedSinceLog;
  private long failedWrites;
  private long caughtUp;
  private Instant lastLog;
  private volatile StoreHealth health;

  /**
   * @param retryIn asks for {@link #drain()} to run on the store thread after the delay
   * @param classify the disk fault behind a failed write, or null for any other failure
   */
  WriteBacklog(
      Path file,
      Clock clock,
      Consumer<Duration> retryIn,
      Function<Throwable, StoreFault> classify,
      int maxRecords) {
    this.file = file;
    this.clock = clock;
    this.retryIn = retryIn;
    this.classify = classify;
    this.maxRecords = maxRecords;
    this.health = StoreHealth.ok(file);
  }

  StoreHealth health() {
    return health;
  }

  boolean holding() {
    return !held.isEmpty();
  }

  /** Writes {@code entry} now, or holds it behind the ones already held. */
  void submit(Entry entry) {
    if (holding()) {
      hold(entry);
      publish();
      return;
    }
    try {
      entry.write();
      return;
    } catch (Exception e) {
      failedWrites++;
      StoreFault f = classify.apply(e);
      if (f == null) {
        entry.fail(e);
      } else {
        startFault(f);
        hold(entry);
        retryIn.accept(RETRY.delay(failuresInRow));
      }
    }
    publish();
  }

  /** Retries the held writes, oldest first, until one fails again or a turn is used up. */
  void drain() {
    for (int i = 0; i < DRAIN_BATCH && holding(); i++) {
      Entry entry = held.peek();
      try {
        entry.write();
      } catch (Exception e) {
        failedWrites++;
        StoreFault f = classify.apply(e);
        if (f != null) {
          stillFailing(f);
          retryIn.accept(RETRY.delay(++failuresInRow));
          publish();
          return;
        }
        // Not the disk: this one can never succeed; the ones behind it must not wait for it.
        LOG.error("History store gave up a held write path={} error=\"{}\"", file, e.getMessage());
        remove();
        entry.fail(e);
        continue;
      }
      remove();
      caughtUp += entry.records();
    }
    if (holding()) {
      retryIn.accept(Duration.ZERO);
    } else if (fault != null) {
      recovered();
    }
    publish();
  }

  /** The store closes: one last try, then what is still held is failed and logged as lost. */
  void close() {
    while (holding()) {
      int before = held.size();
      drain();
      if (held.size() == before) {
        break;
      }
    }
    if (!holding()) {
      return;
    }
    LOG.error(
        "History store closed with writes it could not make, they are lost path={} records={} cause=\"{}\"",
        file,
        records,
        fault == null ? "" : fault.describe());
    StoreException lost =
        new StoreException(
            file,
            "closed while the disk still refused this write",
            "it is lost; the log says how many records were",
            null);
    while (holding()) {
      remove().fail(lost);
    }
    publish();
  }

  private void hold(Entry entry) {
    if (records + entry.records() > maxRecords) {
      dropped += entry.records();
      droppedSinceLog += entry.records();
      if (droppedSinceLog == entry.records()) {
        LOG.error(
            "History store backlog full, new writes are dropped until the disk takes writes again"
                + " path={} limit_records={} cause=\"{}\"",
            file,
            maxRecords,
            fault.describe());
      }
      entry.fail(
          new StoreException(
              file,
              "not writable (" + fault.describe() + ") and " + maxRecords + " records already wait",
              "free space on that disk or make it writable again",
              null));
      return;
    }
    held.add(entry);
    records += entry.records();
  }

  private Entry remove() {
    Entry entry = held.poll();
    records -= entry.records();
    return entry;
  }

  private void startFault(StoreFault f) {
    fault = f;
    since = clock.instant();
    lastLog = since;
    failuresInRow = 1;
    caughtUp = 0;
    droppedSinceLog = 0;
    LOG.error(
        "History store cannot write, holding writes in memory and retrying path={} cause=\"{}\""
            + " limit_records={}",
        file,
        f.describe(),
        maxRecords);
  }

  private void stillFailing(StoreFault f) {
    Instant now = clock.instant();
    boolean changed = f.kind() != fault.kind();
    fault = f;
    if (changed || !now.isBefore(lastLog.plus(REPEAT_LOG))) {
      lastLog = now;
      LOG.warn(
          "History store still cannot write path={} cause=\"{}\" since={} held_records={}"
              + " dropped_records={}",
          file,
          f.describe(),
          since,
          records,
          droppedSinceLog);
    }
  }

  private void recovered() {
    LOG.info(
        "History store writable again path={} after={} caught_up_records={} dropped_records={}",
        file,
        Duration.between(since, clock.instant()),
        caughtUp,
        droppedSinceLog);
    fault = null;
    since = null;
    failuresInRow = 0;
  }

  private void publish() {
    health = new StoreHealth(file, fault, since, records, dropped, failedWrites);
  }
}
