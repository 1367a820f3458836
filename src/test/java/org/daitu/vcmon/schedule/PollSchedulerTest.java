package org.daitu.vcmon.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PollSchedulerTest {
  static final Duration INTERVAL = Duration.ofSeconds(30);

  @Test
  void firstChecksAreSpreadOverTheIntervalAndStable() {
    PollScheduler s = new PollScheduler();
    int[] perSecondBucket = new int[30];
    for (int i = 0; i < 3000; i++) {
      String id = "site-" + i;
      long off = PollScheduler.offset(id, INTERVAL);
      assertThat(off).isBetween(0L, 29_999L);
      assertThat(PollScheduler.offset(id, INTERVAL)).isEqualTo(off);
      perSecondBucket[(int) (off / 1000)]++;
      s.add(id, 0, INTERVAL);
    }
    // 100 per second on average; no second gets a thundering herd.
    for (int n : perSecondBucket) {
      assertThat(n).isBetween(60, 140);
    }
    assertThat(s.due(29_999)).hasSize(3000);
  }

  @Test
  void aRunningSiteIsNotHandedOutAgainAndNextCheckIsStartToStart() {
    PollScheduler s = new PollScheduler();
    s.add("a", 0, INTERVAL);
    long first = PollScheduler.offset("a", INTERVAL);
    assertThat(s.due(first - 1)).isEmpty();
    assertThat(s.due(first)).containsExactly("a");
    assertThat(s.due(first + 60_000)).as("still running").isEmpty();
    s.completed("a", first, first + 1_500, INTERVAL);
    assertThat(s.due(first + 29_999)).isEmpty();
    assertThat(s.due(first + 30_000)).containsExactly("a");
    assertThat(s.skipped()).isZero();
  }

  @Test
  void aCheckLongerThanItsDelayRunsAgainAtOnceAndCountsSkips() {
    PollScheduler s = new PollScheduler();
    s.add("a", 0, INTERVAL);
    long t = PollScheduler.offset("a", INTERVAL);
    s.due(t);
    s.completed("a", t, t + 65_000, INTERVAL);
    assertThat(s.skipped()).isEqualTo(2);
    assertThat(s.due(t + 65_000)).containsExactly("a");
  }

  @Test
  void recheckDelayAndExpedite() {
    PollScheduler s = new PollScheduler();
    s.add("a", 0, INTERVAL);
    s.add("core", 0, INTERVAL);
    long t = 40_000;
    List<String> due = new ArrayList<>(s.due(t));
    assertThat(due).containsExactlyInAnyOrder("a", "core");
    s.completed("a", t, t + 1_000, Duration.ofSeconds(2));
    s.completed("core", t, t + 1_000, INTERVAL);
    assertThat(s.due(t + 2_000)).containsExactly("a");
    s.expedite("core", t + 2_500);
    assertThat(s.due(t + 2_500)).containsExactly("core");
    assertThat(s.lagMillis(t + 2_500)).isZero();
  }

  @Test
  void aCheckStartedATickLateKeepsItsPlaceInTheInterval() {
    PollScheduler s = new PollScheduler();
    s.add("a", 0, INTERVAL);
    long first = PollScheduler.offset("a", INTERVAL);
    for (int round = 0; round < 100; round++) {
      long due = first + round * 30_000L;
      assertThat(s.due(due + 249)).as("round %d", round).containsExactly("a");
      s.completed("a", due + 249, due + 1_500, INTERVAL);
    }
    assertThat(s.due(first + 100 * 30_000L - 1)).as("no drift after 100 rounds").isEmpty();
    assertThat(s.due(first + 100 * 30_000L)).containsExactly("a");
    assertThat(s.skipped()).isZero();
  }

  @Test
  void removedSitesDisappear() {
    PollScheduler s = new PollScheduler();
    s.add("a", 0, INTERVAL);
    s.remove("a");
    assertThat(s.due(60_000)).isEmpty();
  }
}
