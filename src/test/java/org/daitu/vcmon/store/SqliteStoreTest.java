package org.daitu.vcmon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.daitu.vcmon.history.DailyRollout;
import org.daitu.vcmon.history.Gap;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.history.SamplePoint;
import org.daitu.vcmon.history.OperatorOp;
import org.daitu.vcmon.history.StateChange;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.Transition;
import org.daitu.vcmon.testing.StoreCrashWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite history store against real database files: schema, incidents, runs, crashes. */
class SqliteStoreTest {
  static final Instant T0 = Instant.parse("2020-08-01T01:00:00Z");
  static final Map<String, String> NO_PARENTS = Map.of();

  @TempDir Path dir;
  Vertx vertx;
  Path db;
  SqliteStore store;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    db = dir.resolve("data").resolve("vcmon.db");
    store = open(db);
  }

  @AfterEach
  void stop() throws Exception {
    await(store.close());
    await(vertx.close());
  }

  SqliteStore open(Path file) throws Exception {
    SqliteStore s = new SqliteStore(vertx, file);
    await(s.open());
    return s;
  }

  /** Closes the store and opens the same file again, as a restarted agent does. */
  void restart() throws Exception {
    await(store.close());
    store = open(db);
  }

  static Transition t(String site, SiteState from, SiteState to, int seconds, String reason) {
    return new Transition(site, from, to, T0.plusSeconds(seconds), reason, true, false);
  }

  static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  /** An op whose body the store does not read (it takes the values as arguments). */
  static OperatorOp op(String id, int seconds, String kind) {
    return new OperatorOp(id, at(seconds), kind, id.substring(0, id.indexOf(':')), "{}");
  }

  List<Incident> record(Transition... transitions) throws Exception {
    return await(store.record(List.of(transitions), NO_PARENTS));
  }

  List<Incident> allIncidents() throws Exception {
    return await(store.incidents(null, null, null, null, 1000));
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    }
  }

  static Throwable failure(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the future to fail, it succeeded");
  }

  static Connection raw(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  static String pragma(Path file, String name) throws SQLException {
    try (Connection c = raw(file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Nested
  class Opening {
    @Test
    void freshFileGetsTheLatestSchemaInWalMode() throws Exception {
      await(store.close());
      assertThat(pragma(db, "user_version")).isEqualTo(String.valueOf(Schema.LATEST));
      assertThat(pragma(db, "application_id")).isEqualTo(String.valueOf(Schema.APPLICATION_ID));
      assertThat(pragma(db, "journal_mode")).isEqualTo("wal");
      store = open(db);
    }

    @Test
    void reopeningKeepsDataAndAppliesNothingTwice() throws Exception {
      record(t("ha-thuong", SiteState.UNKNOWN, SiteState.UP, 0, "first check"));
      await(store.close());
      Set<String> before = schemaObjects(db);
      store = open(db);
      await(store.close());
      store = open(db);

      assertThat(schemaObjects(db)).isEqualTo(before);
      assertThat(pragma(db, "user_version")).isEqualTo(String.valueOf(Schema.LATEST));
      assertThat(await(store.changes(null, null))).hasSize(1);
    }

    @Test
    void storeOfANewerVcmonIsRefused() throws Exception {
      await(store.close());
      try (Connection c = raw(db);
          Statement s = c.createStatement()) {
        s.execute("PRAGMA user_version=" + (Schema.LATEST + 1));
      }
      store = new SqliteStore(vertx, db);

      assertThat(failure(store.open()))
          .isInstanceOf(StoreException.class)
          .hasMessage(
              "history store "
                  + db
                  + ": it was written by a newer vcmon (schema version "
                  + (Schema.LATEST + 1)
                  + ", this vcmon knows up to "
                  + Schema.LATEST
                  + "); run that newer vcmon, or set store.path to another file to start a new"
                  + " history");
      // Refusing must not have touched it.
      assertThat(pragma(db, "user_version")).isEqualTo(String.valueOf(Schema.LATEST + 1));
    }

    @Test
    void garbageFileIsRefusedNamingThePath() throws Exception {
      Path garbage = dir.resolve("garbage.db");
      Files.writeString(garbage, "not a database, just text\n".repeat(200));
      SqliteStore s = new SqliteStore(vertx, garbage);
      try {
        Throwable e = failure(s.open());
        assertThat(e).isInstanceOf(StoreException.class);
        assertThat(e.getMessage())
            .startsWith("history store " + garbage + ": it is not an SQLite database (")
            .endsWith(
                "); move the file away or set store.path to another file (vcmon creates it)");
        assertThat(Files.readString(garbage)).startsWith("not a database");
      } finally {
        await(s.close());
      }
    }

    @Test
    void sqliteFileOfAnotherProgramIsRefused() throws Exception {
      Path other = dir.resolve("other.db");
      try (Connection c = raw(other);
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE things (id INTEGER)");
      }
      SqliteStore s = new SqliteStore(vertx, other);
      try {
        assertThat(failure(s.open()))
            .hasMessage(
                "history store "
                    + other
                    + ": it is an SQLite database of another program, not a vcmon store; set"
                    + " store.path to another file (vcmon creates it), or move this one away");
      } finally {
        await(s.close());
      }
    }

    @Test
    void directoryThatCannotBeCreatedIsNamed() throws Exception {
      Path blocker = dir.resolve("blocker");
      Files.writeString(blocker, "a file where a directory should be");
      Path file = blocker.resolve("sub").resolve("vcmon.db");
      SqliteStore s = new SqliteStore(vertx, file);
      try {
        Throwable e = failure(s.open());
        assertThat(e).isInstanceOf(StoreException.class);
        assertThat(e.getMessage())
            .startsWith("history store " + file + ": cannot create its directory " + file.getParent())
            .endsWith(
                "; create the directory and make it writable by the user vcmon runs as, or set"
                    + " store.path to a writable place");
      } finally {
        await(s.close());
      }
    }

    @Test
    void pathThatIsADirectoryIsRefused() throws Exception {
      Path file = dir.resolve("a-directory");
      Files.createDirectories(file);
      SqliteStore s = new SqliteStore(vertx, file);
      try {
        assertThat(failure(s.open()))
            .hasMessage(
                "history store "
                    + file
                    + ": it is a directory, not a database file; set store.path to a file name"
                    + " inside it, e.g. "
                    + file.resolve("vcmon.db"));
      } finally {
        await(s.close());
      }
    }

    @Test
    void readOnlyDirectoryIsNamed() throws Exception {
      assumeFalse(
          "root".equals(System.getProperty("user.name")),
          "root writes into read-only directories; run as another user to check this message");
      Path readOnly = dir.resolve("read-only");
      Files.createDirectories(readOnly);
      Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
      Path file = readOnly.resolve("vcmon.db");
      SqliteStore s = new SqliteStore(vertx, file);
      try {
        assertThat(failure(s.open()))
            .isInstanceOf(StoreException.class)
            .hasMessage(
                "history store "
                    + file
                    + ": its directory "
                    + readOnly
                    + " is not writable (SQLite keeps its -wal and -shm files there); make the"
                    + " directory writable by the user vcmon runs as, or set store.path to a"
                    + " writable place");
      } finally {
        await(s.close());
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }

    @Test
    void readOnlyFileIsNamed() throws Exception {
      assumeFalse(
          "root".equals(System.getProperty("user.name")),
          "root writes into read-only files; run as another user to check this message");
      await(store.close());
      Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("r--r--r--"));
      store = new SqliteStore(vertx, db);
      try {
        assertThat(failure(store.open()))
            .hasMessage(
                "history store "
                    + db
                    + ": the file is read-only; make it writable by the user vcmon runs as, or set"
                    + " store.path to a writable place");
      } finally {
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
      }
    }

    @Test
    void futuresCompleteOnTheCallersContext() throws Exception {
      io.vertx.core.Context caller = vertx.getOrCreateContext();
      java.util.concurrent.CompletableFuture<Boolean> sameContext =
          new java.util.concurrent.CompletableFuture<>();
      caller.runOnContext(
          v ->
              store
                  .changes(null, null)
                  .onComplete(r -> sameContext.complete(Vertx.currentContext() == caller)));
      assertThat(sameContext.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void callsBeforeOpenFailClearly() throws Exception {
      SqliteStore s = new SqliteStore(vertx, dir.resolve("never-opened.db"));
      try {
        assertThat(failure(s.changes(null, null)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("is not open: call open() first");
      } finally {
        await(s.close());
      }
    }

    Set<String> schemaObjects(Path file) throws SQLException {
      Set<String> names = new HashSet<>();
      try (Connection c = raw(file);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT type || ' ' || name FROM sqlite_master")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      assertThat(names).contains("table incident", "index incident_one_open", "table state_change");
      return names;
    }
  }

  @Nested
  class Incidents {
    @Test
    void downOpensAndUpClosesWithTheTransitionTimes() throws Exception {
      List<Incident> opened = record(t("ha-thuong", SiteState.UP, SiteState.DOWN, 10, "icmp loss 100%"));
      assertThat(opened).hasSize(1);
      Incident i = opened.get(0);
      assertThat(i.siteId()).isEqualTo("ha-thuong");
      assertThat(i.kind()).isEqualTo(SiteState.DOWN);
      assertThat(i.openedAt()).isEqualTo(at(10));
      assertThat(i.reason()).isEqualTo("icmp loss 100%");
      assertThat(i.open()).isTrue();
      assertThat(i.parentIncidentId()).isNull();

      List<Incident> closed = record(t("ha-thuong", SiteState.DOWN, SiteState.UP, 70, "answers again"));
      assertThat(closed).hasSize(1);
      assertThat(closed.get(0).id()).isEqualTo(i.id());
      assertThat(closed.get(0).closedAt()).isEqualTo(at(70));
      assertThat(allIncidents()).containsExactly(closed.get(0));
    }

    @Test
    void degradedAlsoClosesButDoesNotOpen() throws Exception {
      record(t("cat-ne", SiteState.UP, SiteState.DEGRADED, 0, "snmp silent"));
      assertThat(allIncidents()).isEmpty();
      record(t("cat-ne", SiteState.DEGRADED, SiteState.DOWN, 5, "no answer"));
      List<Incident> closed = record(t("cat-ne", SiteState.DOWN, SiteState.DEGRADED, 9, "ping only"));
      assertThat(closed).singleElement().satisfies(i -> assertThat(i.closedAt()).isEqualTo(at(9)));
    }

    @Test
    void downToUnreachableAndBackIsOneIncident() throws Exception {
      record(t("ky-phu", SiteState.UP, SiteState.DOWN, 0, "no answer"));
      assertThat(record(t("ky-phu", SiteState.DOWN, SiteState.UNREACHABLE, 5, "parent down"))).isEmpty();
      assertThat(record(t("ky-phu", SiteState.UNREACHABLE, SiteState.DOWN, 9, "parent up"))).isEmpty();

      List<Incident> all = allIncidents();
      assertThat(all).singleElement().satisfies(i -> {
        assertThat(i.kind()).isEqualTo(SiteState.DOWN);
        assertThat(i.open()).isTrue();
      });
    }

    @Test
    void unreachableChildLinksToItsParentsOpenIncident() throws Exception {
      Map<String, String> parents = Map.of("ky-phu", "district-core", "cat-ne", "district-core");
      List<Incident> touched =
          await(
              store.record(
                  List.of(
                      t("district-core", SiteState.UP, SiteState.DOWN, 0, "core silent"),
                      t("ky-phu", SiteState.UP, SiteState.UNREACHABLE, 0, "parent district-core down")),
                  parents));
      assertThat(touched).hasSize(2);
      Incident core = touched.get(0);
      Incident child = touched.get(1);
      assertThat(child.kind()).isEqualTo(SiteState.UNREACHABLE);
      assertThat(child.parentIncidentId()).isEqualTo(core.id());

      // A child already DOWN on its own gets the link when it becomes UNREACHABLE.
      await(store.record(List.of(t("cat-ne", SiteState.UP, SiteState.DOWN, 1, "no answer")), parents));
      await(
          store.record(
              List.of(t("cat-ne", SiteState.DOWN, SiteState.UNREACHABLE, 2, "parent down")), parents));
      Incident catNe = await(store.incidents("cat-ne", null, null, null, 10)).get(0);
      assertThat(catNe.parentIncidentId()).isEqualTo(core.id());
      assertThat(catNe.kind()).isEqualTo(SiteState.DOWN);
    }

    @Test
    void aChildIsLinkedToAParentIncidentOpenedEarlierInTheSameBatch() throws Exception {
      Map<String, String> parents = Map.of("ky-phu", "district-core");
      await(store.record(List.of(t("ky-phu", SiteState.UP, SiteState.DOWN, 0, "no answer")), parents));
      List<Incident> touched =
          await(
              store.record(
                  List.of(
                      t("district-core", SiteState.UP, SiteState.DOWN, 1, "core silent"),
                      t("ky-phu", SiteState.DOWN, SiteState.UNREACHABLE, 1, "parent down"),
                      t("district-core", SiteState.DOWN, SiteState.UP, 5, "back")),
                  parents));
      assertThat(touched).extracting(Incident::siteId).containsExactly("district-core", "district-core");
      Incident core = touched.get(1);
      assertThat(core.closedAt()).isEqualTo(at(5));
      Incident child = await(store.incidents("ky-phu", null, null, null, 10)).get(0);
      assertThat(child.parentIncidentId()).isEqualTo(core.id());
      assertThat(child.open()).isTrue();
    }

    @Test
    void unreachableWithoutAnOpenParentIncidentHasNoLink() throws Exception {
      List<Incident> touched =
          await(
              store.record(
                  List.of(t("ky-phu", SiteState.UP, SiteState.UNREACHABLE, 0, "parent down")),
                  Map.of("ky-phu", "district-core")));
      assertThat(touched).singleElement().satisfies(i -> assertThat(i.parentIncidentId()).isNull());
    }

    @Test
    void openIncidentSurvivesARestartAndIsClosedByTheNextUp() throws Exception {
      Incident opened = record(t("ha-thuong", SiteState.UP, SiteState.DOWN, 0, "no answer")).get(0);
      restart();

      assertThat(await(store.load()).openIncidents()).containsExactly(opened);
      // After a restart the tracker starts from UNKNOWN: a DOWN again is the same outage.
      assertThat(record(t("ha-thuong", SiteState.UNKNOWN, SiteState.DOWN, 100, "still down"))).isEmpty();
      List<Incident> closed = record(t("ha-thuong", SiteState.DOWN, SiteState.UP, 200, "back"));
      assertThat(closed).singleElement().satisfies(i -> {
        assertThat(i.id()).isEqualTo(opened.id());
        assertThat(i.closedAt()).isEqualTo(at(200));
      });
      assertThat(allIncidents()).hasSize(1);
    }

    @Test
    void unknownToUpAfterARestartClosesTheOpenIncident() throws Exception {
      Incident opened = record(t("ha-thuong", SiteState.UP, SiteState.DOWN, 0, "no answer")).get(0);
      restart();
      List<Incident> closed = record(t("ha-thuong", SiteState.UNKNOWN, SiteState.UP, 50, "back"));
      assertThat(closed).singleElement().satisfies(i -> {
        assertThat(i.id()).isEqualTo(opened.id());
        assertThat(i.closedAt()).isEqualTo(at(50));
      });
      assertThat(await(store.load()).openIncidents()).isEmpty();
    }

    @Test
    void openAndCloseInOneBatchAreBothReported() throws Exception {
      List<Incident> touched =
          record(
              t("ha-thuong", SiteState.UP, SiteState.DOWN, 0, "no answer"),
              t("ha-thuong", SiteState.DOWN, SiteState.UP, 3, "back"));
      assertThat(touched).hasSize(2);
      assertThat(touched.get(0).open()).isTrue();
      assertThat(touched.get(1).closedAt()).isEqualTo(at(3));
    }

    @Test
    void clockSteppingBackNeverGivesANegativeDuration() throws Exception {
      record(t("ha-thuong", SiteState.UP, SiteState.DOWN, 100, "no answer"));
      Incident closed = record(t("ha-thuong", SiteState.DOWN, SiteState.UP, 40, "back")).get(0);
      assertThat(closed.closedAt()).isEqualTo(closed.openedAt());
    }

    @Test
    void queryFiltersBySiteOverlapAndOpenNewestFirst() throws Exception {
      record(t("a", SiteState.UP, SiteState.DOWN, 0, "a1"));
      record(t("a", SiteState.DOWN, SiteState.UP, 10, "a1 end"));
      record(t("b", SiteState.UP, SiteState.DOWN, 20, "b1"));
      record(t("b", SiteState.DOWN, SiteState.UP, 30, "b1 end"));
      record(t("a", SiteState.UP, SiteState.DOWN, 40, "a2 open"));

      assertThat(reasons(await(store.incidents(null, null, null, null, 10))))
          .containsExactly("a2 open", "b1", "a1");
      assertThat(reasons(await(store.incidents("a", null, null, null, 10))))
          .containsExactly("a2 open", "a1");
      assertThat(reasons(await(store.incidents(null, null, null, true, 10))))
          .containsExactly("a2 open");
      assertThat(reasons(await(store.incidents(null, null, null, false, 10))))
          .containsExactly("b1", "a1");
      // [10, 20): a1 closed exactly at 10 and b1 opened exactly at 20 are both outside.
      assertThat(await(store.incidents(null, at(10), at(20), null, 10))).isEmpty();
      assertThat(reasons(await(store.incidents(null, at(5), at(25), null, 10))))
          .containsExactly("b1", "a1");
      // An open incident overlaps everything after its start.
      assertThat(reasons(await(store.incidents(null, at(10_000), null, null, 10))))
          .containsExactly("a2 open");
      assertThat(reasons(await(store.incidents(null, null, null, null, 2))))
          .containsExactly("a2 open", "b1");
      assertThat(failure(store.incidents(null, null, null, null, 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("incident limit must be at least 1, got 0");
    }

    @Test
    void acknowledgeStoresTheNote() throws Exception {
      Incident i = record(t("a", SiteState.UP, SiteState.DOWN, 0, "no answer")).get(0);
      OpOutcome<Incident> acked =
          await(store.acknowledge(op("tinh:1", 60, OperatorOp.INCIDENT_ACK), "a", at(0), null, "power cut, EVN notified"));
      assertThat(acked.status()).isEqualTo(OpOutcome.Status.APPLIED);
      assertThat(acked.value()).satisfies(a -> {
        assertThat(a.id()).isEqualTo(i.id());
        assertThat(a.ackAt()).isEqualTo(at(60));
        assertThat(a.ackNote()).isEqualTo("power cut, EVN notified");
        assertThat(a.open()).isTrue();
      });
      restart();
      assertThat(await(store.load()).openIncidents()).containsExactly(acked.value());
      assertThat(await(store.incident(i.id()))).contains(acked.value());
      assertThat(await(store.incident(i.id() + 999))).isEmpty();
    }

    List<String> reasons(List<Incident> incidents) {
      return incidents.stream().map(Incident::reason).collect(Collectors.toList());
    }
  }

  @Nested
  class Changes {
    @Test
    void firstConnectedIsTheFirstUpEverAndSurvivesRestarts() throws Exception {
      record(t("ha-thuong", SiteState.UNKNOWN, SiteState.DEGRADED, 0, "snmp silent"));
      assertThat(await(store.load()).firstConnected()).isEmpty();
      record(t("ha-thuong", SiteState.DEGRADED, SiteState.UP, 10, "all good"));
      record(t("ha-thuong", SiteState.UP, SiteState.DOWN, 20, "no answer"));
      record(t("ha-thuong", SiteState.DOWN, SiteState.UP, 30, "back"));
      restart();
      record(t("ha-thuong", SiteState.UNKNOWN, SiteState.UP, 40, "after restart"));

      assertThat(await(store.load()).firstConnected()).isEqualTo(Map.of("ha-thuong", at(10)));
    }

    @Test
    void statesAtTakesTheLastChangeStrictlyBefore() throws Exception {
      record(
          t("a", SiteState.UNKNOWN, SiteState.UP, 0, "up"),
          t("b", SiteState.UNKNOWN, SiteState.DOWN, 0, "down"));
      record(t("a", SiteState.UP, SiteState.DEGRADED, 10, "slow"));
      // Two changes at the same instant: the later-recorded one wins.
      record(
          t("a", SiteState.DEGRADED, SiteState.DOWN, 20, "gone"),
          t("a", SiteState.DOWN, SiteState.UNREACHABLE, 20, "parent"));

      assertThat(await(store.statesAt(at(0)))).isEmpty();
      assertThat(await(store.statesAt(at(10))))
          .isEqualTo(Map.of("a", SiteState.UP, "b", SiteState.DOWN));
      assertThat(await(store.statesAt(at(11))))
          .isEqualTo(Map.of("a", SiteState.DEGRADED, "b", SiteState.DOWN));
      assertThat(await(store.statesAt(at(21))))
          .isEqualTo(Map.of("a", SiteState.UNREACHABLE, "b", SiteState.DOWN));
    }

    @Test
    void changesAreHalfOpenAndInTimeThenInsertionOrder() throws Exception {
      record(t("b", SiteState.UP, SiteState.DOWN, 5, "second"), t("a", SiteState.UP, SiteState.DOWN, 5, "third"));
      record(t("c", SiteState.UNKNOWN, SiteState.UP, 1, "first"));
      record(t("a", SiteState.DOWN, SiteState.UP, 9, "outside"));

      List<StateChange> changes = await(store.changes(at(0), at(9)));
      assertThat(changes).extracting(StateChange::reason).containsExactly("first", "second", "third");
      assertThat(changes.get(1))
          .isEqualTo(new StateChange("b", SiteState.UP, SiteState.DOWN, at(5), "second"));
    }

    @Test
    void aThousandTransitionsCommitAsOne() throws Exception {
      List<Transition> batch = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        boolean down = (i / 50) % 2 == 0;
        batch.add(
            t("site-" + (i % 50),
                down ? SiteState.UP : SiteState.DOWN,
                down ? SiteState.DOWN : SiteState.UP,
                i,
                "step " + i));
      }
      List<Incident> touched = await(store.record(batch, NO_PARENTS));
      assertThat(await(store.changes(null, null))).hasSize(1000);
      // 10 rounds of 50 sites going down, 10 of them coming back.
      assertThat(touched).hasSize(1000);
      assertThat(allIncidents()).hasSize(500).allMatch(i -> !i.open());

      // One bad transition at the end: nothing of that batch is kept.
      List<Transition> broken = new ArrayList<>(batch.subList(0, 999));
      broken.add(new Transition("x", SiteState.UP, SiteState.DOWN, null, "no time", true, false));
      assertThat(failure(store.record(broken, NO_PARENTS))).isInstanceOf(NullPointerException.class);
      assertThat(await(store.changes(null, null))).hasSize(1000);
      assertThat(allIncidents()).hasSize(500);
    }
  }

  @Nested
  class RunsAndGaps {
    @Test
    void restartAfterAHeartbeatRecordsAnAgentStoppedGap() throws Exception {
      await(store.startRun(at(0)));
      await(store.heartbeat(at(30)));
      await(store.heartbeat(at(60)));
      restart();

      assertThat(await(store.load()).lastHeartbeat()).isEqualTo(at(60));
      await(store.startRun(at(600)));
      List<Gap> gaps = await(store.gaps(null, null));
      assertThat(gaps).singleElement().satisfies(g -> {
        assertThat(g.kind()).isEqualTo(Gap.Kind.AGENT_STOPPED);
        assertThat(g.from()).isEqualTo(at(60));
        assertThat(g.to()).isEqualTo(at(600));
      });
      // The current run is not "the last heartbeat before this start".
      await(store.heartbeat(at(630)));
      assertThat(await(store.load()).lastHeartbeat()).isEqualTo(at(60));
    }

    @Test
    void firstRunAndABackwardClockLeaveNoGap() throws Exception {
      await(store.startRun(at(100)));
      assertThat(await(store.gaps(null, null))).isEmpty();
      restart();
      await(store.startRun(at(50)));
      assertThat(await(store.gaps(null, null))).isEmpty();
    }

    @Test
    void heartbeatBeforeStartRunFails() throws Exception {
      assertThat(failure(store.heartbeat(at(0))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("heartbeat before startRun: call startRun(now) first");
    }

    @Test
    void uplinkGapOpensOnceClosesAndOverlaps() throws Exception {
      await(store.openGap(at(100), Gap.Kind.UPLINK_DOWN, "self-check targets silent"));
      await(store.openGap(at(110), Gap.Kind.UPLINK_DOWN, "still silent"));
      assertThat(await(store.gaps(at(500), null)))
          .containsExactly(new Gap(at(100), null, Gap.Kind.UPLINK_DOWN, "self-check targets silent"));

      await(store.closeGap(at(200), Gap.Kind.UPLINK_DOWN));
      await(store.closeGap(at(300), Gap.Kind.UPLINK_DOWN));
      Gap closed = new Gap(at(100), at(200), Gap.Kind.UPLINK_DOWN, "self-check targets silent");
      assertThat(await(store.gaps(null, null))).containsExactly(closed);
      assertThat(await(store.gaps(at(150), at(160)))).containsExactly(closed);
      assertThat(await(store.gaps(at(200), at(300)))).isEmpty();
      assertThat(await(store.gaps(at(0), at(100)))).isEmpty();
    }

    @Test
    void closingBeforeTheStartClampsToZero() throws Exception {
      await(store.openGap(at(100), Gap.Kind.UPLINK_DOWN, "silent"));
      await(store.closeGap(at(90), Gap.Kind.UPLINK_DOWN));
      assertThat(await(store.gaps(null, null)))
          .singleElement()
          .satisfies(g -> assertThat(g.to()).isEqualTo(at(100)));
    }
  }

  @Nested
  class OperatorData {
    @Test
    void maintenanceWindowsAreAddedRemovedAndReloaded() throws Exception {
      MaintenanceWindow oneOff =
          await(store.addMaintenance(
              op("tinh:1", 0, OperatorOp.MAINTENANCE_ADD),
              MaintenanceWindow.oneOff(0, "ha-thuong", at(0), at(3600), "new codec", "api").withUid("w1")))
              .value();
      MaintenanceWindow weekly =
          await(store.addMaintenance(
              op("tinh:2", 1, OperatorOp.MAINTENANCE_ADD),
              MaintenanceWindow.weekly(
                  0, null, DayOfWeek.SUNDAY, LocalTime.of(22, 0), LocalTime.of(2, 30), "VNPT works", "api")
                  .withUid("w2")))
              .value();
      assertThat(oneOff.id()).isPositive();
      assertThat(oneOff.uid()).isEqualTo("w1");
      assertThat(weekly.id()).isNotEqualTo(oneOff.id());
      restart();

      assertThat(await(store.load()).maintenance()).containsExactly(oneOff, weekly);
      assertThat(await(store.removeMaintenance(op("tinh:3", 2, OperatorOp.MAINTENANCE_REMOVE), "w1")).value())
          .isEqualTo(oneOff);
      assertThat(await(store.removeMaintenance(op("tinh:4", 3, OperatorOp.MAINTENANCE_REMOVE), "w1")).value())
          .isNull();
      assertThat(await(store.load()).maintenance()).containsExactly(weekly);
    }

    @Test
    void maintenanceWithoutTimesIsRefused() throws Exception {
      MaintenanceWindow none = new MaintenanceWindow(0, "a", null, null, null, null, null, "?", "api", "w");
      assertThat(failure(store.addMaintenance(op("tinh:1", 0, OperatorOp.MAINTENANCE_ADD), none)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "a maintenance window needs either start and end, or a day of the week with from and to");
      MaintenanceWindow backwards = MaintenanceWindow.oneOff(0, "a", at(10), at(5), "?", "api").withUid("w");
      assertThat(failure(store.addMaintenance(op("tinh:2", 0, OperatorOp.MAINTENANCE_ADD), backwards)))
          .hasMessage("maintenance window end " + at(5) + " must be after its start " + at(10));
    }

    @Test
    void stagesSurviveRestartsLatestWins() throws Exception {
      await(store.setStage(op("tinh:1", 0, OperatorOp.STAGE_SET), "ha-thuong", RolloutStage.INSTALLED));
      await(store.setStage(op("tinh:2", 10, OperatorOp.STAGE_SET), "ha-thuong", RolloutStage.COMMISSIONED));
      await(store.setStage(op("tinh:3", 5, OperatorOp.STAGE_SET), "cat-ne", RolloutStage.CONNECTED));
      record(t("ky-phu", SiteState.UNKNOWN, SiteState.DOWN, 0, "no answer"));
      restart();

      Store.Recovered recovered = await(store.load());
      assertThat(recovered.stages())
          .isEqualTo(Map.of("ha-thuong", RolloutStage.COMMISSIONED, "cat-ne", RolloutStage.CONNECTED));
      assertThat(recovered.lastHeartbeat()).isNull();
    }

    @Test
    void dayKeepsLatestConnectedAndOnlineExtremes() throws Exception {
      LocalDate day = LocalDate.of(2020, 8, 1);
      await(store.recordDay(day, 3, 10));
      await(store.recordDay(day, 4, 7));
      await(store.recordDay(day, 5, 12));
      await(store.recordDay(day.plusDays(1), 6, 20));
      await(store.recordDay(day.plusDays(2), 7, 21));

      assertThat(await(store.days(day, day.plusDays(1))))
          .containsExactly(new DailyRollout(day, 5, 12, 7), new DailyRollout(day.plusDays(1), 6, 20, 20));
      assertThat(await(store.days(day.plusDays(2), null))).extracting(DailyRollout::connected).containsExactly(7);
      assertThat(await(store.days(null, null))).hasSize(3);
    }

    @Test
    void samplesOfOneBucketAddUpAndOldOnesArePruned() throws Exception {
      Instant b0 = Instant.parse("2020-08-01T01:00:00Z");
      Instant b1 = b0.plus(Duration.ofMinutes(5));
      await(store.recordSamples(List.of(
          new SamplePoint("ha-thuong", b0, 2, 2, 30.0, 20.0, 0.0),
          new SamplePoint("cat-ne", b0, 1, 0, 0, 0, 1.0))));
      // The same bucket again, as after a restart: added to the row, the longest trip kept.
      await(store.recordSamples(List.of(
          new SamplePoint("ha-thuong", b0, 1, 1, 40.0, 40.0, 0.5),
          new SamplePoint("ha-thuong", b1, 1, 1, 12.0, 12.0, 0.0))));

      List<SamplePoint> read = await(store.samples("ha-thuong", b0, b1.plusSeconds(1)));
      assertThat(read).containsExactly(
          new SamplePoint("ha-thuong", b0, 3, 3, 70.0, 40.0, 0.5),
          new SamplePoint("ha-thuong", b1, 1, 1, 12.0, 12.0, 0.0));
      assertThat(await(store.samples("ha-thuong", b0, b1))).hasSize(1);
      assertThat(await(store.samples("cat-ne", b0, b1)).get(0).rttAvgMs()).isNull();

      assertThat(await(store.pruneSamples(b1))).isEqualTo(2);
      assertThat(await(store.samples("ha-thuong", b0, b1.plusSeconds(1)))).extracting(SamplePoint::at).containsExactly(b1);
      restart();
      assertThat(await(store.samples("ha-thuong", b0, b1.plusSeconds(1)))).hasSize(1);
    }

    long dbBytes() throws Exception {
      long n = Files.size(db);
      Path wal = db.resolveSibling(db.getFileName() + "-wal");
      return Files.exists(wal) ? n + Files.size(wal) : n;
    }

    /** The bound docs/history-store.md gives: 31 days of 5-minute points for 10 sites. */
    @Test
    void thirtyOneDaysOfSamplesOfTenSitesStayUnderTheDocumentedSize() throws Exception {
      int perSite = 31 * 288;
      for (int site = 0; site < 10; site++) {
        List<SamplePoint> points = new java.util.ArrayList<>();
        for (int i = 0; i < perSite; i++) {
          points.add(new SamplePoint("xa-phuc-linh-" + site, T0.plus(Duration.ofMinutes(5L * i)), 5, 5, 5 * 23.4567, 48.9, 0.2));
        }
        await(store.recordSamples(points));
      }
      long before = dbBytes();
      await(store.pruneSamples(T0)); // nothing older: a no-op that must not shrink or grow it
      restart();
      long bytes = dbBytes();
      System.out.printf("sample table, 10 sites x 31 days: %d bytes in the file (%d before)%n", bytes, before);
      // About 65 bytes a point with ids of a commune's length; the documented bound is 70.
      assertThat(bytes).isLessThan(10L * perSite * 70);
    }
  }

  @Nested
  class OperatorOps {
    MaintenanceWindow window(String uid) {
      return MaintenanceWindow.oneOff(0, "ha-thuong", at(0), at(3600), "new codec", "api").withUid(uid);
    }

    @Test
    void anOpDeliveredTwiceIsAppliedOnce() throws Exception {
      OperatorOp add = op("tinh:1", 0, OperatorOp.MAINTENANCE_ADD);
      assertThat(await(store.addMaintenance(add, window("w1"))).status()).isEqualTo(OpOutcome.Status.APPLIED);
      restart();
      assertThat(await(store.addMaintenance(add, window("w1"))).status()).isEqualTo(OpOutcome.Status.DUPLICATE);
      assertThat(await(store.load()).maintenance()).hasSize(1);
      OperatorOp stage = op("tinh:2", 5, OperatorOp.STAGE_SET);
      await(store.setStage(stage, "ha-thuong", RolloutStage.INSTALLED));
      assertThat(await(store.setStage(stage, "ha-thuong", RolloutStage.INSTALLED)).status())
          .isEqualTo(OpOutcome.Status.DUPLICATE);
    }

    @Test
    void aRemovalThatArrivesBeforeItsAddWins() throws Exception {
      OpOutcome<MaintenanceWindow> removed =
          await(store.removeMaintenance(op("dai-tu:2", 10, OperatorOp.MAINTENANCE_REMOVE), "w1"));
      assertThat(removed.status()).isEqualTo(OpOutcome.Status.APPLIED);
      assertThat(removed.value()).isNull();

      OpOutcome<MaintenanceWindow> added =
          await(store.addMaintenance(op("tinh:1", 0, OperatorOp.MAINTENANCE_ADD), window("w1")));
      assertThat(added.status()).isEqualTo(OpOutcome.Status.SUPERSEDED);
      assertThat(await(store.load()).maintenance()).isEmpty();
    }

    @Test
    void anEarlierStageArrivingLateDoesNotReplaceALaterOne() throws Exception {
      await(store.setStage(op("dai-tu:1", 20, OperatorOp.STAGE_SET), "ha-thuong", RolloutStage.COMMISSIONED));
      assertThat(await(store.setStage(op("tinh:1", 10, OperatorOp.STAGE_SET), "ha-thuong", RolloutStage.PLANNED)).status())
          .isEqualTo(OpOutcome.Status.SUPERSEDED);
      assertThat(await(store.load()).stages()).containsEntry("ha-thuong", RolloutStage.COMMISSIONED);
    }

    @Test
    void anAcknowledgementWithoutItsIncidentIsKeptAndAppliedWhenTriedAgain() throws Exception {
      OperatorOp ack = op("tinh:1", 60, OperatorOp.INCIDENT_ACK);
      assertThat(await(store.acknowledge(ack, "a", at(0), null, "EVN")).status())
          .isEqualTo(OpOutcome.Status.PENDING);
      assertThat(await(store.pendingOps(OperatorOp.INCIDENT_ACK, "a", null))).extracting(OperatorOp::id)
          .containsExactly("tinh:1");
      assertThat(await(store.pendingOps(null, null, Instant.now().plusSeconds(60)))).isEmpty();

      // This agent judges the site DOWN a little later than the one that acknowledged it.
      Incident mine = record(t("a", SiteState.UP, SiteState.DOWN, 20, "no answer")).get(0);
      OpOutcome<Incident> again = await(store.acknowledge(ack, "a", at(0), null, "EVN"));
      assertThat(again.status()).isEqualTo(OpOutcome.Status.APPLIED);
      assertThat(again.value().id()).isEqualTo(mine.id());
      assertThat(again.value().ackNote()).isEqualTo("EVN");
      assertThat(await(store.pendingOps(null, null, null))).isEmpty();
      assertThat(await(store.acknowledge(ack, "a", at(0), null, "EVN")).status())
          .isEqualTo(OpOutcome.Status.DUPLICATE);
    }

    @Test
    void theLatestAcknowledgementWins() throws Exception {
      record(t("a", SiteState.UP, SiteState.DOWN, 0, "no answer"));
      await(store.acknowledge(op("tinh:2", 90, OperatorOp.INCIDENT_ACK), "a", at(0), null, "later"));
      OpOutcome<Incident> earlier =
          await(store.acknowledge(op("dai-tu:1", 60, OperatorOp.INCIDENT_ACK), "a", at(0), null, "earlier"));
      assertThat(earlier.status()).isEqualTo(OpOutcome.Status.SUPERSEDED);
      assertThat(earlier.value().ackNote()).isEqualTo("later");
      assertThat(earlier.value().ackAt()).isEqualTo(at(90));
    }

    @Test
    void unknownKindsAreKeptPendingAndPassedOn() throws Exception {
      OperatorOp announcement = new OperatorOp("tinh:9", Instant.ofEpochMilli(System.currentTimeMillis()), "announcement.add", "tinh", "{\"text\":\"hi\"}");
      assertThat(await(store.keep(announcement)).status()).isEqualTo(OpOutcome.Status.PENDING);
      assertThat(await(store.keep(announcement)).status()).isEqualTo(OpOutcome.Status.PENDING);
      assertThat(await(store.ops(0, Instant.now().minusSeconds(60), 10)).ops()).containsExactly(announcement);
    }

    @Test
    void theCatchUpPagesRecentOpsAndOlderOnesStillInForce() throws Exception {
      Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
      Instant old = now.minus(java.time.Duration.ofDays(200));
      // Old: a window that stands, a window removed, a stage replaced and the stage in force.
      OperatorOp standing = new OperatorOp("tinh:1", old, OperatorOp.MAINTENANCE_ADD, "tinh", "{}");
      OperatorOp gone = new OperatorOp("tinh:2", old, OperatorOp.MAINTENANCE_ADD, "tinh", "{}");
      OperatorOp removal = new OperatorOp("tinh:3", old.plusSeconds(1), OperatorOp.MAINTENANCE_REMOVE, "tinh", "{}");
      OperatorOp replaced = new OperatorOp("tinh:4", old, OperatorOp.STAGE_SET, "tinh", "{}");
      OperatorOp inForce = new OperatorOp("tinh:5", old.plusSeconds(5), OperatorOp.STAGE_SET, "tinh", "{}");
      await(store.addMaintenance(standing, window("w1")));
      await(store.addMaintenance(gone, window("w2")));
      await(store.removeMaintenance(removal, "w2"));
      await(store.setStage(replaced, "a", RolloutStage.INSTALLED));
      await(store.setStage(inForce, "a", RolloutStage.CONNECTED));
      List<OperatorOp> recent = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        OperatorOp r = new OperatorOp("dai-tu:" + i, now.minusSeconds(i), OperatorOp.STAGE_SET, "dai-tu", "{}");
        await(store.setStage(r, "b" + i, RolloutStage.INSTALLED));
        recent.add(r);
      }
      Instant since = now.minus(java.time.Duration.ofDays(90));

      AdminStore.OpPage first = await(store.ops(0, since, 3));
      assertThat(first.ops()).containsExactly(recent.get(4), recent.get(3), recent.get(2));
      AdminStore.OpPage second = await(store.ops(first.next(), since, 3));
      assertThat(second.ops()).containsExactly(recent.get(1), recent.get(0), inForce);
      AdminStore.OpPage third = await(store.ops(second.next(), since, 3));
      assertThat(third.ops()).containsExactly(standing);
      assertThat(third.next()).isZero();
    }
  }

  /** A store written by the vcmon before operator writes were shared (schema version 2). */
  @Nested
  class MigrationToOperatorOps {
    @Test
    void everythingStoredStaysAndBecomesOpsOfThisAgent() throws Exception {
      await(store.close());
      Files.delete(db);
      Files.deleteIfExists(db.resolveSibling("vcmon.db-wal"));
      Files.deleteIfExists(db.resolveSibling("vcmon.db-shm"));
      try (Connection c = raw(db);
          Statement s = c.createStatement()) {
        for (Schema.Migration m : Schema.MIGRATIONS) {
          if (m.version() <= 2) {
            for (String sql : m.statements()) {
              s.execute(sql);
            }
          }
        }
        s.execute("PRAGMA application_id=" + Schema.APPLICATION_ID);
        s.execute("PRAGMA user_version=2");
        s.execute("INSERT INTO maintenance (site, start_at, end_at, note, source)"
            + " VALUES ('ha-thuong', " + at(0).toEpochMilli() + ", " + at(3600).toEpochMilli() + ", 'codec', 'api')");
        s.execute("INSERT INTO maintenance (site, day_of_week, from_time, to_time, note, source)"
            + " VALUES (NULL, 7, '22:00', '02:30', 'VNPT', 'api')");
        s.execute("INSERT INTO site (id, stage, stage_at) VALUES ('cat-ne', 'COMMISSIONED', " + at(5).toEpochMilli() + ")");
        s.execute("INSERT INTO site (id, first_connected) VALUES ('ky-phu', " + at(1).toEpochMilli() + ")");
        s.execute("INSERT INTO incident (site, kind, opened_at, closed_at, reason, ack_at, ack_note)"
            + " VALUES ('ky-phu', 'DOWN', " + at(10).toEpochMilli() + ", NULL, 'no answer', "
            + at(70).toEpochMilli() + ", 'EVN')");
      }

      store = open(db);

      assertThat(pragma(db, "user_version")).isEqualTo(String.valueOf(Schema.LATEST));
      Store.Recovered r = await(store.load());
      assertThat(r.maintenance()).hasSize(2).allSatisfy(w -> assertThat(w.uid()).hasSize(32));
      assertThat(r.maintenance().get(0).uid()).isNotEqualTo(r.maintenance().get(1).uid());
      assertThat(r.maintenance().get(1).day()).isEqualTo(DayOfWeek.SUNDAY);
      assertThat(r.stages()).isEqualTo(Map.of("cat-ne", RolloutStage.COMMISSIONED));
      assertThat(r.firstConnected()).isEqualTo(Map.of("ky-phu", at(1)));
      assertThat(r.openIncidents()).singleElement().satisfies(i -> {
        assertThat(i.ackAt()).isEqualTo(at(70));
        assertThat(i.ackNote()).isEqualTo("EVN");
      });

      // Each earlier write is now an op that another agent can apply.
      List<OperatorOp> ops = await(store.ops(0, Instant.EPOCH, 100)).ops();
      assertThat(ops).extracting(OperatorOp::kind).containsExactlyInAnyOrder(
          OperatorOp.MAINTENANCE_ADD, OperatorOp.MAINTENANCE_ADD, OperatorOp.STAGE_SET, OperatorOp.INCIDENT_ACK);
      assertThat(ops).allSatisfy(o -> {
        assertThat(o.id()).startsWith("migrated:");
        assertThat(o.origin()).isEqualTo("migrated");
      });
      io.vertx.core.json.JsonObject weekly =
          ops.stream().map(o -> new io.vertx.core.json.JsonObject(o.body()))
              .filter(b -> b.getInteger("day") != null).findFirst().orElseThrow();
      assertThat(weekly.getString("from")).isEqualTo("22:00");
      assertThat(weekly.getString("uid")).isEqualTo(r.maintenance().get(1).uid());
      io.vertx.core.json.JsonObject ack =
          ops.stream().filter(o -> o.kind().equals(OperatorOp.INCIDENT_ACK))
              .map(o -> new io.vertx.core.json.JsonObject(o.body())).findFirst().orElseThrow();
      assertThat(ack.getLong("opened_at")).isEqualTo(at(10).toEpochMilli());
      assertThat(ack.getValue("closed_at")).isNull();
      assertThat(ack.getString("note")).isEqualTo("EVN");
      OperatorOp stage = ops.stream().filter(o -> o.kind().equals(OperatorOp.STAGE_SET)).findFirst().orElseThrow();
      assertThat(stage.at()).isEqualTo(at(5));
      assertThat(new io.vertx.core.json.JsonObject(stage.body()).getString("stage")).isEqualTo("COMMISSIONED");
    }
  }

  @Nested
  class Crash {
    /**
     * SIGKILL while a child process records in a loop: every batch it was told is committed must
     * be in the file, whole, and no site may end up with two incidents for one outage.
     */
    @Test
    void everyReportedBatchSurvivesSigkill() throws Exception {
      Path file = dir.resolve("crash").resolve("vcmon.db");
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process child =
          new ProcessBuilder(
                  java.toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  StoreCrashWriter.class.getName(),
                  file.toString())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      int lastReported = -1;
      try (BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (lastReported < 40 && System.nanoTime() < deadline && (line = out.readLine()) != null) {
          if (line.startsWith("committed ")) {
            lastReported = Integer.parseInt(line.substring("committed ".length()));
          }
        }
        // SIGKILL through the handle: Process.destroyForcibly would also close our end of the
        // pipe and lose the lines the child wrote just before dying.
        child.toHandle().destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("exit status of a SIGKILLed process").isEqualTo(128 + 9);
        // Lines already written before the kill are commits too.
        while ((line = out.readLine()) != null) {
          if (line.startsWith("committed ")) {
            lastReported = Integer.parseInt(line.substring("committed ".length()));
          }
        }
      } finally {
        child.destroyForcibly();
      }
      assertThat(lastReported).as("batches the child reported committed").isGreaterThanOrEqualTo(40);

      SqliteStore reopened = open(file);
      try {
        Map<Integer, Integer> perBatch = new HashMap<>();
        for (StateChange c : await(reopened.changes(null, null))) {
          perBatch.merge(Integer.parseInt(c.reason().substring("batch ".length())), 1, Integer::sum);
        }
        // The kill may land after a commit but before its line: one more batch is fine.
        int last = perBatch.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        assertThat(last).isBetween(lastReported, lastReported + 1);
        for (int n = 0; n <= last; n++) {
          assertThat(perBatch.get(n)).as("changes of batch %d", n).isEqualTo(StoreCrashWriter.SITES);
        }
        assertThat(perBatch).hasSize(last + 1);

        List<Incident> incidents = await(reopened.incidents(null, null, null, null, 100_000));
        int outages = (last + 2) / 2; // batches 0, 2, 4, ... open one per site
        assertThat(incidents).hasSize(outages * StoreCrashWriter.SITES);
        assertThat(incidents.stream().map(i -> i.siteId() + "@" + i.openedAt()).distinct().count())
            .isEqualTo(incidents.size());
        long open = incidents.stream().filter(Incident::open).count();
        assertThat(open).isEqualTo(last % 2 == 0 ? StoreCrashWriter.SITES : 0);
        assertThat(await(reopened.load()).firstConnected()).hasSize(StoreCrashWriter.SITES);
      } finally {
        await(reopened.close());
      }
    }
  }
}
