package org.daitu.vcmon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.store.OutboxStoreTest.await;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.daitu.vcmon.history.AuditEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit table in a real SQLite file: newest first, kept as written, bounded, across a reopen. */
class AuditStoreTest {
  static final Instant T0 = Instant.parse("2026-03-01T07:00:00Z");

  @TempDir Path dir;
  Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  static AuditEntry entry(int i, String detail) {
    return new AuditEntry(T0.plusSeconds(i), i % 2 == 0 ? "lan" : "admin", "maintenance.add", "site-" + i, detail);
  }

  @Test
  void entriesComeBackNewestFirstAsWrittenAndTheOldestBeyondTheBoundAreDeleted() throws Exception {
    Path file = dir.resolve("vcmon.db");
    SqliteStore store = new SqliteStore(vertx, file, 5);
    await(store.open());
    for (int i = 0; i < 8; i++) {
      await(store.audit(entry(i, i == 7 ? "<script>alert(1)</script> & đổi switch" : "")));
    }
    List<AuditEntry> all = await(store.audit(100));
    assertThat(all).extracting(AuditEntry::target).containsExactly("site-7", "site-6", "site-5", "site-4", "site-3");
    assertThat(all.get(0)).isEqualTo(entry(7, "<script>alert(1)</script> & đổi switch"));
    assertThat(await(store.audit(2))).extracting(AuditEntry::target).containsExactly("site-7", "site-6");
    await(store.close());

    SqliteStore reopened = new SqliteStore(vertx, file, 5);
    await(reopened.open());
    assertThat(await(reopened.audit(100))).as("kept across a restart").hasSize(5);
    await(reopened.close());
  }

  @Test
  void aLongDetailIsCut() {
    assertThat(entry(1, "x".repeat(2_000)).detail()).hasSize(AuditEntry.MAX_DETAIL);
    assertThat(new AuditEntry(T0, "lan", "session.sign_in", null, null).target()).isEmpty();
  }
}
