package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.Snmpd;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the API shows of real agents' answers, through the whole agent: a Polycom codec whose
 * sysUpTime is an INTEGER and whose sysDescr is multi-line Windows-1252 is UP, not "SNMP silent",
 * with its problems listed, no uptime and no reboot; a Cisco (Tandberg) codec whose sysName is
 * binary shows it as hex.
 */
class SnmpAnswerApiIT {
  private static final Charset CP1252 = Charset.forName("windows-1252");

  @Test
  void partialAnswersTextAndVendorsAsTheApiShowsThem(@TempDir Path dir) throws Exception {
    HostTools.require("fping");
    HostTools.requireAvailable(Snmpd.unavailableReason());
    try (Snmpd polycom =
            Snmpd.builder(dir.resolve("polycom")).community("api-ro")
                .sysObjectId("1.3.6.1.4.1.13885.101")
                .override("1.3.6.1.2.1.1.3.0", "integer", "4242")
                .overrideBytes("1.3.6.1.2.1.1.1.0",
                    "Contrôleur vidéo … Zürich\r\nSalle 2".getBytes(CP1252))
                .override("1.3.6.1.4.1.13885.101.1.5.1.0", "integer", "0")
                .override("1.3.6.1.4.1.13885.101.1.2.7.2.0", "integer", "2")
                .start();
        Snmpd cisco =
            Snmpd.builder(dir.resolve("cisco")).listen("127.0.0.2", 0).community("api-ro")
                .sysObjectId("1.3.6.1.4.1.5596.150.6.4.1")
                .overrideBytes("1.3.6.1.2.1.1.5.0", new byte[] {0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e})
                .start()) {
      AgentConfig cfg =
          TestConfig.in(dir)
              .section("probe", "{ interval: 1s, timeout: 500ms, recheck_interval: 500ms,"
                  + " icmp: { packets: 2, period: 50ms }, snmp: { retries: 0 } }")
              .section("state", "{ down_after: 2, up_after: 1 }")
              .section("snmp_profiles", "{ v2c: { version: 2c, community: api-ro } }")
              .site("cu-van", "name: Cù Vân, type: xã, address: " + polycom.address()
                  + ", snmp: { profile: v2c, port: " + polycom.port() + " }")
              .site("la-bang", "name: La Bằng, type: xã, address: " + cisco.address()
                  + ", snmp: { profile: v2c, port: " + cisco.port() + " }")
              .load();
      Vertx vertx = Vertx.vertx();
      try (TestAgent.Running running = TestAgent.running(vertx, cfg)) {
        ApiClient api = running.api();
        // a few answers each, so that a wrongly counted reboot would show
        api.waitFor("both UP", Duration.ofSeconds(30),
            body -> ApiClient.count(body, "UP") == 2);
        Thread.sleep(3_000);

        JsonObject codec = api.json("/api/v1/sites/cu-van");
        assertThat(codec.getString("state")).isEqualTo("UP");
        assertThat(codec.getString("reason")).isEqualTo("ping and SNMP answer");
        assertThat(codec.getInteger("reboots")).isZero();
        JsonObject snmp = codec.getJsonObject("snmp");
        assertThat(snmp.getBoolean("up")).isTrue();
        assertThat(snmp.getString("status")).isEqualTo("OK");
        assertThat(snmp.containsKey("uptime_seconds")).isTrue();
        assertThat(snmp.getValue("uptime_seconds")).isNull();
        assertThat(snmp.getJsonArray("problems").getList())
            .containsExactly("sysUpTime.0 is INTEGER, not TimeTicks; reboots cannot be detected");
        assertThat(snmp.getString("sys_descr")).isEqualTo("Contrôleur vidéo … Zürich Salle 2");
        assertThat(snmp.getString("vendor")).isEqualTo("Polycom");
        assertThat(snmp.getString("vendor_profile")).isEqualTo("polycom");
        assertThat(snmp.getInteger("active_calls")).isZero();

        JsonObject other = api.json("/api/v1/sites/la-bang").getJsonObject("snmp");
        assertThat(other.getString("status")).isEqualTo("OK");
        assertThat(other.getDouble("uptime_seconds")).isNotNull().isGreaterThanOrEqualTo(0.0);
        assertThat(other.getString("sys_name")).isEqualTo("00:1a:2b:3c:4d:5e");
        assertThat(other.getString("vendor")).isEqualTo("Cisco (Tandberg)");
        assertThat(other.getString("vendor_profile")).isEqualTo("generic");
        assertThat(other.getJsonArray("problems")).isEmpty();
      } finally {
        await(vertx.close());
      }
    }
  }
}
