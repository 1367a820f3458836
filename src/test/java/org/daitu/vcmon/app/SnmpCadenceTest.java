package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnmpCadenceTest {
  static final SnmpResult SILENT = SnmpResult.failed(SnmpStatus.TIMEOUT, "no SNMP answer within 1s");
  static final SnmpResult ANSWER =
      new SnmpResult(SnmpStatus.OK, null, 100, "a", "codec", "1.3.6.1.4.1.5596", List.of(), "generic", null, List.of());

  /**
   * Checks every 8 s; each letter is one check's ping: a answered, s silent; the SNMP agent
   * answers each poll unless the poll's number (from 0) is in {@code lost}. The last column says
   * which checks poll SNMP (P) and which judge by the last poll's answer (.) or by ping alone (-).
   */
  @ParameterizedTest(name = "interval {0}s, pings {1}, polls lost [{2}] -> {3}")
  @CsvSource({
    // interval s, pings,          lost polls, polls
    "60,           aaaaaaaaaa,     ,           P.......P.",
    "0,            aaaa,           ,           PPPP",
    "60,           aasssaa,        ,           P.-PPP.",
    "60,           sssss,          ,           PPPPP",
    "16,           aaaaaa,         ,           P.P.P.",
    "60,           aaaaaa,         0,          PP....", // one lost poll: polled again at the next check
    "60,           aaaaaa,         0;1;2,      PPPP..", // a silent agent: polled at every check until it answers
  })
  void pollsAtMostEveryIntervalAndAfterEverySilence(long interval, String pings, String lost, String polls) {
    List<String> lostPolls = lost == null ? List.of() : List.of(lost.split(";"));
    SnmpCadence cadence = new SnmpCadence();
    StringBuilder seen = new StringBuilder();
    int poll = 0;
    for (int i = 0; i < pings.length(); i++) {
      long now = i * 8_000L;
      boolean answered = pings.charAt(i) == 'a';
      if (cadence.due("a", now, Duration.ofSeconds(interval))) {
        cadence.polled("a", now, lostPolls.contains(Integer.toString(poll++)) ? SILENT : ANSWER);
        cadence.pinged("a", answered);
        seen.append('P');
      } else {
        seen.append(cadence.between("a", answered) == ANSWER ? '.' : '-');
      }
    }
    assertThat(seen.toString()).isEqualTo(polls);
  }

  @Test
  void aForgottenSiteIsPolledAtItsNextCheck() {
    SnmpCadence cadence = new SnmpCadence();
    cadence.polled("a", 0, ANSWER);
    cadence.pinged("a", true);
    assertThat(cadence.due("a", 8_000, Duration.ofSeconds(60))).isFalse();
    cadence.forget("a");
    assertThat(cadence.due("a", 8_000, Duration.ofSeconds(60))).isTrue();
    assertThat(cadence.between("a", true)).isNull();
  }
}
