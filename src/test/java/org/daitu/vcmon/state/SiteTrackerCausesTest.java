package org.daitu.vcmon.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** A DEGRADED site's causes: confirmed, cleared and changed like states (down_after 3, up_after 2). */
class SiteTrackerCausesTest {
  final ManualClock clock = new ManualClock(Instant.parse("2020-08-01T00:00:00Z"));
  final SiteTracker tracker =
      new SiteTracker(new Inventory(List.of(SiteTrackerTest.site("a"))), SiteTrackerTest.CFG, clock);
  final List<Transition> seen = new ArrayList<>();

  static final IcmpResult CLEAN = IcmpResult.measured(5, new double[] {0.01, 0.01, 0.01, 0.01, 0.01});
  static final IcmpResult LOSSY = IcmpResult.measured(5, new double[] {0.01, 0.01});

  /** An answer whose listed interfaces are admin up and oper down. */
  static SnmpResult answer(String... down) {
    List<InterfaceStatus> rows = new ArrayList<>();
    rows.add(new InterfaceStatus(1, "uplink", "uplink", null, 6, 1, 1, true, InterfaceStatus.Judged.POLLED_ADDRESS));
    for (int i = 0; i < down.length; i++) {
      rows.add(new InterfaceStatus(10 + i, down[i], down[i], null, 6, 1, 2, false, InterfaceStatus.Judged.NAMED));
    }
    return new SnmpResult(SnmpStatus.OK, null, 100_000, "a", "codec", "1.3", rows, "generic", null, List.of());
  }

  static final SnmpResult SILENT = SnmpResult.failed(SnmpStatus.TIMEOUT, "no SNMP answer within 1s (2 attempts)");

  List<Transition> feed(int times, IcmpResult icmp, SnmpResult snmp) {
    List<Transition> out = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      clock.advance(Duration.ofSeconds(10));
      out.addAll(tracker.apply(new SiteCheck("a", clock.instant(), Duration.ofSeconds(1), icmp, snmp)));
    }
    seen.addAll(out);
    return out;
  }

  SiteStatus status() {
    return tracker.status("a");
  }

  List<String> causeKeys() {
    return status().causes().stream().map(SiteCause::key).toList();
  }

  /** UP, then DEGRADED with interface ether3 down. */
  void degradedOnEther3() {
    feed(2, CLEAN, answer());
    feed(3, CLEAN, answer("ether3"));
    assertThat(status().state()).isEqualTo(SiteState.DEGRADED);
    assertThat(causeKeys()).containsExactly("interface:ether3");
  }

  @Test
  void snmpFallingSilentOnADegradedSiteIsAChangeOfItsOwn() {
    degradedOnEther3();
    Instant degradedSince = status().since();
    assertThat(feed(2, CLEAN, SILENT)).as("not confirmed before down_after checks").isEmpty();
    List<Transition> out = feed(1, CLEAN, SILENT);
    assertThat(out).singleElement().satisfies(t -> {
      assertThat(t.from()).isEqualTo(SiteState.DEGRADED);
      assertThat(t.to()).isEqualTo(SiteState.DEGRADED);
      assertThat(t.causesChanged()).isTrue();
      assertThat(t.causesAdded()).containsExactly("SNMP silent: no SNMP answer within 1s (2 attempts)");
      assertThat(t.causesCleared()).as("SNMP silent says nothing of the interfaces").isEmpty();
      assertThat(t.announce()).isTrue();
      assertThat(t.reason()).isEqualTo("new: SNMP silent: no SNMP answer within 1s (2 attempts)");
    });
    assertThat(causeKeys()).containsExactly("interface:ether3", "snmp-silent");
    assertThat(status().since()).as("the state's since stays").isEqualTo(degradedSince);
    assertThat(status().causes().get(1).since()).isEqualTo(clock.instant());
    assertThat(status().causes().get(0).since()).isEqualTo(degradedSince);
    assertThat(status().reason()).isEqualTo("interface ether3 down; SNMP silent: no SNMP answer within 1s (2 attempts)");
  }

  @Test
  void aCauseIsClearedAfterUpAfterChecksThatCouldJudgeIt() {
    degradedOnEther3();
    feed(3, CLEAN, SILENT); // SNMP silent added
    assertThat(feed(5, CLEAN, SILENT)).as("silence cannot clear an interface").isEmpty();
    assertThat(feed(1, CLEAN, answer("ether3"))).isEmpty();
    List<Transition> out = feed(1, CLEAN, answer("ether3"));
    assertThat(out).singleElement().satisfies(t -> {
      assertThat(t.causesAdded()).isEmpty();
      assertThat(t.causesCleared()).containsExactly("SNMP silent: no SNMP answer within 1s (2 attempts)");
      assertThat(t.reason()).isEqualTo("cleared: SNMP silent: no SNMP answer within 1s (2 attempts)");
    });
    assertThat(causeKeys()).containsExactly("interface:ether3");
  }

  @Test
  void aChangedFigureIsNotANewCause() {
    feed(2, CLEAN, answer());
    feed(3, LOSSY, answer());
    assertThat(status().reason()).isEqualTo("packet loss 60% (limit 50%)");
    IcmpResult worse = IcmpResult.measured(5, new double[] {0.01});
    assertThat(feed(4, worse, answer())).isEmpty();
    assertThat(causeKeys()).containsExactly("loss");
    assertThat(status().reason()).isEqualTo("packet loss 80% (limit 50%)");
    assertThat(status().causes().get(0).text()).isEqualTo("packet loss 80% (limit 50%)");
  }

  @Test
  void oneCauseReplacedByAnotherIsOneChange() {
    degradedOnEther3();
    // ether3 is cleared after up_after checks; the site cannot stay DEGRADED for nothing, so
    // ether4, seen in each of them, takes its place in the same change.
    List<Transition> out = feed(2, CLEAN, answer("ether4"));
    assertThat(feed(1, CLEAN, answer("ether4"))).isEmpty();
    assertThat(out).singleElement().satisfies(t -> {
      assertThat(t.causesAdded()).containsExactly("interface ether4 down");
      assertThat(t.causesCleared()).containsExactly("interface ether3 down");
    });
    assertThat(causeKeys()).containsExactly("interface:ether4");
  }

  @Test
  void goingUpClearsTheCausesWithoutAChangeOfTheirOwn() {
    degradedOnEther3();
    List<Transition> out = feed(2, CLEAN, answer());
    assertThat(out).singleElement().satisfies(t -> {
      assertThat(t.to()).isEqualTo(SiteState.UP);
      assertThat(t.causesChanged()).isFalse();
    });
    assertThat(status().causes()).isEmpty();
  }

  @Test
  void causesThatComeAndGoMakeTheSiteFlap() {
    degradedOnEther3();
    for (int i = 0; i < 4; i++) {
      feed(3, LOSSY, answer("ether3"));
      feed(2, CLEAN, answer("ether3"));
    }
    assertThat(status().state()).isEqualTo(SiteState.DEGRADED);
    assertThat(status().flapping()).isTrue();
    Transition last = seen.get(seen.size() - 1);
    assertThat(last.causesChanged()).isTrue();
    assertThat(last.announce()).as("a flapping site's changes are recorded, not announced").isFalse();
  }

  @Test
  void manyDownInterfacesAreOneShortReasonAndEveryCauseIsListed() {
    feed(2, CLEAN, answer());
    String[] ports = new String[38];
    for (int i = 0; i < ports.length; i++) {
      ports[i] = "GigabitEthernet1/0/" + (i + 1);
    }
    feed(3, CLEAN, answer(ports));
    assertThat(status().reason())
        .isEqualTo("38 interfaces down: GigabitEthernet1/0/1, GigabitEthernet1/0/2, GigabitEthernet1/0/3, …");
    assertThat(status().causes()).hasSize(38);
  }

  @Test
  void aStatusIsANewObjectWhenOnlyACauseTextChanged() {
    feed(2, CLEAN, answer());
    feed(3, LOSSY, answer());
    SiteStatus before = tracker.snapshot(1).site("a").orElseThrow();
    assertThat(tracker.snapshot(2).site("a").orElseThrow()).isSameAs(before);
    feed(1, IcmpResult.measured(5, new double[] {0.01}), answer());
    assertThat(tracker.snapshot(3).site("a").orElseThrow()).isNotSameAs(before);
  }
}
