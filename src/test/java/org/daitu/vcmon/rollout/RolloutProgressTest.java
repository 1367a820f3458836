package org.daitu.vcmon.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.daitu.vcmon.history.DailyRollout;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RolloutProgressTest {
  static final LocalDate DEADLINE = LocalDate.of(2020, 8, 31);

  static Site site(String id, SiteType type, RolloutStage stage) {
    return new Site(id, "", id, type, "198.18.1.1", null, null, stage, null);
  }

  static RolloutProgress progress(LocalDate deadline, LocalDate today, List<Site> sites, List<DailyRollout> days) {
    return RolloutProgress.of(30, deadline, today, sites, 12, 11, days);
  }

  @ParameterizedTest(name = "today {0} -> {1} days left")
  @CsvSource({"2020-08-01,30", "2020-08-30,1", "2020-08-31,0", "2020-09-01,-1", "2021-08-31,-365", "2019-12-31,244"})
  void daysLeftCountsCalendarDaysAndGoesNegativeAfterTheDeadline(LocalDate today, long left) {
    assertThat(progress(DEADLINE, today, List.of(), List.of()).daysLeft()).isEqualTo(left);
  }

  @Test
  void noDeadlineNoDaysLeft() {
    RolloutProgress p = progress(null, LocalDate.of(2020, 8, 1), List.of(), List.of());
    assertThat(p.deadline()).isNull();
    assertThat(p.daysLeft()).isNull();
  }

  @Test
  void countsEveryStageOfTheUnitsZerosIncludedInStageOrder() {
    List<Site> sites =
        List.of(
            site("district-core", SiteType.NETWORK, RolloutStage.COMMISSIONED),
            site("province", SiteType.PROVINCE, RolloutStage.CONNECTED),
            site("ha-thuong", SiteType.COMMUNE, RolloutStage.CONNECTED),
            site("hung-son", SiteType.TOWN, RolloutStage.CONNECTED),
            site("cat-ne", SiteType.COMMUNE, RolloutStage.PLANNED),
            site("la-bang", SiteType.COMMUNE, RolloutStage.COMMISSIONED));
    RolloutProgress p = progress(DEADLINE, LocalDate.of(2020, 8, 1), sites, List.of());
    assertThat(p.stages())
        .containsExactly(
            entry(RolloutStage.PLANNED, 1),
            entry(RolloutStage.INSTALLED, 0),
            entry(RolloutStage.CONNECTED, 2),
            entry(RolloutStage.COMMISSIONED, 1));
    assertThat(p.target()).isEqualTo(30);
    assertThat(p.connected()).isEqualTo(12);
    assertThat(p.online()).isEqualTo(11);
  }

  @Test
  void historyIsSortedAndMissingDaysAreLeftOut() {
    DailyRollout d1 = new DailyRollout(LocalDate.of(2020, 8, 1), 3, 3, 2);
    DailyRollout d2 = new DailyRollout(LocalDate.of(2020, 8, 2), 4, 4, 3);
    DailyRollout d5 = new DailyRollout(LocalDate.of(2020, 8, 5), 6, 6, 5);
    RolloutProgress p = progress(DEADLINE, LocalDate.of(2020, 8, 6), List.of(), List.of(d5, d1, d2));
    assertThat(p.history()).containsExactly(d1, d2, d5);
  }

  @Test
  void isImmutable() {
    RolloutProgress p = progress(DEADLINE, LocalDate.of(2020, 8, 6), List.of(), new ArrayList<>());
    assertThatThrownBy(() -> p.stages().put(RolloutStage.PLANNED, 9))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> p.history().add(null))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
