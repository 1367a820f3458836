package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.daitu.vcmon.probe.snmp.FakeSnmpClient.Request;
import org.daitu.vcmon.probe.snmp.SnmpClient.Failure;
import org.daitu.vcmon.probe.snmp.SnmpClient.Local;
import org.daitu.vcmon.probe.snmp.SnmpClient.Report;
import org.daitu.vcmon.probe.snmp.SnmpClient.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.snmp4j.PDU;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * The generic poll recipe through {@link FakeSnmpClient}: what it reads and asks of any agent,
 * results and exact requests. The same behaviour Snmp4jProbeIT and Snmp4jProbeHostileIT check
 * against real and hostile agents, pinned without either.
 */
class PollRecipeTest {
  private static final int MAX_INTERFACES = 64;
  /** sysDescr.0, sysObjectID.0, sysUpTime.0, sysName.0: written out, not taken from the code. */
  static final List<OID> SYSTEM_GROUP =
      oids("1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.1.5.0");
  /** ifDescr, ifAdminStatus, ifOperStatus. */
  static final List<OID> IF_COLUMNS =
      oids("1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.2.2.1.7", "1.3.6.1.2.1.2.2.1.8");
  static final Request SYSTEM = Request.get(SYSTEM_GROUP);
  static final Request INTERFACES = Request.getBulk(16, IF_COLUMNS);

  private final PollRecipe recipe = new PollRecipe(VendorProfiles.standard(), MAX_INTERFACES);

  @Test
  void systemGroupAndInterfacesAreRead() {
    FakeSnmpClient agent =
        new FakeSnmpClient()
            .system("ha-thuong", "Room codec 1", FakeSnmpClient.NET_SNMP, 4242)
            .iface(1, "lo", 1, 1)
            .iface(2, "eth0", 1, 2);

    SnmpResult r = run(recipe, agent);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.reason()).isNull();
    assertThat(r.sysName()).isEqualTo("ha-thuong");
    assertThat(r.sysDescr()).isEqualTo("Room codec 1");
    assertThat(r.sysObjectId()).isEqualTo(FakeSnmpClient.NET_SNMP);
    assertThat(r.vendorProfile()).isEqualTo("generic");
    assertThat(r.uptimeTicks()).isEqualTo(4242);
    assertThat(r.interfaces())
        .containsExactly(new InterfaceStatus(1, "lo", 1, 1), new InterfaceStatus(2, "eth0", 1, 2));
    assertThat(r.activeCalls()).isNull();
    assertThat(r.registrationFailures()).isEmpty();
    // one GET, one GETBULK whose answer already runs past the table: nothing vendor-specific
    assertThat(agent.requests()).containsExactly(SYSTEM, INTERFACES);
  }

  @ParameterizedTest(name = "{0} ticks = {1}s")
  @CsvSource({"0, 0.0", "4242, 42.42", "8640000, 86400.0", "4294967295, 42949672.95"})
  void sysUpTimeIsReadInTicks(long ticks, double seconds) {
    FakeSnmpClient agent = new FakeSnmpClient().system("s", "d", FakeSnmpClient.NET_SNMP, ticks);
    SnmpResult r = run(recipe, agent);
    assertThat(r.uptimeTicks()).isEqualTo(ticks);
    assertThat(r.uptimeSeconds()).isEqualTo(seconds);
  }

  @ParameterizedTest(name = "admin {0} oper {1} -> oper {2}, faulty {3}")
  @CsvSource({
    "1, 1, 1, false", // up
    "1, 2, 2, true", // down: a cable or port problem
    "1, 7, 7, true", // lowerLayerDown
    "2, 2, 2, false", // admin-down: switched off on purpose
    "1, 5, 5, false", // dormant
    "1, 99, 4, false", // not an ifOperStatus: unknown
  })
  void interfaceStatusesAreMapped(int admin, int oper, int read, boolean faulty) {
    FakeSnmpClient agent =
        new FakeSnmpClient()
            .system("s", "d", FakeSnmpClient.NET_SNMP, 1)
            .iface(3, "eth1", admin, oper);
    InterfaceStatus row = run(recipe, agent).interfaces().get(0);
    assertThat(row).isEqualTo(new InterfaceStatus(3, "eth1", admin, read));
    assertThat(row.isFaulty()).isEqualTo(faulty);
  }

  @Test
  void anInterfaceWithoutIfDescrIsNamedByItsIndex() {
    FakeSnmpClient agent =
        new FakeSnmpClient()
            .system("s", "d", FakeSnmpClient.NET_SNMP, 1)
            .set(new OID(Mib.IF_ADMIN_STATUS).append(7), new Integer32(1))
            .set(new OID(Mib.IF_OPER_STATUS).append(7), new Integer32(1));
    assertThat(run(recipe, agent).interfaces())
        .containsExactly(new InterfaceStatus(7, "if7", 1, 1));
  }

  static Stream<Arguments> failedSystemGets() {
    OID wrongDigests = SnmpConstants.usmStatsWrongDigests;
    return Stream.of(
        Arguments.of(FakeSnmpClient.timeout(), SnmpStatus.TIMEOUT,
            "no SNMP answer within 300ms (2 attempts)"),
        Arguments.of(new Timeout(Duration.ofSeconds(2), 1), SnmpStatus.TIMEOUT,
            "no SNMP answer within 2s (1 attempt)"),
        Arguments.of(new SnmpClient.ErrorStatus(PDU.genErr, 0, null), SnmpStatus.AGENT_ERROR,
            "agent error: genErr"),
        Arguments.of(new Report(wrongDigests, "vcuser", false), SnmpStatus.AUTH_FAILURE,
            "SNMPv3 authentication failed: wrong auth password for user vcuser"),
        Arguments.of(new Report(SnmpConstants.usmStatsUnknownUserNames, "nobody", false),
            SnmpStatus.AUTH_FAILURE,
            "SNMPv3 authentication failed: unknown user nobody (the agent has no such USM user)"),
        Arguments.of(new Report(SnmpConstants.usmStatsUnknownEngineIDs, "vcuser", true),
            SnmpStatus.AUTH_FAILURE,
            "SNMPv3 request unanswered after engine-ID discovery: wrong privacy password"
                + " for user vcuser?"),
        Arguments.of(new Report(null, "vcuser", false), SnmpStatus.AGENT_ERROR,
            "agent sent a report: ?"),
        Arguments.of(new Local("SNMP request failed locally: the probe was closed"),
            SnmpStatus.UNAVAILABLE, "SNMP request failed locally: the probe was closed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failedSystemGets")
  void aFailedSystemGetEndsThePollWithItsStatusAndReason(
      Failure failure, SnmpStatus status, String reason) {
    FakeSnmpClient agent =
        new FakeSnmpClient()
            .system("s", "d", FakeSnmpClient.NET_SNMP, 1)
            .iface(1, "lo", 1, 1)
            .failOn(Mib.SYS_UPTIME, failure);

    SnmpResult r = run(recipe, agent);

    assertThat(r).isEqualTo(SnmpResult.failed(status, reason));
    assertThat(r.uptimeTicks()).isEqualTo(-1);
    assertThat(agent.requests()).containsExactly(SYSTEM);
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({
    "5, 1.3.6.1.2.1.1.1.0, agent error: genErr on sysDescr.0",
    "16, 1.3.6.1.2.1.1.3.0, agent error: authorizationError on sysUpTime.0",
    "99, 1.3.6.1.2.1.1.2.0, agent error: error-status 99 on sysObjectID.0",
  })
  void anAgentErrorNamesTheErrorAndTheObject(int status, String oid, String reason) {
    FakeSnmpClient agent =
        new FakeSnmpClient()
            .system("s", "d", FakeSnmpClient.NET_SNMP, 1)
            .errorStatusOn(new OID(oid), status);
    assertThat(run(recipe, agent)).isEqualTo(SnmpResult.failed(SnmpStatus.AGENT_ERROR, reason));
    assertThat(agent.requests()).containsExactly(SYSTEM);
  }

  static Stream<Arguments> brokenSysUpTimes() {
    return Stream.of(
        Arguments.of(null, "sysUpTime.0 missing (noSuchObject)"),
        Arguments.of(Null.noSuchInstance, "sysUpTime.0 missing (noSuchInstance)"),
        Arguments.of(new Integer32(12345), "sysUpTime.0 is INTEGER, not TimeTicks"),
        Arguments.of(new OctetString("12345"), "sysUpTime.0 is OCTET STRING, not TimeTicks"),
        Arguments.of(new Counter32(5), "sysUpTime.0 is Counter32, not TimeTicks"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("brokenSysUpTimes")
  void anAnswerWithoutATimeTicksSysUpTimeIsOkWithTheUptimeUnknownAndTheProblemNamed(
      Variable uptime, String problem) {
    FakeSnmpClient agent =
        new FakeSnmpClient()
            .system("tiny", "Room codec", PollRecipePolycomTest.POLYCOM, 1)
            .iface(1, "LAN", 1, 1)
            .set("1.3.6.1.4.1.13885.101.1.5.1.0", new Integer32(1)) // in a call
            .set("1.3.6.1.4.1.13885.101.1.2.7.2.0", new Integer32(2)); // registered
    if (uptime == null) {
      agent.remove(Mib.SYS_UPTIME);
    } else {
      agent.set(Mib.SYS_UPTIME, uptime);
    }

    SnmpResult r = run(recipe, agent);

    // not SNMP silent: everything else of the answer is read and used
    assertThat(r.status()).isEqualTo(SnmpStatus.OK);
    assertThat(r.reason()).isNull();
    assertThat(r.uptimeTicks()).isEqualTo(-1);
    assertThat(r.problems()).containsExactly(problem + "; reboots cannot be detected");
    assertThat(r.sysName()).isEqualTo("tiny");
    assertThat(r.sysDescr()).isEqualTo("Room codec");
    assertThat(r.vendor()).isEqualTo("Polycom");
    assertThat(r.vendorProfile()).isEqualTo("polycom");
    assertThat(r.interfaces()).containsExactly(new InterfaceStatus(1, "LAN", 1, 1));
    assertThat(r.activeCalls()).isEqualTo(1);
    assertThat(agent.requests()).hasSize(4).startsWith(SYSTEM, INTERFACES);
  }

  @Test
  void anAnswerWithOnlySysNameIsStillAnAnswer() {
    FakeSnmpClient agent = new FakeSnmpClient().set(Mib.SYS_NAME, new OctetString("tiny"));
    SnmpResult r = run(recipe, agent);
    assertThat(r.status()).isEqualTo(SnmpStatus.OK);
    assertThat(r.sysName()).isEqualTo("tiny");
    assertThat(r.vendor()).isNull();
    assertThat(r.vendorProfile()).isEqualTo("generic");
    assertThat(r.problems())
        .containsExactly(
            "sysDescr.0 missing (noSuchObject)",
            "sysObjectID.0 missing (noSuchObject)",
            "sysUpTime.0 missing (noSuchObject); reboots cannot be detected");
    assertThat(agent.requests()).containsExactly(SYSTEM, INTERFACES);
  }

  @Test
  void anObjectRefusedWithNoSuchNameIsAskedNoMoreAndIsAProblem() {
    FakeSnmpClient agent =
        new FakeSnmpClient()
            .system("s", "Room codec", FakeSnmpClient.NET_SNMP, 4242)
            .iface(1, "lo", 1, 1)
            .errorStatusOn(Mib.SYS_NAME, PDU.noSuchName);

    SnmpResult r = run(recipe, agent);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.sysName()).isNull();
    assertThat(r.sysDescr()).isEqualTo("Room codec");
    assertThat(r.uptimeTicks()).isEqualTo(4242);
    assertThat(r.vendor()).isEqualTo("Net-SNMP");
    assertThat(r.interfaces()).containsExactly(new InterfaceStatus(1, "lo", 1, 1));
    assertThat(r.problems()).containsExactly("sysName.0 missing (noSuchName)");
    assertThat(agent.requests())
        .containsExactly(
            SYSTEM,
            Request.get(oids("1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.3.0")),
            INTERFACES);
  }

  @Test
  void noSuchNameForEveryObjectCostsOneRequestPerObjectAndNoMore() {
    FakeSnmpClient agent =
        new FakeSnmpClient()
            .system("s", "d", FakeSnmpClient.NET_SNMP, 1)
            .errorStatusOn(new OID("1.3.6.1.2.1.1"), PDU.noSuchName);

    SnmpResult r = run(recipe, agent);

    assertThat(r.status()).isEqualTo(SnmpStatus.OK);
    assertThat(r.uptimeTicks()).isEqualTo(-1);
    assertThat(r.problems())
        .containsExactly(
            "sysDescr.0 missing (noSuchName)",
            "sysObjectID.0 missing (noSuchName)",
            "sysUpTime.0 missing (noSuchName); reboots cannot be detected",
            "sysName.0 missing (noSuchName)");
    // each answer names the first object asked: dropped one by one, never asked twice
    assertThat(agent.requests())
        .containsExactly(
            SYSTEM,
            Request.get(SYSTEM_GROUP.subList(1, 4)),
            Request.get(SYSTEM_GROUP.subList(2, 4)),
            Request.get(SYSTEM_GROUP.subList(3, 4)),
            INTERFACES);
  }

  @Test
  void noSuchNameThatPointsAtNoObjectIsAnAgentError() {
    FakeSnmpClient agent =
        new FakeSnmpClient()
            .system("s", "d", FakeSnmpClient.NET_SNMP, 1)
            .failOn(Mib.SYS_NAME, new SnmpClient.ErrorStatus(PDU.noSuchName, 0, null));
    assertThat(run(recipe, agent))
        .isEqualTo(SnmpResult.failed(SnmpStatus.AGENT_ERROR, "agent error: noSuchName"));
    assertThat(agent.requests()).containsExactly(SYSTEM);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      nullValues = "null",
      value = {
        "1.3.6.1.4.1.13885.101, Polycom",
        "1.3.6.1.4.1.5596.150.6.4.1, Cisco (Tandberg)",
        "1.3.6.1.4.1.8072.3.2.10, Net-SNMP",
        "1.3.6.1.4.1.99999.1, null",
      })
  void theVendorIsNamedFromSysObjectId(String sysObjectId, String vendor) {
    FakeSnmpClient agent = new FakeSnmpClient().system("s", "d", sysObjectId, 1);
    assertThat(run(recipe, agent).vendor()).isEqualTo(vendor);
  }

  @Test
  void wrongTypesBesideSysUpTimeAreUnknownValuesNotErrors() {
    FakeSnmpClient agent =
        new FakeSnmpClient()
            .system("hostile", "d", FakeSnmpClient.NET_SNMP, 12_345)
            // an OID's text in a string is no sysObjectID: no vendor profile is guessed from it
            .set(Mib.SYS_OBJECT_ID, new OctetString("1.3.6.1.4.1.13885.101"))
            .iface(1, "eth1", 1, 1)
            .set(new OID(Mib.IF_ADMIN_STATUS).append(1), new OctetString("up"))
            .set(new OID(Mib.IF_OPER_STATUS).append(1), new Counter64(1));

    SnmpResult r = run(recipe, agent);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.sysObjectId()).isNull();
    assertThat(r.vendorProfile()).isEqualTo("generic");
    assertThat(r.vendor()).isNull();
    assertThat(r.problems()).containsExactly("sysObjectID.0 is OCTET STRING, not OBJECT IDENTIFIER");
    assertThat(r.uptimeTicks()).isEqualTo(12_345);
    assertThat(r.interfaces()).containsExactly(new InterfaceStatus(1, "eth1", 4, 4));
    assertThat(agent.requests()).containsExactly(SYSTEM, INTERFACES);
  }

  @Test
  void maxInterfacesCutsTheWalkAndBoundsItsRequests() {
    FakeSnmpClient agent = agentWithInterfaces(120);
    SnmpResult r = run(new PollRecipe(VendorProfiles.standard(), 20), agent);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.interfaces()).hasSize(20);
    assertThat(r.interfaces()).extracting(InterfaceStatus::index).isSorted()
        .startsWith(10_001).endsWith(10_020);
    // 16 rows, the 4 left to the bound, then one row to see past it
    assertThat(agent.requests())
        .containsExactly(
            SYSTEM,
            INTERFACES,
            Request.getBulk(4, columnsAt(10_016)),
            Request.getBulk(1, columnsAt(10_020)));
  }

  @Test
  void aTableWithinTheBoundIsReadToItsEnd() {
    FakeSnmpClient agent = agentWithInterfaces(120);
    SnmpResult r = run(new PollRecipe(VendorProfiles.standard(), 500), agent);

    assertThat(r.interfaces()).hasSize(120);
    assertThat(r.interfaces().stream().filter(InterfaceStatus::isFaulty).count()).isEqualTo(60);
    // 16 rows per answer: the eighth runs past the table
    List<Request> expected = new ArrayList<>(List.of(SYSTEM, INTERFACES));
    for (int last = 10_016; last <= 10_112; last += 16) {
      expected.add(Request.getBulk(16, columnsAt(last)));
    }
    assertThat(agent.requests()).containsExactlyElementsOf(expected);
  }

  @Test
  void noInterfacesAreAskedWhenTheBoundIsZero() {
    FakeSnmpClient agent = agentWithInterfaces(3);
    SnmpResult r = run(new PollRecipe(VendorProfiles.standard(), 0), agent);
    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.interfaces()).isEmpty();
    assertThat(agent.requests()).containsExactly(SYSTEM);
  }

  @Test
  void anAgentAnsweringOneRowAtATimeCostsABoundedNumberOfRequests() {
    FakeSnmpClient agent = agentWithInterfaces(120).rowsPerAnswer(1);
    SnmpResult r = run(recipe, agent);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    // 64 rows / 16 per request + 1: the walk gives up, keeping what it read
    assertThat(agent.requests()).hasSize(1 + MAX_INTERFACES / TableWalk.MAX_REPETITIONS + 1);
    assertThat(r.interfaces()).extracting(InterfaceStatus::index)
        .containsExactly(10_001, 10_002, 10_003, 10_004, 10_005);
  }

  @Test
  void aFailedInterfaceWalkLeavesTheInterfacesEmptyAndThePollOk() {
    FakeSnmpClient first =
        agentWithInterfaces(3).failOn(Mib.IF_DESCR, FakeSnmpClient.timeout());
    SnmpResult r = run(recipe, first);
    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.sysName()).isEqualTo("vlans");
    assertThat(r.interfaces()).isEmpty();
    assertThat(first.requests()).containsExactly(SYSTEM, INTERFACES);

    // rows read before the failing request are dropped too: no partial tables (yet)
    FakeSnmpClient later =
        agentWithInterfaces(40)
            .errorStatusOn(new OID(Mib.IF_OPER_STATUS).append(10_016), PDU.genErr);
    SnmpResult partial = run(recipe, later);
    assertThat(partial.status()).as(partial.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(partial.interfaces()).isEmpty();
    assertThat(later.requests())
        .containsExactly(
            SYSTEM, INTERFACES, Request.getBulk(16, columnsAt(10_016)));
  }

  @Test
  void aClientFailureOtherThanTheAgentsIsAFailedRun() {
    IllegalStateException bug = new IllegalStateException("bug");
    SnmpClient broken =
        new SnmpClient() {
          @Override
          public Future<List<VariableBinding>> get(List<OID> oids) {
            return Future.failedFuture(bug);
          }

          @Override
          public Future<List<VariableBinding>> getBulk(
              List<OID> oids, int maxRepetitions) {
            return Future.failedFuture(bug);
          }
        };
    Future<SnmpResult> f = recipe.run(broken);
    assertThat(f.failed()).isTrue();
    assertThat(f.cause()).isSameAs(bug);
  }

  /** ifTable rows 10001..10000+n named vlanN, admin up, every other one down. */
  static FakeSnmpClient agentWithInterfaces(int n) {
    FakeSnmpClient agent = new FakeSnmpClient().system("vlans", "d", FakeSnmpClient.NET_SNMP, 1);
    for (int i = 1; i <= n; i++) {
      agent.iface(10_000 + i, "vlan" + i, 1, i % 2 == 0 ? 1 : 2);
    }
    return agent;
  }

  /** The three ifTable columns at row {@code index}: where a walk continues from. */
  private static List<OID> columnsAt(int index) {
    return IF_COLUMNS.stream().map(c -> new OID(c).append(index)).toList();
  }

  static List<OID> oids(String... dotted) {
    return Stream.of(dotted).map(OID::new).toList();
  }

  /** Runs the recipe; over the fake it is complete at once, and never fails. */
  static SnmpResult run(PollRecipe recipe, SnmpClient agent) {
    Future<SnmpResult> f = recipe.run(agent);
    assertThat(f.isComplete()).as("the recipe over a fake completes at once").isTrue();
    assertThat(f.succeeded()).as("%s", f.cause()).isTrue();
    return f.result();
  }
}
