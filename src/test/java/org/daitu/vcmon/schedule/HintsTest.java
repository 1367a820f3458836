package org.daitu.vcmon.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HintsTest {
  private static final Duration RECHECK = Duration.ofSeconds(1);
  private static final Duration INTERVAL = Duration.ofSeconds(8);

  @ParameterizedTest(name = "hint urgent={0} running={1}; check ends {2} ms later, pending={3}: next after {4} ms")
  @CsvSource({
    // urgent, running when hinted, check ends (ms after the hint), pending, next (ms)
    "true,  false, 1000,  true,  0",
    "true,  false, 19000, true,  0",
    "true,  false, 21000, true,  1000",
    "true,  false, 1000,  false, 8000",
    "false, false, 1000,  true,  1000",
    "false, false, 1000,  false, 8000",
    "false, true,  1000,  false, 0",
    "true,  true,  1000,  false, 0",
  })
  void theNextCheckAfterAHint(boolean urgent, boolean running, long endsAfter, boolean pending, long next) {
    Hints hints = new Hints();
    hints.hinted("a", running, urgent, 0);
    assertThat(hints.next("a", pending, endsAfter, RECHECK, INTERVAL)).isEqualTo(Duration.ofMillis(next));
  }

  @Test
  void aHintedSiteIsBroughtForwardUnlessItsCheckRuns() {
    Hints hints = new Hints();
    assertThat(hints.hinted("a", false, false, 0)).isTrue();
    assertThat(hints.hinted("b", true, false, 0)).isFalse();
  }

  @Test
  void theExtraCheckAfterARunningOneIsOneOnly() {
    Hints hints = new Hints();
    hints.hinted("a", true, false, 0);
    assertThat(hints.next("a", false, 500, RECHECK, INTERVAL)).isZero();
    assertThat(hints.next("a", false, 1500, RECHECK, INTERVAL)).isEqualTo(INTERVAL);
  }

  @Test
  void theBackToBackWindowEndsAndOtherSitesAreUntouched() {
    Hints hints = new Hints();
    hints.hinted("a", false, true, 0);
    assertThat(hints.next("b", true, 100, RECHECK, INTERVAL)).isEqualTo(RECHECK);
    assertThat(hints.next("a", true, 100, RECHECK, INTERVAL)).isZero();
    assertThat(hints.next("a", true, Hints.URGENT.toMillis() + 1, RECHECK, INTERVAL)).isEqualTo(RECHECK);
    assertThat(hints.next("a", true, 100, RECHECK, INTERVAL)).as("forgotten once over").isEqualTo(RECHECK);
  }
}
