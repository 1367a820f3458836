package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.ApiClient.count;
import static org.daitu.vcmon.testing.ApiClient.state;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.NetnsFleet;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * vcmon end to end against a district of 30 real endpoints (net-snmp snmpd in network
 * namespaces behind a core router), with the settings of the acceptance test: interval 10s,
 * recheck 2s, down_after 3, timeout 1s. Reads only the public API and /metrics. Prints the
 * measured detection times.
 *
 * <p>The order is kept on purpose: this is one district's run, and its figures (the README's)
 * are taken in sequence on one agent. "All UP after start" times the start, so it must come
 * first; the faults that follow each wait for the sites they cut to be UP and restore them, and
 * the long 20% loss soak comes last so it cannot delay the timed cuts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistrictIT {
  static final int SITES = 30;
  /** Site 30 uses SNMPv3 with a wrong auth password; site 29 SNMPv3 done right. */
  static final int WRONG_V3 = 30;

  static final int RIGHT_V3 = 29;

  static NetnsFleet fleet;
  static Vertx vertx;
  static TestAgent.Running agent;
  static ApiClient api;
  static final Map<String, String> figures = new HashMap<>();

  @BeforeAll
  static void startDistrict(@TempDir Path dir) throws Exception {
    HostTools.requireAvailable(NetnsFleet.unavailableReason());
    fleet = NetnsFleet.up(SITES);
    AgentConfig cfg = TestConfig.in(dir)
        .section("probe", "{ interval: 10s, timeout: 1s, recheck_interval: 2s, icmp: { packets: 5, period: 200ms } }")
        .section("state", "{ down_after: 3, up_after: 2 }")
        .section("snmp_profiles", "\n"
            + "  v2c: { version: 2c, community: " + fleet.community() + " }\n"
            + "  v3: { version: 3, user: " + NetnsFleet.V3_USER
            + ", auth_protocol: SHA, auth_password_env: IT_AUTH, priv_protocol: AES, priv_password_env: IT_PRIV }\n"
            + "  v3-wrong: { version: 3, user: " + NetnsFleet.V3_USER
            + ", auth_protocol: SHA, auth_password: not-the-password, priv_protocol: AES, priv_password_env: IT_PRIV }")
        .section("rollout", "{ target: " + SITES + " }")
        .site("district-core", "name: Core, type: district, address: " + fleet.coreAddress() + ", snmp: { profile: v2c }")
        .fleet(fleet.sites(), s -> "parent: district-core, snmp: { profile: "
            + (s.index() == WRONG_V3 ? "v3-wrong" : s.index() == RIGHT_V3 ? "v3" : "v2c") + " }")
        .env("IT_AUTH", NetnsFleet.V3_AUTH_PASS)
        .env("IT_PRIV", NetnsFleet.V3_PRIV_PASS)
        .load();
    vertx = Vertx.vertx();
    agent = TestAgent.running(vertx, cfg);
    api = agent.api();
  }

  @AfterAll
  static void stopDistrict() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (fleet != null) {
      fleet.close();
    }
    if (!figures.isEmpty()) {
      System.out.println("Detection times (interval 10s, recheck 2s, down_after 3, timeout 1s): " + figures);
    }
  }

  static JsonObject get(String path) throws Exception {
    return api.json(path);
  }

  static String metrics() throws Exception {
    return api.get("/metrics").body();
  }

  static JsonObject site(String id) throws Exception {
    return get("/api/v1/sites/" + id);
  }

  static double waitFor(String what, Duration limit, Predicate<JsonObject> condition) throws Exception {
    return api.waitFor(what, limit, condition);
  }

  static String id(int i) {
    return fleet.sites().get(i - 1).id();
  }

  @Test
  @Order(1)
  void allSitesComeUp() throws Exception {
    // Every site but the one with a wrong v3 password, plus the core.
    double t = waitFor("29 sites and the core UP", Duration.ofSeconds(60), body -> count(body, "UP") == SITES);
    figures.put("all UP after start", String.format("%.1fs", t));
    JsonObject body = get("/api/v1/sites");
    JsonObject summary = body.getJsonObject("summary");
    assertThat(summary.getInteger("online")).as("DEGRADED counts as online").isEqualTo(SITES);
    assertThat(summary.getInteger("connected")).isEqualTo(SITES - 1);
    assertThat(summary.getInteger("target")).isEqualTo(SITES);
    JsonObject s1 = site(id(1));
    assertThat(s1.getJsonObject("snmp").getString("sys_name")).isEqualTo(id(1));
    assertThat(s1.getJsonObject("icmp").getDouble("loss_ratio")).isEqualTo(0.0);
    assertThat(s1.getJsonObject("rollout").getString("first_connected")).isNotNull();
    assertThat(site(id(RIGHT_V3)).getString("state")).isEqualTo("UP");
  }

  @Test
  @Order(1)
  void wrongV3PasswordGivesAClearReason() throws Exception {
    waitFor("site 30 DEGRADED", Duration.ofSeconds(60), state(id(WRONG_V3), "DEGRADED"));
    JsonObject s = site(id(WRONG_V3));
    assertThat(s.getString("reason"))
        .isEqualTo("SNMP silent: SNMPv3 authentication failed: wrong auth password for user " + NetnsFleet.V3_USER);
    assertThat(s.getJsonObject("snmp").getString("status")).isEqualTo("AUTH_FAILURE");
    assertThat(s.encode()).doesNotContain("not-the-password");
  }

  /**
   * Ten sites cut at the same moment, each at a different phase of its own schedule, so the
   * figures show the spread of detection times, not one lucky draw.
   */
  @Test
  @Order(2)
  void sitesCutOffAreDownWithin20sAndUpWithin25sOfRestore() throws Exception {
    List<Integer> cut = List.of(5, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    waitFor("cut sites UP", Duration.ofSeconds(60), body -> cut.stream().allMatch(i -> state(id(i), "UP").test(body)));
    cut.forEach(fleet::fail);
    List<Double> down = timesUntil(cut, "DOWN", Duration.ofSeconds(20));
    assertThat(site(id(5)).getString("reason")).startsWith("no answer to 5 pings");
    cut.forEach(fleet::recover);
    List<Double> up = timesUntil(cut, "UP", Duration.ofSeconds(25));
    figures.put("cut -> DOWN (10 sites)", spread(down));
    figures.put("restore -> UP (10 sites)", spread(up));
  }

  /** Seconds until each site reached the state; fails if any did not within the limit. */
  static List<Double> timesUntil(List<Integer> sites, String wanted, Duration limit) throws Exception {
    long start = System.nanoTime();
    Map<Integer, Double> times = new HashMap<>();
    while (times.size() < sites.size() && System.nanoTime() - start < limit.toNanos()) {
      JsonObject body = get("/api/v1/sites");
      double t = (System.nanoTime() - start) / 1e9;
      for (int i : sites) {
        if (!times.containsKey(i) && state(id(i), wanted).test(body)) {
          times.put(i, t);
        }
      }
      Thread.sleep(200);
    }
    assertThat(times.keySet()).as("sites %s within %ss (times so far %s)", wanted, limit.toSeconds(), times)
        .containsExactlyInAnyOrderElementsOf(sites);
    return times.values().stream().sorted().toList();
  }

  static String spread(List<Double> sorted) {
    return String.format(java.util.Locale.ROOT, "min %.1fs, median %.1fs, max %.1fs",
        sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
  }

  @Test
  @Order(3)
  void snmpStoppedWhilePingAnswersIsDegraded() throws Exception {
    fleet.snmpOff(6);
    double t = waitFor("site 6 DEGRADED", Duration.ofSeconds(30), state(id(6), "DEGRADED"));
    figures.put("SNMP off -> DEGRADED", String.format("%.1fs", t));
    assertThat(site(id(6)).getString("reason")).startsWith("SNMP silent: ");
    assertThat(site(id(6)).getJsonObject("snmp").getBoolean("up")).isFalse();
    assertThat(metrics()).contains("vcmon_snmp_up{site=\"" + id(6) + "\"} 0");
    fleet.recover(6);
    waitFor("site 6 UP", Duration.ofSeconds(30), state(id(6), "UP"));
  }

  @Test
  @Order(4)
  void aRebootIsCounted() throws Exception {
    double before = site(id(7)).getJsonObject("snmp").getDouble("uptime_seconds");
    assertThat(before).isGreaterThan(1.0);
    fleet.reboot(7);
    waitFor("site 7 reboot counted", Duration.ofSeconds(30),
        body -> body.getJsonArray("sites").stream().map(JsonObject.class::cast)
            .anyMatch(s -> s.getString("id").equals(id(7)) && s.getInteger("reboots") == 1));
    assertThat(metrics()).contains("vcmon_site_reboots_total{site=\"" + id(7) + "\"} 1.0");
    assertThat(site(id(7)).getString("state")).isEqualTo("UP");
  }

  @Test
  @Order(5)
  void parentDownMakesItsChildrenUnreachable() throws Exception {
    waitFor("all UP", Duration.ofSeconds(60), body -> count(body, "UP") == SITES);
    fleet.failCore();
    double t = waitFor("core DOWN and children UNREACHABLE", Duration.ofSeconds(40),
        body -> state("district-core", "DOWN").test(body) && count(body, "UNREACHABLE") == SITES);
    figures.put("core cut -> 30 UNREACHABLE", String.format("%.1fs", t));
    JsonObject body = get("/api/v1/sites");
    assertThat(count(body, "DOWN")).as("only the core is DOWN").isEqualTo(1);
    assertThat(site(id(1)).getString("reason")).isEqualTo("parent district-core is DOWN");
    fleet.recoverCore();
    // All back includes the wrong-v3 site, which returns DEGRADED and may lag the others.
    waitFor("all back", Duration.ofSeconds(40),
        b -> state("district-core", "UP").test(b) && count(b, "UP") == SITES
            && count(b, "DOWN") + count(b, "UNREACHABLE") == 0);
  }

  @Test
  @Order(6)
  void twentyPercentLossOnEveryLinkNeverMakesASiteDown() throws Exception {
    long minutes = Long.getLong("vcmon.it.lossMinutes", 5);
    for (int i = 1; i <= SITES; i++) {
      fleet.lossy(i, 20);
    }
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
    int polls = 0;
    long degradedSeen = 0;
    while (System.nanoTime() < end) {
      JsonObject body = get("/api/v1/sites");
      assertThat(count(body, "DOWN") + count(body, "UNREACHABLE"))
          .as("no site DOWN at 20%% loss; answer: %s", body.encode())
          .isZero();
      degradedSeen = Math.max(degradedSeen, count(body, "DEGRADED"));
      polls++;
      Thread.sleep(1000);
    }
    figures.put("20% loss for " + minutes + " min", "0 DOWN in " + polls + " API polls, at most " + degradedSeen + " DEGRADED at once");
    for (int i = 1; i <= SITES; i++) {
      fleet.recover(i);
    }
  }
}
