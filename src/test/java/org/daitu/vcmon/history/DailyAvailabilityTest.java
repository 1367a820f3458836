package org.daitu.vcmon.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.history.AvailabilityTest.at;
import static org.daitu.vcmon.history.AvailabilityTest.change;
import static org.daitu.vcmon.history.AvailabilityTest.h;
import static org.daitu.vcmon.history.AvailabilityTest.span;
import static org.daitu.vcmon.state.SiteState.DOWN;
import static org.daitu.vcmon.state.SiteState.MAINTENANCE;
import static org.daitu.vcmon.state.SiteState.UNKNOWN;
import static org.daitu.vcmon.state.SiteState.UP;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.daitu.vcmon.history.DailyAvailability.Day;
import org.daitu.vcmon.state.SiteState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DailyAvailabilityTest {
  static final ZoneId ZONE = AvailabilityTest.ZONE;
  static final LocalDate D1 = LocalDate.parse("2020-08-10");
  static final LocalDate D3 = LocalDate.parse("2020-08-12");

  private static List<Day> threeDays(SiteState start, List<StateChange> changes, List<Interval> maint, List<Interval> gaps) {
    return DailyAvailability.split(D1, D3, ZONE, start, changes, maint, gaps, at("2020-09-01 00:00"));
  }

  /**
   * One event inside an otherwise UP three days (Aug 10–12): the middle day's figures. Times
   * are local (UTC+7), so "00:00" is 17:00 UTC the evening before.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
          # case                              | down from        | down to          | maint from       | maint to         | gap from         | gap to           | ratio  | down h | maint h | gap h
          all up                              |                  |                  |                  |                  |                  |                  | 1.0    | 0      | 0       | 0
          down 6 h                            | 2020-08-11 06:00 | 2020-08-11 12:00 |                  |                  |                  |                  | 0.75   | 6      | 0       | 0
          down across midnight: 2 h this day  | 2020-08-10 22:00 | 2020-08-11 02:00 |                  |                  |                  |                  | 0.9167 | 2      | 0       | 0
          down across the next midnight       | 2020-08-11 22:00 | 2020-08-12 03:00 |                  |                  |                  |                  | 0.9167 | 2      | 0       | 0
          maintenance 4 h, not down           |                  |                  | 2020-08-11 08:00 | 2020-08-11 12:00 |                  |                  | 1.0    | 0      | 4       | 0
          down inside maintenance             | 2020-08-11 09:00 | 2020-08-11 10:00 | 2020-08-11 08:00 | 2020-08-11 12:00 |                  |                  | 1.0    | 0      | 4       | 0
          gap 3 h, neither up nor down        |                  |                  |                  |                  | 2020-08-11 01:00 | 2020-08-11 04:00 | 1.0    | 0      | 0       | 3
          gap inside maintenance counts once  |                  |                  | 2020-08-11 00:00 | 2020-08-11 06:00 | 2020-08-11 02:00 | 2020-08-11 10:00 | 1.0    | 0      | 2       | 8
          whole day a gap: no ratio           |                  |                  |                  |                  | 2020-08-10 12:00 | 2020-08-12 00:00 |        | 0      | 0       | 24
          """)
  void middleDay(
      String name, String downFrom, String downTo, String maintFrom, String maintTo, String gapFrom, String gapTo,
      Double ratio, double downH, double maintH, double gapH) {
    List<StateChange> changes =
        downFrom == null ? List.of() : List.of(change(UP, DOWN, downFrom), change(DOWN, UP, downTo));
    List<Interval> maint = maintFrom == null ? List.of() : List.of(span(maintFrom, maintTo));
    List<Interval> gaps = gapFrom == null ? List.of() : List.of(span(gapFrom, gapTo));
    List<Day> days = threeDays(UP, changes, maint, gaps);
    assertThat(days).extracting(Day::day).containsExactly(D1, D1.plusDays(1), D3);
    Day d = days.get(1);
    if (ratio == null) {
      assertThat(d.ratio()).isNull();
    } else {
      assertThat(d.ratio()).isCloseTo(ratio, org.assertj.core.data.Offset.offset(0.0001));
    }
    assertThat(d.down()).isEqualTo(h(downH));
    assertThat(d.maintenance()).isEqualTo(h(maintH));
    assertThat(d.gap()).isEqualTo(h(gapH));
  }

  @Test
  void daysBeforeTheSiteWasFirstCheckedHaveNoRatio() {
    List<Day> days = threeDays(null, List.of(change(UNKNOWN, UP, "2020-08-11 18:00")), List.of(), List.of());
    assertThat(days.get(0).ratio()).isNull();
    assertThat(days.get(1).ratio()).isEqualTo(1.0);
    assertThat(days.get(1).down()).isEqualTo(Duration.ZERO);
    assertThat(days.get(2).ratio()).isEqualTo(1.0);
  }

  @Test
  void daysFollowTheDistrictsMidnightNotUtc() {
    // 23:30 local on the 10th is 16:30 UTC the same day; 00:30 local on the 11th is 17:30 UTC
    // on the 10th: the outage belongs to both local days, half an hour each.
    List<Day> days =
        threeDays(UP, List.of(change(UP, DOWN, "2020-08-10 23:30"), change(DOWN, UP, "2020-08-11 00:30")), List.of(), List.of());
    assertThat(days.get(0).down()).isEqualTo(Duration.ofMinutes(30));
    assertThat(days.get(1).down()).isEqualTo(Duration.ofMinutes(30));
    assertThat(days.get(2).down()).isEqualTo(Duration.ZERO);
  }

  @Test
  void theMaintenanceStateCountsAsMaintenance() {
    List<Day> days =
        threeDays(UP, List.of(change(UP, MAINTENANCE, "2020-08-12 10:00"), change(MAINTENANCE, UP, "2020-08-12 13:00")), List.of(), List.of());
    assertThat(days.get(2).maintenance()).isEqualTo(h(3));
    assertThat(days.get(2).ratio()).isEqualTo(1.0);
  }

  @Test
  void todayIsCountedUpToNowAndTomorrowNotAtAll() {
    List<Day> days =
        DailyAvailability.split(
            D1, D3, ZONE, UP, List.of(change(UP, DOWN, "2020-08-11 06:00")), List.of(),
            List.of(span("2020-08-11 09:00", "2020-08-11 12:00")), at("2020-08-11 12:00"));
    assertThat(days.get(1).down()).isEqualTo(h(3));
    assertThat(days.get(1).gap()).isEqualTo(h(3));
    assertThat(days.get(1).ratio()).isCloseTo(6.0 / 9, org.assertj.core.data.Offset.offset(1e-9)); // up 6 h, down 3 h
    assertThat(days.get(2)).isEqualTo(new Day(D3, null, Duration.ZERO, Duration.ZERO, Duration.ZERO));
  }
}
