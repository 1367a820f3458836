package org.daitu.vcmon.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.junit.jupiter.api.Test;

class ReasonsTest {
  static Cause down(String name) {
    return new Cause("interface:" + name, "interface " + name + " down", Cause.Source.SNMP_DATA);
  }

  static final Cause LOSS = new Cause("loss", "packet loss 60% (limit 50%)", Cause.Source.ICMP);

  @Test
  void oneInterfaceKeepsItsOwnText() {
    assertThat(Reasons.summarise(List.of(LOSS, down("ether3")))).isEqualTo("packet loss 60% (limit 50%); interface ether3 down");
  }

  @Test
  void severalInterfacesAreCountedWhereTheFirstWas() {
    assertThat(Reasons.summarise(List.of(down("a"), LOSS, down("b"))))
        .isEqualTo("2 interfaces down: a, b; packet loss 60% (limit 50%)");
    assertThat(Reasons.summarise(List.of(down("a"), down("b"), down("c"), down("d"))))
        .isEqualTo("4 interfaces down: a, b, c, …");
  }

  @Test
  void noReasonIsLongerThan300Characters() {
    List<Cause> causes = new ArrayList<>();
    causes.add(new Cause("registration:x", "SIP registration failed: " + "x".repeat(400), Cause.Source.SNMP_DATA));
    String r = Reasons.summarise(causes);
    assertThat(r).hasSize(300).endsWith("…");
    // A cut never splits a surrogate pair (an emoji in an agent's text).
    String emoji = "a".repeat(298) + "😀😀";
    assertThat(Reasons.cut(emoji)).isEqualTo("a".repeat(298) + "…");
    assertThat(Reasons.cut("short")).isEqualTo("short");
  }

  @Test
  void theEvaluatorGivesEachFindingAsACauseAndAShortReason() {
    CheckEvaluator e = new CheckEvaluator(0.5, Duration.ofMillis(500));
    List<InterfaceStatus> rows = new ArrayList<>();
    for (int i = 1; i <= 38; i++) {
      rows.add(new InterfaceStatus(i, "port" + i, "port" + i, null, 6, 1, 2, false, InterfaceStatus.Judged.NAMED));
    }
    SnmpResult snmp = new SnmpResult(SnmpStatus.OK, null, 1, "s", "d", "1.3", rows, "generic", null, List.of("H.323 gatekeeper registration failed"));
    Verdict v = e.evaluate(new SiteCheck("a", Instant.EPOCH, Duration.ofSeconds(1),
        IcmpResult.measured(5, new double[] {0.01, 0.01}), snmp));
    assertThat(v.kind()).isEqualTo(Verdict.Kind.IMPAIRED);
    assertThat(v.causes()).hasSize(40);
    assertThat(v.causes().get(0).key()).isEqualTo("loss");
    assertThat(v.judged()).containsExactlyInAnyOrder(Cause.Source.ICMP, Cause.Source.SNMP_REACH, Cause.Source.SNMP_DATA);
    assertThat(v.reason())
        .isEqualTo("packet loss 60% (limit 50%); 38 interfaces down: port1, port2, port3, …; H.323 gatekeeper registration failed");

    Verdict silent = e.evaluate(new SiteCheck("a", Instant.EPOCH, Duration.ofSeconds(1),
        IcmpResult.measured(5, new double[] {0.01, 0.01, 0.01, 0.01, 0.01}), SnmpResult.failed(SnmpStatus.TIMEOUT, "timeout")));
    assertThat(silent.causes()).extracting(Cause::key).containsExactly("snmp-silent");
    assertThat(silent.judged()).as("a silent agent says nothing of its interfaces")
        .containsExactlyInAnyOrder(Cause.Source.ICMP, Cause.Source.SNMP_REACH);
  }
}
