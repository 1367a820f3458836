package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.Snmpd;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without fping, vcmon as root (or with CAP_NET_RAW) pings over its own raw ICMP socket instead of
 * leaving every site UNKNOWN: a real snmpd on loopback is UP with a measured round trip, and GET
 * /api/v1/probes and /readyz say which method and why. When no way to ping is left (an unprivileged
 * user, the sysctl refusing ping sockets), sites are UNKNOWN with the reason: UnprivilegedPingIT.
 */
class PingUnavailableIT {

  @Test
  void withoutFpingRootPingsOverARawSocketAndSaysWhy(@TempDir Path dir) throws Exception {
    HostTools.requireRoot("a raw ICMP socket needs CAP_NET_RAW");
    HostTools.requireAvailable(Snmpd.unavailableReason());
    try (Snmpd agent = Snmpd.builder(dir.resolve("snmpd")).sysName("ha-thuong").community("it-public").start()) {
      AgentConfig cfg = TestConfig.in(dir)
          .section("probe", "{ interval: 2s, timeout: 1s, recheck_interval: 1s, icmp: { fping: "
              + dir.resolve("no-such-fping") + " } }")
          .section("snmp_profiles", "{ v2c: { version: 2c, community: it-public } }")
          .site("ha-thuong", "name: Hà Thượng, type: xã, address: " + agent.address()
              + ", snmp: { profile: v2c, port: " + agent.port() + " }")
          .load();
      Vertx vertx = Vertx.vertx();
      try (TestAgent.Running running = TestAgent.running(vertx, cfg)) {
        ApiClient api = running.api();
        api.waitFor("ha-thuong UP", Duration.ofSeconds(20), ApiClient.state("ha-thuong", "UP"));
        JsonObject site = api.json("/api/v1/sites/ha-thuong");
        assertThat(site.getJsonObject("icmp").getDouble("rtt_seconds")).isPositive();
        assertThat(site.getJsonObject("snmp").getString("sys_name")).isEqualTo("ha-thuong");
        JsonObject icmp = api.json("/api/v1/probes").getJsonObject("icmp");
        assertThat(icmp.getString("method")).isEqualTo("raw socket");
        assertThat(icmp.getString("why"))
            .startsWith("fping not found")
            .contains("install the fping package or set probe.icmp.fping");
        assertThat(icmp.getBoolean("available")).isTrue();
        HttpResponse<String> ready = api.get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(ready.body()).getJsonObject("icmp").getString("method")).isEqualTo("raw socket");
        assertThat(api.get("/metrics").body()).contains("vcmon_probe_available{probe=\"icmp\"} 1");
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
