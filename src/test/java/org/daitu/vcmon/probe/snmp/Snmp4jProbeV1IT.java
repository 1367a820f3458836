package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.Secret;
import org.daitu.vcmon.config.SnmpProfile;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.Snmpd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.PDU;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;

/**
 * SNMPv1 against a real net-snmp agent that speaks only v1 (VACM: a community whose group has
 * the v1 security model alone), as old CPE routers and older codecs do.
 */
class Snmp4jProbeV1IT {
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private static final AgentConfig.Snmp SNMP = new AgentConfig.Snmp(1, 64);
  private static final String COMMUNITY = "old-ro";
  private static final SnmpProfile V1 = SnmpProfile.v1("old", Secret.of(COMMUNITY));
  /** The same community with the version most profiles use: what a v1-only agent never answers. */
  private static final SnmpProfile AS_2C = SnmpProfile.v2c("old-as-2c", Secret.of(COMMUNITY));
  /** hrSystemUptime.0 (HOST-RESOURCES-MIB): in the fixture's view. */
  private static final OID HR_UPTIME = new OID("1.3.6.1.2.1.25.1.1.0");
  /** ipForwarding.0 (IP-MIB): outside the fixture's view, so missing for the community. */
  private static final OID IP_FORWARDING = new OID("1.3.6.1.2.1.4.1.0");

  @TempDir Path tmp;
  private Vertx vertx;
  private final List<Snmp4jProbe> probes = new ArrayList<>();
  private final List<Snmpd> agents = new ArrayList<>();

  @BeforeAll
  static void needSnmpd() {
    HostTools.requireAvailable(Snmpd.unavailableReason());
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Snmp4jProbe p : probes) {
      await(p.close());
    }
    agents.forEach(Snmpd::close);
    await(vertx.close());
  }

  @Test
  void aV1OnlyAgentPolledWithVersion1AnswersTheSystemGroupAndItsInterfaces() throws Exception {
    Snmpd agent =
        agent(Snmpd.builder(tmp).sysName("old-cpe").sysDescr("Old CPE router")
            .v1Community(COMMUNITY));
    SnmpResult r = await(probe(V1).poll(agent.address(), agent.port(), V1));

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.reason()).isNull();
    assertThat(r.sysName()).isEqualTo("old-cpe");
    assertThat(r.sysDescr()).isEqualTo("Old CPE router");
    assertThat(r.sysObjectId()).startsWith("1.3.6.1.4.1.8072.3.2");
    assertThat(r.uptimeTicks()).isBetween(0L, 60_000L);
    // the interface table, walked with GETNEXT: v1 has no GETBULK
    assertThat(r.interfaces()).extracting(InterfaceStatus::name).contains("lo");
    InterfaceStatus lo =
        r.interfaces().stream().filter(i -> i.name().equals("lo")).findFirst().orElseThrow();
    assertThat(lo.adminStatus()).isEqualTo(1);
    assertThat(lo.operStatus()).isEqualTo(1);
    assertThat(r.interfacesPartial()).isFalse();
  }

  @Test
  void theSameAgentPolledAs2cLooksDead() throws Exception {
    Snmpd agent = agent(Snmpd.builder(tmp).v1Community(COMMUNITY));
    SnmpResult r = await(probe(AS_2C).poll(agent.address(), agent.port(), AS_2C));

    // net-snmp drops a v2c request for a v1-only community without a word: exactly what a dead
    // agent gives (docs/configuration.md says how to tell them apart and to set version: 1)
    assertThat(r.status()).isEqualTo(SnmpStatus.TIMEOUT);
    assertThat(r.reason()).isEqualTo("no SNMP answer within 300ms (2 attempts)");
    assertThat(r.uptimeTicks()).isEqualTo(-1);
    assertThat(agent.isRunning()).isTrue();
    assertThat(await(probe(V1).poll(agent.address(), agent.port(), V1)).ok()).isTrue();
  }

  @Test
  void aGetOfAMissingObjectIsTheNoSuchNameErrorStatus() throws Exception {
    Snmpd agent = agent(Snmpd.builder(tmp).v1Community(COMMUNITY));
    SnmpClient client = client(probe(V1), agent, V1);

    List<VariableBinding> present = await(client.get(List.of(Mib.SYS_NAME, HR_UPTIME)));
    assertThat(present).hasSize(2);

    Future<List<VariableBinding>> missing = client.get(List.of(Mib.SYS_NAME, IP_FORWARDING));
    Throwable failed = await(missing.transform(ar -> Future.succeededFuture(ar.cause())));
    assertThat(failed).isInstanceOf(SnmpClient.RequestFailed.class);
    // v1 has no noSuchObject: the whole GET is refused, the error-index naming the object
    assertThat(((SnmpClient.RequestFailed) failed).failure())
        .isEqualTo(new SnmpClient.ErrorStatus(PDU.noSuchName, 2, IP_FORWARDING));
  }

  @Test
  void aGetNextPastTheEndOfTheViewEndsTheColumnLikeEndOfMibView() throws Exception {
    // a community that sees the system group and three ifTable columns, nothing after them:
    // ifOperStatus of the last interface is the last object, so its GETNEXT is noSuchName
    Snmpd agent =
        agent(Snmpd.builder(tmp).v1Community(COMMUNITY)
            .extraConfig("view tinyview included .1.3.6.1.2.1.1")
            .extraConfig("view tinyview included .1.3.6.1.2.1.2.2.1.2")
            .extraConfig("view tinyview included .1.3.6.1.2.1.2.2.1.7")
            .extraConfig("view tinyview included .1.3.6.1.2.1.2.2.1.8")
            .extraConfig("com2sec tinysec default tiny-ro")
            .extraConfig("group tinygroup v1 tinysec")
            .extraConfig("access tinygroup \"\" any noauth exact tinyview none none"));
    SnmpProfile tiny = SnmpProfile.v1("tiny", Secret.of("tiny-ro"));
    Snmp4jProbe probe = probe(List.of(V1, tiny), SNMP);

    SnmpClient client = client(probe, agent, tiny);
    List<VariableBinding> rows = await(client.getBulk(List.of(Mib.IF_OPER_STATUS), 64));
    VariableBinding last = rows.get(rows.size() - 1);
    assertThat(last.getVariable().isException()).isTrue();
    assertThat(last.getVariable().getSyntaxString()).isEqualTo("EndOfMibView");
    assertThat(rows.subList(0, rows.size() - 1))
        .allSatisfy(vb -> assertThat(vb.getOid().startsWith(Mib.IF_OPER_STATUS)).isTrue());

    SnmpResult full = await(probe.poll(agent.address(), agent.port(), V1));
    SnmpResult r = await(probe.poll(agent.address(), agent.port(), tiny));
    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    // the same rows; ifType is outside this view, so only the columns it sees are compared
    assertThat(r.interfaces())
        .isNotEmpty()
        .extracting(InterfaceStatus::index, InterfaceStatus::name, InterfaceStatus::adminStatus, InterfaceStatus::operStatus)
        .isEqualTo(
            full.interfaces().stream()
                .map(i -> org.assertj.core.groups.Tuple.tuple(i.index(), i.name(), i.adminStatus(), i.operStatus()))
                .toList());
    assertThat(r.interfacesPartial()).isFalse();
  }

  @Test
  void manyInterfacesAreReadOverSeveralCallsAndBoundedByMaxInterfaces() throws Exception {
    Snmpd.Builder b = Snmpd.builder(tmp).v1Community(COMMUNITY);
    for (int i = 1; i <= 120; i++) {
      int index = 10_000 + i;
      b.override("1.3.6.1.2.1.2.2.1.2." + index, "octet_str", "vlan" + i)
          .override("1.3.6.1.2.1.2.2.1.7." + index, "integer", "1")
          .override("1.3.6.1.2.1.2.2.1.8." + index, "integer", i % 2 == 0 ? "1" : "2");
    }
    Snmpd agent = agent(b);

    SnmpResult all =
        await(probe(List.of(V1), new AgentConfig.Snmp(1, 500)).poll(agent.address(), agent.port(), V1));
    assertThat(all.status()).as(all.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(all.interfaces()).filteredOn(i -> i.name().startsWith("vlan")).hasSize(120);
    assertThat(all.interfaces().stream().filter(InterfaceStatus::isFaulty).count()).isEqualTo(60);
    assertThat(all.interfacesPartial()).isFalse();

    SnmpResult bounded =
        await(probe(List.of(V1), new AgentConfig.Snmp(1, 20)).poll(agent.address(), agent.port(), V1));
    assertThat(bounded.status()).as(bounded.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(bounded.interfaces()).hasSize(20);
    assertThat(bounded.interfaces()).extracting(InterfaceStatus::index).isSorted();
  }

  private Snmpd agent(Snmpd.Builder builder) throws Exception {
    Snmpd agent = builder.start();
    agents.add(agent);
    return agent;
  }

  private Snmp4jProbe probe(SnmpProfile profile) throws Exception {
    return probe(List.of(profile), SNMP);
  }

  private Snmp4jProbe probe(List<SnmpProfile> profiles, AgentConfig.Snmp cfg) throws Exception {
    Map<String, SnmpProfile> byName = new LinkedHashMap<>();
    profiles.forEach(p -> byName.put(p.name(), p));
    Snmp4jProbe p = new Snmp4jProbe(vertx, byName, TIMEOUT, cfg);
    probes.add(p);
    await(p.start());
    return p;
  }

  private SnmpClient client(Snmp4jProbe probe, Snmpd agent, SnmpProfile profile) throws Exception {
    return probe.client(
        vertx.getOrCreateContext(), InetAddress.getByName(agent.address()), agent.port(), profile);
  }
}
