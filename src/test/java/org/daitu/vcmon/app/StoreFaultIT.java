package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.ApiClient.state;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.state.Transition;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.Snmpd;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's disk fails under a running agent, for real: the store lives on a small tmpfs this
 * test mounts, which it fills to ENOSPC. Sites change meanwhile (a real snmpd on loopback is
 * stopped and started; an nftables rule of this test, {@value #NFT_TABLE}, silences a loopback
 * address). The agent must say so on {@code /readyz} and in its metrics, keep probing and serving,
 * and once the disk has room again write every transition of the fault exactly once, in order, and
 * deliver every notification of the fault to a webhook on loopback, once each.
 *
 * <p>The read-only case remounts that tmpfs read-only once the agent has let go of its files
 * (after the first write failed on the full disk), and read-write with room later: the agent
 * catches up without a restart.
 *
 * <p>Needs root (mount, nft); skipped otherwise.
 */
class StoreFaultIT {
  private static final String NFT_TABLE = "vcmon_it_store";
  /** Silenced by the nftables rule to take site "b" down. */
  private static final String SILENT = "127.77.0.1";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private Path dir;
  private Path mount;
  private boolean mounted;
  private boolean nftTable;
  private Vertx vertx;
  private Agent agent;
  private Snmpd snmpd;
  /** The states of site "b" in the notifications the webhook received, in order. */
  private final List<String> notified = new CopyOnWriteArrayList<>();

  @BeforeEach
  void requireRoot(@TempDir Path dir) throws Exception {
    HostTools.requireRoot("to mount a tmpfs and add nft rules");
    HostTools.requireAvailable(Snmpd.unavailableReason());
    HostTools.require("fping");
    HostTools.require("nft");
    this.dir = dir;
    mount = dir.resolve("store");
    Files.createDirectories(mount);
    assertThat(
            exitCode(
                "nft",
                "add table ip " + NFT_TABLE + " ; add chain ip " + NFT_TABLE + " input"
                    + " { type filter hook input priority 0 ; policy accept ; }"))
        .isZero();
    nftTable = true;
    snmpd = Snmpd.builder(dir.resolve("snmpd")).sysName("a").community("it-store").start();
  }

  /** Every step runs even when an earlier one fails; the first failure is reported. */
  @AfterEach
  void cleanUp() throws Exception {
    List<Exception> failures = new ArrayList<>();
    step(failures, () -> {
      if (agent != null) {
        agent.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    });
    step(failures, () -> {
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    });
    step(failures, () -> {
      if (snmpd != null) {
        snmpd.close();
      }
    });
    step(failures, () -> {
      if (nftTable) {
        exitCode("nft", "delete", "table", "ip", NFT_TABLE);
      }
    });
    step(failures, () -> {
      if (mounted) {
        // Lazily: unmounted even if something still holds a file open (a loop device is then
        // released with it).
        exitCode("umount", "-l", mount.toString());
      }
    });
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void step(List<Exception> failures, Step step) {
    try {
      step.run();
    } catch (Exception e) {
      failures.add(e);
    }
  }

  @Test
  void diskFullIsReportedAndEveryTransitionIsWrittenOnceInOrderWhenRoomReturns() throws Exception {
    Fault fault = fillTheDiskUnderARunningAgent();
    String metrics = sitesChangeWhileTheStoreFails(fault.api());
    assertThat(metric(metrics, "vcmon_store_errors_total")).isGreaterThanOrEqualTo(1);
    assertThat(metric(metrics, "vcmon_store_dropped_records_total")).isZero();
    assertThat(fault.api().get("/readyz").statusCode()).isEqualTo(503);

    Files.delete(fault.filler());
    assertCaughtUp(fault, "the disk had room");
  }

  /**
   * Linux refuses to remount a file system read-only while a process holds files on it open for
   * writing, so the first failed write comes from a full disk; the store then lets go of its files
   * and the tmpfs can be remounted read-only, and later read-write with room, under the running
   * agent.
   */
  @Test
  void readOnlyFileSystemIsReportedAndCaughtUpOnceRemountedReadWrite() throws Exception {
    Fault fault = fillTheDiskUnderARunningAgent();
    ApiClient api = fault.api();
    // A retry holds the file open for a moment; between retries nothing is open for writing.
    remount("ro");
    assertNotReady(api, fault.db(), "the file or its file system is read-only (");

    sitesChangeWhileTheStoreFails(api);
    assertThat(api.get("/readyz").body()).contains("read-only");

    remount("rw,size=64m");
    assertCaughtUp(fault, "the file system was read-write again");
  }

  /** A running agent whose store's tmpfs is full, with site "b" DOWN and transitions recorded. */
  private record Fault(ApiClient api, Path db, Path filler, List<String> before, List<Transition> seen) {}

  private Fault fillTheDiskUnderARunningAgent() throws Exception {
    assertThat(exitCode("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString())).isZero();
    mounted = true;
    Path db = mount.resolve("vcmon.db");
    ApiClient api = start(db);
    List<Transition> seen = new CopyOnWriteArrayList<>();
    api.waitFor("a and b UP", WAIT, body -> state("a", "UP").test(body) && state("b", "UP").test(body));
    assertThat(api.get("/readyz").statusCode()).isEqualTo(200);
    List<String> before = changes(db);
    agent.board().onTransitions(seen::addAll);

    Path filler = mount.resolve("filler");
    fill(filler);
    // The first write after the disk is full fails: make some.
    silence(true);
    api.waitFor("b DOWN", WAIT, state("b", "DOWN"));
    assertNotReady(api, db, "the disk is full (");
    return new Fault(api, db, filler, before, seen);
  }

  /**
   * Once the disk takes writes: ready again within the retry bound, every transition of the fault
   * stored once in order, b's two incidents of the fault closed, and the notifications queued
   * meanwhile delivered once each, in order.
   */
  private void assertCaughtUp(Fault fault, String after) throws Exception {
    ApiClient api = fault.api();
    List<Transition> seen = fault.seen();
    long freed = System.nanoTime();
    awaitReadyz(api, 200);
    Duration recovery = Duration.ofNanos(System.nanoTime() - freed);
    // Retries back off up to 30 s.
    assertThat(recovery).isLessThan(Duration.ofSeconds(35));
    silence(false);
    api.waitFor("b UP at the end", WAIT, state("b", "UP"));
    ApiClient.pause(1500);

    String metrics = api.get("/metrics").body();
    assertThat(metric(metrics, "vcmon_store_writable")).isEqualTo(1);
    assertThat(metric(metrics, "vcmon_store_backlog_records")).isZero();
    assertThat(metric(metrics, "vcmon_store_dropped_records_total")).isZero();
    List<String> expected = new ArrayList<>(fault.before());
    seen.forEach(t -> expected.add(row(t.siteId(), t.from().name(), t.to().name(), t.at().toEpochMilli())));
    assertThat(seen).hasSizeGreaterThanOrEqualTo(6);
    assertThat(changes(fault.db())).containsExactlyElementsOf(expected);
    // b went down twice during the fault: two incidents, both closed, each opened once.
    List<String> incidents = incidents(fault.db(), "b");
    List<String> downs =
        seen.stream()
            .filter(t -> t.siteId().equals("b") && t.to().name().equals("DOWN"))
            .map(t -> t.at().toEpochMilli() + " closed")
            .toList();
    assertThat(downs).hasSize(2);
    assertThat(incidents.subList(incidents.size() - 2, incidents.size())).containsExactlyElementsOf(downs);
    long end = System.nanoTime() + WAIT.toNanos();
    while (notified.size() < 4 && System.nanoTime() < end) {
      ApiClient.pause(200);
    }
    ApiClient.pause(1000);
    // A returning site may answer ping a check before SNMP: its recovery is then to DEGRADED.
    assertThat(notified.stream().map(state -> state.equals("DEGRADED") ? "UP" : state))
        .containsExactly("DOWN", "UP", "DOWN", "UP");
    System.out.printf(
        "store fault: %d transitions held and written after %s; ready again %.1f s after%n",
        seen.size(), after, recovery.toMillis() / 1000.0);
  }

  /** Remounts the store's tmpfs; refused (EBUSY) while a retry has the file open, so tried again. */
  private void remount(String options) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int code = exitCode("mount", "-o", "remount," + options, mount.toString());
    while (code != 0 && System.nanoTime() < end) {
      ApiClient.pause(50);
      code = exitCode("mount", "-o", "remount," + options, mount.toString());
    }
    assertThat(code).as("mount -o remount,%s %s", options, mount).isZero();
  }

  /** Waits for /readyz to be 503 with {@code cause} (retries back off up to 30 s). */
  private static void assertNotReady(ApiClient api, Path db, String cause) throws Exception {
    HttpResponse<String> ready = awaitReadyz(api, 503);
    long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (!ready.body().contains(cause) && System.nanoTime() < end) {
      ApiClient.pause(200);
      ready = awaitReadyz(api, 503);
    }
    JsonArray reasons = new JsonObject(ready.body()).getJsonArray("reasons");
    assertThat(reasons.stream().map(String::valueOf))
        .anySatisfy(
            r ->
                assertThat(r)
                    .startsWith("history store " + db + " not writable since ")
                    .contains(cause)
                    .contains("records held in memory"));
  }

  /**
   * Probing, state and the API (history reads included) go on while nothing can be written: a
   * goes DEGRADED and back UP, b UP and DOWN again. Returns /metrics, which say so.
   */
  private String sitesChangeWhileTheStoreFails(ApiClient api) throws Exception {
    snmpd.stop();
    api.waitFor("a DEGRADED", WAIT, state("a", "DEGRADED"));
    silence(false);
    api.waitFor("b UP", WAIT, state("b", "UP"));
    assertThat(api.get("/api/v1/incidents").statusCode()).isEqualTo(200);
    snmpd.restart();
    api.waitFor("a UP", WAIT, state("a", "UP"));
    silence(true);
    api.waitFor("b DOWN again", WAIT, state("b", "DOWN"));
    return assertShownNotWritable(api, 5);
  }

  /** The metrics say the store does not take writes and hold at least {@code held} records. */
  private static String assertShownNotWritable(ApiClient api, int held) throws Exception {
    String metrics = api.get("/metrics").body();
    assertThat(metric(metrics, "vcmon_store_writable")).isEqualTo(0);
    assertThat(metric(metrics, "vcmon_store_backlog_records")).isGreaterThanOrEqualTo(held);
    return metrics;
  }

  private ApiClient start(Path db) throws Exception {
    vertx = Vertx.vertx();
    int hook =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            b -> {
                              JsonObject n = b.toJsonObject();
                              n.getJsonArray("sites").stream()
                                  .map(JsonObject.class::cast)
                                  .filter(site -> site.getString("id").equals("b"))
                                  .forEach(site -> notified.add(site.getString("state")));
                              req.response().setStatusCode(204).end();
                            }))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)
            .actualPort();
    AgentConfig cfg = TestConfig.in(dir)
        .section("probe", "{ interval: 1s, timeout: 300ms, recheck_interval: 500ms, icmp: { packets: 2 } }")
        .section("state", "{ down_after: 1, up_after: 1 }")
        .section("snmp_profiles", "{ v2c: { version: 2c, community: it-store } }")
        .section("store", "{ path: " + db + " }")
        .section("alerts", "{ digest: { window: 1s }, webhooks: [ { url: \"http://127.0.0.1:" + hook + "/hook\" } ] }")
        .site("a", "name: A, type: xã, address: " + snmpd.address()
            + ", snmp: { profile: v2c, port: " + snmpd.port() + " }")
        .site("b", "name: B, type: xã, address: " + SILENT)
        .load();
    TestAgent.Running running = TestAgent.running(vertx, cfg);
    agent = running.agent();
    return running.api();
  }

  /** Writes until the file system says ENOSPC. */
  private static void fill(Path filler) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException e) {
      assertThat(e.getMessage()).contains("No space left on device");
    }
  }

  private void silence(boolean on) throws Exception {
    String rule =
        on
            ? "add rule ip " + NFT_TABLE + " input ip daddr " + SILENT + " drop"
            : "flush chain ip " + NFT_TABLE + " input";
    assertThat(exitCode("nft", rule)).isZero();
  }

  private static HttpResponse<String> awaitReadyz(ApiClient api, int status) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    HttpResponse<String> r = api.get("/readyz");
    while (r.statusCode() != status && System.nanoTime() < end) {
      ApiClient.pause(200);
      r = api.get("/readyz");
    }
    assertThat(r.statusCode()).as("/readyz: %s", r.body()).isEqualTo(status);
    return r;
  }

  private static double metric(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)$").matcher(text);
    assertThat(m.find()).as("metric %s in /metrics", name).isTrue();
    return Double.parseDouble(m.group(2));
  }

  private static String row(String site, String from, String to, long at) {
    return site + " " + from + "->" + to + " " + at;
  }

  /** Every stored state change, in the order written. */
  private static List<String> changes(Path db) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT site, from_state, to_state, at FROM state_change ORDER BY id")) {
      while (rs.next()) {
        rows.add(row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
      }
    }
    return rows;
  }

  /** A site's incidents in the order opened: "openedAt closed|open". */
  private static List<String> incidents(Path db, String site) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT opened_at, closed_at FROM incident WHERE site = '" + site + "' ORDER BY id")) {
      while (rs.next()) {
        long opened = rs.getLong(1);
        rs.getLong(2);
        rows.add(opened + (rs.wasNull() ? " open" : " closed"));
      }
    }
    return rows;
  }

  private static int exitCode(String... argv) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor();
    } catch (IOException e) {
      return -1;
    }
  }

  private static String run(String... argv) throws InterruptedException, IOException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
