package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.Secret;
import org.daitu.vcmon.config.SnmpProfile;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.daitu.vcmon.testing.HostileSnmpAgent.Mode;
import org.daitu.vcmon.testing.HostileSnmpAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The SNMP probe against {@link HostileSnmpAgent}: every misbehaviour ends in a clear status
 * within the poll's budget, and leaves the probe able to poll a correct agent right after.
 */
class Snmp4jProbeHostileIT {
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private static final int MAX_INTERFACES = 64;
  private static final AgentConfig.Snmp SNMP = new AgentConfig.Snmp(1, MAX_INTERFACES);
  private static final SnmpProfile V2C = SnmpProfile.v2c("v2c", Secret.of("public"));
  private static final String SILENT = "no SNMP answer within 300ms (2 attempts)";
  /**
   * A poll's worst case here: the system GET, the interface walk (64 rows / 16 per GETBULK + 1
   * requests) and the IP-MIB GET, each at most timeout x attempts; a hang would blow it.
   */
  private static final long BUDGET_MS = (1 + 5 + 1) * 2 * TIMEOUT.toMillis() + 2_000;

  private Vertx vertx;
  private Snmp4jProbe probe;
  private HostileSnmpAgent normal;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    probe = new Snmp4jProbe(vertx, Map.of("v2c", V2C), TIMEOUT, SNMP);
    await(probe.start());
    normal = HostileSnmpAgent.start(Mode.NORMAL, 1);
  }

  @AfterEach
  void tearDown() throws Exception {
    await(probe.close());
    normal.close();
    await(vertx.close());
  }

  @Test
  void normalAgentIsTheControl() throws Exception {
    assertNormalPollWorks();
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"MALFORMED", "TRUNCATED", "WRONG_REQUEST_ID",
      "FROM_WRONG_ADDRESS"})
  void garbageIsIgnoredAndEndsAsATimeout(Mode mode) throws Exception {
    try (HostileSnmpAgent agent = HostileSnmpAgent.start(mode, 7)) {
      SnmpResult r = timedPoll(agent);
      assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.TIMEOUT);
      assertThat(r.reason()).isEqualTo(SILENT);
      // both attempts reached the agent and were answered with garbage
      assertThat(agent.requests()).isEqualTo(2);
    }
    assertNormalPollWorks();
  }

  @Test
  void wrongTypesInTheSystemGroupAreProblemsNamingTheObjectAndTheRestIsRead() throws Exception {
    try (HostileSnmpAgent agent = HostileSnmpAgent.start(Mode.WRONG_TYPES, 7)) {
      SnmpResult r = timedPoll(agent);
      assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
      assertThat(r.problems())
          .containsExactly(
              "sysObjectID.0 is NULL, not OBJECT IDENTIFIER",
              "sysUpTime.0 is OCTET STRING, not TimeTicks; reboots cannot be detected",
              "sysName.0 is Counter64, not OCTET STRING");
      assertThat(r.uptimeTicks()).isEqualTo(-1);
      assertThat(r.sysName()).isNull();
      assertThat(r.sysDescr()).isEqualTo("Hostile room codec");
      assertThat(r.interfaces()).hasSize(HostileSnmpAgent.NORMAL_INTERFACES);
    }
    assertNormalPollWorks();
  }

  @Test
  void noSuchNameForOneObjectIsAProblemAndTheGetIsMadeAgainWithoutIt() throws Exception {
    try (HostileSnmpAgent agent = HostileSnmpAgent.start(Mode.NO_SUCH_NAME, 7)) {
      SnmpResult r = timedPoll(agent);
      assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
      assertThat(r.problems()).containsExactly("sysName.0 missing (noSuchName)");
      assertThat(r.sysName()).isNull();
      assertThat(r.sysDescr()).isEqualTo("Hostile room codec");
      assertThat(r.uptimeTicks()).isEqualTo(12_345);
      assertThat(r.interfaces()).hasSize(HostileSnmpAgent.NORMAL_INTERFACES);
      // the system GET, the GET without sysName.0, one GETBULK for the interfaces, the IP-MIB
      // GET for the interface carrying the polled address
      assertThat(agent.requests()).isEqualTo(4);
    }
    assertNormalPollWorks();
  }

  @Test
  void wrongTypesBesideSysUpTimeAreUnknownValuesNotErrors() throws Exception {
    try (HostileSnmpAgent agent = HostileSnmpAgent.start(Mode.WRONG_TYPES_BESIDE_UPTIME, 7)) {
      SnmpResult r = timedPoll(agent);
      assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
      // a string is no sysObjectID: unknown, so no vendor profile is guessed from it
      assertThat(r.sysObjectId()).isNull();
      assertThat(r.vendorProfile()).isEqualTo("generic");
      assertThat(r.problems()).containsExactly("sysObjectID.0 is OCTET STRING, not OBJECT IDENTIFIER");
      assertThat(r.interfaces())
          .containsExactly(
              FakeSnmpClient.row(1, "eth1", 4, 4),
              FakeSnmpClient.row(2, "eth2", 4, 4),
              FakeSnmpClient.row(3, "eth3", 4, 4));
    }
    assertNormalPollWorks();
  }

  @Test
  void hugeVarbindListsAreReadWithinTheInterfaceBound() throws Exception {
    try (HostileSnmpAgent agent = HostileSnmpAgent.start(Mode.HUGE_VARBIND_LIST, 7)) {
      SnmpResult r = timedPoll(agent);
      assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
      assertThat(r.sysName()).isEqualTo("hostile");
      assertThat(r.interfaces()).hasSize(MAX_INTERFACES);
      // every ifTable cell is the same INTEGER 1, ifDescr too; this agent makes up rows of
      // 10-part column OIDs only, so ifName and ifAlias (11 parts) end at once
      assertThat(r.interfaces().get(0))
          .isEqualTo(new InterfaceStatus(1, "1", "1", null, 1, 1, 1, false, null));
      assertThat(r.interfacesPartial()).isTrue();
      // the system GET, one GETBULK (its answer already holds more than the bound), the IP-MIB GET
      assertThat(agent.requests()).isEqualTo(3);
    }
    assertNormalPollWorks();
  }

  @Test
  void anEndlessTableIsCutAtTheInterfaceBound() throws Exception {
    try (HostileSnmpAgent agent = HostileSnmpAgent.start(Mode.ENDLESS_GETBULK, 7)) {
      SnmpResult r = timedPoll(agent);
      assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
      assertThat(r.interfaces()).hasSize(MAX_INTERFACES);
      assertThat(r.interfaces().get(MAX_INTERFACES - 1).index()).isEqualTo(MAX_INTERFACES);
      assertThat(r.interfacesPartial()).isTrue();
      // the system GET, GETBULKs of about one MTU each (14 rows of 6 columns) up to the bound and
      // one more to see past it, then the IP-MIB GET
      assertThat(agent.requests()).isBetween(4, 1 + MAX_INTERFACES / 4 + 1 + 1);
    }
    assertNormalPollWorks();
  }

  @Test
  void aTableThatLoopsBackStopsAtTheFirstStepBackwards() throws Exception {
    try (HostileSnmpAgent agent = HostileSnmpAgent.start(Mode.LOOPING_GETBULK, 7)) {
      SnmpResult r = timedPoll(agent);
      assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
      // the first answer reads the three rows; the second starts again at row 1 and is dropped
      assertThat(r.interfaces()).extracting(InterfaceStatus::name)
          .containsExactly("eth1", "eth2", "eth3");
      assertThat(agent.requests()).isLessThanOrEqualTo(3);
    }
    assertNormalPollWorks();
  }

  @Test
  void aFloodOfUnsolicitedPacketsLeavesHeapAndReportsBounded() throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    memory.gc();
    long before = memory.getHeapMemoryUsage().getUsed();
    try (HostileSnmpAgent agent = HostileSnmpAgent.start(Mode.FLOOD, 7, 2_000)) {
      SnmpResult r = timedPoll(agent);
      // the real answer comes after the flood, which overflows the kernel's socket buffer more
      // often than not on loopback: the answer is then lost like any dropped datagram and the
      // poll is an honest timeout (the retry meets a flood of its own). What matters is that
      // the flood ends in one of these two, in time, and costs nothing afterwards
      assertThat(r.status()).as(r.reason()).isIn(SnmpStatus.OK, SnmpStatus.TIMEOUT);
      if (r.status() == SnmpStatus.TIMEOUT) {
        assertThat(r.reason()).isEqualTo(SILENT);
      } else {
        assertThat(r.sysName()).isEqualTo("hostile");
      }
      assertThat(agent.sent()).isGreaterThanOrEqualTo(2_000);
    }
    // a quarter of the flood were REPORTs with random request IDs: none may be kept
    assertThat(probe.keptReports()).isZero();
    memory.gc();
    long after = memory.getHeapMemoryUsage().getUsed();
    // 2,000+ packets of up to 400 bytes would be under 1 MiB even if all leaked; 32 MiB
    // only catches runaway growth, not GC noise
    assertThat(after - before).isLessThan(32L << 20);
    assertNormalPollWorks();
  }

  private SnmpResult timedPoll(HostileSnmpAgent agent) throws Exception {
    long start = System.nanoTime();
    SnmpResult r = probe.poll(agent.address(), agent.port(), V2C)
        .toCompletionStage().toCompletableFuture().get(BUDGET_MS, TimeUnit.MILLISECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(BUDGET_MS);
    return r;
  }

  private void assertNormalPollWorks() throws Exception {
    SnmpResult r = timedPoll(normal);
    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.uptimeTicks()).isEqualTo(12_345);
    assertThat(r.sysName()).isEqualTo("hostile");
    assertThat(r.problems()).isEmpty();
    assertThat(r.interfaces())
        .containsExactly(
            FakeSnmpClient.row(1, "eth1", 1, 1),
            FakeSnmpClient.row(2, "eth2", 1, 2),
            FakeSnmpClient.row(3, "eth3", 1, 1));
  }
}
