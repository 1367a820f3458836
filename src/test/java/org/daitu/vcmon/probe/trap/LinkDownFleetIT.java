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
 * Ten communes in their own network namespaces behind the district core router, checked with the
 * shipped defaults (every 8 s, three failed checks for DOWN, no digest hold for a lone outage).
 * One commune's line is cut, and at that moment the core sends {@code linkDown} for its port with
 * net-snmp's {@code snmptrap}, as an uplink router does when it sees the line to a commune drop:
 * the agent checks the core and every commune behind it at once, confirms back to back, and the
 * webhook has the commune's DOWN within 6 s of the cut, where waiting for its turn in the interval
 * alone could take up to 8 s before the first failed check. Three communes, one after another.
 */
class LinkDownFleetIT {
  private static final int SITES = 10;
  private static final int CUTS = 3;
  private static final String COMMUNITY = "core-traps";

  @Test
  void theCoresLinkDownBringsTheDownAlertWithinSixSeconds(@TempDir Path dir) throws Exception {
    HostTools.requireAvailable(NetnsFleet.unavailableReason());
    HostTools.require("fping");
    HostTools.require("snmptrap");
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    try (NetnsFleet fleet = NetnsFleet.up(SITES);
        WebhookReceiver hook = WebhookReceiver.start("127.0.0.1")) {
      // no probe, state or digest settings: the defaults, which the example config ships
      AgentConfig cfg =
          TestConfig.in(dir)
              .section("alerts", "{ webhooks: [ { url: \"" + hook.url() + "\" } ] }")
              .section("traps", "{ listen: \"" + fleet.rootAddress() + ":" + port + "\", community_env: CORE_TRAPS }")
              .env("CORE_TRAPS", COMMUNITY)
              .site(NetnsFleet.CORE_ID, "name: Core, type: district, address: " + fleet.coreAddress())
              .fleet(fleet.sites(), "parent: " + NetnsFleet.CORE_ID)
              .load();
      Vertx vertx = Vertx.vertx();
      try (TestAgent.Running running = TestAgent.running(vertx, cfg)) {
        ApiClient api = running.api();
        api.waitFor("all UP", Duration.ofSeconds(60), b -> ApiClient.count(b, "UP") == SITES + 1);
        Map<String, Double> downAfter = new TreeMap<>();
        for (int c = 0; c < CUTS; c++) {
          FleetSite s = fleet.sites().get(c * 3);
          // mid-interval: the commune's own turn is anywhere in the 8 s to come
          ApiClient.pause(1000 + 2500L * c);
          int before = hook.requests().size();
          Instant cut = Instant.now();
          fleet.fail(s.index());
          Process trap =
              new ProcessBuilder(
                      fleet.inCore(
                          "snmptrap", "-v", "2c", "-c", COMMUNITY, fleet.rootAddress() + ":" + port, "",
                          "1.3.6.1.6.3.1.1.5.3",
                          "1.3.6.1.2.1.2.2.1.1." + s.index(), "i", String.valueOf(s.index())))
                  .redirectErrorStream(true)
                  .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .start();
          assertThat(trap.waitFor(10, TimeUnit.SECONDS)).isTrue();
          assertThat(trap.exitValue()).isZero();
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          while (!downAfter.containsKey(s.id()) && System.nanoTime() < end) {
            List<WebhookReceiver.Request> all = hook.requests();
            for (WebhookReceiver.Request r : all.subList(before, all.size())) {
              if (downIn(r.json()).contains(s.id())) {
                downAfter.putIfAbsent(s.id(), Duration.between(cut, r.at()).toMillis() / 1000.0);
              }
            }
            TimeUnit.MILLISECONDS.sleep(50);
          }
          fleet.recover(s.index());
          api.waitFor(s.id() + " UP again", Duration.ofSeconds(60), b -> ApiClient.count(b, "UP") == SITES + 1);
        }
        System.out.println("DOWN webhook after a commune's cut and the core's linkDown, seconds: " + downAfter);
        assertThat(downAfter).hasSize(CUTS);
        assertThat(downAfter.values()).allSatisfy(t -> assertThat(t).isLessThanOrEqualTo(6.0));
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
