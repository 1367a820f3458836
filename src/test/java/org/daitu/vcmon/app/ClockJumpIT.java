package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.ManualClock;
import org.daitu.vcmon.testing.Poll;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wall clock steps forward one hour, then back two, in the middle of a run with two sites UP
 * and one DOWN with its incident open: checks keep running on time, no site changes state because
 * of it, no incident is opened, and no duration anywhere (incidents, availability, the recovery
 * message, metrics) is negative.
 */
class ClockJumpIT {
  static final String TABLE = "vcmon_it_clockjump";
  static final String DOWN_ADDRESS = "127.0.0.193";

  @Test
  void clockStepsCauseNoFalseChangeAndNoNegativeDuration(@TempDir Path dir) throws Exception {
    HostTools.require(Path.of("/usr/bin/fping"));
    HostTools.requireRoot("dropping an address");
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/hook", ex -> {
      received.add(new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    hook.start();
    AgentConfig cfg = TestConfig.in(dir)
        .section("probe", "{ interval: 1s, timeout: 300ms, recheck_interval: 500ms, icmp: { packets: 2, period: 100ms } }")
        .section("state", "{ down_after: 2, up_after: 1 }")
        .section("alerts", "{ digest: { window: 1s }, webhooks: [ { url: \"http://127.0.0.1:"
            + hook.getAddress().getPort() + "/hook\" } ] }")
        .site("xa-0", "name: Xã 0, type: xã, address: 127.0.0.191")
        .site("xa-1", "name: Xã 1, type: xã, address: 127.0.0.192")
        .site("xa-2", "name: Xã 2, type: xã, address: " + DOWN_ADDRESS)
        .load();
    ManualClock clock = ManualClock.running();
    Vertx vertx = Vertx.vertx();
    TestAgent.Running agent = null;
    nft("delete table ip " + TABLE);
    try {
      nft("add table ip " + TABLE + " ; add chain ip " + TABLE
          + " input { type filter hook input priority 0 ; policy accept ; } ; add rule ip " + TABLE
          + " input ip daddr " + DOWN_ADDRESS + " drop");
      agent = TestAgent.running(vertx, cfg, clock);
      ApiClient api = agent.api();
      api.waitFor("two UP, one DOWN", Duration.ofSeconds(30),
          b -> ApiClient.count(b, "UP") == 2 && ApiClient.count(b, "DOWN") == 1);
      Poll.until(() -> received.size() == 1, Duration.ofSeconds(30), "the DOWN notification");
      JsonObject incident = api.json("/api/v1/incidents").getJsonArray("incidents").getJsonObject(0);

      for (Duration step : List.of(Duration.ofHours(1), Duration.ofHours(-2))) {
        clock.advance(step);
        Instant stepped = clock.instant();
        // Checks go on at their pace: every site checked again after the step, on the new clock
        // (not an hour later, when a stepped-back clock would have caught up).
        api.waitFor("checked after a step of " + step, Duration.ofSeconds(10),
            b -> b.getJsonArray("sites").stream().map(JsonObject.class::cast)
                .map(s -> Instant.parse(s.getString("last_check")))
                .allMatch(t -> t.isAfter(stepped) && t.isBefore(stepped.plusSeconds(60))));
        Thread.sleep(3000);
        JsonObject sites = api.sites();
        assertThat(ApiClient.count(sites, "UP")).as("after %s", step).isEqualTo(2);
        assertThat(ApiClient.count(sites, "DOWN")).as("after %s", step).isEqualTo(1);
        List<JsonObject> incidents = incidents(api);
        assertThat(incidents).as("no incident opened by a step of %s", step).singleElement()
            .satisfies(i -> {
              assertThat(i.getLong("id")).isEqualTo(incident.getLong("id"));
              assertThat(i.getString("opened_at")).isEqualTo(incident.getString("opened_at"));
              assertThat(i.getDouble("duration_seconds")).isGreaterThanOrEqualTo(0);
            });
        assertNoNegativeSeconds(api.json("/api/v1/availability").encode());
        assertNoNegativeMetric(api.get("/metrics").body());
        assertThat(received).as("no notification caused by a step of %s", step).hasSize(1);
      }

      // Back an hour before the outage began: its recovery lasted "no time", never a negative one.
      nft("delete table ip " + TABLE);
      Poll.until(() -> received.size() == 2, Duration.ofSeconds(30), "the recovery notification");
      JsonObject recovery = received.get(1);
      assertThat(recovery.getBoolean("resolved")).isTrue();
      assertThat(recovery.getString("text")).doesNotContain("-").contains("sau 0 giây");
      assertThat(incidents(api)).singleElement().satisfies(i -> {
        assertThat(i.getBoolean("open")).isFalse();
        assertThat(i.getDouble("duration_seconds")).isGreaterThanOrEqualTo(0);
      });
      assertNoNegativeSeconds(api.json("/api/v1/availability").encode());
      assertThat(api.get("/api/v1/rollout").statusCode()).isEqualTo(200);
    } finally {
      nft("delete table ip " + TABLE);
      if (agent != null) {
        agent.close();
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      hook.stop(0);
    }
  }

  static List<JsonObject> incidents(ApiClient api) throws Exception {
    return api.json("/api/v1/incidents").getJsonArray("incidents").stream().map(JsonObject.class::cast).toList();
  }

  static final Pattern SECONDS = Pattern.compile("\"([a-z_]*seconds)\":(-?[0-9.]+)");

  static void assertNoNegativeSeconds(String json) {
    Matcher m = SECONDS.matcher(json);
    int found = 0;
    while (m.find()) {
      found++;
      assertThat(Double.parseDouble(m.group(2))).as("%s in %s", m.group(1), json).isGreaterThanOrEqualTo(0);
    }
    assertThat(found).as("durations in %s", json).isPositive();
  }

  static void assertNoNegativeMetric(String text) {
    for (String line : text.split("\n")) {
      if (line.startsWith("vcmon_") && line.contains("seconds")) {
        assertThat(line).as("a metric in seconds").doesNotContain(" -");
      }
    }
  }

  static void nft(String script) throws Exception {
    new ProcessBuilder("nft", script).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start().waitFor(10, TimeUnit.SECONDS);
  }
}
