package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.ConfigLoader;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.FleetSite;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.NetnsFleet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vcmon's own uplink (the core router, its self-check target) fails: the sites become UNKNOWN
 * with that reason instead of DOWN, no incident opens, /readyz says why, and the time is a gap.
 */
class SelfCheckIT {

  @Test
  void whenItsOwnUplinkIsDownVcmonSaysUnknownNotDown(@TempDir Path dir) throws Exception {
    HostTools.requireAvailable(NetnsFleet.unavailableReason());
    try (NetnsFleet fleet = NetnsFleet.up(3)) {
      StringBuilder yaml = new StringBuilder()
          .append("http: { host: 127.0.0.1, port: 0 }\n")
          .append("probe: { interval: 3s, timeout: 500ms, recheck_interval: 1s }\n")
          .append("self_check: { targets: [").append(fleet.coreAddress()).append("], down_after: 2 }\n")
          .append("store: { path: ").append(dir.resolve("h.db")).append(" }\n")
          .append("sites:\n");
      for (FleetSite s : fleet.sites()) {
        yaml.append("  - { id: ").append(s.id()).append(", name: \"Xã ").append(s.index())
            .append("\", type: xã, address: ").append(s.address()).append(" }\n");
      }
      Files.writeString(dir.resolve("vcmon.yaml"), yaml);
      AgentConfig cfg = ConfigLoader.load(dir.resolve("vcmon.yaml"), Map.of());
      Vertx vertx = Vertx.vertx();
      try {
        Agent agent = TestAgent.start(vertx, cfg).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        ApiClient api = new ApiClient(agent.httpPort());
        api.waitFor("all UP", Duration.ofSeconds(30), body -> ApiClient.count(body, "UP") == 3);

        fleet.failCore();
        long start = System.nanoTime();
        boolean sawDown = false;
        JsonObject body = null;
        // Watch every 200 ms for 15 s: never a DOWN, and all UNKNOWN with the reason.
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15)) {
          body = api.sites();
          sawDown |= body.getJsonObject("summary").getJsonObject("states").getInteger("DOWN") > 0;
          Thread.sleep(200);
        }
        assertThat(sawDown).as("no site DOWN while vcmon's own uplink is down").isFalse();
        assertThat(body.getJsonObject("summary").getJsonObject("states").getInteger("UNKNOWN")).isEqualTo(3);
        assertThat(body.getJsonArray("sites").getJsonObject(0).getString("reason"))
            .isEqualTo("vcmon's own uplink is down: self-check targets " + fleet.coreAddress() + " do not answer");
        HttpResponse<String> ready = api.get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("own uplink is down");
        assertThat(api.json("/api/v1/incidents").getJsonArray("incidents")).isEmpty();

        fleet.recoverCore();
        api.waitFor("all UP again", Duration.ofSeconds(30), b -> ApiClient.count(b, "UP") == 3);
        JsonObject day = api.json("/api/v1/availability").getJsonArray("sites").getJsonObject(0).getJsonObject("24h");
        assertThat(day.getLong("excluded_seconds")).as("the blind time is a gap").isGreaterThanOrEqualTo(10);
        assertThat(day.getLong("down_seconds")).isZero();
        agent.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
