package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import org.daitu.vcmon.testing.SyntheticIfMib;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SNMP probe against real net-snmp agents on loopback. */
class Snmp4jProbeIT {
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  /** v3 pays a one-off key localization (a million SHA rounds) inside the first request. */
  private static final Duration V3_TIMEOUT = Duration.ofSeconds(2);
  private static final AgentConfig.Snmp SNMP = new AgentConfig.Snmp(1, 64);
  private static final String POLYCOM = "1.3.6.1.4.1.13885.101";
  private static final String CALLS = "1.3.6.1.4.1.13885.101.1.5.1.0";
  private static final String H323 = "1.3.6.1.4.1.13885.101.1.2.7.2.0";
  private static final String SIP = "1.3.6.1.4.1.13885.101.1.2.8.3.1.2";

  private static final SnmpProfile V2C = SnmpProfile.v2c("v2c", Secret.of("commune-ro"));
  private static final SnmpProfile V3 =
      SnmpProfile.v3("v3", "vcuser", SnmpProfile.AuthProtocol.SHA, Secret.of("auth-pass-1"),
          SnmpProfile.PrivProtocol.AES, Secret.of("priv-pass-1"));

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
  void v2cAgentAnswersSystemGroupAndInterfaces() throws Exception {
    Snmpd agent =
        agent(Snmpd.builder(tmp).sysName("ha-thuong").sysDescr("Room codec 1")
            .community("commune-ro").extraConfig("view vcview included .1.3.6.1.2.1.4"));
    SnmpResult r = await(probe(V2C).poll(agent.address(), agent.port(), V2C));

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.reason()).isNull();
    assertThat(r.sysName()).isEqualTo("ha-thuong");
    assertThat(r.sysDescr()).isEqualTo("Room codec 1");
    // net-snmp's own sysObjectID (netSnmpAgentOIDs.linux): no vendor profile for it
    assertThat(r.sysObjectId()).startsWith("1.3.6.1.4.1.8072.3.2");
    assertThat(r.vendorProfile()).isEqualTo("generic");
    assertThat(r.vendor()).isEqualTo("Net-SNMP");
    assertThat(r.problems()).isEmpty();
    assertThat(r.uptimeTicks()).isBetween(0L, 60_000L);
    assertThat(r.interfaces()).extracting(InterfaceStatus::name).contains("lo");
    InterfaceStatus lo =
        r.interfaces().stream().filter(i -> i.name().equals("lo")).findFirst().orElseThrow();
    assertThat(lo.adminStatus()).isEqualTo(1);
    assertThat(lo.operStatus()).isEqualTo(1);
    // net-snmp's own IP-MIB puts 127.0.0.1 on lo: it carries the polled address, but a
    // loopback never judges a site
    assertThat(lo.type()).isEqualTo(24);
    assertThat(lo.carriesPolledAddress()).isTrue();
    assertThat(lo.judged()).isNull();
    assertThat(r.interfacesPartial()).isFalse();
    assertThat(r.activeCalls()).isNull();
    assertThat(r.registrationFailures()).isEmpty();
  }

  @Test
  void wrongCommunityIsATimeoutBecauseV2cAgentsStaySilent() throws Exception {
    Snmpd agent = agent(Snmpd.builder(tmp).community("commune-ro"));
    SnmpProfile wrong = SnmpProfile.v2c("wrong", Secret.of("not-it"));
    SnmpResult r = await(probe(wrong).poll(agent.address(), agent.port(), wrong));

    assertThat(r.status()).isEqualTo(SnmpStatus.TIMEOUT);
    assertThat(r.reason()).isEqualTo("no SNMP answer within 300ms (2 attempts)");
    assertThat(r.uptimeTicks()).isEqualTo(-1);
  }

  @Test
  void v3AuthPrivShaAesAnswers() throws Exception {
    Snmpd agent =
        agent(Snmpd.builder(tmp).sysName("cu-van").v3User("vcuser", "auth-pass-1", "priv-pass-1"));
    SnmpResult r = await(probe(V3).poll(agent.address(), agent.port(), V3));

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.sysName()).isEqualTo("cu-van");
    assertThat(r.interfaces()).isNotEmpty();
  }

  @Test
  void v3WrongAuthPasswordIsAnAuthFailureThatSaysSo() throws Exception {
    Snmpd agent = agent(Snmpd.builder(tmp).v3User("vcuser", "auth-pass-1", "priv-pass-1"));
    SnmpProfile wrong =
        SnmpProfile.v3("v3-bad-auth", "vcuser", SnmpProfile.AuthProtocol.SHA,
            Secret.of("auth-pass-X"), SnmpProfile.PrivProtocol.AES, Secret.of("priv-pass-1"));
    SnmpResult r = await(probe(wrong).poll(agent.address(), agent.port(), wrong));

    assertThat(r.status()).isEqualTo(SnmpStatus.AUTH_FAILURE);
    assertThat(r.reason())
        .isEqualTo("SNMPv3 authentication failed: wrong auth password for user vcuser");
  }

  @Test
  void oneUserNameWithTwoPasswordsIsPolledWithEachWithoutMixingThemUp() throws Exception {
    Snmpd agent =
        agent(Snmpd.builder(tmp).sysName("cu-van").v3User("vcuser", "auth-pass-1", "priv-pass-1"));
    SnmpProfile wrong =
        SnmpProfile.v3("v3-bad-auth", "vcuser", SnmpProfile.AuthProtocol.SHA,
            Secret.of("auth-pass-X"), SnmpProfile.PrivProtocol.AES, Secret.of("priv-pass-1"));
    // no retries: each wrong-password poll waits for its timeout, once is enough
    Snmp4jProbe probe = probe(List.of(V3, wrong), new AgentConfig.Snmp(0, 64));
    assertThat(probe.sessionCount()).isEqualTo(2);

    // right then wrong, wrong then right, then both at once: each answer must stay the same,
    // whichever credentials localized keys or learnt the engine ID first
    List<List<SnmpProfile>> rounds = List.of(List.of(V3, wrong), List.of(wrong, V3));
    for (List<SnmpProfile> order : rounds) {
      for (SnmpProfile p : order) {
        assertRightOrWrong(p, await(probe.poll(agent.address(), agent.port(), p)));
      }
    }
    for (int i = 0; i < 2; i++) {
      Future<SnmpResult> right = probe.poll(agent.address(), agent.port(), V3);
      Future<SnmpResult> bad = probe.poll(agent.address(), agent.port(), wrong);
      assertRightOrWrong(V3, await(right));
      assertRightOrWrong(wrong, await(bad));
    }
  }

  private static void assertRightOrWrong(SnmpProfile profile, SnmpResult r) {
    if (profile == V3) {
      assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
      assertThat(r.sysName()).isEqualTo("cu-van");
    } else {
      assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.AUTH_FAILURE);
      assertThat(r.reason())
          .isEqualTo("SNMPv3 authentication failed: wrong auth password for user vcuser");
    }
  }

  @Test
  void v3WrongPrivPasswordSaysSo() throws Exception {
    Snmpd agent = agent(Snmpd.builder(tmp).v3User("vcuser", "auth-pass-1", "priv-pass-1"));
    SnmpProfile wrong =
        SnmpProfile.v3("v3-bad-priv", "vcuser", SnmpProfile.AuthProtocol.SHA,
            Secret.of("auth-pass-1"), SnmpProfile.PrivProtocol.AES, Secret.of("priv-pass-X"));
    Snmp4jProbe probe = probe(wrong);
    await(probe.poll(agent.address(), agent.port(), wrong));
    // the second poll too: the probe forgot the engine ID after the silence, so it sees the
    // discovery answer again
    SnmpResult r = await(probe.poll(agent.address(), agent.port(), wrong));

    assertThat(r.status()).isEqualTo(SnmpStatus.AUTH_FAILURE);
    assertThat(r.reason())
        .isEqualTo("SNMPv3 request unanswered after engine-ID discovery:"
            + " wrong privacy password for user vcuser?");
  }

  @Test
  void v3UnknownUserSaysSo() throws Exception {
    Snmpd agent = agent(Snmpd.builder(tmp).v3User("vcuser", "auth-pass-1", "priv-pass-1"));
    SnmpProfile stranger =
        SnmpProfile.v3("v3-stranger", "nobody", SnmpProfile.AuthProtocol.SHA,
            Secret.of("auth-pass-1"), SnmpProfile.PrivProtocol.AES, Secret.of("priv-pass-1"));
    SnmpResult r = await(probe(stranger).poll(agent.address(), agent.port(), stranger));

    assertThat(r.status()).isEqualTo(SnmpStatus.AUTH_FAILURE);
    assertThat(r.reason()).startsWith("SNMPv3 authentication failed: unknown user nobody");
  }

  @Test
  void agentShowingOnlySysNameAnswersWithTheOthersAsProblems() throws Exception {
    Snmpd agent =
        agent(Snmpd.builder(tmp).sysName("tiny-codec")
            .extraConfig("view tiny included .1.3.6.1.2.1.1.5")
            .extraConfig("rocommunity tiny default -V tiny"));
    SnmpProfile tiny = SnmpProfile.v2c("tiny", Secret.of("tiny"));
    SnmpResult r = await(probe(tiny).poll(agent.address(), agent.port(), tiny));

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.sysName()).isEqualTo("tiny-codec");
    assertThat(r.uptimeTicks()).isEqualTo(-1);
    assertThat(r.problems())
        .containsExactly(
            "sysDescr.0 missing (noSuchObject)",
            "sysObjectID.0 missing (noSuchObject)",
            "sysUpTime.0 missing (noSuchObject); reboots cannot be detected");
  }

  @Test
  void stoppedAgentTimesOutAndRestartedAgentReportsAFreshUptime() throws Exception {
    Snmpd agent = agent(Snmpd.builder(tmp).community("commune-ro"));
    Snmp4jProbe probe = probe(V2C);
    Thread.sleep(1500);
    SnmpResult before = await(probe.poll(agent.address(), agent.port(), V2C));
    assertThat(before.uptimeTicks()).isGreaterThanOrEqualTo(150);

    agent.stop();
    SnmpResult stopped = await(probe.poll(agent.address(), agent.port(), V2C));
    assertThat(stopped.status()).isEqualTo(SnmpStatus.TIMEOUT);
    assertThat(stopped.reason()).isEqualTo("no SNMP answer within 300ms (2 attempts)");

    agent.restart();
    SnmpResult after = await(probe.poll(agent.address(), agent.port(), V2C));
    assertThat(after.status()).as(after.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(after.uptimeTicks()).isLessThan(before.uptimeTicks());
  }

  @Test
  void polycomRegisteredEverywhereHasNoFailuresAndReportsCalls() throws Exception {
    Snmpd agent =
        agent(Snmpd.builder(tmp).sysObjectId(POLYCOM).community("commune-ro")
            .override(CALLS, "integer", "1")
            .override(H323, "integer", "2")
            .override(SIP + ".1", "integer", "2")
            .override(SIP + ".2", "integer", "1"));
    SnmpResult r = await(probe(V2C).poll(agent.address(), agent.port(), V2C));

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.sysObjectId()).isEqualTo(POLYCOM);
    assertThat(r.vendorProfile()).isEqualTo("polycom");
    assertThat(r.vendor()).isEqualTo("Polycom");
    assertThat(r.activeCalls()).isEqualTo(1);
    assertThat(r.registrationFailures()).isEmpty();
    assertThat(r.problems()).isEmpty();
  }

  @Test
  void polycomFailedRegistrationsAreReported() throws Exception {
    Snmpd agent =
        agent(Snmpd.builder(tmp).sysObjectId(POLYCOM).community("commune-ro")
            .override(CALLS, "integer", "0")
            .override(H323, "integer", "3")
            .override(SIP + ".1", "integer", "2")
            .override(SIP + ".2", "integer", "3"));
    SnmpResult r = await(probe(V2C).poll(agent.address(), agent.port(), V2C));

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.activeCalls()).isZero();
    assertThat(r.registrationFailures())
        .containsExactly("H.323 gatekeeper registration failed", "SIP registration failed (line 2)");
  }

  @Test
  void polycomWithoutItsMibIsUnknownNotFailed() throws Exception {
    Snmpd agent = agent(Snmpd.builder(tmp).sysObjectId(POLYCOM).community("commune-ro"));
    SnmpResult r = await(probe(V2C).poll(agent.address(), agent.port(), V2C));

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.vendorProfile()).isEqualTo("polycom");
    assertThat(r.activeCalls()).isNull();
    assertThat(r.registrationFailures()).isEmpty();
    assertThat(r.problems())
        .containsExactly(
            "conferenceNumberActiveConferences.0 missing (noSuchObject)",
            "serviceH323RegistrationStatus.0 missing (noSuchObject)");
  }

  @Test
  void fiftyDeadTargetsCostOneTimeoutNotFifty() throws Exception {
    // ports that were free a moment ago: nothing listens, the kernel answers ICMP port
    // unreachable, which SNMP4J ignores, so every request runs into its timeout
    List<Integer> ports = new ArrayList<>();
    List<DatagramSocket> held = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      held.add(s);
      ports.add(s.getLocalPort());
    }
    held.forEach(DatagramSocket::close);
    Snmp4jProbe probe = probe(V2C);

    long start = System.nanoTime();
    List<Future<SnmpResult>> polls = new ArrayList<>();
    for (int port : ports) {
      polls.add(probe.poll("127.0.0.1", port, V2C));
    }
    await(Future.all(polls));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    for (Future<SnmpResult> f : polls) {
      assertThat(f.result().status()).isEqualTo(SnmpStatus.TIMEOUT);
    }
    // one dead target costs 2 x 300ms; fifty in series would take 30s
    assertThat(took).isLessThan(Duration.ofMillis(2500));
  }

  @Test
  void resultHandlersRunOnTheCallersContext() throws Exception {
    Snmpd agent = agent(Snmpd.builder(tmp).community("commune-ro"));
    Snmp4jProbe probe = probe(V2C);
    Context caller = vertx.getOrCreateContext();
    Promise<List<Boolean>> seen = Promise.promise();
    caller.runOnContext(
        v -> {
          Future<SnmpResult> ok = probe.poll(agent.address(), agent.port(), V2C);
          Future<SnmpResult> dead = probe.poll("127.0.0.1", agent.port() == 1 ? 2 : 1, V2C);
          List<Boolean> onCaller = new ArrayList<>();
          ok.onComplete(ar -> onCaller.add(Vertx.currentContext() == caller && ar.result().ok()));
          dead.onComplete(
              ar -> onCaller.add(
                  Vertx.currentContext() == caller
                      && ar.result().status() == SnmpStatus.TIMEOUT));
          Future.all(ok, dead).onComplete(ar -> seen.complete(onCaller));
        });
    assertThat(await(seen.future())).containsExactly(true, true);
  }

  @Test
  void manyInterfacesAreBoundedByMaxInterfaces() throws Exception {
    Snmpd.Builder b = Snmpd.builder(tmp).community("commune-ro");
    for (int i = 1; i <= 120; i++) {
      int index = 10_000 + i;
      b.override("1.3.6.1.2.1.2.2.1.2." + index, "octet_str", "vlan" + i)
          .override("1.3.6.1.2.1.2.2.1.7." + index, "integer", "1")
          .override("1.3.6.1.2.1.2.2.1.8." + index, "integer", i % 2 == 0 ? "1" : "2");
    }
    Snmpd agent = agent(b);

    SnmpResult all =
        await(probe(V2C, new AgentConfig.Snmp(1, 500)).poll(agent.address(), agent.port(), V2C));
    assertThat(all.status()).as(all.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(all.interfaces()).hasSizeGreaterThan(120);
    assertThat(all.interfaces()).filteredOn(i -> i.name().startsWith("vlan")).hasSize(120);
    assertThat(all.interfaces().stream().filter(InterfaceStatus::isFaulty).count()).isEqualTo(60);
    assertThat(all.interfacesPartial()).isFalse();

    SnmpResult bounded =
        await(probe(V2C, new AgentConfig.Snmp(1, 20)).poll(agent.address(), agent.port(), V2C));
    assertThat(bounded.status()).as(bounded.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(bounded.interfaces()).hasSize(20);
    assertThat(bounded.interfaces()).extracting(InterfaceStatus::index).isSorted();
    assertThat(bounded.interfacesPartial()).isTrue();
  }

  @Test
  void overAThousandRowsAndIndexesAboveTwoToThe31AreAllRead() throws Exception {
    HostTools.requireAvailable(SyntheticIfMib.unavailableReason());
    SyntheticIfMib mib = new SyntheticIfMib();
    for (int i = 1; i <= 1200; i++) {
      mib.iface(i, "ge-0/0/" + i, "GigabitEthernet port " + i, i == 7 ? "uplink VNPT" : "", 6, 1,
          i % 3 == 0 ? 2 : 1);
    }
    mib.iface(2_147_483_648L, "ge-9/0/0", "stack port", null, 6, 1, 1)
        .iface(4_294_967_295L, "ge-9/0/1", "stack port", null, 6, 1, 2)
        .address("127.0.0.1", 7);
    Snmpd agent = agent(mib.serve(Snmpd.builder(tmp).community("commune-ro"), tmp.resolve("ifmib")));

    long start = System.nanoTime();
    SnmpResult r =
        await(probe(V2C, new AgentConfig.Snmp(1, 2000))
            .poll(agent.address(), agent.port(), V2C, List.of("4294967295")));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.interfaces()).hasSize(1202);
    assertThat(r.interfacesPartial()).isFalse();
    assertThat(r.interfaces()).extracting(InterfaceStatus::index).isSorted()
        .startsWith(1L, 2L).endsWith(1200L, 2_147_483_648L, 4_294_967_295L);
    assertThat(r.interfaces().get(6))
        .isEqualTo(new InterfaceStatus(7, "ge-0/0/7", "GigabitEthernet port 7", "uplink VNPT", 6,
            1, 1, true, InterfaceStatus.Judged.POLLED_ADDRESS));
    // an empty ifAlias is no alias
    assertThat(r.interfaces().get(0).alias()).isNull();
    assertThat(r.interfaces().get(1201).judged()).isEqualTo(InterfaceStatus.Judged.NAMED);
    assertThat(r.interfaces()).filteredOn(i -> i.judged() != null).hasSize(2);
    // 1202 rows x 6 columns at 16 rows a request, well within the walk budget (3 s here)
    assertThat(took).isLessThan(PollRecipe.walkBudget(TIMEOUT));

    SnmpResult cut =
        await(probe(V2C, new AgentConfig.Snmp(1, 1000)).poll(agent.address(), agent.port(), V2C));
    assertThat(cut.interfaces()).hasSize(1000);
    assertThat(cut.interfacesPartial()).isTrue();
  }

  @Test
  void localProblemsAreUnavailableNotTheSitesFault() throws Exception {
    Snmp4jProbe probe = probe(V2C);
    SnmpResult badAddress = await(probe.poll("300.1.1.1", 161, V2C));
    assertThat(badAddress.status()).isEqualTo(SnmpStatus.UNAVAILABLE);
    assertThat(badAddress.reason()).isEqualTo("invalid IPv4 address '300.1.1.1'");

    SnmpResult badPort = await(probe.poll("127.0.0.1", 0, V2C));
    assertThat(badPort.reason()).isEqualTo("invalid SNMP port 0 (1-65535)");

    SnmpResult unknownProfile = await(probe.poll("127.0.0.1", 161, V3));
    assertThat(unknownProfile.status()).isEqualTo(SnmpStatus.UNAVAILABLE);
    assertThat(unknownProfile.reason())
        .isEqualTo("SNMPv3 profile 'v3' was not given to the SNMP probe at start");

    // a poll in flight when the socket closes
    int deadPort;
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      deadPort = s.getLocalPort();
    }
    Future<SnmpResult> inFlight = probe.poll("127.0.0.1", deadPort, V2C);
    await(probe.close());
    SnmpResult closed = await(inFlight);
    assertThat(closed.status()).isEqualTo(SnmpStatus.UNAVAILABLE);
    assertThat(closed.reason()).startsWith("SNMP request failed locally");

    SnmpResult afterClose = await(probe.poll("127.0.0.1", deadPort, V2C));
    assertThat(afterClose.status()).isEqualTo(SnmpStatus.UNAVAILABLE);
    assertThat(afterClose.reason()).isEqualTo("SNMP probe is not started");
  }

  private Snmpd agent(Snmpd.Builder builder) throws Exception {
    Snmpd agent = builder.start();
    agents.add(agent);
    return agent;
  }

  private Snmp4jProbe probe(SnmpProfile profile) throws Exception {
    return probe(profile, SNMP);
  }

  private Snmp4jProbe probe(SnmpProfile profile, AgentConfig.Snmp cfg) throws Exception {
    return probe(List.of(profile), cfg);
  }

  private Snmp4jProbe probe(List<SnmpProfile> profiles) throws Exception {
    return probe(profiles, SNMP);
  }

  private Snmp4jProbe probe(List<SnmpProfile> profiles, AgentConfig.Snmp cfg) throws Exception {
    boolean v3 = profiles.stream().anyMatch(p -> p.version() == SnmpProfile.Version.V3);
    Duration timeout = v3 ? V3_TIMEOUT : TIMEOUT;
    Map<String, SnmpProfile> byName = new LinkedHashMap<>();
    profiles.forEach(p -> byName.put(p.name(), p));
    Snmp4jProbe p = new Snmp4jProbe(vertx, byName, timeout, cfg);
    probes.add(p);
    await(p.start());
    return p;
  }
}
