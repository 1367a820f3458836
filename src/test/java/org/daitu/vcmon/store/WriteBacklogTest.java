package org.daitu.vcmon.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The backlog's policy with scripted writes: no database, no threads. */
class WriteBacklogTest {
  private static final Path FILE = Path.of("/var/lib/vcmon/vcmon.db");

  private final ManualClock clock = new ManualClock(Instant.parse("2020-08-10T08:00:00Z"));
  private final List<Duration> retries = new ArrayList<>();
  /** The disk: while it fails, every write throws this. */
  private Exception disk;
  private final List<String> written = new ArrayList<>();
  private final List<String> failed = new ArrayList<>();

  private WriteBacklog backlog(int max) {
    return new WriteBacklog(FILE, clock, retries::add, StoreFault::of, max);
  }

  @Test
  void heldWritesAreWrittenInOrderOnceTheDiskTakesThemAgain() {
    WriteBacklog backlog = backlog(100);
    backlog.submit(write("a", 1));
    disk = full();
    backlog.submit(write("b", 3));
    backlog.submit(write("c", 1));

    assertThat(written).containsExactly("a");
    assertThat(backlog.health().writable()).isFalse();
    assertThat(backlog.health().backlogRecords()).isEqualTo(4);
    assertThat(backlog.health().since()).isEqualTo(clock.instant());
    assertThat(backlog.health().readinessProblem())
        .isEqualTo(
            "history store /var/lib/vcmon/vcmon.db not writable since 2020-08-10T08:00:00Z:"
                + " the disk is full ([SQLITE_FULL] database or disk is full); 4 records held in memory");

    backlog.drain();
    backlog.drain();
    assertThat(retries).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    assertThat(backlog.health().failedWrites()).isEqualTo(3);

    disk = null;
    backlog.submit(write("d", 1)); // behind the held ones although the disk is back
    assertThat(written).containsExactly("a");
    backlog.drain();

    assertThat(written).containsExactly("a", "b", "c", "d");
    assertThat(backlog.health()).isEqualTo(new StoreHealth(FILE, null, null, 0, 0, 3));
    assertThat(failed).isEmpty();
  }

  @Test
  void aFailureThatIsNotTheDiskFailsThatWriteOnly() {
    WriteBacklog backlog = backlog(100);
    disk = new SQLiteException("UNIQUE constraint failed", SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE);
    backlog.submit(write("a", 1));

    assertThat(failed).containsExactly("a");
    assertThat(backlog.health().writable()).isTrue();
    assertThat(backlog.holding()).isFalse();
    assertThat(retries).isEmpty();
  }

  @Test
  void aHeldWriteThatCanNeverSucceedIsGivenUpAndTheRestGoOn() {
    WriteBacklog backlog = backlog(100);
    disk = full();
    Deque<Exception> poison = new ArrayDeque<>(List.of(full(), new IllegalStateException("bug")));
    backlog.submit(write("bad", 1, poison));
    backlog.submit(write("good", 1));
    disk = null;

    backlog.drain();

    assertThat(failed).containsExactly("bad");
    assertThat(written).containsExactly("good");
    assertThat(backlog.health().writable()).isTrue();
  }

  @Test
  void pastTheBoundNewWritesAreRefusedAndCounted() {
    WriteBacklog backlog = backlog(5);
    disk = full();
    backlog.submit(write("a", 2));
    backlog.submit(write("b", 3));
    backlog.submit(write("c", 2));
    backlog.submit(write("d", 1));

    assertThat(failed).containsExactly("c", "d");
    assertThat(backlog.health().backlogRecords()).isEqualTo(5);
    assertThat(backlog.health().droppedRecords()).isEqualTo(3);
    assertThat(backlog.health().readinessProblem()).endsWith("; 5 records held in memory, 3 dropped");

    disk = null;
    backlog.drain();
    assertThat(written).containsExactly("a", "b");
    assertThat(backlog.health().droppedRecords()).isEqualTo(3);
  }

  @Test
  void aLongBacklogIsWrittenInTurnsSoReadsGetTheirTurnBetween() {
    WriteBacklog backlog = backlog(1000);
    disk = full();
    for (int i = 0; i < WriteBacklog.DRAIN_BATCH + 10; i++) {
      backlog.submit(write("w" + i, 1));
    }
    disk = null;
    retries.clear();

    backlog.drain();
    assertThat(written).hasSize(WriteBacklog.DRAIN_BATCH);
    assertThat(retries).containsExactly(Duration.ZERO);
    backlog.drain();
    assertThat(written).hasSize(WriteBacklog.DRAIN_BATCH + 10).endsWith("w109");
  }

  @Test
  void closingWhileTheDiskStillFailsFailsWhatIsHeld() {
    WriteBacklog backlog = backlog(100);
    disk = full();
    backlog.submit(write("a", 1));
    backlog.submit(write("b", 1));

    backlog.close();

    assertThat(failed).containsExactly("a", "b");
    assertThat(backlog.health().backlogRecords()).isZero();
  }

  @Test
  void closingAfterTheDiskCameBackWritesWhatIsHeld() {
    WriteBacklog backlog = backlog(100);
    disk = full();
    backlog.submit(write("a", 1));
    disk = null;

    backlog.close();

    assertThat(written).containsExactly("a");
    assertThat(failed).isEmpty();
  }

  private static SQLiteException full() {
    return new SQLiteException("[SQLITE_FULL] database or disk is full", SQLiteErrorCode.SQLITE_FULL);
  }

  private WriteBacklog.Entry write(String name, int records) {
    return write(name, records, new ArrayDeque<>());
  }

  /** A write that first throws its own {@code script}, then whatever the disk does. */
  private WriteBacklog.Entry write(String name, int records, Deque<Exception> script) {
    return new WriteBacklog.Entry() {
      @Override
      public int records() {
        return records;
      }

      @Override
      public void write() throws Exception {
        if (!script.isEmpty()) {
          throw script.poll();
        }
        if (disk != null) {
          throw disk;
        }
        written.add(name);
      }

      @Override
      public void fail(Throwable error) {
        failed.add(name);
      }
    };
  }
}
