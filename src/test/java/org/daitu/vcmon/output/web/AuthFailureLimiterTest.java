package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.Test;

class AuthFailureLimiterTest {
  private static final AuthFailureLimiter.Settings SETTINGS =
      new AuthFailureLimiter.Settings(5, Duration.ofMinutes(1), Duration.ofMinutes(5), 100);
  private final ManualClock clock = new ManualClock(Instant.parse("2020-08-01T07:00:00Z"));
  private final AuthFailureLimiter limiter = new AuthFailureLimiter(SETTINGS, clock);

  @Test
  void fiveFailuresWithinAMinuteLockTheAddressOutForTheLockout() {
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.failure("192.0.2.1")).isFalse();
      clock.advance(Duration.ofSeconds(10));
    }
    assertThat(limiter.lockedFor("192.0.2.1")).isEmpty();
    assertThat(limiter.failure("192.0.2.1")).as("the fifth failure locks").isTrue();
    assertThat(limiter.lockedFor("192.0.2.1")).contains(Duration.ofMinutes(5));
    clock.advance(Duration.ofMinutes(4));
    assertThat(limiter.lockedFor("192.0.2.1")).contains(Duration.ofMinutes(1));
    assertThat(limiter.lockedFor("192.0.2.2")).as("other addresses are not affected").isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(limiter.lockedFor("192.0.2.1")).as("the lockout is bounded").isEmpty();
  }

  @Test
  void failuresFurtherApartThanTheWindowNeverLock() {
    for (int i = 0; i < 20; i++) {
      assertThat(limiter.failure("192.0.2.1")).isFalse();
      clock.advance(Duration.ofSeconds(15));
      if (i % 4 == 3) {
        clock.advance(Duration.ofMinutes(1));
      }
    }
    assertThat(limiter.lockedFor("192.0.2.1")).isEmpty();
  }

  @Test
  void failuresDuringALockoutDoNotExtendIt() {
    for (int i = 0; i < 5; i++) {
      limiter.failure("192.0.2.1");
    }
    clock.advance(Duration.ofMinutes(2));
    assertThat(limiter.failure("192.0.2.1")).isFalse();
    assertThat(limiter.lockedFor("192.0.2.1")).contains(Duration.ofMinutes(3));
  }

  @Test
  void aSuccessForgetsEarlierFailures() {
    for (int i = 0; i < 4; i++) {
      limiter.failure("192.0.2.1");
    }
    limiter.success("192.0.2.1");
    assertThat(limiter.failure("192.0.2.1")).isFalse();
    assertThat(limiter.lockedFor("192.0.2.1")).isEmpty();
  }

  @Test
  void aFloodOfSourceAddressesKeepsTheTableBounded() {
    for (int i = 0; i < 100_000; i++) {
      limiter.failure("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
    }
    assertThat(limiter.size()).isEqualTo(SETTINGS.maxAddresses());
  }

  @Test
  void theAddressSeenMostRecentlyStaysWhenOthersAreEvicted() {
    for (int i = 0; i < 5; i++) {
      limiter.failure("192.0.2.1");
    }
    for (int i = 0; i < 1_000; i++) {
      limiter.failure("10.0." + (i >> 8) + "." + (i & 255));
      if (i % 50 == 0) {
        assertThat(limiter.lockedFor("192.0.2.1")).isPresent();
      }
    }
    assertThat(limiter.lockedFor("192.0.2.1")).as("kept while it keeps coming back").isPresent();
  }
}
