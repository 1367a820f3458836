package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnmpCadenceTest {
  static final SnmpResult SILENT = SnmpResult.failed(SnmpStatus.TIMEOUT, "no SNMP answer within 1s");

  /**
   * Checks every 8 s; each letter is one check's ping: a answered, s silent. The second column
   * says which checks poll SNMP (P) and which judge by the last poll (.) or by ping alone (-).
   */
  @ParameterizedTest(name = "interval {0}s, pings {1} -> {2}")
  @CsvSource({
    // interval s, pings,          polls
    "60,           aaaaaaaaaa,     P.......P.",
    "0,            aaaa,           PPPP",
    "60,           aasssaa,        P.-PPP.",
    "60,           sssss,          PPPPP",
    "16,           aaaaaa,         P.P.P.",
  })
  void pollsAtMostEveryIntervalAndAfterEverySilentPing(long interval, String pings, String polls) {
    SnmpCadence cadence = new SnmpCadence();
    StringBuilder seen = new StringBuilder();
    for (int i = 0; i < pings.length(); i++) {
      long now = i * 8_000L;
      boolean answered = pings.charAt(i) == 'a';
      if (cadence.due("a", now, Duration.ofSeconds(interval))) {
        cadence.polled("a", now, SILENT);
        cadence.pinged("a", answered);
        seen.append('P');
      } else {
        seen.append(cadence.between("a", answered) == SILENT ? '.' : '-');
      }
    }
    assertThat(seen.toString()).isEqualTo(polls);
  }

  @Test
  void aForgottenSiteIsPolledAtItsNextCheck() {
    SnmpCadence cadence = new SnmpCadence();
    cadence.polled("a", 0, SILENT);
    cadence.pinged("a", true);
    assertThat(cadence.due("a", 8_000, Duration.ofSeconds(60))).isFalse();
    cadence.forget("a");
    assertThat(cadence.due("a", 8_000, Duration.ofSeconds(60))).isTrue();
    assertThat(cadence.between("a", true)).isNull();
  }
}
