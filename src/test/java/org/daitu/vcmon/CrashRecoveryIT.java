package org.daitu.vcmon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.ApiClient.count;
import static org.daitu.vcmon.testing.ApiClient.state;
import static org.daitu.vcmon.testing.PackagedAgent.freePort;
import static org.daitu.vcmon.testing.PackagedAgent.start;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.NetnsFleet;
import org.daitu.vcmon.testing.PackagedAgent;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent against real endpoints in network namespaces: sites go down and up, the
 * agent is killed with SIGKILL in the middle of a burst of transitions and started again, and every
 * incident and first-connected date it had reported is intact, none duplicated, and the time it was
 * dead is a gap.
 */
class CrashRecoveryIT {
  int port;

  @Test
  void nothingReportedIsLostOrDuplicatedAcrossSigkill(@TempDir Path dir) throws Exception {
    PackagedAgent.requireBuilt();
    HostTools.requireAvailable(NetnsFleet.unavailableReason());
    try (NetnsFleet fleet = NetnsFleet.up(3)) {
      port = freePort();
      Path cfg = TestConfig.in(dir)
          .section("http", "{ host: 127.0.0.1, port: " + port + " }")
          .section("probe", "{ interval: 3s, timeout: 500ms, recheck_interval: 1s }")
          .section("snmp_profiles", "{ v2c: { version: 2c, community: " + fleet.community() + " } }")
          .site("district-core", "name: Core, type: district, address: " + fleet.coreAddress())
          .fleet(fleet.sites(), "parent: district-core, snmp: { profile: v2c }")
          .write();

      Process agent = start(cfg, dir.resolve("run1.log"));
      try {
        waitFor("all UP", body -> count(body, "UP") == 4);
        Map<String, String> firstConnected = firstConnected();
        assertThat(firstConnected).hasSize(3);

        String s1 = fleet.sites().get(0).id();
        String s2 = fleet.sites().get(1).id();
        fleet.fail(1);
        waitFor(s1 + " DOWN", state(s1, "DOWN"));
        fleet.recover(1);
        waitFor(s1 + " UP", state(s1, "UP"));
        fleet.fail(2);
        waitFor(s2 + " DOWN", state(s2, "DOWN"));
        // A burst: the core fails, everything behind it follows; kill while it happens.
        fleet.failCore();
        waitFor("core DOWN", state("district-core", "DOWN"));
        List<JsonObject> before = incidents();
        agent.toHandle().destroyForcibly(); // SIGKILL
        assertThat(agent.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).isEqualTo(137);

        assertThat(before).extracting(i -> i.getString("site")).contains(s1, s2, "district-core");
        JsonObject closedBefore =
            before.stream().filter(i -> i.getString("site").equals(s1) && !i.getBoolean("open")).findFirst().orElseThrow();

        Thread.sleep(2000); // the agent is dead for a while: a gap
        agent = start(cfg, dir.resolve("run2.log"));
        waitFor("API back", body -> true);
        List<JsonObject> after = incidents();
        for (JsonObject b : before) {
          JsonObject a = after.stream().filter(x -> x.getLong("id").equals(b.getLong("id"))).findFirst()
              .orElseThrow(() -> new AssertionError("incident lost: " + b));
          assertThat(a.getString("site")).isEqualTo(b.getString("site"));
          assertThat(a.getString("opened_at")).isEqualTo(b.getString("opened_at"));
          if (!b.getBoolean("open")) {
            assertThat(a.getString("closed_at")).isEqualTo(b.getString("closed_at"));
          }
        }
        JsonObject closedAfter = after.stream().filter(i -> i.getLong("id").equals(closedBefore.getLong("id"))).findFirst().orElseThrow();
        assertThat(closedAfter.getDouble("duration_seconds")).isEqualTo(closedBefore.getDouble("duration_seconds"));
        assertNoSiteHasTwoOpenIncidents(after);

        fleet.recoverCore();
        fleet.recover(2);
        waitFor("all UP again", body -> count(body, "UP") == 4);
        List<JsonObject> end = incidents();
        assertThat(end.stream().filter(i -> i.getBoolean("open"))).as("every outage closed").isEmpty();
        assertThat(end.stream().filter(i -> i.getString("site").equals(s2))).as("one outage of site 2, not two").hasSize(1);
        assertThat(firstConnected()).as("first-connected dates never move").isEqualTo(firstConnected);
        JsonObject day = get("/api/v1/availability").getJsonArray("sites").getJsonObject(1).getJsonObject("24h");
        assertThat(day.getLong("excluded_seconds")).as("the dead time is a gap, excluded").isGreaterThanOrEqualTo(2);
        assertThat(day.getLong("down_seconds")).isGreaterThan(0);
      } finally {
        agent.destroyForcibly();
      }
    }
  }

  static void assertNoSiteHasTwoOpenIncidents(List<JsonObject> incidents) {
    Set<String> open = new HashSet<>();
    for (JsonObject i : incidents) {
      if (i.getBoolean("open")) {
        assertThat(open.add(i.getString("site"))).as("two open incidents for %s", i.getString("site")).isTrue();
      }
    }
  }

  Map<String, String> firstConnected() throws Exception {
    Map<String, String> out = new HashMap<>();
    for (Object o : get("/api/v1/sites").getJsonArray("sites")) {
      JsonObject s = (JsonObject) o;
      String first = s.getJsonObject("rollout").getString("first_connected");
      if (first != null && s.getString("type").equals("xã")) {
        out.put(s.getString("id"), first);
      }
    }
    return out;
  }

  List<JsonObject> incidents() throws Exception {
    JsonArray list = get("/api/v1/incidents").getJsonArray("incidents");
    List<JsonObject> out = new ArrayList<>();
    list.forEach(o -> out.add((JsonObject) o));
    return out;
  }

  JsonObject get(String path) throws Exception {
    return new ApiClient(port).json(path);
  }

  void waitFor(String what, Predicate<JsonObject> condition) throws Exception {
    new ApiClient(port).waitFor(what, Duration.ofSeconds(40), condition);
  }
}
