package org.daitu.vcmon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.ApiClient.site;
import static org.daitu.vcmon.testing.ApiClient.state;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.Snmpd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent reloading its config file for real, against real snmpd agents on loopback: a
 * bad file (on SIGHUP and through the admin API) changes nothing and says why; a good one adds,
 * removes and keeps sites without disturbing the kept ones.
 */
class ConfigReloadIT {
  static final Path JAR = Path.of("target", "vcmon.jar");
  static final String TOKEN = "reload-it-token-0123456789";
  static final String COMMUNITY = "reload-it";

  @TempDir Path dir;
  final List<Snmpd> agents = new ArrayList<>();
  Process vcmon;
  ApiClient api;
  Path cfg;
  Path log;

  @AfterEach
  void stop() {
    if (vcmon != null) {
      vcmon.destroyForcibly();
    }
    agents.forEach(Snmpd::close);
  }

  Snmpd snmpd(String address, String sysName) throws Exception {
    Snmpd s =
        Snmpd.builder(Files.createDirectories(dir.resolve(sysName)))
            .listen(address, 0)
            .community(COMMUNITY)
            .sysName(sysName)
            .start();
    agents.add(s);
    return s;
  }

  static String siteLine(String id, Snmpd agent) {
    return "  - { id: " + id + ", name: " + id + ", type: xã, address: " + agent.address()
        + ", snmp: { profile: v2c, port: " + agent.port() + " } }\n";
  }

  String config(int port, String sites) {
    return "http: { host: 127.0.0.1, port: " + port + ", admin_token_env: VCMON_IT_TOKEN }\n"
        + "probe: { interval: 2s, timeout: 500ms, recheck_interval: 1s }\n"
        + "snmp_profiles: { v2c: { version: 2c, community: " + COMMUNITY + " } }\n"
        + "store: { path: history.db }\n"
        + "sites:\n" + sites;
  }

  @Test
  void aBadFileChangesNothingAndAGoodOneAddsRemovesAndKeepsSites() throws Exception {
    HostTools.requireBuilt(JAR, "mvn package builds it");
    HostTools.require("fping");
    HostTools.requireAvailable(Snmpd.unavailableReason());
    Snmpd keepA = snmpd("127.0.91.2", "keep-a-agent");
    Snmpd keepB = snmpd("127.0.91.3", "keep-b-agent");
    Snmpd gone = snmpd("127.0.91.4", "gone-agent");
    Snmpd added = snmpd("127.0.91.5", "added-agent");
    int port = CommandLineIT.freePort();
    api = new ApiClient(port);
    cfg = dir.resolve("vcmon.yaml");
    log = dir.resolve("vcmon.log");
    String kept = siteLine("keep-a", keepA) + siteLine("keep-b", keepB);
    String good = config(port, kept + siteLine("gone", gone));
    Files.writeString(cfg, good);
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(),
                "--config", cfg.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("VCMON_IT_TOKEN", TOKEN);
    vcmon = pb.start();

    waitFor("all three UP", b -> state("keep-a", "UP").test(b) && state("keep-b", "UP").test(b) && state("gone", "UP").test(b));
    JsonObject before = api.sites();
    Map<String, Long> transitionsBefore = transitions();
    for (int i = 0; i < 50 && transitionsBefore.size() < 3; i++) {
      Thread.sleep(100); // the store writes on its own thread, a moment after the API shows it
      transitionsBefore = transitions();
    }
    assertThat(transitionsBefore).containsOnlyKeys("keep-a", "keep-b", "gone");

    // A bad file on SIGHUP: two problems; the agent goes on with what it had.
    Files.writeString(
        cfg,
        good.replace("interval: 2s", "interval: 2").replace("profile: v2c, port: " + gone.port(), "profile: v2, port: " + gone.port()));
    hangup();
    waitForLog("Config reload rejected");
    assertThat(vcmon.isAlive()).isTrue();
    assertThat(logText())
        .contains("Config reload rejected, the running config stays in force file=" + cfg + " trigger=sighup problems=2")
        .contains("probe.interval (line 2): must be a duration")
        .contains("sites[2].snmp.profile (line 8): unknown snmp profile, got \"v2\"");
    assertThat(ids(api.sites())).containsExactly("keep-a", "keep-b", "gone");
    String metrics = metrics();
    assertThat(metrics)
        .contains("vcmon_config_reloads_total{result=\"failed\"} 1.0")
        .contains("vcmon_config_reloads_total{result=\"ok\"} 0.0")
        .contains("vcmon_config_last_reload_success 0.0")
        .contains("vcmon_config_last_reload_success_timestamp_seconds");

    // The admin API: the token first, then the same verdict as JSON.
    assertThat(api.send("POST", "/api/v1/admin/reload", null, null).statusCode()).isEqualTo(401);
    assertThat(api.send("POST", "/api/v1/admin/reload", "wrong-token-0123456789", null).statusCode()).isEqualTo(401);
    HttpResponse<String> rejected = api.send("POST", "/api/v1/admin/reload", TOKEN, null);
    assertThat(rejected.statusCode()).isEqualTo(422);
    JsonObject answer = new JsonObject(rejected.body());
    assertThat(answer.getBoolean("reloaded")).isFalse();
    assertThat(answer.getString("error")).contains("2 problems").contains("the running config stays in force");
    assertThat(answer.getJsonArray("problems")).hasSize(2);
    assertThat(answer.getJsonArray("problems").getJsonObject(0).getString("path")).isEqualTo("probe.interval");
    assertThat(answer.getJsonArray("problems").getJsonObject(0).getInteger("line")).isEqualTo(2);
    // Not YAML at all: still a clear answer, still nothing changed.
    Files.writeString(cfg, "sites: [ { id: x\n");
    HttpResponse<String> broken = api.send("POST", "/api/v1/admin/reload", TOKEN, null);
    assertThat(broken.statusCode()).isEqualTo(422);
    assertThat(new JsonObject(broken.body()).getJsonArray("problems")).isNotEmpty();
    assertThat(metrics()).contains("vcmon_config_reloads_total{result=\"failed\"} 3.0");
    assertThat(ids(api.sites())).containsExactly("keep-a", "keep-b", "gone");

    // A good file: one site removed, one added, two kept as they were.
    Files.writeString(cfg, config(port, kept + siteLine("added", added)));
    HttpResponse<String> applied = api.send("POST", "/api/v1/admin/reload", TOKEN, null);
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
    JsonObject plan = new JsonObject(applied.body());
    assertThat(plan.getBoolean("reloaded")).isTrue();
    assertThat(plan.getJsonArray("added").getList()).containsExactly("added");
    assertThat(plan.getJsonArray("removed").getList()).containsExactly("gone");
    assertThat(plan.getJsonArray("changed").getList()).isEmpty();
    assertThat(plan.getJsonArray("restart_required").getList()).isEmpty();

    assertThat(ids(api.sites())).containsExactly("keep-a", "keep-b", "added");
    waitFor("the new site polled and UP", b -> site(b, "added")
        .map(s -> s.getString("state").equals("UP") && "added-agent".equals(s.getJsonObject("snmp").getString("sys_name")))
        .orElse(false));
    JsonObject after = api.sites();
    for (String id : List.of("keep-a", "keep-b")) {
      JsonObject was = site(before, id).orElseThrow();
      JsonObject is = site(after, id).orElseThrow();
      assertThat(is.getString("state")).as(id).isEqualTo("UP");
      assertThat(is.getString("since")).as(id + " since").isEqualTo(was.getString("since"));
      assertThat(is.getJsonObject("rollout").getString("first_connected")).as(id + " first_connected")
          .isEqualTo(was.getJsonObject("rollout").getString("first_connected"));
      assertThat(is.getString("last_check")).as(id + " still checked").isNotEqualTo(was.getString("last_check"));
    }
    metrics = metrics();
    assertThat(metrics).doesNotContain("site=\"gone\"").contains("vcmon_site_up{site=\"added\"} 1.0");
    assertThat(metrics)
        .contains("vcmon_config_reloads_total{result=\"ok\"} 1.0")
        .contains("vcmon_config_last_reload_success 1.0");
    Map<String, Long> transitionsAfter = transitions();
    assertThat(transitionsAfter.get("keep-a")).as("no transition stored for keep-a").isEqualTo(transitionsBefore.get("keep-a"));
    assertThat(transitionsAfter.get("keep-b")).as("no transition stored for keep-b").isEqualTo(transitionsBefore.get("keep-b"));
    assertThat(transitionsAfter.get("gone")).as("the removed site's history stays").isEqualTo(transitionsBefore.get("gone"));
    assertThat(transitionsAfter).containsKey("added");
    assertThat(logText()).contains("Config reloaded file=" + cfg + " trigger=api sites=3 added=[added] removed=[gone] changed=[]");
    assertThat(vcmon.isAlive()).isTrue();

    // The removed site comes back (on SIGHUP this time): what the store remembers of it returns.
    Files.writeString(cfg, config(port, kept + siteLine("added", added) + siteLine("gone", gone)));
    hangup();
    waitForLog("added=[gone]");
    JsonObject back = api.sites();
    assertThat(ids(back)).containsExactly("keep-a", "keep-b", "added", "gone");
    assertThat(site(back, "gone").orElseThrow().getJsonObject("rollout").getString("first_connected"))
        .as("first connection kept across removal")
        .isEqualTo(site(before, "gone").orElseThrow().getJsonObject("rollout").getString("first_connected"));
    waitFor("gone UP again", state("gone", "UP"));
  }

  void hangup() throws Exception {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(vcmon.pid())).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  /** Stored state changes per site, read from the agent's own history file. */
  Map<String, Long> transitions() throws Exception {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"));
        PreparedStatement q = c.prepareStatement("SELECT site, count(*) FROM state_change GROUP BY site");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  static List<String> ids(JsonObject body) {
    return body.getJsonArray("sites").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  String metrics() throws Exception {
    return api.get("/metrics").body();
  }

  String logText() throws Exception {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  void waitFor(String what, Predicate<JsonObject> condition) throws Exception {
    api.waitFor(what, Duration.ofSeconds(40), condition);
  }

  void waitForLog(String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!logText().contains(text)) {
      assertThat(System.nanoTime()).as("log line \"%s\" within 20 s; log:%n%s", text, logText()).isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
