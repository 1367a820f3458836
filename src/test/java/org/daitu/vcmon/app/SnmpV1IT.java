package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.Await;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.Snmpd;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two old devices that speak only SNMPv1 (real net-snmp agents restricted to v1), one configured
 * with {@code version: 1}, the other left at 2c, as the whole agent and its API show them: the
 * first is UP with its identity and interfaces, the second answers ping but its SNMP is silent,
 * the same as an agent that is off.
 */
class SnmpV1IT {

  @Test
  void aV1OnlyDeviceIsUpWithVersion1AndSilentWith2c(@TempDir Path dir) throws Exception {
    HostTools.requireAvailable(Snmpd.unavailableReason());
    HostTools.require("fping");
    try (Snmpd router = Snmpd.builder(dir.resolve("router")).sysName("old-cpe")
            .sysDescr("Old CPE router").v1Community("old-ro").start();
        Snmpd codec = Snmpd.builder(dir.resolve("codec")).sysName("hdx-7000")
            .v1Community("old-ro").start()) {
      AgentConfig cfg =
          TestConfig.in(dir)
              .section("probe", "{ interval: 2s, timeout: 300ms, recheck_interval: 1s }")
              .section(
                  "snmp_profiles",
                  "{ old: { version: 1, community_env: OLD_COMMUNITY },"
                      + " old-as-2c: { version: 2c, community_env: OLD_COMMUNITY } }")
              .env("OLD_COMMUNITY", "old-ro")
              .site("old-cpe", "name: Router, type: network, address: " + router.address()
                  + ", snmp: { profile: old, port: " + router.port() + " }")
              .site("hdx", "name: Codec, type: xã, address: " + codec.address()
                  + ", snmp: { profile: old-as-2c, port: " + codec.port() + " }")
              .load();
      Vertx vertx = Vertx.vertx();
      try (TestAgent.Running running = TestAgent.running(vertx, cfg)) {
        ApiClient api = running.api();
        api.waitFor("both checked", Duration.ofSeconds(30),
            body -> ApiClient.state("old-cpe", "UP").test(body)
                && ApiClient.state("hdx", "DEGRADED").test(body));
        JsonObject body = api.sites();

        JsonObject old = ApiClient.site(body, "old-cpe").orElseThrow();
        JsonObject oldSnmp = old.getJsonObject("snmp");
        assertThat(old.getString("reason")).isEqualTo("ping and SNMP answer");
        assertThat(oldSnmp.getBoolean("up")).isTrue();
        assertThat(oldSnmp.getString("status")).isEqualTo("OK");
        assertThat(oldSnmp.getString("sys_name")).isEqualTo("old-cpe");
        assertThat(oldSnmp.getString("sys_descr")).isEqualTo("Old CPE router");
        assertThat(oldSnmp.getDouble("uptime_seconds")).isNotNull();
        assertThat(oldSnmp.getJsonArray("interfaces")).isNotEmpty();

        JsonObject hdx = ApiClient.site(body, "hdx").orElseThrow();
        JsonObject hdxSnmp = hdx.getJsonObject("snmp");
        assertThat(hdx.getString("reason"))
            .isEqualTo("SNMP silent: no SNMP answer within 300ms (2 attempts)");
        assertThat(hdxSnmp.getBoolean("up")).isFalse();
        assertThat(hdxSnmp.getString("status")).isEqualTo("TIMEOUT");
        assertThat(hdxSnmp.getString("sys_name")).isNull();
        assertThat(hdxSnmp.getJsonArray("interfaces")).isEmpty();

        // the configuration guide shows this very reason (at the default timeout) and the fix
        String guide =
            Files.readString(Path.of("docs", "configuration.md")).replaceAll("\\s+", " ");
        assertThat(guide)
            .contains("Recognising a v1-only device")
            .contains(hdx.getString("reason").replace("300ms", "2s"))
            .contains("`TIMEOUT`")
            .contains("snmpget -v1")
            .contains("`version: 1`");
      } finally {
        Await.await(vertx.close());
      }
    }
  }
}
