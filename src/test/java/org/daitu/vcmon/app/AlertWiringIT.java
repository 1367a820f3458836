package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.Poll;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert path end to end in a real agent: a commune's address is dropped for real (nftables),
 * the agent confirms DOWN, and a webhook receiver on loopback gets the Vietnamese DOWN message,
 * then the recovery with the outage's length when the address answers again.
 */
class AlertWiringIT {
  static final String TABLE = "vcmon_it_alerts";
  static final String VICTIM = "127.0.0.52";

  @Test
  void aCommuneDownAndBackReachesTheWebhook(@TempDir Path dir) throws Exception {
    HostTools.require(Path.of("/usr/bin/fping"));
    HostTools.require("nft");
    HostTools.requireRoot("dropping an address");
    Vertx vertx = Vertx.vertx();
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    List<Long> receivedAt = new CopyOnWriteArrayList<>();
    HttpServer receiver =
        vertx.createHttpServer()
            .requestHandler(req -> req.body().onSuccess(b -> {
              received.add(b.toJsonObject());
              receivedAt.add(System.nanoTime());
              req.response().setStatusCode(204).end();
            }))
            .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    AgentConfig cfg = TestConfig.in(dir)
        .section("probe", "{ interval: 3s, timeout: 500ms, recheck_interval: 1s }")
        .section("alerts", "{ digest: { window: 0s },"
            + " webhooks: [ { url: \"http://127.0.0.1:" + receiver.actualPort() + "/hook\", min_severity: warning } ] }")
        .site("cat-ne", "name: Cát Nê, type: xã, address: " + VICTIM)
        .site("ha-thuong", "name: Hà Thượng, type: xã, address: 127.0.0.51")
        .load();
    TestAgent.Running agent = null;
    try {
      agent = TestAgent.running(vertx, cfg);
      ApiClient api = agent.api();
      api.waitFor("both UP", Duration.ofSeconds(30), b -> ApiClient.count(b, "UP") == 2);
      assertThat(received).as("no alert while all is well").isEmpty();

      nft("add table ip " + TABLE + " ; add chain ip " + TABLE
          + " input { type filter hook input priority 0 ; policy accept ; } ; add rule ip " + TABLE
          + " input ip daddr " + VICTIM + " drop");
      long cut = System.nanoTime();
      Poll.until(() -> !received.isEmpty(), Duration.ofSeconds(30), "the DOWN message");
      double seconds = (receivedAt.get(0) - cut) / 1e9;
      JsonObject down = received.get(0);
      assertThat(down.getString("kind")).isEqualTo("site");
      assertThat(down.getString("severity")).isEqualTo("critical");
      assertThat(down.getString("text")).contains("Cát Nê").contains("mất kết nối");
      assertThat(down.getJsonArray("sites").getJsonObject(0).getString("id")).isEqualTo("cat-ne");
      assertThat(down.getJsonArray("sites").getJsonObject(0).getString("state")).isEqualTo("DOWN");
      assertThat(seconds).as("cut to webhook, interval 3s").isLessThan(15);

      nft("delete table ip " + TABLE);
      Poll.until(() -> received.size() >= 2, Duration.ofSeconds(30), "the recovery message");
      JsonObject up = received.get(1);
      assertThat(up.getBoolean("resolved")).isTrue();
      assertThat(up.getString("text")).contains("Cát Nê");
      assertThat(api.json("/api/v1/readiness").containsKey("next")).isTrue();
      Thread.sleep(2000);
      assertThat(received).as("each event delivered once").hasSize(2);
      System.out.printf("Cut to webhook DOWN message: %.1fs (interval 3s, recheck 1s, down_after 3)%n", seconds);
    } finally {
      nft("delete table ip " + TABLE);
      if (agent != null) {
        agent.close();
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  static void nft(String script) throws Exception {
    Process p = new ProcessBuilder("nft", script).redirectErrorStream(true).start();
    p.waitFor(10, TimeUnit.SECONDS);
  }
}
