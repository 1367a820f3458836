package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
 * Without a usable fping, vcmon keeps running: sites are UNKNOWN with the reason (never DOWN),
 * SNMP is still polled (against a real snmpd on loopback), and /readyz says why it is not ready.
 */
class PingUnavailableIT {

  @Test
  void sitesAreUnknownWithTheReasonAndSnmpGoesOn(@TempDir Path dir) throws Exception {
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
        JsonObject site = null;
        for (int i = 0; i < 60; i++) {
          site = api.json("/api/v1/sites/ha-thuong");
          if (site.getJsonObject("snmp").getString("sys_name") != null && site.getInteger("reboots") == 0
              && site.getString("last_check") != null) {
            break;
          }
          Thread.sleep(250);
        }
        assertThat(site.getString("state")).isEqualTo("UNKNOWN");
        assertThat(site.getString("reason"))
            .startsWith("ping unavailable: fping not found")
            .contains("install the fping package or set probe.icmp.fping");
        assertThat(site.getJsonObject("snmp").getBoolean("up")).isTrue();
        assertThat(site.getJsonObject("snmp").getString("sys_name")).isEqualTo("ha-thuong");
        HttpResponse<String> ready = api.get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(ready.body()).getJsonArray("reasons").getString(0))
            .startsWith("ICMP probe unavailable: fping not found");
        String metrics = api.get("/metrics").body();
        assertThat(metrics).contains("vcmon_probe_available{probe=\"icmp\"} 0");
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
