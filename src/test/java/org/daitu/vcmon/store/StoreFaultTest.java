package org.daitu.vcmon.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class StoreFaultTest {

  @ParameterizedTest
  @CsvSource({
    "SQLITE_FULL, DISK_FULL",
    "SQLITE_READONLY, READ_ONLY",
    "SQLITE_READONLY_DBMOVED, READ_ONLY",
    "SQLITE_READONLY_DIRECTORY, READ_ONLY",
    "SQLITE_IOERR, IO_ERROR",
    "SQLITE_IOERR_WRITE, IO_ERROR",
    "SQLITE_IOERR_FSYNC, IO_ERROR",
    "SQLITE_CANTOPEN, IO_ERROR"
  })
  void sqliteCodesOfTheDiskAreFaults(SQLiteErrorCode code, StoreFault.Kind kind) {
    StoreFault fault = StoreFault.of(new SQLiteException("[" + code + "] x", code));

    assertThat(fault.kind()).isEqualTo(kind);
    assertThat(fault.detail()).isEqualTo("[" + code + "] x");
  }

  @ParameterizedTest
  @CsvSource({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CORRUPT", "SQLITE_ERROR", "SQLITE_BUSY"})
  void otherSqliteErrorsAreNot(SQLiteErrorCode code) {
    assertThat(StoreFault.of(new SQLiteException("x", code))).isNull();
  }

  @Test
  void osErrorsAreRecognisedAnywhereInTheCauses() {
    assertThat(StoreFault.of(new RuntimeException(new IOException("No space left on device"))).kind())
        .isEqualTo(StoreFault.Kind.DISK_FULL);
    assertThat(StoreFault.of(new IOException("Read-only file system")).kind())
        .isEqualTo(StoreFault.Kind.READ_ONLY);
    assertThat(StoreFault.of(new SQLException("disk I/O error")).kind())
        .isEqualTo(StoreFault.Kind.IO_ERROR);
    assertThat(StoreFault.of(new java.nio.file.AccessDeniedException("/x.db", null, "not writable")).kind())
        .isEqualTo(StoreFault.Kind.READ_ONLY);
  }

  @Test
  void vcmonsOwnVerdictsAndBugsAreNotFaults() {
    assertThat(StoreFault.of(new StoreException(Path.of("/x.db"), "closed", "fix", null))).isNull();
    assertThat(StoreFault.of(new IllegalStateException("heartbeat before startRun"))).isNull();
    assertThat(StoreFault.of(new SQLException("no such table: run"))).isNull();
  }

  @Test
  void describeSaysWhatAndHow() {
    assertThat(new StoreFault(StoreFault.Kind.DISK_FULL, "[SQLITE_FULL] database or disk is full").describe())
        .isEqualTo("the disk is full ([SQLITE_FULL] database or disk is full)");
  }

  @Test
  void backoffDoublesUpToItsCap() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    assertThat(b.delay(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.delay(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.delay(5)).isEqualTo(Duration.ofSeconds(16));
    assertThat(b.delay(6)).isEqualTo(Duration.ofSeconds(30));
    assertThat(b.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    assertThat(b.delay(0)).isEqualTo(Duration.ofSeconds(1));
  }
}
