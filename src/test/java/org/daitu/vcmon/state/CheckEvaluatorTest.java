package org.daitu.vcmon.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.InterfaceStatus.Judged;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.junit.jupiter.api.Test;

/** The interface part of the verdict: only judged interfaces count, named ones must exist. */
class CheckEvaluatorTest {
  private static final IcmpResult PINGS =
      IcmpResult.measured(5, new double[] {0.010, 0.012, 0.011, 0.010, 0.013});

  private final CheckEvaluator evaluator = new CheckEvaluator(0.5, Duration.ofMillis(500));

  @Test
  void downInterfacesThatDoNotJudgeTheSiteLeaveItGood() {
    // a 48-port switch's unused ports, admin up and oper down: listed, not judged
    Verdict v =
        evaluator.evaluate(
            check(false, port(1, "ether1", 1, null), port(2, "ether2", 2, null),
                port(3, "ether3", 2, null)),
            List.of());
    assertThat(v).usingRecursiveComparison().comparingOnlyFields("kind", "reason").isEqualTo(new Verdict(Verdict.Kind.GOOD, "ping and SNMP answer"));
  }

  @Test
  void aJudgedInterfaceDownImpairsTheSiteByItsName() {
    Verdict v =
        evaluator.evaluate(
            check(false, port(1, "ether1", 2, null), port(3, "ether3", 2, Judged.POLLED_ADDRESS),
                port(4, "uplink", 2, Judged.NAMED)),
            List.of("uplink"));
    assertThat(v.kind()).isEqualTo(Verdict.Kind.IMPAIRED);
    assertThat(v.reason()).isEqualTo("2 interfaces down: ether3, uplink");
    assertThat(v.causes()).extracting(Cause::text).containsExactly("interface ether3 down", "interface uplink down");
  }

  @Test
  void aJudgedInterfaceAdministrativelyDownIsNoFault() {
    InterfaceStatus shut =
        new InterfaceStatus(3, "ether3", null, null, 6, 2, 2, true, Judged.POLLED_ADDRESS);
    assertThat(evaluator.evaluate(check(false, shut), List.of()).kind())
        .isEqualTo(Verdict.Kind.GOOD);
  }

  @Test
  void aNamedInterfaceTheAgentDoesNotHaveIsReported() {
    Verdict v =
        evaluator.evaluate(
            check(false, port(1, "ether1", 1, null), port(2, "ether2", 1, Judged.NAMED)),
            List.of("ETHER2", "ether9"));
    assertThat(v)
        .usingRecursiveComparison()
        .comparingOnlyFields("kind", "reason")
        .isEqualTo(
            new Verdict(Verdict.Kind.IMPAIRED, "interface ether9 named in config not found"));
  }

  @Test
  void inAPartialTableAMissingNamedInterfaceIsNotReadRatherThanNotFound() {
    Verdict v = evaluator.evaluate(check(true, port(1, "ether1", 1, null)), List.of("ether9"));
    assertThat(v)
        .usingRecursiveComparison()
        .comparingOnlyFields("kind", "reason")
        .isEqualTo(
            new Verdict(
                Verdict.Kind.IMPAIRED,
                "interface ether9 named in config not read (interface table partial)"));
  }

  @Test
  void namedInterfacesAreNotLookedForWhenSnmpIsSilent() {
    SiteCheck silent =
        new SiteCheck(
            "s", Instant.EPOCH, Duration.ofSeconds(1), PINGS,
            SnmpResult.failed(SnmpStatus.TIMEOUT, "no SNMP answer within 1s (2 attempts)"));
    assertThat(evaluator.evaluate(silent, List.of("ether9")))
        .usingRecursiveComparison()
        .comparingOnlyFields("kind", "reason")
        .isEqualTo(
            new Verdict(
                Verdict.Kind.IMPAIRED, "SNMP silent: no SNMP answer within 1s (2 attempts)"));
  }

  private static InterfaceStatus port(long index, String name, int oper, Judged judged) {
    return new InterfaceStatus(
        index, name, null, null, 6, 1, oper, judged == Judged.POLLED_ADDRESS, judged);
  }

  private static SiteCheck check(boolean partial, InterfaceStatus... rows) {
    SnmpResult snmp =
        new SnmpResult(
            SnmpStatus.OK, null, 100, "s", "d", "1.3", List.of(rows), "generic", null, List.of(),
            null, List.of(), partial);
    return new SiteCheck("s", Instant.EPOCH, Duration.ofSeconds(1), PINGS, snmp);
  }
}
