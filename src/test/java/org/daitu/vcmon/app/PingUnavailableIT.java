package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.ConfigLoader;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.Snmpd;
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
      Path file = dir.resolve("vcmon.yaml");
      Files.writeString(
          file,
          "http: { host: 127.0.0.1, port: 0 }\n"
              + "probe: { interval: 2s, timeout: 1s, recheck_interval: 1s, icmp: { fping: "
              + dir.resolve("no-such-fping") + " } }\n"
              + "snmp_profiles: { v2c: { version: 2c, community: it-public } }\n"
              + "sites:\n"
              + "  - { id: ha-thuong, name: Hà Thượng, type: xã, address: " + agent.address()
              + ", snmp: { profile: v2c, port: " + agent.port() + " } }\n");
      AgentConfig cfg = ConfigLoader.load(file, Map.of());
      Vertx vertx = Vertx.vertx();
      try {
        Agent running =
            TestAgent.start(vertx, cfg).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        WebClient client = WebClient.create(vertx);
        JsonObject site = null;
        for (int i = 0; i < 60; i++) {
          site = client.get(running.httpPort(), "127.0.0.1", "/api/v1/sites/ha-thuong").send()
              .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).bodyAsJsonObject();
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
        HttpResponse<Buffer> ready = client.get(running.httpPort(), "127.0.0.1", "/readyz").send()
            .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.bodyAsJsonObject().getJsonArray("reasons").getString(0))
            .startsWith("ICMP probe unavailable: fping not found");
        String metrics = client.get(running.httpPort(), "127.0.0.1", "/metrics").send()
            .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).bodyAsString();
        assertThat(metrics).contains("vcmon_probe_available{probe=\"icmp\"} 0");
        running.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
