package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.Await;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.Snmpd;
import org.daitu.vcmon.testing.SyntheticIfMib;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which interfaces judge a site, end to end: a real agent polls real snmpd agents whose interface
 * tables are chosen row by row ({@link SyntheticIfMib}), pinged on loopback, and the API must show
 * each site's state, reason and interface list as the rule says. One agent with
 * {@code max_interfaces: 10}, so one table fits exactly and another is cut.
 */
class SiteInterfacesIT {
  private static final int ETHERNET = 6;
  private static final int LOOPBACK = 24;
  private static final int L2VLAN = 135;
  private static final int L3IPVLAN = 136;
  private static final int UP = 1;
  private static final int DOWN = 2;

  @TempDir Path dir;
  private final List<Snmpd> agents = new ArrayList<>();
  private Vertx vertx;

  @BeforeAll
  static void needTools() {
    HostTools.require("fping");
    HostTools.requireAvailable(SyntheticIfMib.unavailableReason());
  }

  @AfterEach
  void tearDown() throws Exception {
    agents.forEach(Snmpd::close);
    if (vertx != null) {
      Await.await(vertx.close());
    }
  }

  @Test
  void onlyThePolledAddressAndNamedInterfacesJudgeASite() throws Exception {
    // A switch: its uplink ether1 carries the polled address and is up; seven ports are admin
    // up but have no cable, a VLAN is down. Ten rows: exactly the bound, so the whole table.
    SyntheticIfMib unused =
        new SyntheticIfMib()
            .iface(1, "lo", "lo", null, LOOPBACK, UP, UP)
            .iface(2, "ether1", "Intel 82574L", "uplink VNPT", ETHERNET, UP, UP)
            .address("127.0.0.21", 2);
    for (int i = 2; i <= 8; i++) {
      unused.iface(i + 1, "ether" + i, "Intel 82574L", "", ETHERNET, UP, DOWN);
    }
    unused.iface(10, "vlan10", "", null, L2VLAN, UP, DOWN);

    // A codec whose port carrying the polled address is down (it answers through the other).
    SyntheticIfMib uplinkDown =
        new SyntheticIfMib()
            .iface(1, "ether1", "Intel Corporation 82574L Gigabit Network Connection", "LAN",
                ETHERNET, UP, DOWN)
            .iface(2, "ether2", "", null, ETHERNET, UP, UP)
            .address("127.0.0.22", 1);

    // A router polled at its loopback address; its uplink is named in the config by its alias.
    SyntheticIfMib namedDown =
        new SyntheticIfMib()
            .iface(1, "lo0", "loopback", null, LOOPBACK, UP, UP)
            .iface(2, "ether2", "Intel 82574L", "uplink VNPT", ETHERNET, UP, DOWN)
            .iface(3, "ether3", "Intel 82574L", null, ETHERNET, UP, DOWN)
            .address("127.0.0.23", 1);

    // A switch polled on its management VLAN, which is down (ports are what to watch); the
    // config names a port it does not have.
    SyntheticIfMib namedMissing =
        new SyntheticIfMib()
            .iface(1, "ether1", "Intel 82574L", null, ETHERNET, UP, UP)
            .iface(2, "Vlan1", "Vlan1", null, L3IPVLAN, UP, DOWN)
            .address("127.0.0.24", 2);

    // Twelve rows, two more than the bound: the last two are not read.
    SyntheticIfMib cut = new SyntheticIfMib().address("127.0.0.25", 1);
    SyntheticIfMib cutNamed = new SyntheticIfMib().address("127.0.0.26", 1);
    for (int i = 1; i <= 12; i++) {
      cut.iface(i, "ether" + i, "Intel 82574L", null, ETHERNET, UP, i == 1 ? UP : DOWN);
      cutNamed.iface(i, "ether" + i, "Intel 82574L", null, ETHERNET, UP, i == 1 ? UP : DOWN);
    }

    TestConfig cfg =
        TestConfig.in(dir)
            .section("probe", "{ interval: 1s, timeout: 300ms, recheck_interval: 500ms,"
                + " icmp: { packets: 2, period: 50ms }, snmp: { max_interfaces: 10 } }")
            .section("state", "{ down_after: 2, up_after: 1 }")
            .section("snmp_profiles", "{ it: { version: 2c, community: it-ro } }");
    site(cfg, "unused-ports", "127.0.0.21", unused, "");
    site(cfg, "uplink-down", "127.0.0.22", uplinkDown, "");
    site(cfg, "named-down", "127.0.0.23", namedDown, ", interfaces: [\"uplink VNPT\"]");
    site(cfg, "named-missing", "127.0.0.24", namedMissing, ", interfaces: [ether1, ether9]");
    site(cfg, "cut-table", "127.0.0.25", cut, "");
    site(cfg, "cut-named", "127.0.0.26", cutNamed, ", interfaces: [ether12]");

    vertx = Vertx.vertx();
    try (TestAgent.Running running = TestAgent.running(vertx, cfg.load())) {
      ApiClient api = running.api();
      Map<String, String> expected =
          Map.of(
              "unused-ports", "UP",
              "uplink-down", "DEGRADED",
              "named-down", "DEGRADED",
              "named-missing", "DEGRADED",
              "cut-table", "UP",
              "cut-named", "DEGRADED");
      api.waitFor("every site in its expected state", Duration.ofSeconds(30),
          body -> expected.entrySet().stream().allMatch(
              e -> ApiClient.state(e.getKey(), e.getValue()).test(body)));
      JsonObject body = api.sites();

      JsonObject unusedPorts = site(body, "unused-ports");
      assertThat(unusedPorts.getString("reason")).isEqualTo("ping and SNMP answer");
      JsonArray ifs = unusedPorts.getJsonObject("snmp").getJsonArray("interfaces");
      assertThat(ifs).hasSize(10);
      assertThat(unusedPorts.getJsonObject("snmp").getBoolean("interfaces_partial")).isFalse();
      assertThat(ifs.getJsonObject(1))
          .isEqualTo(
              new JsonObject()
                  .put("index", 2).put("name", "ether1").put("descr", "Intel 82574L")
                  .put("alias", "uplink VNPT").put("type", ETHERNET)
                  .put("admin_status", UP).put("oper_status", UP)
                  .put("carries_polled_address", true).put("judged", true)
                  .put("judged_because", "carries the polled address"));
      // the ports without a cable and the VLAN are listed, never judged; an empty ifAlias or
      // ifDescr is absent, not ""
      assertThat(objects(ifs))
          .filteredOn(i -> !i.getString("name").equals("ether1"))
          .extracting(i -> i.getBoolean("judged"), i -> i.getValue("judged_because"))
          .containsOnly(tuple(false, null));
      assertThat(ifs.getJsonObject(2).getValue("alias")).isNull();
      assertThat(ifs.getJsonObject(9).getValue("descr")).isNull();
      assertThat(ifs.getJsonObject(9).getInteger("type")).isEqualTo(L2VLAN);

      // named by ifName, not by the long ifDescr
      assertThat(site(body, "uplink-down").getString("reason")).isEqualTo("interface ether1 down");

      JsonObject router = site(body, "named-down");
      assertThat(router.getString("reason")).isEqualTo("interface ether2 down");
      JsonArray routerIfs = router.getJsonObject("snmp").getJsonArray("interfaces");
      assertThat(objects(routerIfs))
          .extracting(i -> i.getString("name"), i -> i.getBoolean("carries_polled_address"),
              i -> i.getValue("judged_because"))
          .containsExactly(
              tuple("lo0", true, null),
              tuple("ether2", false, "named in config"),
              tuple("ether3", false, null));

      JsonObject missing = site(body, "named-missing");
      assertThat(missing.getString("reason"))
          .isEqualTo("interface ether9 named in config not found");
      assertThat(objects(missing.getJsonObject("snmp").getJsonArray("interfaces")))
          .extracting(i -> i.getString("name"), i -> i.getValue("judged_because"))
          .containsExactly(tuple("ether1", "named in config"), tuple("Vlan1", null));

      JsonObject cutTable = site(body, "cut-table");
      assertThat(cutTable.getString("reason")).isEqualTo("ping and SNMP answer");
      assertThat(cutTable.getJsonObject("snmp").getBoolean("interfaces_partial")).isTrue();
      assertThat(cutTable.getJsonObject("snmp").getJsonArray("interfaces")).hasSize(10);

      JsonObject cutNamedSite = site(body, "cut-named");
      assertThat(cutNamedSite.getString("reason"))
          .isEqualTo("interface ether12 named in config not read (interface table partial)");
      assertThat(cutNamedSite.getJsonObject("snmp").getBoolean("interfaces_partial")).isTrue();
    }
  }

  /** Starts an snmpd at {@code address} serving {@code mib}, and adds its site to the config. */
  private void site(TestConfig cfg, String id, String address, SyntheticIfMib mib, String extra)
      throws Exception {
    Path home = dir.resolve(id);
    Snmpd agent =
        mib.serve(Snmpd.builder(home).listen(address, 0).community("it-ro"), home.resolve("mib"))
            .start();
    agents.add(agent);
    cfg.site(id, "name: " + id + ", type: network, address: " + address
        + ", snmp: { profile: it, port: " + agent.port() + extra + " }");
  }

  private static JsonObject site(JsonObject body, String id) {
    return ApiClient.site(body, id).orElseThrow();
  }

  private static List<JsonObject> objects(JsonArray array) {
    return array.stream().map(JsonObject.class::cast).toList();
  }
}
