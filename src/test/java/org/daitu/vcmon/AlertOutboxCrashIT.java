package org.daitu.vcmon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.PackagedAgent.freePort;
import static org.daitu.vcmon.testing.PackagedAgent.nft;
import static org.daitu.vcmon.testing.PackagedAgent.start;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.PackagedAgent;
import org.daitu.vcmon.testing.Poll;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent is killed with SIGKILL while a DOWN notification waits in its outbox (the
 * webhook receiver is not listening yet): after the restart the receiver gets it, once, and the
 * same outage is not announced a second time; its recovery follows.
 */
class AlertOutboxCrashIT {
  static final String TABLE = "vcmon_it_outbox";
  static final String VICTIM = "127.0.0.72";

  @Test
  void queuedNotificationsSurviveSigkillAndArriveOnce(@TempDir Path dir) throws Exception {
    PackagedAgent.requireBuilt();
    HostTools.require("fping");
    HostTools.requireRoot("dropping an address");
    int apiPort = freePort();
    int hookPort = freePort();
    Path cfg = TestConfig.in(dir)
        .section("http", "{ host: 127.0.0.1, port: " + apiPort + " }")
        .section("probe", "{ interval: 2s, timeout: 500ms, recheck_interval: 1s }")
        .section("alerts", "{ digest: { window: 0s }, webhooks: [ { url: \"http://127.0.0.1:" + hookPort + "/hook\" } ] }")
        .site("cat-ne", "name: Cát Nê, type: xã, address: " + VICTIM)
        .site("ha-thuong", "name: Hà Thượng, type: xã, address: 127.0.0.71")
        .write();
    ApiClient api = new ApiClient(apiPort);
    Process agent = start(cfg, dir.resolve("run1.log"));
    HttpServer receiver = null;
    try {
      api.waitFor("both UP", Duration.ofSeconds(40), b -> ApiClient.count(b, "UP") == 2);
      nft("add table ip " + TABLE + " ; add chain ip " + TABLE
          + " input { type filter hook input priority 0 ; policy accept ; } ; add rule ip " + TABLE
          + " input ip daddr " + VICTIM + " drop");
      api.waitFor("cat-ne DOWN", Duration.ofSeconds(30), ApiClient.state("cat-ne", "DOWN"));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!api.get("/metrics").body().contains("vcmon_notifications_queued 1")) {
        assertThat(System.nanoTime()).as("the DOWN notification queued").isLessThan(end);
        Thread.sleep(200);
      }
      // Past the last heartbeat (10 s), so the restarted agent knows the outage was announced.
      Thread.sleep(11_000);
      agent.toHandle().destroyForcibly(); // SIGKILL
      assertThat(agent.waitFor(10, TimeUnit.SECONDS)).isTrue();

      List<JsonObject> received = new CopyOnWriteArrayList<>();
      receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", hookPort), 0);
      receiver.createContext("/hook", ex -> {
        received.add(new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        ex.sendResponseHeaders(204, -1);
        ex.close();
      });
      receiver.start();
      agent = start(cfg, dir.resolve("run2.log"));
      Poll.until(() -> received.stream().anyMatch(m -> !m.getBoolean("resolved", false)), Duration.ofSeconds(60), "the queued DOWN");
      api.waitFor("cat-ne DOWN again after the restart", Duration.ofSeconds(30), ApiClient.state("cat-ne", "DOWN"));
      nft("delete table ip " + TABLE);
      Poll.until(() -> received.stream().anyMatch(m -> m.getBoolean("resolved", false)), Duration.ofSeconds(60), "the recovery");
      Thread.sleep(3_000);
      assertThat(received.stream().filter(m -> !m.getBoolean("resolved", false)))
          .as("the outage announced once, not again after the restart").hasSize(1);
      assertThat(received.stream().map(m -> m.getString("key"))).doesNotHaveDuplicates();
      assertThat(received).hasSize(2);
    } finally {
      nft("delete table ip " + TABLE);
      agent.destroyForcibly();
      if (receiver != null) {
        receiver.stop(0);
      }
    }
  }
}
