package org.daitu.vcmon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  @Test
  void aStandingClockMovesOnlyWhenAdvanced() throws Exception {
    Instant start = Instant.parse("2020-08-31T07:00:00Z");
    ManualClock clock = new ManualClock(start);
    Thread.sleep(5);
    assertThat(clock.instant()).isEqualTo(start);
    clock.advance(Duration.ofMinutes(5));
    assertThat(clock.instant()).isEqualTo(start.plusSeconds(300));
    clock.advance(Duration.ofMinutes(-10));
    assertThat(clock.instant()).isEqualTo(start.minusSeconds(300));
  }

  @Test
  void aRunningClockFollowsTheSystemClockAndJumpsWhenAdvanced() {
    ManualClock clock = ManualClock.running();
    assertThat(Duration.between(Instant.now(), clock.instant()).abs()).isLessThan(Duration.ofSeconds(1));
    clock.advance(Duration.ofHours(-1));
    Duration behind = Duration.between(clock.instant(), Instant.now());
    assertThat(behind).isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
  }
}
