package org.daitu.vcmon.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.Test;

class LogBudgetTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2020-08-01T07:00:00Z"));
  private final LogBudget budget = new LogBudget(3, Duration.ofMinutes(1), clock);

  @Test
  void atMostThePerWindowLinesThenTheNextWindowReportsWhatWasLeftOut() {
    int logged = 0;
    for (int i = 0; i < 10_000; i++) {
      if (budget.take().isPresent()) {
        logged++;
      }
    }
    assertThat(logged).isEqualTo(3);
    clock.advance(Duration.ofMinutes(1));
    assertThat(budget.take()).isEqualTo(OptionalLong.of(9_997));
    assertThat(budget.take()).isEqualTo(OptionalLong.of(0));
  }
}
