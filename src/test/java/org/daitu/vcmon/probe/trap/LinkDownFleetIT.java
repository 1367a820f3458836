package org.daitu.vcmon.probe.trap;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.Await;
import org.daitu.vcmon.testing.FleetSite;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.NetnsFleet;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.testing.TestConfig;
import org.daitu.vcmon.testing.WebhookReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten communes in their own network namespaces behind the district core router; the agent checks
 * them every 8 s. Their links are cut, and at that moment the core sends {@code linkDown} with
 * net-snmp's {@code snmptrap}, as an uplink router does when it sees the line to a commune drop:
 * the agent checks the core and every commune behind it at once, confirms back to back, and the
 * webhook has every commune's DOWN within 6 s of the cut — where waiting for the communes' turn
 * in the interval could take up to 8 s before the first failed check.
 */
class LinkDownFleetIT {
  private static final int SITES = 10;
  private static final String COMMUNITY = "core-traps";

  @Test
  void theCoresLinkDownBringsEveryDownAlertWithinSixSeconds(@TempDir Path dir) throws Exception {
    HostTools.requireAvailable(NetnsFleet.unavailableReason());
    HostTools.require("fping");
    HostTools.require("snmptrap");
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    try (NetnsFleet fleet = NetnsFleet.up(SITES);
        WebhookReceiver hook = WebhookReceiver.start("127.0.0.1")) {
      AgentConfig cfg =
          TestConfig.in(dir)
              .section(
                  "probe",
                  "{ interval: 8s, timeout: 1s, recheck_interval: 1s,"
                      + " icmp: { packets: 4, period: 100ms }, snmp: { retries: 0 } }")
              .section("state", "{ down_after: 3, up_after: 2 }")
              .section(
                  "alerts",
                  "{ digest: { window: 0s }, webhooks: [ { url: \"" + hook.url() + "\" } ] }")
              .section("traps", "{ listen: \"" + fleet.rootAddress() + ":" + port + "\", community_env: CORE_TRAPS }")
              .env("CORE_TRAPS", COMMUNITY)
              .site(NetnsFleet.CORE_ID, "name: Core, type: district, address: " + fleet.coreAddress())
              .fleet(fleet.sites(), "parent: " + NetnsFleet.CORE_ID)
              .load();
      Vertx vertx = Vertx.vertx();
      try (TestAgent.Running running = TestAgent.running(vertx, cfg)) {
        ApiClient api = running.api();
        api.waitFor("all UP", Duration.ofSeconds(60), b -> ApiClient.count(b, "UP") == SITES + 1);
        // a fresh interval: the communes' next turns are spread over the 8 s to come
        ApiClient.pause(1000);

        Instant cut = Instant.now();
        for (FleetSite s : fleet.sites()) {
          fleet.fail(s.index());
        }
        Process trap =
            new ProcessBuilder(
                    fleet.inCore(
                        "snmptrap", "-v", "2c", "-c", COMMUNITY, fleet.rootAddress() + ":" + port, "",
                        "1.3.6.1.6.3.1.1.5.3",
                        "1.3.6.1.2.1.2.2.1.1.2", "i", "2"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(trap.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(trap.exitValue()).isZero();

        Map<String, Double> downAfter = new TreeMap<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (downAfter.size() < SITES && System.nanoTime() < end) {
          for (WebhookReceiver.Request r : hook.requests()) {
            for (String id : downIn(r.json())) {
              downAfter.putIfAbsent(id, Duration.between(cut, r.at()).toMillis() / 1000.0);
            }
          }
          TimeUnit.MILLISECONDS.sleep(100);
        }
        System.out.println("DOWN webhook after the cut and the core's linkDown, seconds: " + downAfter);
        assertThat(downAfter).hasSize(SITES);
        assertThat(downAfter.values()).allSatisfy(s -> assertThat(s).isLessThan(6.0));
        assertThat(ApiClient.site(api.sites(), NetnsFleet.CORE_ID).orElseThrow().getString("state"))
            .isEqualTo("UP");
      } finally {
        Await.await(vertx.close());
      }
    }
  }

  /** The ids of the sites a webhook message says are DOWN (a message of one site, or a digest). */
  private static List<String> downIn(JsonObject message) {
    JsonArray sites = message.getJsonArray("sites", new JsonArray());
    return sites.stream()
        .map(JsonObject.class::cast)
        .filter(s -> "DOWN".equals(s.getString("state")))
        .map(s -> s.getString("id"))
        .toList();
  }
}
