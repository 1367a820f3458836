package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.NetnsFleet;
import org.daitu.vcmon.testing.TestConfig;
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
      AgentConfig cfg = TestConfig.in(dir)
          .section("probe", "{ interval: 3s, timeout: 500ms, recheck_interval: 1s }")
          .section("self_check", "{ targets: [" + fleet.coreAddress() + "], down_after: 2 }")
          .fleet(fleet.sites())
          .load();
      Vertx vertx = Vertx.vertx();
      try (TestAgent.Running agent = TestAgent.running(vertx, cfg)) {
        ApiClient api = agent.api();
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
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
