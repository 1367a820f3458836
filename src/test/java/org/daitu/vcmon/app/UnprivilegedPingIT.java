package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.PackagedAgent;
import org.daitu.vcmon.testing.Snmpd;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent as an unprivileged user (nobody, no capabilities) on a machine without fping
 * (probe.icmp.fping names a program that is not there), pinging loopback addresses:
 *
 * <ul>
 *   <li>with net.ipv4.ping_group_range allowing its group, it pings over an ICMP datagram socket
 *       and measures real round trips; the log, GET /api/v1/probes and /readyz say so and why;
 *   <li>with the sysctl refusing it, no way to ping is left: the site is UNKNOWN (never DOWN) with
 *       a reason that names fping, CAP_NET_RAW and the sysctl, SNMP is still polled (a real snmpd
 *       on loopback), and /readyz says why it is not ready.
 * </ul>
 *
 * Needs root (to change the sysctl and the user), setpriv and snmpd; the sysctl is restored after
 * each test.
 */
class UnprivilegedPingIT {
  private static final Path SYSCTL = Path.of("/proc/sys/net/ipv4/ping_group_range");
  private static final String NOBODY_GID = "65534";

  private String savedRange;
  private Path dir;
  private Process agent;

  @BeforeEach
  void needs() throws Exception {
    HostTools.requireRoot("it changes net.ipv4.ping_group_range and runs the agent as nobody");
    HostTools.require("setpriv");
    HostTools.requireAvailable(Snmpd.unavailableReason());
    PackagedAgent.requireBuilt();
    savedRange = sysctl();
    dir = Files.createTempDirectory("vcmon-unprivileged-");
    Files.copy(PackagedAgent.JAR, dir.resolve("vcmon.jar"));
  }

  @AfterEach
  void restore() throws Exception {
    if (agent != null && agent.isAlive()) {
      agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (savedRange != null) {
      Files.writeString(SYSCTL, savedRange);
      assertThat(sysctl()).as("net.ipv4.ping_group_range restored").isEqualTo(savedRange);
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void pingsOverADatagramSocketWhenTheSysctlAllowsItsGroup() throws Exception {
    Files.writeString(SYSCTL, NOBODY_GID + " " + NOBODY_GID);
    int port = startAgent(null);
    ApiClient api = new ApiClient("127.0.0.1", port);
    api.waitFor("both sites UP", Duration.ofSeconds(30), body -> ApiClient.count(body, "UP") == 2);
    JsonObject ping = api.json("/api/v1/sites/loop-1").getJsonObject("icmp");
    assertThat(ping.getDouble("rtt_seconds")).as("a real round trip").isPositive().isLessThan(0.5);
    assertThat(ping.getInteger("received")).isEqualTo(ping.getInteger("sent")).isEqualTo(3);
    JsonObject icmp = api.json("/api/v1/probes").getJsonObject("icmp");
    assertThat(icmp.getString("method")).isEqualTo("datagram socket");
    assertThat(icmp.getBoolean("available")).isTrue();
    assertThat(icmp.getString("why"))
        .contains("fping not found")
        .contains("cannot open a raw ICMP socket")
        .contains("CAP_NET_RAW");
    HttpResponse<String> ready = api.get("/readyz");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getJsonObject("icmp").getString("method")).isEqualTo("datagram socket");
    assertThat(log()).contains("ICMP method=\"datagram socket\"");
  }

  @Test
  void sitesAreUnknownWithEveryWayTriedWhenTheSysctlRefuses() throws Exception {
    Files.writeString(SYSCTL, "1 0");
    try (Snmpd snmpd = Snmpd.builder(dir.resolve("snmpd")).sysName("ha-thuong").community("it-public").start()) {
      int port = startAgent(snmpd);
      ApiClient api = new ApiClient("127.0.0.1", port);
      api.waitFor("ha-thuong checked and polled", Duration.ofSeconds(30), body -> ApiClient.site(body, "ha-thuong")
          .filter(s -> s.getString("last_check") != null && s.getJsonObject("snmp").getString("sys_name") != null)
          .isPresent());
      JsonObject site = api.json("/api/v1/sites/ha-thuong");
      assertThat(site.getString("state")).isEqualTo("UNKNOWN");
      assertThat(site.getString("reason"))
          .startsWith("ping unavailable: no way to ping: fping not found")
          .contains("install the fping package or set probe.icmp.fping")
          .contains("needs CAP_NET_RAW")
          .contains("net.ipv4.ping_group_range \"1 0\"")
          .contains("sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"");
      assertThat(site.getJsonObject("snmp").getBoolean("up")).as("SNMP goes on").isTrue();
      assertThat(site.getJsonObject("snmp").getString("sys_name")).isEqualTo("ha-thuong");
      assertThat(api.json("/api/v1/sites/loop-1").getString("state")).isEqualTo("UNKNOWN");
      HttpResponse<String> ready = api.get("/readyz");
      assertThat(ready.statusCode()).isEqualTo(503);
      JsonObject body = new JsonObject(ready.body());
      assertThat(body.getJsonArray("reasons").getString(0)).startsWith("ICMP probe unavailable: no way to ping: fping not found");
      assertThat(body.getJsonObject("icmp").getString("method")).isEqualTo("none");
      assertThat(body.getJsonObject("icmp").getBoolean("available")).isFalse();
      assertThat(api.get("/metrics").body()).contains("vcmon_probe_available{probe=\"icmp\"} 0");
      assertThat(log()).contains("ICMP method=none, sites will be UNKNOWN");
    }
  }

  /** Writes the config and starts the jar as nobody without capabilities; returns its HTTP port. */
  private int startAgent(Snmpd snmpd) throws Exception {
    int port = PackagedAgent.freePort();
    TestConfig cfg = TestConfig.in(dir)
        .section("http", "{ host: 127.0.0.1, port: " + port + " }")
        .section("probe", "{ interval: 2s, timeout: 1s, recheck_interval: 1s, icmp: { packets: 3, period: 100ms, fping: "
            + dir.resolve("no-such-fping") + " } }")
        .site("loop-1", "name: Loop 1, type: xã, address: 127.0.0.1")
        .site("loop-2", "name: Loop 2, type: xã, address: 127.0.0.2");
    if (snmpd != null) {
      cfg.section("snmp_profiles", "{ v2c: { version: 2c, community: it-public } }")
          .site("ha-thuong", "name: Hà Thượng, type: xã, address: " + snmpd.address()
              + ", snmp: { profile: v2c, port: " + snmpd.port() + " }");
    }
    Path file = cfg.write();
    run("chown", "-R", "nobody:nogroup", dir.toString());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>(List.of(
        "setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups",
        "--inh-caps", "-all", "--bounding-set", "-all",
        java, "-jar", dir.resolve("vcmon.jar").toString(), "--config", file.toString()));
    agent = new ProcessBuilder(argv)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("agent.log").toFile())
        .start();
    return port;
  }

  /** The sysctl as "low high" (not Files.readString: a /proc file reports a size of 0). */
  private static String sysctl() throws IOException {
    try (InputStream in = Files.newInputStream(SYSCTL)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip().replaceAll("\\s+", " ");
    }
  }

  private String log() throws IOException {
    return Files.readString(dir.resolve("agent.log"), StandardCharsets.UTF_8);
  }

  private static void run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", argv) + ": " + out).isZero();
  }
}
