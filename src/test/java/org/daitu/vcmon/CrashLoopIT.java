package org.daitu.vcmon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.PackagedAgent.freePort;
import static org.daitu.vcmon.testing.PackagedAgent.nft;
import static org.daitu.vcmon.testing.PackagedAgent.sleep;
import static org.daitu.vcmon.testing.PackagedAgent.start;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.PackagedAgent;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent killed with SIGKILL at random moments of a busy run, again and again: sites on
 * loopback addresses go down and up all the time (an nftables set drops their packets), a webhook
 * receiver refuses some deliveries so notifications stay queued, and history requests (incidents,
 * availability, report.csv) are served throughout. After every kill the SQLite file is read
 * directly and compared with the one before: no committed transition, incident, first-connected
 * date or queued notification is lost, changed or duplicated. At the end everything queued is
 * delivered, and the receiver got each notification once, except deliveries in flight at a kill.
 *
 * <p>{@code -Dvcmon.crashloop.iterations=200} for a longer run, {@code -Dvcmon.crashloop.seed=N}
 * to repeat one (the seed decides the kill moments, site changes and refusals; thread timing
 * still varies).
 */
class CrashLoopIT {
  static final String TABLE = "vcmon_it_crashloop";
  static final int SITES = 6;

  static String address(int i) {
    return "127.0.0." + (181 + i);
  }

  @Test
  void nothingCommittedIsLostOrDuplicatedAcrossRepeatedSigkill(@TempDir Path dir) throws Exception {
    PackagedAgent.requireBuilt();
    HostTools.require("fping");
    HostTools.requireRoot("nftables rules");
    HostTools.require("nft");
    assumeTrue(nft("list tables") == 0, "skipped: nft does not work here");
    int iterations = Integer.getInteger("vcmon.crashloop.iterations", 12);
    long seed = Long.getLong("vcmon.crashloop.seed", System.nanoTime());
    System.out.println("CrashLoopIT seed=" + seed + " iterations=" + iterations);
    Random random = new Random(seed);

    Receiver receiver = new Receiver(new Random(seed + 1));
    int apiPort = freePort();
    Path db = dir.resolve("history.db");
    TestConfig config =
        TestConfig.in(dir)
            .section("http", "{ host: 127.0.0.1, port: " + apiPort + " }")
            .section("probe", "{ interval: 1s, timeout: 300ms, recheck_interval: 500ms,"
                + " icmp: { packets: 2, period: 100ms } }")
            // Every change is confirmed at once and never called flapping: as many transitions
            // and notifications as possible.
            .section("state", "{ down_after: 1, up_after: 1, flapping: { changes: 100, window: 1m } }")
            .section("store", "{ path: " + db + " }")
            .section("alerts", "{ digest: { window: 0s }, webhooks: [ { url: \"http://127.0.0.1:"
                + receiver.port() + "/hook\" } ] }");
    for (int i = 0; i < SITES; i++) {
      config.site("xa-" + i, "name: \"Xã " + i + "\", type: xã, address: " + address(i));
    }
    Path cfg = config.write();

    nft("delete table ip " + TABLE);
    assertThat(
            nft("add table ip " + TABLE + " ; add set ip " + TABLE + " down { type ipv4_addr ; } ; add chain ip "
                + TABLE + " input { type filter hook input priority 0 ; policy accept ; } ; add rule ip " + TABLE
                + " input ip daddr @down drop"))
        .isZero();
    Toggler toggler = new Toggler(new Random(seed + 2));
    Reader reader = new Reader(new ApiClient(apiPort));
    Checks checks = new Checks();
    Snapshot previous = Snapshot.EMPTY;
    Process agent = null;
    int kills = 0;
    try {
      toggler.start();
      reader.start();
      for (int run = 0; run < iterations; run++) {
        receiver.run = run;
        agent = start(cfg, dir.resolve("run" + run + ".log"));
        if (random.nextInt(5) == 0) {
          Thread.sleep(random.nextInt(1500)); // during start-up: store open, restore, first checks
        } else {
          reader.api.waitFor("API up, run " + run, Duration.ofSeconds(60), b -> true);
          Thread.sleep(500 + random.nextInt(5500));
        }
        agent.toHandle().destroyForcibly(); // SIGKILL
        assertThat(agent.waitFor(10, TimeUnit.SECONDS)).isTrue();
        kills++;
        Thread.sleep(300); // a delivery the receiver was still answering is counted in this run
        Snapshot now = Snapshot.read(db);
        checks.compare(previous, now, "after kill " + kills);
        checks.seenByApi(reader.seen, now, "after kill " + kills);
        checks.delivered(receiver, now, "after kill " + kills);
        receiver.settle(run, now);
        assertThat(checks.problems).as("after kill %d (seed %d)", kills, seed).isEmpty();
        previous = now;
      }

      // Calm end: every site answers, every delivery is accepted, the queue drains.
      toggler.stopAndClear();
      receiver.refuse = false;
      receiver.run = iterations;
      agent = start(cfg, dir.resolve("final.log"));
      reader.api.waitFor("all UP", Duration.ofSeconds(60), b -> ApiClient.count(b, "UP") == SITES);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (Snapshot.queued(db) > 0) {
        assertThat(System.nanoTime()).as("outbox drained").isLessThan(end);
        Thread.sleep(500);
      }
      agent.destroy(); // SIGTERM: a normal stop
      assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.finish();
      Snapshot last = Snapshot.read(db);
      checks.compare(previous, last, "at the end");
      checks.seenByApi(reader.seen, last, "at the end");
      checks.delivered(receiver, last, "at the end");
      assertThat(checks.problems).as("at the end (seed %d)", seed).isEmpty();
      assertThat(last.outbox.values()).as("every queued notification delivered").allMatch(o -> o.deliveredAt != null);
      assertThat(last.incidents.values()).as("every outage closed").allMatch(i -> i.closedAt != null);
      assertThat(last.firstConnected).as("every site connected once").hasSize(SITES);

      // Each key accepted once, except those in flight at a kill: accepted, but the kill came before
      // the outbox marked them delivered. One webhook channel delivers one at a time: at most one a kill.
      Map<String, Integer> accepted = receiver.acceptedCounts();
      int redelivered = 0;
      for (Map.Entry<String, Integer> e : accepted.entrySet()) {
        int inFlight = receiver.inFlightAtKill.getOrDefault(e.getKey(), 0);
        assertThat(e.getValue() - 1).as("extra deliveries of %s", e.getKey()).isLessThanOrEqualTo(inFlight);
        redelivered += e.getValue() - 1;
      }
      assertThat(accepted.keySet()).as("the receiver got every stored notification")
          .containsAll(last.outbox.values().stream().map(o -> o.key).toList());
      assertThat(receiver.inFlightAtKill.values().stream().mapToInt(Integer::intValue).sum()).isLessThanOrEqualTo(kills);
      assertThat(reader.served.get()).as("history requests served").isGreaterThan(0);
      Announcements told = Announcements.of(last);
      assertThat(told.missing).as("outages never said to be over, of %s", told.told).isZero();
      // An outage first told in a digest and still unconfirmed in the store at the kill (before the
      // next heartbeat) is told again singly after the restart: its digest key cannot be known.
      assertThat(told.again).as("outages announced a second time, of %s", told.told).isZero();
      assertThat(told.againAfterDigest).as("outages told in a digest, then again, of %s", told.told).isLessThanOrEqualTo(kills);
      System.out.printf(
          "CrashLoopIT summary: seed=%d kills_survived=%d records_checked=%d (transitions=%d incidents=%d"
              + " first_connected=%d notifications=%d) lost=0 duplicated=0 webhook_redeliveries=%d"
              + " (in flight at a kill, bound %d) refused_deliveries=%d history_requests=%d"
              + " outages_announced_again=%d (first told in a digest: %d) recoveries_missing=%d%n",
          seed, kills, checks.checked, last.changes.size(), last.incidents.size(), last.firstConnected.size(),
          last.outbox.size(), redelivered, kills, receiver.refused.get(), reader.served.get(),
          told.again + told.againAfterDigest, told.againAfterDigest, told.missing);
    } finally {
      toggler.halt();
      reader.finish();
      if (agent != null) {
        agent.destroyForcibly();
      }
      receiver.stop();
      nft("delete table ip " + TABLE);
    }
  }

  // ---- what the file holds

  record Change(String site, String from, String to, long at, String reason) {}

  record Inc(String site, String kind, long openedAt, Long closedAt, String reason, Long parent) {}

  record Out(String channel, String key, String payload, long createdAt, Long deliveredAt) {}

  record Snapshot(
      Map<Long, Change> changes, Map<Long, Inc> incidents, Map<String, Long> firstConnected, Map<Long, Out> outbox) {
    static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), Map.of(), Map.of());

    static Snapshot read(Path db) throws SQLException {
      if (!Files.exists(db)) {
        return EMPTY; // killed before the store was created
      }
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement s = c.createStatement()) {
        if (s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'outbox'").getInt(1) != 1) {
          return EMPTY; // killed before the schema was complete (the migration is one transaction)
        }
        Map<Long, Change> changes = new TreeMap<>();
        try (ResultSet r = s.executeQuery("SELECT id, site, from_state, to_state, at, reason FROM state_change")) {
          while (r.next()) {
            changes.put(r.getLong(1), new Change(r.getString(2), r.getString(3), r.getString(4), r.getLong(5), r.getString(6)));
          }
        }
        Map<Long, Inc> incidents = new TreeMap<>();
        try (ResultSet r =
            s.executeQuery("SELECT id, site, kind, opened_at, closed_at, reason, parent_incident_id FROM incident")) {
          while (r.next()) {
            incidents.put(
                r.getLong(1),
                new Inc(r.getString(2), r.getString(3), r.getLong(4), nullable(r, 5), r.getString(6),
                    nullable(r, 7)));
          }
        }
        Map<String, Long> first = new TreeMap<>();
        try (ResultSet r = s.executeQuery("SELECT id, first_connected FROM site WHERE first_connected IS NOT NULL")) {
          while (r.next()) {
            first.put(r.getString(1), r.getLong(2));
          }
        }
        Map<Long, Out> outbox = new TreeMap<>();
        try (ResultSet r =
            s.executeQuery("SELECT id, channel, key, payload, created_at, delivered_at FROM outbox")) {
          while (r.next()) {
            outbox.put(
                r.getLong(1),
                new Out(r.getString(2), r.getString(3), r.getString(4), r.getLong(5), nullable(r, 6)));
          }
        }
        return new Snapshot(changes, incidents, first, outbox);
      }
    }

    static Long nullable(ResultSet r, int column) throws SQLException {
      long v = r.getLong(column);
      return r.wasNull() ? null : v;
    }

    static int queued(Path db) throws SQLException {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement s = c.createStatement()) {
        return s.executeQuery("SELECT count(*) FROM outbox WHERE delivered_at IS NULL").getInt(1);
      }
    }
  }

  /** The comparisons; each problem is one line naming the record. */
  static final class Checks {
    final List<String> problems = new ArrayList<>();
    long checked;

    void compare(Snapshot before, Snapshot after, String when) {
      before.changes.forEach((id, c) -> same("transition " + id, c, after.changes.get(id), when));
      before.incidents.forEach(
          (id, b) -> {
            Inc a = after.incidents.get(id);
            checked++;
            if (a == null) {
              problems.add(when + ": incident " + id + " lost: " + b);
            } else if (!a.site.equals(b.site) || a.openedAt != b.openedAt || !a.kind.equals(b.kind)
                || (b.closedAt != null && !b.closedAt.equals(a.closedAt))) {
              problems.add(when + ": incident " + id + " changed: " + b + " -> " + a);
            }
          });
      before.firstConnected.forEach((site, at) -> same("first_connected of " + site, at, after.firstConnected.get(site), when));
      before.outbox.forEach(
          (id, b) -> {
            Out a = after.outbox.get(id);
            checked++;
            if (a == null) {
              problems.add(when + ": notification " + id + " lost: " + b.key);
            } else if (!a.key.equals(b.key) || !a.channel.equals(b.channel) || !a.payload.equals(b.payload)
                || a.createdAt != b.createdAt || (b.deliveredAt != null && !b.deliveredAt.equals(a.deliveredAt))) {
              problems.add(when + ": notification " + id + " changed: " + b + " -> " + a);
            }
          });
      // Nothing twice: one open incident a site, outages of a site one after the other, one row a key.
      Map<String, List<Inc>> bySite = new HashMap<>();
      after.incidents.values().forEach(i -> bySite.computeIfAbsent(i.site, k -> new ArrayList<>()).add(i));
      bySite.forEach(
          (site, list) -> {
            list.sort((x, y) -> Long.compare(x.openedAt, y.openedAt));
            for (int i = 1; i < list.size(); i++) {
              Inc prev = list.get(i - 1);
              if (prev.closedAt == null || prev.closedAt > list.get(i).openedAt) {
                problems.add(when + ": incidents of " + site + " overlap: " + prev + " and " + list.get(i));
              }
            }
          });
      Set<String> keys = new HashSet<>();
      after.outbox.values().forEach(
          o -> {
            if (!keys.add(o.channel + " " + o.key)) {
              problems.add(when + ": notification " + o.key + " queued twice for " + o.channel);
            }
          });
      Set<String> changeRows = new HashSet<>();
      after.changes.values().forEach(
          c -> {
            if (!changeRows.add(c.toString())) {
              problems.add(when + ": transition recorded twice: " + c);
            }
          });
    }

    private void same(String what, Object before, Object after, String when) {
      checked++;
      if (after == null) {
        problems.add(when + ": " + what + " lost: " + before);
      } else if (!after.equals(before)) {
        problems.add(when + ": " + what + " changed: " + before + " -> " + after);
      }
    }

    /** What the API had shown (read from the store, so committed) is in the file. */
    void seenByApi(Map<Long, JsonObject> seen, Snapshot after, String when) {
      seen.forEach(
          (id, json) -> {
            Inc a = after.incidents.get(id);
            checked++;
            if (a == null) {
              problems.add(when + ": incident " + id + " shown by the API is lost: " + json.encode());
            } else if (a.openedAt != Instant.parse(json.getString("opened_at")).toEpochMilli()
                || (json.getString("closed_at") != null
                    && !Objects.equals(a.closedAt, Instant.parse(json.getString("closed_at")).toEpochMilli()))) {
              problems.add(when + ": incident " + id + " differs from what the API showed: " + json.encode() + " vs " + a);
            }
          });
    }

    /** A notification the store calls delivered was accepted by the receiver. */
    void delivered(Receiver receiver, Snapshot after, String when) {
      Map<String, Integer> accepted = receiver.acceptedCounts();
      for (Out o : after.outbox.values()) {
        if (o.deliveredAt != null && !accepted.containsKey(o.key)) {
          problems.add(when + ": notification " + o.key + " marked delivered but never accepted");
        }
      }
    }
  }

  /**
   * What the people on call were told, site by site, in outbox order: an outage announced while
   * the one before was never said to be over, and outages never said to be over at the end.
   */
  record Announcements(int again, int againAfterDigest, int missing, List<String> told) {
    static Announcements of(Snapshot last) {
      Map<String, Boolean> down = new HashMap<>();
      Map<String, String> downKey = new HashMap<>();
      List<String> told = new ArrayList<>();
      int again = 0;
      int againAfterDigest = 0;
      for (Out o : last.outbox.values()) {
        for (Object e : new JsonObject(o.payload).getJsonArray("sites", new JsonArray())) {
          JsonObject site = (JsonObject) e;
          boolean isDown = site.getString("state").equals("DOWN");
          boolean wasDown = down.getOrDefault(site.getString("id"), false);
          told.add(o.key + " " + site.getString("id") + " " + site.getString("state"));
          if (isDown && wasDown) {
            if (downKey.get(site.getString("id")).startsWith("digest:")) {
              againAfterDigest++;
            } else {
              again++;
            }
          }
          if (isDown) {
            downKey.put(site.getString("id"), o.key);
          }
          if (isDown || site.getString("state").equals("UP") || site.getString("state").equals("DEGRADED")) {
            down.put(site.getString("id"), isDown);
          }
        }
      }
      return new Announcements(again, againAfterDigest, (int) down.values().stream().filter(d -> d).count(), told);
    }
  }

  // ---- the moving parts around the agent

  /** A webhook that refuses about a third of the deliveries and answers after up to 200 ms. */
  static final class Receiver {
    final HttpServer server;
    final Random random;
    volatile boolean refuse = true;
    volatile int run;
    final AtomicInteger refused = new AtomicInteger();
    /** key -> the runs in which it was accepted. */
    final Map<String, List<Integer>> accepted = new ConcurrentHashMap<>();
    /** key -> how many times it was accepted in a run that was killed before the store marked it. */
    final Map<String, Integer> inFlightAtKill = new ConcurrentHashMap<>();

    Receiver(Random random) throws IOException {
      this.random = random;
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/hook",
          ex -> {
            String key = new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)).getString("key");
            boolean no;
            int delay;
            synchronized (random) {
              no = refuse && random.nextInt(3) == 0;
              delay = random.nextInt(200);
            }
            sleep(delay);
            if (no) {
              refused.incrementAndGet();
              ex.sendResponseHeaders(503, -1);
            } else {
              accepted.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(run);
              ex.sendResponseHeaders(204, -1);
            }
            ex.close();
          });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    Map<String, Integer> acceptedCounts() {
      Map<String, Integer> out = new HashMap<>();
      accepted.forEach((k, runs) -> out.put(k, runs.size()));
      return out;
    }

    /** After the kill of {@code run}: what it accepted but the store does not call delivered was in flight. */
    void settle(int run, Snapshot after) {
      Set<String> marked = new HashSet<>();
      after.outbox.values().stream().filter(o -> o.deliveredAt != null).forEach(o -> marked.add(o.key));
      accepted.forEach(
          (key, runs) -> {
            if (runs.contains(run) && !marked.contains(key)) {
              inFlightAtKill.merge(key, 1, Integer::sum);
            }
          });
    }

    void stop() {
      server.stop(0);
    }
  }

  /** A loop on its own thread until told to finish. */
  abstract static class Background extends Thread {
    volatile boolean running = true;

    Background() {
      setDaemon(true);
    }

    void halt() {
      running = false;
    }

    void finish() throws InterruptedException {
      halt();
      join(10_000);
    }
  }

  /** Flips a random site between answering and silent every 150–600 ms. */
  static final class Toggler extends Background {
    final Random random;
    final boolean[] down = new boolean[SITES];

    Toggler(Random random) {
      this.random = random;
    }

    @Override
    public void run() {
      while (running) {
        int i = random.nextInt(SITES);
        down[i] = !down[i];
        nft((down[i] ? "add" : "delete") + " element ip " + TABLE + " down { " + address(i) + " }");
        PackagedAgent.sleep(150 + random.nextInt(450));
      }
    }

    void stopAndClear() throws InterruptedException {
      finish();
      nft("flush set ip " + TABLE + " down");
    }
  }

  /** Asks for history all the time, as a dashboard and a spreadsheet would; remembers incidents shown. */
  static final class Reader extends Background {
    final ApiClient api;
    final Map<Long, JsonObject> seen = new ConcurrentHashMap<>();
    final AtomicLong served = new AtomicLong();

    Reader(ApiClient api) {
      this.api = api;
    }

    @Override
    public void run() {
      String month = YearMonth.now(ZoneOffset.UTC).toString();
      List<String> paths = List.of("/api/v1/availability", "/api/v1/report.csv?month=" + month, "/api/v1/rollout");
      int n = 0;
      while (running) {
        try {
          JsonArray list = api.json("/api/v1/incidents?limit=500").getJsonArray("incidents");
          list.forEach(o -> seen.put(((JsonObject) o).getLong("id"), (JsonObject) o));
          served.incrementAndGet();
          if (api.get(paths.get(n++ % paths.size())).statusCode() == 200) {
            served.incrementAndGet();
          }
        } catch (IOException | AssertionError e) {
          PackagedAgent.sleep(100); // not listening: killed, or starting
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
