package org.daitu.vcmon.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteSnmp;
import org.daitu.vcmon.inventory.SiteType;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SiteTrackerTest {
  static final AgentConfig.State CFG =
      new AgentConfig.State(3, 2, 0.5, Duration.ofMillis(500), 6, Duration.ofMinutes(15));

  final ManualClock clock = new ManualClock(Instant.parse("2020-08-01T00:00:00Z"));

  static Site site(String id, String parent, RolloutStage stage) {
    return new Site(
        id, "", id, SiteType.COMMUNE, "198.18.1." + Math.abs(id.hashCode() % 250), new SiteSnmp("p", 161), parent, stage, null);
  }

  static Site site(String id) {
    return site(id, null, RolloutStage.CONNECTED);
  }

  // One letter per check: G good, F failed (no ping, no SNMP), L lossy (60% loss), S SNMP silent,
  // I interface down, U ping unavailable (fping missing).
  SiteCheck check(String id, char c) {
    return check(id, c, 100_000);
  }

  SiteCheck check(String id, char c, long uptimeTicks) {
    IcmpResult ok = IcmpResult.measured(5, new double[] {0.010, 0.012, 0.011, 0.010, 0.013});
    SnmpResult snmpOk =
        new SnmpResult(
            SnmpStatus.OK, null, uptimeTicks, id, "codec", "1.3.6.1.4.1.5596.150.6.4.1",
            List.of(eth0(1)), "generic", null, List.of());
    SnmpResult timeout = SnmpResult.failed(SnmpStatus.TIMEOUT, "no SNMP answer within 1s (2 attempts)");
    Instant now = clock.instant();
    return switch (c) {
      case 'G' -> new SiteCheck(id, now, Duration.ofSeconds(1), ok, snmpOk);
      case 'F' -> new SiteCheck(id, now, Duration.ofSeconds(2), IcmpResult.measured(5, new double[0]), timeout);
      case 'L' -> new SiteCheck(id, now, Duration.ofSeconds(1), IcmpResult.measured(5, new double[] {0.01, 0.01}), snmpOk);
      case 'S' -> new SiteCheck(id, now, Duration.ofSeconds(1), ok, timeout);
      case 'I' ->
          new SiteCheck(
              id, now, Duration.ofSeconds(1), ok,
              new SnmpResult(SnmpStatus.OK, null, uptimeTicks, id, "codec", "1.3", List.of(eth0(2)), "generic", null, List.of()));
      case 'U' -> new SiteCheck(id, now, Duration.ZERO, IcmpResult.unavailable("fping not found"), snmpOk);
      default -> throw new IllegalArgumentException("unknown check letter " + c);
    };
  }

  /** The codec's port carrying the polled address, admin up, with this ifOperStatus. */
  static InterfaceStatus eth0(int oper) {
    return new InterfaceStatus(
        2, "eth0", "eth0", null, 6, 1, oper, true, InterfaceStatus.Judged.POLLED_ADDRESS);
  }

  /** Feeds the letters to a single site and returns the state after each check, as letters. */
  String run(String checks) {
    SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
    StringBuilder states = new StringBuilder();
    for (char c : checks.replace(" ", "").toCharArray()) {
      clock.advance(Duration.ofSeconds(10));
      tracker.apply(check("a", c));
      states.append(letter(tracker.snapshot(0).site("a").orElseThrow().state()));
    }
    return states.toString();
  }

  static char letter(SiteState s) {
    return switch (s) {
      case UNKNOWN -> '?';
      case PLANNED -> 'p';
      case UP -> 'u';
      case DEGRADED -> 'd';
      case DOWN -> 'D';
      case UNREACHABLE -> 'X';
      case MAINTENANCE -> 'M';
    };
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // checks,        states after each check (? unknown, u up, d degraded, D down)
    "GG,              ?u",
    "FFF,             ??D",
    "GGF,             ?uu",
    "GGFF,            ?uuu",
    "GGFFF,           ?uuuD",
    "GGFFGFFG,        ?uuuuuuu",
    "GGFFFG,          ?uuuDD",
    "GGFFFGG,         ?uuuDDu",
    "GGFFFLG,         ?uuuDDu",
    "GGFFFLL,         ?uuuDDd",
    "GGSSS,           ?uuud",
    "GGSSSG,          ?uuudd",
    "GGSSSGG,         ?uuuddu",
    "GGLLLGG,         ?uuuddu",
    "GGIII,           ?uuud",
    "GGLSF,           ?uuud",
    "GGLSFFF,         ?uuuddD",
    "GGU,             ?u?",
    "FFU,             ???",
    "GGFFFUG,         ?uuuD??",
    "GGFFFUGG,        ?uuuD??u",
  })
  void hysteresisTable(String checks, String expected) {
    assertThat(run(checks)).isEqualTo(expected);
  }

  @Test
  void twentyPercentRandomLossNeverMakesASiteDown() {
    SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
    Random random = new Random(42);
    int degradedChecks = 0;
    for (int i = 0; i < 20_000; i++) {
      clock.advance(Duration.ofSeconds(10));
      List<Double> rtts = new ArrayList<>();
      for (int p = 0; p < 5; p++) {
        if (random.nextDouble() >= 0.2) {
          rtts.add(0.02);
        }
      }
      // SNMP: one request and one retry, each lost with probability 0.2
      boolean snmpAnswers = random.nextDouble() >= 0.2 || random.nextDouble() >= 0.2;
      SnmpResult snmp =
          snmpAnswers
              ? new SnmpResult(SnmpStatus.OK, null, 1000 + i, "a", "d", "1.3", List.of(), "generic", null, List.of())
              : SnmpResult.failed(SnmpStatus.TIMEOUT, "timeout");
      IcmpResult icmp = IcmpResult.measured(5, rtts.stream().mapToDouble(Double::doubleValue).toArray());
      tracker.apply(new SiteCheck("a", clock.instant(), Duration.ofSeconds(1), icmp, snmp));
      SiteState s = tracker.snapshot(0).site("a").orElseThrow().state();
      assertThat(s).as("check %d", i).isNotEqualTo(SiteState.DOWN);
      if (s == SiteState.DEGRADED) {
        degradedChecks++;
      }
    }
    // The link is impaired, so some DEGRADED is right, but it must not dominate at 20% loss.
    assertThat(degradedChecks).isLessThan(2_000);
  }

  @Test
  void pendingWhileAChangeIsBeingConfirmed() {
    SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
    tracker.apply(check("a", 'G'));
    tracker.apply(check("a", 'G'));
    assertThat(tracker.pending("a")).isFalse();
    tracker.apply(check("a", 'F'));
    assertThat(tracker.pending("a")).as("one failure: recheck quickly").isTrue();
    tracker.apply(check("a", 'F'));
    tracker.apply(check("a", 'F'));
    assertThat(tracker.pending("a")).as("confirmed DOWN: back to the normal interval").isFalse();
    tracker.apply(check("a", 'G'));
    assertThat(tracker.pending("a")).as("recovering: recheck quickly").isTrue();
  }

  @Test
  void transitionsCarryReasonAndSince() {
    SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
    tracker.apply(check("a", 'G'));
    clock.advance(Duration.ofSeconds(5));
    List<Transition> up = tracker.apply(check("a", 'G'));
    assertThat(up).singleElement().satisfies(t -> {
      assertThat(t.from()).isEqualTo(SiteState.UNKNOWN);
      assertThat(t.to()).isEqualTo(SiteState.UP);
      assertThat(t.announce()).isTrue();
    });
    tracker.apply(check("a", 'F'));
    tracker.apply(check("a", 'F'));
    clock.advance(Duration.ofSeconds(2));
    List<Transition> down = tracker.apply(check("a", 'F'));
    assertThat(down).singleElement().satisfies(t -> {
      assertThat(t.to()).isEqualTo(SiteState.DOWN);
      assertThat(t.reason()).isEqualTo("no answer to 5 pings; SNMP: no SNMP answer within 1s (2 attempts)");
    });
    SiteStatus s = tracker.snapshot(1).site("a").orElseThrow();
    assertThat(s.since()).isEqualTo(clock.instant());
    assertThat(s.firstConnected()).isEqualTo(Instant.parse("2020-08-01T00:00:05Z"));
  }

  @Test
  void degradedReasonNamesEveryFinding() {
    SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
    for (char c : "GGIII".toCharArray()) {
      tracker.apply(check("a", c));
    }
    assertThat(tracker.snapshot(0).site("a").orElseThrow().reason()).isEqualTo("interface eth0 down");
  }

  @Test
  void unavailablePingNeverMakesASiteDown() {
    assertThat(run("UUUUUU")).isEqualTo("??????");
    SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
    tracker.apply(check("a", 'U'));
    assertThat(tracker.snapshot(0).site("a").orElseThrow().reason())
        .isEqualTo("ping unavailable: fping not found");
  }

  @Test
  void plannedSitesStayPlannedButRecordFirstConnection() {
    SiteTracker tracker =
        new SiteTracker(new Inventory(List.of(site("a", null, RolloutStage.PLANNED))), CFG, clock);
    assertThat(tracker.apply(check("a", 'F'))).isEmpty();
    assertThat(tracker.apply(check("a", 'G'))).isEmpty();
    SiteStatus s = tracker.snapshot(0).site("a").orElseThrow();
    assertThat(s.state()).isEqualTo(SiteState.PLANNED);
    assertThat(s.firstConnected()).isNotNull();
  }

  @Nested
  class Maintenance {
    Instant windowStart = Instant.parse("2020-08-01T01:00:00Z");
    Instant windowEnd = Instant.parse("2020-08-01T02:00:00Z");
    MaintenanceSchedule schedule =
        (id, at) -> id.equals("a") && !at.isBefore(windowStart) && at.isBefore(windowEnd)
            ? Optional.of("maintenance: new codec")
            : Optional.empty();

    @Test
    void aWindowMakesTheSiteMaintenanceAndItsFailuresDoNotCount() {
      SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"), site("b"))), CFG, clock, schedule);
      tracker.apply(check("a", 'G'));
      tracker.apply(check("a", 'G'));
      clock.advance(Duration.ofMinutes(61));
      List<Transition> entered = tracker.tick();
      assertThat(entered).extracting(t -> t.siteId() + ":" + t.to()).containsExactly("a:MAINTENANCE");
      assertThat(entered.get(0).reason()).isEqualTo("maintenance: new codec");
      for (int i = 0; i < 5; i++) {
        clock.advance(Duration.ofSeconds(10));
        assertThat(tracker.apply(check("a", 'F'))).isEmpty();
      }
      assertThat(tracker.snapshot(0).site("a").orElseThrow().state()).isEqualTo(SiteState.MAINTENANCE);
      // the window ends while the codec still does not answer: DOWN from the checks made during it
      clock.advance(Duration.ofMinutes(60));
      assertThat(tracker.tick()).extracting(t -> t.to().name()).containsExactly("UNKNOWN", "DOWN");
    }

    @Test
    void aSiteThatAnsweredDuringTheWindowIsUpAsSoonAsItEnds() {
      SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock, schedule);
      clock.advance(Duration.ofMinutes(61));
      tracker.apply(check("a", 'G'));
      tracker.apply(check("a", 'G'));
      assertThat(tracker.snapshot(0).site("a").orElseThrow().state()).isEqualTo(SiteState.MAINTENANCE);
      clock.advance(Duration.ofMinutes(60));
      tracker.apply(check("a", 'G'));
      assertThat(tracker.snapshot(0).site("a").orElseThrow().state()).isEqualTo(SiteState.UP);
    }
  }

  @Nested
  class OwnUplinkDown {
    static final String BLIND = "vcmon's own uplink is down: 198.18.0.1 does not answer";

    SiteTracker upAndWatched() {
      SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"), site("b"))), CFG, clock);
      tracker.enableSelfCheck(2);
      tracker.selfCheck(true, clock.instant(), BLIND);
      for (String id : List.of("a", "b")) {
        tracker.apply(check(id, 'G'));
        tracker.apply(check(id, 'G'));
      }
      return tracker;
    }

    @Test
    void aSelfCheckRoundFromBeforeAClockStepBackDoesNotConfirmAFailure() {
      SiteTracker tracker = upAndWatched();
      clock.advance(Duration.ofHours(-1));
      for (int i = 0; i < 3; i++) {
        clock.advance(Duration.ofSeconds(1));
        tracker.apply(check("a", 'F'));
      }
      assertThat(tracker.snapshot(0).site("a").orElseThrow().state()).isEqualTo(SiteState.UP);
      clock.advance(Duration.ofSeconds(1));
      assertThat(tracker.selfCheck(true, clock.instant(), BLIND))
          .extracting(t -> t.siteId() + ":" + t.to())
          .containsExactly("a:DOWN");
    }

    @Test
    void whileBlindNoSiteGoesDownAndAllAreUnknownWithTheReason() {
      SiteTracker tracker = upAndWatched();
      clock.advance(Duration.ofSeconds(1));
      tracker.apply(check("a", 'F'));
      assertThat(tracker.selfCheck(false, clock.instant(), BLIND)).as("one silent round is not enough").isEmpty();
      List<Transition> blind = tracker.selfCheck(false, clock.instant(), BLIND);
      assertThat(blind).extracting(t -> t.siteId() + ":" + t.to()).containsExactly("a:UNKNOWN", "b:UNKNOWN");
      for (int i = 0; i < 6; i++) {
        tracker.apply(check("a", 'F'));
        tracker.apply(check("b", 'F'));
      }
      assertThat(tracker.snapshot(0).count(SiteState.DOWN)).isZero();
      assertThat(tracker.snapshot(0).blind()).isEqualTo(BLIND);
      assertThat(tracker.snapshot(0).site("b").orElseThrow().reason()).isEqualTo(BLIND);
      clock.advance(Duration.ofSeconds(1));
      tracker.selfCheck(true, clock.instant(), BLIND);
      assertThat(tracker.blind()).isFalse();
      clock.advance(Duration.ofSeconds(1));
      tracker.apply(check("a", 'G'));
      tracker.apply(check("a", 'G'));
      assertThat(tracker.snapshot(0).site("a").orElseThrow().state()).isEqualTo(SiteState.UP);
      tracker.apply(check("b", 'F'));
      tracker.apply(check("b", 'F'));
      assertThat(tracker.snapshot(0).site("b").orElseThrow().state()).as("failures while blind do not count").isEqualTo(SiteState.UNKNOWN);
      tracker.apply(check("b", 'F'));
      assertThat(tracker.selfCheck(true, clock.instant(), BLIND)).extracting(t -> t.siteId() + ":" + t.to())
          .containsExactly("b:DOWN");
    }

    @Test
    void aConfirmedFailureWaitsForASelfCheckRoundThatBeganAfterIt() {
      SiteTracker tracker = upAndWatched();
      clock.advance(Duration.ofSeconds(1));
      for (int i = 0; i < 3; i++) {
        tracker.apply(check("a", 'F'));
      }
      assertThat(tracker.snapshot(0).site("a").orElseThrow().state()).as("the uplink may be at fault").isEqualTo(SiteState.UP);
      List<Transition> decided = tracker.selfCheck(true, clock.instant(), BLIND);
      assertThat(decided).extracting(t -> t.siteId() + ":" + t.to()).containsExactly("a:DOWN");
    }
  }

  @Test
  void restoredFirstConnectedIsNeverMovedLater() {
    SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
    Instant earlier = Instant.parse("2020-07-15T08:00:00Z");
    tracker.restore(Map.of("a", earlier, "gone", earlier));
    tracker.apply(check("a", 'G'));
    tracker.apply(check("a", 'G'));
    assertThat(tracker.snapshot(0).site("a").orElseThrow().firstConnected()).isEqualTo(earlier);
  }

  @Test
  void changingTheStageStartsOrStopsJudgingTheSite() {
    SiteTracker tracker =
        new SiteTracker(new Inventory(List.of(site("a", null, RolloutStage.PLANNED))), CFG, clock);
    tracker.apply(check("a", 'G'));
    tracker.apply(check("a", 'G'));
    List<Transition> installed = tracker.setStage("a", RolloutStage.INSTALLED);
    assertThat(installed).extracting(t -> t.to().name()).containsExactly("UNKNOWN", "UP");
    assertThat(tracker.snapshot(0).site("a").orElseThrow().site().stage()).isEqualTo(RolloutStage.INSTALLED);
    assertThat(tracker.setStage("a", RolloutStage.PLANNED)).extracting(t -> t.to().name()).containsExactly("PLANNED");
  }

  @Nested
  class Reboots {
    @Test
    void uptimeGoingBackwardsCountsAReboot() {
      SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
      tracker.apply(check("a", 'G', 500_000));
      tracker.apply(check("a", 'G', 501_000));
      clock.advance(Duration.ofSeconds(30));
      tracker.apply(check("a", 'G', 1_200));
      SiteStatus s = tracker.snapshot(0).site("a").orElseThrow();
      assertThat(s.reboots()).isEqualTo(1);
      assertThat(s.lastRebootAt()).isEqualTo(clock.instant().minusSeconds(12));
    }

    @Test
    void aRestartNotificationIsARebootAtOnceAndThePollThatFollowsDoesNotCountItAgain() {
      SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
      tracker.apply(check("a", 'G', 499_000));
      tracker.apply(check("a", 'G', 500_000));
      clock.advance(Duration.ofSeconds(5));
      tracker.rebootNotified("a");
      SiteStatus notified = tracker.snapshot(0).site("a").orElseThrow();
      assertThat(notified.reboots()).isEqualTo(1);
      assertThat(notified.lastRebootAt()).isEqualTo(clock.instant());
      assertThat(notified.state()).isEqualTo(SiteState.UP);
      clock.advance(Duration.ofSeconds(60));
      tracker.apply(check("a", 'G', 5_000));
      assertThat(tracker.snapshot(0).site("a").orElseThrow().reboots()).isEqualTo(1);
      // a later reboot is counted again, by the polls
      clock.advance(Duration.ofHours(1));
      tracker.apply(check("a", 'G', 2_000));
      assertThat(tracker.snapshot(0).site("a").orElseThrow().reboots()).isEqualTo(2);
    }

    @Test
    void aRestartNotificationAfterThePollsSawTheRebootIsNotCountedAgain() {
      SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
      tracker.apply(check("a", 'G', 500_000));
      clock.advance(Duration.ofSeconds(30));
      tracker.apply(check("a", 'G', 1_000));
      tracker.rebootNotified("a");
      assertThat(tracker.snapshot(0).site("a").orElseThrow().reboots()).isEqualTo(1);
      tracker.rebootNotified("nowhere"); // not a site: nothing
    }

    @Test
    void anEndpointsNotificationShowsOnItsReasonForAWhileAndChangesNoState() {
      SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
      tracker.apply(check("a", 'G'));
      tracker.apply(check("a", 'G'));
      String before = tracker.snapshot(0).site("a").orElseThrow().reason();
      tracker.notified("a", "sipRegistrationFailed");
      SiteStatus s = tracker.snapshot(1).site("a").orElseThrow();
      assertThat(s.state()).isEqualTo(SiteState.UP);
      assertThat(s.reason()).isEqualTo(before + "; notification sipRegistrationFailed at 2020-08-01T00:00:00Z");
      assertThat(tracker.snapshot(2).site("a").orElseThrow()).isSameAs(s);
      tracker.apply(check("a", 'G'));
      assertThat(tracker.snapshot(3).site("a").orElseThrow().reason()).contains("sipRegistrationFailed");
      clock.advance(SiteTracker.NOTICE_WINDOW.plusSeconds(1));
      tracker.tick();
      assertThat(tracker.snapshot(4).site("a").orElseThrow().reason()).isEqualTo(before);
    }

    @Test
    void theThirtyTwoBitWrapIsNotAReboot() {
      SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
      tracker.apply(check("a", 'G', (1L << 32) - 1_000));
      tracker.apply(check("a", 'G', 2_000));
      assertThat(tracker.snapshot(0).site("a").orElseThrow().reboots()).isZero();
    }

    @Test
    void anAnswerWithoutAValidSysUpTimeIsNeitherARebootNorSilence() {
      SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
      tracker.apply(check("a", 'G', 500_000));
      tracker.apply(check("a", 'G', 500_100));
      // the agent answers, but sysUpTime.0 is broken: the probe gives -1 and names the problem
      tracker.apply(check("a", 'G', -1));
      SiteStatus broken = tracker.snapshot(0).site("a").orElseThrow();
      assertThat(broken.state()).isEqualTo(SiteState.UP);
      assertThat(broken.reboots()).isZero();
      assertThat(broken.lastSnmpOk().uptimeSeconds()).isNaN();
      // nor does the unknown uptime make the next valid one look like a reboot, or hide one
      tracker.apply(check("a", 'G', 500_900));
      assertThat(tracker.snapshot(0).site("a").orElseThrow().reboots()).isZero();
      tracker.apply(check("a", 'G', -1));
      tracker.apply(check("a", 'G', 300));
      assertThat(tracker.snapshot(0).site("a").orElseThrow().reboots()).isEqualTo(1);
    }

    @Test
    void silentSnmpIsNotAReboot() {
      SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
      tracker.apply(check("a", 'G', 500_000));
      tracker.apply(check("a", 'S'));
      tracker.apply(check("a", 'G', 500_900));
      assertThat(tracker.snapshot(0).site("a").orElseThrow().reboots()).isZero();
    }
  }

  @Nested
  class Flapping {
    @Test
    void aFlappingSiteIsFlaggedAndItsChangesAreNotAnnounced() {
      SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
      List<Transition> all = new ArrayList<>();
      // UP, then DOWN/UP cycles a minute apart: 1 + 2 per cycle changes within 15 minutes.
      for (char c : "GG FFF GG FFF GG FFF GG FFF".replace(" ", "").toCharArray()) {
        clock.advance(Duration.ofSeconds(20));
        all.addAll(tracker.apply(check("a", c)));
      }
      String announced =
          all.stream().map(t -> t.to() + (t.announce() ? "!" : "")).collect(Collectors.joining(" "));
      assertThat(announced).isEqualTo("UP! DOWN! UP! DOWN! UP! DOWN! UP DOWN");
      assertThat(all.get(all.size() - 1).flapping()).isTrue();
      assertThat(tracker.snapshot(0).site("a").orElseThrow().flapping()).isTrue();
    }

    @Test
    void whenItSettlesTheSettledStateIsAnnouncedOnce() {
      SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
      for (char c : "GGFFFGGFFFGGFFFGG".toCharArray()) {
        clock.advance(Duration.ofSeconds(20));
        tracker.apply(check("a", c));
      }
      // flapping began on the 6th change (UP) whose announcement was held back: announced = DOWN
      assertThat(tracker.snapshot(0).site("a").orElseThrow().flapping()).isTrue();
      List<Transition> later = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        clock.advance(Duration.ofSeconds(30));
        later.addAll(tracker.apply(check("a", 'G')));
      }
      assertThat(later).singleElement().satisfies(t -> {
        assertThat(t.from()).isEqualTo(SiteState.DOWN);
        assertThat(t.to()).isEqualTo(SiteState.UP);
        assertThat(t.announce()).isTrue();
        assertThat(t.reason()).startsWith("stopped flapping");
      });
      assertThat(tracker.snapshot(0).site("a").orElseThrow().flapping()).isFalse();
    }
  }

  @Nested
  class ParentAndChildren {
    final Site core = new Site("core", "", "Core", SiteType.DISTRICT, "198.18.0.2", null, null, RolloutStage.CONNECTED, null);
    final SiteTracker tracker =
        new SiteTracker(new Inventory(List.of(core, site("a", "core", RolloutStage.CONNECTED), site("b", "core", RolloutStage.CONNECTED))), CFG, clock);

    void feed(String id, String checks) {
      for (char c : checks.toCharArray()) {
        clock.advance(Duration.ofSeconds(2));
        tracker.apply(check(id, c));
      }
    }

    SiteState state(String id) {
      return tracker.snapshot(0).site(id).orElseThrow().state();
    }

    void allUp() {
      feed("core", "GG");
      feed("a", "GG");
      feed("b", "GG");
      assertThat(state("core")).isEqualTo(SiteState.UP);
      assertThat(state("a")).isEqualTo(SiteState.UP);
    }

    @Test
    void parentConfirmedFirstMakesChildrenUnreachable() {
      allUp();
      feed("core", "FFF");
      feed("a", "FFF");
      assertThat(state("core")).isEqualTo(SiteState.DOWN);
      assertThat(state("a")).isEqualTo(SiteState.UNREACHABLE);
      assertThat(tracker.snapshot(0).site("a").orElseThrow().reason()).isEqualTo("parent core is DOWN");
    }

    @Test
    void childWaitsWhileItsParentIsBeingConfirmed() {
      allUp();
      feed("core", "F");
      feed("a", "FFF");
      assertThat(state("a")).as("held: parent failing, not yet confirmed").isEqualTo(SiteState.UP);
      assertThat(tracker.pending("a")).isTrue();
      List<Transition> out = new ArrayList<>();
      clock.advance(Duration.ofSeconds(2));
      out.addAll(tracker.apply(check("core", 'F')));
      clock.advance(Duration.ofSeconds(2));
      out.addAll(tracker.apply(check("core", 'F')));
      assertThat(out).extracting(t -> t.siteId() + ":" + t.to())
          .containsExactly("core:DOWN", "a:UNREACHABLE");
    }

    @Test
    void aParentCheckStampedBeforeAClockStepBackDoesNotDecideForTheChild() {
      allUp();
      clock.advance(Duration.ofHours(-1)); // NTP: the core's last check now reads as the future
      feed("a", "FFF");
      assertThat(state("a")).as("waits for a parent check it can order").isEqualTo(SiteState.UP);
      assertThat(tracker.drainWanted()).containsExactly("core");
      clock.advance(Duration.ofSeconds(1));
      assertThat(tracker.apply(check("core", 'G'))).extracting(t -> t.siteId() + ":" + t.to()).containsExactly("a:DOWN");
    }

    @Test
    void aFailureThatBeganBeforeAClockStepBackIsStillDecided() {
      allUp();
      feed("a", "F");
      clock.advance(Duration.ofHours(-1));
      feed("a", "FF");
      assertThat(tracker.drainWanted()).containsExactly("core");
      clock.advance(Duration.ofSeconds(1));
      assertThat(tracker.apply(check("core", 'G')))
          .as("not stuck for the hour the clock went back")
          .extracting(t -> t.siteId() + ":" + t.to())
          .containsExactly("a:DOWN");
    }

    @Test
    void childWaitsForAParentNotCheckedSinceTheChildBeganToFail() {
      allUp();
      feed("a", "FFF");
      assertThat(state("a")).isEqualTo(SiteState.UP);
      assertThat(tracker.drainWanted()).containsExactly("core");
      assertThat(tracker.drainWanted()).isEmpty();
      // The parent answers: the child's failure is its own.
      clock.advance(Duration.ofSeconds(1));
      List<Transition> out = tracker.apply(check("core", 'G'));
      assertThat(out).extracting(t -> t.siteId() + ":" + t.to()).containsExactly("a:DOWN");
    }

    @Test
    void aChildsFirstFailureAsksForItsParentSoConfirmationNeedNotWait() {
      allUp();
      tracker.drainWanted();
      feed("a", "F");
      assertThat(tracker.drainWanted()).containsExactly("core");
      feed("core", "G");
      feed("a", "FF");
      assertThat(state("a")).as("parent checked since the child began to fail").isEqualTo(SiteState.DOWN);
    }

    @Test
    void childDownBeforeItsParentBecomesUnreachableWhenTheParentGoesDown() {
      allUp();
      feed("a", "F");
      feed("core", "G");
      feed("a", "FF");
      assertThat(state("a")).isEqualTo(SiteState.DOWN);
      feed("core", "FFF");
      assertThat(state("a")).isEqualTo(SiteState.UNREACHABLE);
      assertThat(state("b")).as("b still answers").isEqualTo(SiteState.UP);
    }

    @Test
    void afterTheParentRecoversAChildMustFailOnItsOwnToBeDown() {
      allUp();
      feed("core", "FFF");
      feed("a", "FFF");
      feed("b", "FFF");
      feed("core", "GG");
      assertThat(state("core")).isEqualTo(SiteState.UP);
      assertThat(state("a")).isEqualTo(SiteState.UNREACHABLE);
      feed("a", "GG");
      assertThat(state("a")).isEqualTo(SiteState.UP);
      feed("b", "FF");
      assertThat(state("b")).as("two fresh failures are not enough").isEqualTo(SiteState.UNREACHABLE);
      feed("b", "F");
      assertThat(state("b")).as("waits for the parent's next check").isEqualTo(SiteState.UNREACHABLE);
      assertThat(tracker.drainWanted()).contains("core");
      feed("core", "G");
      assertThat(state("b")).isEqualTo(SiteState.DOWN);
    }

    @Test
    void aPlannedChildStaysPlannedWhenItsParentGoesDown() {
      SiteTracker t =
          new SiteTracker(new Inventory(List.of(core, site("p", "core", RolloutStage.PLANNED))), CFG, clock);
      for (char c : "FFF".toCharArray()) {
        t.apply(check("p", c));
      }
      for (char c : "GGFFF".toCharArray()) {
        t.apply(check("core", c));
      }
      assertThat(t.snapshot(0).site("core").orElseThrow().state()).isEqualTo(SiteState.DOWN);
      assertThat(t.snapshot(0).site("p").orElseThrow().state()).isEqualTo(SiteState.PLANNED);
    }

    @Test
    void restartFromUnknownDecidesParentAndChildrenInEitherOrder() {
      // A fresh tracker (vcmon restarted during an outage): children checked before the parent.
      feed("a", "FFF");
      assertThat(state("a")).isEqualTo(SiteState.UNKNOWN);
      feed("core", "FFF");
      assertThat(state("core")).isEqualTo(SiteState.DOWN);
      assertThat(state("a")).isEqualTo(SiteState.UNREACHABLE);
    }
  }

  @Nested
  class Reload {
    final Site core = new Site("core", "", "Core", SiteType.DISTRICT, "198.18.0.2", null, null, RolloutStage.CONNECTED, null);
    final Site a = site("a");
    final Site b = site("b");
    final SiteTracker tracker = new SiteTracker(new Inventory(List.of(core, a, b)), CFG, clock);

    List<Transition> feed(String id, String checks) {
      List<Transition> out = new ArrayList<>();
      for (char c : checks.replace(" ", "").toCharArray()) {
        clock.advance(Duration.ofSeconds(20));
        out.addAll(tracker.apply(check(id, c)));
      }
      return out;
    }

    SiteStatus status(String id) {
      return tracker.snapshot(0).site(id).orElseThrow();
    }

    @Test
    void keptSitesKeepStateSinceFirstConnectionAndEveryCounter() {
      feed("core", "GG");
      feed("a", "GG FFF GG FFF GG FFF GG"); // flapping now
      feed("b", "GG FF"); // UP, two failures counted toward DOWN
      SiteStatus coreBefore = status("core");
      SiteStatus aBefore = status("a");
      SiteStatus bBefore = status("b");
      assertThat(aBefore.flapping()).isTrue();
      clock.advance(Duration.ofSeconds(5));

      Site c = site("c", "core", RolloutStage.CONNECTED);
      List<Transition> changes = tracker.reconfigure(new Inventory(List.of(core, a, b, c)), CFG);

      assertThat(changes).as("a reload causes no transition of kept sites").isEmpty();
      assertThat(status("core")).isEqualTo(coreBefore);
      assertThat(status("a")).isEqualTo(aBefore);
      assertThat(status("b")).isEqualTo(bBefore);
      // b's two failures still count: the third in a row confirms DOWN, not the fifth.
      assertThat(feed("b", "F")).singleElement().satisfies(t -> assertThat(t.to()).isEqualTo(SiteState.DOWN));
      // a's flapping history still counts: its next change is recorded but not announced.
      assertThat(feed("a", "FFF")).singleElement().satisfies(t -> assertThat(t.announce()).isFalse());
    }

    @Test
    void aNewSiteStartsUncheckedAndARemovedOneIsForgotten() {
      feed("core", "GG");
      feed("b", "GG");
      Site c = site("c", "core", RolloutStage.CONNECTED);
      tracker.reconfigure(new Inventory(List.of(core, a, c)), CFG);

      assertThat(tracker.snapshot(0).sites()).extracting(s -> s.site().id()).containsExactly("core", "a", "c");
      assertThat(status("c").state()).isEqualTo(SiteState.UNKNOWN);
      assertThat(status("c").since()).isEqualTo(clock.instant());
      assertThat(feed("b", "FFF")).as("a check of a removed site, still in flight, is ignored").isEmpty();
      assertThat(feed("c", "GG")).singleElement().satisfies(t -> assertThat(t.to()).isEqualTo(SiteState.UP));
    }

    @Test
    void newStateRulesApplyFromTheNextCheck() {
      feed("core", "GG");
      feed("b", "GG");
      tracker.reconfigure(
          new Inventory(List.of(core, a, b)),
          new AgentConfig.State(1, 1, 0.5, Duration.ofMillis(500), 6, Duration.ofMinutes(15)));
      assertThat(feed("b", "F")).singleElement().satisfies(t -> assertThat(t.to()).isEqualTo(SiteState.DOWN));
    }

    @Test
    void aChangedSiteKeepsItsStateAndTakesItsNewFields() {
      feed("core", "GG");
      feed("b", "GG");
      SiteStatus before = status("b");
      Site moved = new Site("b", "", "B", SiteType.COMMUNE, "198.18.9.9", null, "core", RolloutStage.CONNECTED, null);
      assertThat(tracker.reconfigure(new Inventory(List.of(core, a, moved)), CFG)).isEmpty();
      assertThat(status("b").state()).isEqualTo(SiteState.UP);
      assertThat(status("b").since()).isEqualTo(before.since());
      assertThat(status("b").site()).isEqualTo(moved);
      // Its new parent counts: behind a DOWN core, b's confirmed failure is UNREACHABLE.
      feed("core", "FFF");
      assertThat(feed("b", "FFF")).singleElement().satisfies(t -> assertThat(t.to()).isEqualTo(SiteState.UNREACHABLE));
    }

    @Test
    void aStageChangedInTheFileAppliesButOneSetThroughTheApiStays() {
      tracker.setStage("a", RolloutStage.COMMISSIONED); // through the API
      List<Transition> changes =
          tracker.reconfigure(
              new Inventory(List.of(core, site("a", null, RolloutStage.INSTALLED), site("b", null, RolloutStage.PLANNED))),
              CFG);
      assertThat(status("a").site().stage()).isEqualTo(RolloutStage.COMMISSIONED);
      assertThat(status("b").state()).isEqualTo(SiteState.PLANNED);
      assertThat(changes).singleElement().satisfies(t -> assertThat(t.siteId()).isEqualTo("b"));
    }
  }

  /** NTP steps the wall clock while sites are UP, one is DOWN: the step alone changes nothing. */
  @Nested
  class ClockSteps {
    final SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"), site("b"), site("c"))), CFG, clock);

    List<Transition> round(char a, char b, char c) {
      clock.advance(Duration.ofSeconds(10));
      List<Transition> out = new ArrayList<>(tracker.apply(check("a", a)));
      out.addAll(tracker.apply(check("b", b)));
      out.addAll(tracker.apply(check("c", c)));
      return out;
    }

    @ParameterizedTest(name = "step {0} minutes")
    @CsvSource({"60", "-60", "-1440", "1440"})
    void aStepCausesNoTransitionAndNoFlapping(long minutes) {
      for (int i = 0; i < 3; i++) {
        round('G', 'G', 'F');
      }
      StateSnapshot before = tracker.snapshot(0);
      assertThat(before.site("c").orElseThrow().state()).isEqualTo(SiteState.DOWN);
      clock.advance(Duration.ofMinutes(minutes));
      List<Transition> out = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        out.addAll(round('G', 'G', 'F'));
      }
      assertThat(out).isEmpty();
      StateSnapshot after = tracker.snapshot(0);
      for (String id : List.of("a", "b", "c")) {
        assertThat(after.site(id).orElseThrow().since()).isEqualTo(before.site(id).orElseThrow().since());
        assertThat(after.site(id).orElseThrow().flapping()).isFalse();
      }
      // And it still decides: c comes back, a goes down, on checks alone.
      out.addAll(round('F', 'G', 'G'));
      out.addAll(round('F', 'G', 'G'));
      out.addAll(round('F', 'G', 'G'));
      assertThat(out).extracting(t -> t.siteId() + ":" + t.to()).containsExactly("c:UP", "a:DOWN");
    }
  }

  @Test
  void aSiteStatusIsTheSameObjectUntilSomethingOfItChanges() {
    SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"), site("b"))), CFG, clock);
    tracker.apply(check("a", 'G'));
    tracker.apply(check("b", 'G'));
    StateSnapshot first = tracker.snapshot(1);
    StateSnapshot unchanged = tracker.snapshot(2);
    assertThat(unchanged.site("a").orElseThrow()).isSameAs(first.site("a").orElseThrow());
    assertThat(unchanged.site("b").orElseThrow()).isSameAs(first.site("b").orElseThrow());

    tracker.apply(check("a", 'G')); // a new measurement of a, nothing of b
    StateSnapshot next = tracker.snapshot(3);
    assertThat(next.site("a").orElseThrow()).isNotSameAs(first.site("a").orElseThrow());
    assertThat(next.site("b").orElseThrow()).isSameAs(first.site("b").orElseThrow());

    tracker.setStage("b", RolloutStage.COMMISSIONED);
    assertThat(tracker.snapshot(4).site("b").orElseThrow()).isNotSameAs(first.site("b").orElseThrow());
  }

  /** Whether the snapshot after each check counts the site among those being confirmed (c) or not (-). */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // checks,   confirming after each check
    "GGF,        --c",
    "GGFF,       --cc",
    "GGFFF,      --cc-",
    "GGFFFG,     --cc-c",
    "GGFFFGG,    --cc-c-",
    "GGFG,       --c-",
    "GGSSS,      -----",
    "FFF,        cc-",
  })
  void theSnapshotTellsWhichSitesAreBeingConfirmed(String checks, String expected) {
    SiteTracker tracker = new SiteTracker(new Inventory(List.of(site("a"))), CFG, clock);
    StringBuilder seen = new StringBuilder();
    for (char c : checks.toCharArray()) {
      clock.advance(Duration.ofSeconds(10));
      tracker.apply(check("a", c));
      seen.append(tracker.snapshot(0).confirming().orElseThrow().contains("a") ? 'c' : '-');
    }
    assertThat(seen.toString()).isEqualTo(expected);
  }
}
