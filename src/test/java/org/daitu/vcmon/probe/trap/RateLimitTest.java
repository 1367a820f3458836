package org.daitu.vcmon.probe.trap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RateLimitTest {
  private static final long MS = 1_000_000;

  @ParameterizedTest(name = "{0}/s burst {1}: {2} sent over {3} ms, {4} allowed")
  @CsvSource({
    // perSecond, burst, sent (evenly over the time), ms, allowed
    "10, 20, 5000, 0, 20",
    "10, 20, 5000, 1000, 30",
    "10, 20, 20, 1000, 20",
    "100, 1, 1000, 999, 100",
    "1, 1, 3, 0, 1",
  })
  void aSenderGetsItsBurstThenItsRate(double perSecond, int burst, int sent, long ms, int allowed) {
    RateLimit limit = new RateLimit(perSecond, burst);
    int got = 0;
    for (int i = 0; i < sent; i++) {
      long at = sent == 1 ? 0 : ms * MS * i / (sent - 1);
      if (limit.allow("198.18.1.10", at)) {
        got++;
      }
    }
    assertEquals(allowed, got, 1.0); // a token may fall either side of the last instant
  }

  @Test
  void sendersHaveTheirOwnBuckets() {
    RateLimit limit = new RateLimit(1, 2);
    int a = 0;
    int b = 0;
    for (int i = 0; i < 100; i++) {
      a += limit.allow("198.18.1.10", 0) ? 1 : 0;
    }
    for (int i = 0; i < 100; i++) {
      b += limit.allow("198.18.1.11", 0) ? 1 : 0;
    }
    assertEquals(2, a);
    assertEquals(2, b);
  }

  @Test
  void aClockThatGoesBackGivesNothingExtra() {
    RateLimit limit = new RateLimit(1, 1);
    assertEquals(true, limit.allow("x", 10_000 * MS));
    assertEquals(false, limit.allow("x", 0));
  }

  @Test
  void aRateOfZeroIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RateLimit(0, 1));
  }
}
