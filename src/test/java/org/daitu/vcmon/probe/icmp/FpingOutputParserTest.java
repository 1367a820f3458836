package org.daitu.vcmon.probe.icmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.icmp.FpingOutputParser.Report;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One test per captured fping output (src/test/resources/fping; capture.sh there re-captures
 * them, and prints the exit codes repeated here).
 */
class FpingOutputParserTest {

  private static final double MS = 0.001;

  @Test
  void allAnsweredOnLoopbackIncludingNamesAndIpv6() {
    List<String> batch = List.of("127.0.0.1", "127.0.0.2", "localhost", "::1");

    Report report = parse("all-answered", batch, 0);

    assertThat(report.failure()).isNull();
    assertThat(report.ignoredLines()).isEmpty();
    assertThat(report.results()).containsOnlyKeys(batch);
    assertThat(report.results().values())
        .allSatisfy(
            r -> {
              assertThat(r.available()).isTrue();
              assertThat(r.sent()).isEqualTo(3);
              assertThat(r.received()).isEqualTo(3);
              assertThat(r.lossRatio()).isZero();
            });
    IcmpResult first = report.results().get("127.0.0.1");
    assertThat(first.rttMinSeconds()).isCloseTo(0.041 * MS, within(1e-12));
    assertThat(first.rttMaxSeconds()).isCloseTo(0.048 * MS, within(1e-12));
    assertThat(first.rttAvgSeconds()).isCloseTo(0.045 * MS, within(1e-12));
    assertThat(first.jitterSeconds()).isCloseTo(0.006 * MS, within(1e-12));
    assertThat(report.results().get("::1").rttMaxSeconds()).isCloseTo(0.031 * MS, within(1e-12));
  }

  @Test
  void someEchoesLost() {
    Report report = parse("some-lost", List.of("127.66.0.4", "127.0.0.1"), 0);

    IcmpResult lossy = report.results().get("127.66.0.4");
    assertThat(lossy.sent()).isEqualTo(3);
    assertThat(lossy.received()).isEqualTo(1);
    assertThat(lossy.lossRatio()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(lossy.rttAvgSeconds()).isCloseTo(0.193 * MS, within(1e-12));
    assertThat(report.results().get("127.0.0.1").received()).isEqualTo(3);
  }

  @Test
  void allEchoesLostIsMeasuredNotUnavailable() {
    Report report = parse("all-lost", List.of("127.66.0.1"), 1);

    IcmpResult silent = report.results().get("127.66.0.1");
    assertThat(report.failure()).isNull();
    assertThat(silent.available()).isTrue();
    assertThat(silent.sent()).isEqualTo(3);
    assertThat(silent.received()).isZero();
    assertThat(silent.lossRatio()).isEqualTo(1.0);
    assertThat(silent.rttAvgSeconds()).isNaN();
  }

  @Test
  void icmpErrorsAreIgnoredAndTheTargetCountsAsLost() {
    Report report = parse("host-unreachable", List.of("127.66.0.2", "127.0.0.1"), 1);

    assertThat(report.failure()).isNull();
    assertThat(report.ignoredLines())
        .hasSize(3)
        .allMatch(line -> line.startsWith("ICMP Host Unreachable from 127.66.0.2"));
    assertThat(report.results().get("127.66.0.2").lossRatio()).isEqualTo(1.0);
    assertThat(report.results().get("127.0.0.1").received()).isEqualTo(3);
  }

  @Test
  void nameNotFoundIsUnavailableForThatTargetOnly() {
    Report report = parse("name-not-found", List.of("no-such-host.invalid", "127.0.0.1"), 2);

    assertThat(report.failure()).isNull();
    assertThat(report.results().get("no-such-host.invalid").unavailableReason())
        .isEqualTo("cannot resolve host name no-such-host.invalid: Name or service not known");
    assertThat(report.results().get("127.0.0.1").received()).isEqualTo(3);
  }

  @Test
  void nameMissingFromOutputAfterExitTwoCannotBeResolved() {
    Report report =
        FpingOutputParser.parse(List.of("gone.invalid", "127.0.0.1"), 1, 2, "127.0.0.1 : 0.05\n");

    assertThat(report.results().get("gone.invalid").unavailableReason())
        .isEqualTo("cannot resolve host name gone.invalid");
  }

  @Test
  void duplicateLinesForOneTargetKeepTheFirst() {
    Report report = parse("duplicate-target", List.of("127.0.0.1"), 0);

    assertThat(report.results().get("127.0.0.1").rttMinSeconds())
        .isCloseTo(0.029 * MS, within(1e-12));
    assertThat(report.ignoredLines()).containsExactly("127.0.0.1 : 0.019 0.022 0.020");
  }

  @Test
  void targetMissingFromOutputIsUnavailableWithReason() {
    Report report = parse("all-lost", List.of("127.66.0.1", "127.0.0.9"), 1);

    assertThat(report.results().get("127.0.0.9").unavailableReason())
        .isEqualTo("fping gave no result for 127.0.0.9 (exit 1)");
    assertThat(report.results().get("127.66.0.1").available()).isTrue();
  }

  @Test
  void noRawSocketMakesTheBatchUnavailableWithTheFix() {
    Report report = parse("no-permission", List.of("127.0.0.1", "127.0.0.2"), 4);

    String reason =
        "fping may not send ICMP: /tmp/fping-without-caps: can't create socket (must run as"
            + " root?) (run `setcap cap_net_raw+ep $(command -v fping)` or run vcmon with"
            + " CAP_NET_RAW)";
    assertThat(report.failure()).isEqualTo(reason);
    assertThat(report.results()).hasSize(2);
    assertThat(report.results().values()).allMatch(r -> reason.equals(r.unavailableReason()));
  }

  @Test
  void badOptionMakesTheBatchUnavailableAlthoughFpingExitsOne() {
    Report report = parse("bad-option", List.of("127.0.0.1"), 1);

    assertThat(report.failure())
        .isEqualTo("fping failed (exit 1): fping: invalid option -- 'bogus'");
    assertThat(report.results().get("127.0.0.1").unavailableReason()).isEqualTo(report.failure());
  }

  @ParameterizedTest
  @CsvSource({"3, fping failed (exit 3): no message", "4, fping failed (exit 4): no message"})
  void exitThreeAndFourMakeTheBatchUnavailableEvenWithResults(int exitCode, String reason) {
    Report report =
        FpingOutputParser.parse(List.of("127.0.0.1"), 1, exitCode, "127.0.0.1 : 0.05\n");

    assertThat(report.failure()).isEqualTo(reason);
    assertThat(report.results().get("127.0.0.1").unavailableReason()).isEqualTo(reason);
  }

  @Test
  void emptyOutputIsAFailureNotASilentSuccess() {
    Report report = FpingOutputParser.parse(List.of("127.0.0.1"), 3, 0, "");

    assertThat(report.failure()).isEqualTo("fping failed (exit 0): no message");
  }

  @Test
  void garbageLinesAreIgnoredAndCountedWhileResultsAreStillRead() {
    Report report = parse("garbage", List.of("127.0.0.1", "127.0.0.3"), 0);

    assertThat(report.failure()).isNull();
    IcmpResult one = report.results().get("127.0.0.1");
    assertThat(one.received()).isEqualTo(2);
    assertThat(one.rttAvgSeconds()).isCloseTo(0.050 * MS, within(1e-12));
    IcmpResult three = report.results().get("127.0.0.3");
    assertThat(three.received()).isEqualTo(3);
    assertThat(three.rttAvgSeconds()).isCloseTo(2.5 * MS, within(1e-12));
    assertThat(report.ignoredLines()).hasSize(12);
    assertThat(report.results()).containsOnlyKeys("127.0.0.1", "127.0.0.3");
  }

  @Test
  void killedBySignalSaysSoAndWhichSignal() {
    Report report = FpingOutputParser.parse(List.of("127.0.0.1", "127.0.0.2"), 3, 137, "");

    assertThat(report.failure())
        .isEqualTo("fping was killed before it finished (signal 9 (SIGKILL)): no message");
    assertThat(report.results().values())
        .allSatisfy(r -> assertThat(r.unavailableReason()).isEqualTo(report.failure()));
  }

  @Test
  void binaryAndOverlongOutputIsQuotedShortAndPrintable() {
    String binary = "\u0000\u0001\uFFFD\u001b[31mboom" + "x".repeat(100_000);

    Report report = FpingOutputParser.parse(List.of("127.0.0.1"), 3, 0, binary + "\n");

    assertThat(report.failure())
        .startsWith("fping failed (exit 0): ????[31mboomxxx")
        .endsWith("...")
        .hasSizeLessThan(250)
        .doesNotContainPattern("\\p{Cntrl}");
  }

  @Test
  void failuresDifferingOnlyInTheQuotedOutputAreTheSameCondition() {
    assertThat(FpingOutputParser.sameFailure("fping failed (exit 0): ??x", "fping failed (exit 0): y?"))
        .isTrue();
    assertThat(FpingOutputParser.sameFailure("fping failed (exit 0): x", "fping failed (exit 1): x"))
        .isFalse();
    assertThat(FpingOutputParser.sameFailure(null, "fping failed (exit 0): x")).isFalse();
    assertThat(FpingOutputParser.sameFailure(null, null)).isTrue();
    assertThat(FpingOutputParser.sameFailure("fping not found: \"x\"", "fping not found: \"x\"")).isTrue();
  }

  @Test
  void partialLinesGiveNoResultForTheirTargetWithTheReason() {
    // A run cut short: one complete summary, one torn off mid-line.
    Report report =
        FpingOutputParser.parse(
            List.of("127.0.0.1", "127.0.0.2"), 3, 0, "127.0.0.1 : 0.05 0.06 0.07\n127.0.0.2 : 0.0");

    assertThat(report.failure()).isNull();
    assertThat(report.results().get("127.0.0.1").received()).isEqualTo(3);
    assertThat(report.results().get("127.0.0.2").unavailableReason())
        .isEqualTo("fping gave no result for 127.0.0.2 (exit 0)");
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, true",
    "::1, true",
    "fe80::1%eth0, true",
    "localhost, false",
    "vc.ha-thuong.daitu.vn, false",
    "1.2.3, false"
  })
  void ipLiteralsAreRecognisedByShape(String target, boolean literal) {
    assertThat(FpingOutputParser.ipLiteral(target)).isEqualTo(literal);
  }

  private static Report parse(String fixture, List<String> batch, int exitCode) {
    return FpingOutputParser.parse(batch, 3, exitCode, fixture(fixture));
  }

  private static String fixture(String name) {
    String path = "/fping/" + name + ".txt";
    try (InputStream in = FpingOutputParserTest.class.getResourceAsStream(path)) {
      assertThat(in).as("fixture fping/%s.txt", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot read fixture fping/" + name + ".txt", e);
    }
  }
}
