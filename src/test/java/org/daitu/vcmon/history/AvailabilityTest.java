package org.daitu.vcmon.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.state.SiteState.DEGRADED;
import static org.daitu.vcmon.state.SiteState.DOWN;
import static org.daitu.vcmon.state.SiteState.UNREACHABLE;
import static org.daitu.vcmon.state.SiteState.UP;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import org.daitu.vcmon.state.SiteState;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AvailabilityTest {
  static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
  /** August 2020 in the district: 31 days, 744 hours. */
  static final Interval AUGUST = MonthlyReport.range(YearMonth.of(2020, 8), ZONE);
  static final Instant LATER = at("2020-10-01 00:00");

  static Instant at(String local) {
    return LocalDateTime.parse(local.replace(' ', 'T')).atZone(ZONE).toInstant();
  }

  static Interval span(String from, String to) {
    return new Interval(at(from), at(to));
  }

  static StateChange change(SiteState from, SiteState to, String local) {
    return new StateChange("ha-thuong", from, to, at(local), "test");
  }

  static Incident incident(long id, String opened, String closed) {
    return new Incident(id, "ha-thuong", DOWN, at(opened), closed == null ? null : at(closed), "test", null, null, null);
  }

  static Duration h(double hours) {
    return Duration.ofSeconds(Math.round(hours * 3600));
  }

  static void assertAddsUp(Availability.Result r, Duration observed) {
    assertThat(List.of(r.upTime(), r.downTime(), r.excludedTime(), r.unobservedTime()))
        .allSatisfy(d -> assertThat(d.isNegative()).as("negative duration in %s", r).isFalse());
    assertThat(r.upTime().plus(r.downTime()).plus(r.excludedTime()).plus(r.unobservedTime())).isEqualTo(observed);
  }

  @Test
  void monthRangeFollowsTheDistrictsMidnight() {
    assertThat(AUGUST).isEqualTo(new Interval(Instant.parse("2020-07-31T17:00:00Z"), Instant.parse("2020-08-31T17:00:00Z")));
  }

  @Nested
  class Compute {
    /** Two hours in state X, inside an otherwise UP month: where do they count? */
    @ParameterizedTest(name = "{0} counts as {1}")
    @CsvSource({"UP,up", "DEGRADED,up", "DOWN,down", "UNREACHABLE,down", "UNKNOWN,unobserved", "PLANNED,unobserved", "MAINTENANCE,excluded"})
    void eachStateCountsWhereItShould(SiteState state, String column) {
      Availability.Result r =
          Availability.compute(
              UP,
              List.of(change(UP, state, "2020-08-10 00:00"), change(state, UP, "2020-08-10 02:00")),
              AUGUST, List.of(), LATER);
      Duration two = h(2);
      Duration rest = h(742);
      assertThat(r.upTime()).isEqualTo(column.equals("up") ? h(744) : rest);
      assertThat(r.downTime()).isEqualTo(column.equals("down") ? two : Duration.ZERO);
      assertThat(r.unobservedTime()).isEqualTo(column.equals("unobserved") ? two : Duration.ZERO);
      assertThat(r.excludedTime()).isEqualTo(column.equals("excluded") ? two : Duration.ZERO);
      assertAddsUp(r, h(744));
    }

    @Test
    void degradedAndUnreachableGiveTheRatio() {
      Availability.Result r =
          Availability.compute(
              DEGRADED, List.of(change(DEGRADED, UNREACHABLE, "2020-08-31 00:00")), AUGUST, List.of(), LATER);
      assertThat(r.upTime()).isEqualTo(h(720));
      assertThat(r.downTime()).isEqualTo(h(24));
      assertThat(r.ratio()).isCloseTo(720.0 / 744.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void overlappingMaintenanceAndGapsAreExcludedOnce() {
      // DOWN 00:00-06:00; maintenance 01:00-03:00 and 02:00-04:00 overlap; a gap 05:00-07:00
      // covers the recovery at 06:00.
      Availability.Result r =
          Availability.compute(
              UP,
              List.of(change(UP, DOWN, "2020-08-10 00:00"), change(DOWN, UP, "2020-08-10 06:00")),
              AUGUST,
              List.of(
                  span("2020-08-10 01:00", "2020-08-10 03:00"),
                  span("2020-08-10 02:00", "2020-08-10 04:00"),
                  span("2020-08-10 05:00", "2020-08-10 07:00")),
              LATER);
      assertThat(r.downTime()).isEqualTo(h(2));
      assertThat(r.excludedTime()).isEqualTo(h(5));
      assertThat(r.upTime()).isEqualTo(h(737));
      assertThat(r.unobservedTime()).isZero();
      assertAddsUp(r, h(744));
    }

    @Test
    void exclusionsOutsideTheRangeDoNotCount() {
      Availability.Result r =
          Availability.compute(
              UP, List.of(), AUGUST,
              List.of(span("2020-07-30 00:00", "2020-08-02 00:00"), span("2020-08-31 12:00", "2020-09-03 00:00")),
              LATER);
      assertThat(r.excludedTime()).isEqualTo(h(24 + 12));
      assertAddsUp(r, h(744));
    }

    @Test
    void downSinceBeforeTheMonthCountsOnlyInsideIt() {
      Availability.Result r =
          Availability.compute(DOWN, List.of(change(DOWN, UP, "2020-08-01 01:30")), AUGUST, List.of(), LATER);
      assertThat(r.downTime()).isEqualTo(h(1.5));
      assertThat(r.upTime()).isEqualTo(h(742.5));
    }

    @Test
    void theFutureIsNotObserved() {
      Instant now = at("2020-08-20 03:00");
      Availability.Result r =
          Availability.compute(UP, List.of(change(UP, DOWN, "2020-08-20 00:00")), AUGUST, List.of(), now);
      assertThat(r.upTime()).isEqualTo(h(19 * 24));
      assertThat(r.downTime()).isEqualTo(h(3));
      assertAddsUp(r, h(19 * 24 + 3));
    }

    @Test
    void monthWithNoDataHasNoRatio() {
      Availability.Result r = Availability.compute(null, List.of(), AUGUST, List.of(), LATER);
      assertThat(r.ratio()).isNull();
      assertThat(r.unobservedTime()).isEqualTo(h(744));
      assertAddsUp(r, h(744));
    }

    @Test
    void rangeNotYetStartedIsEmpty() {
      Availability.Result r = Availability.compute(UP, List.of(), AUGUST, List.of(), at("2020-07-15 00:00"));
      assertThat(r).isEqualTo(Availability.Result.EMPTY);
      assertThat(r.ratio()).isNull();
    }

    @Test
    void wholeMonthInMaintenanceHasNoRatio() {
      Availability.Result r = Availability.compute(UP, List.of(), AUGUST, List.of(AUGUST), LATER);
      assertThat(r.ratio()).isNull();
      assertThat(r.excludedTime()).isEqualTo(h(744));
    }

    @Test
    void clockStepBackwardsNeverGivesNegativeTime() {
      // The clock stepped back one hour after the 10:00 change: the next change reads 09:00.
      Instant now = at("2020-08-10 13:00");
      Availability.Result r =
          Availability.compute(
              UP,
              List.of(
                  change(UP, DOWN, "2020-08-10 10:00"),
                  change(DOWN, UP, "2020-08-10 09:00"),
                  change(UP, DOWN, "2020-08-10 12:00")),
              AUGUST, List.of(), now);
      assertThat(r.upTime()).isEqualTo(h(9 * 24 + 12));
      assertThat(r.downTime()).isEqualTo(h(1));
      assertAddsUp(r, h(9 * 24 + 13));
    }

    @Test
    void changeStampedBeforeTheRangeTakesEffectAtItsStart() {
      Availability.Result r =
          Availability.compute(UP, List.of(change(UP, DOWN, "2020-07-25 00:00")), AUGUST, List.of(), LATER);
      assertThat(r.upTime()).isZero();
      assertThat(r.downTime()).isEqualTo(h(744));
      assertAddsUp(r, h(744));
    }
  }

  @Nested
  class Outages {
    @Test
    void incidentsSpanningTheMonthBoundaryCountOnlyTheirPartInside() {
      OutageStats s =
          Availability.outages(
              List.of(
                  incident(1, "2020-07-31 22:00", "2020-08-01 01:30"),
                  incident(2, "2020-08-31 23:00", "2020-09-01 02:00"),
                  incident(3, "2020-07-20 00:00", "2020-07-21 00:00"),
                  incident(4, "2020-09-02 00:00", "2020-09-03 00:00")),
              AUGUST, List.of(), LATER);
      assertThat(s).isEqualTo(new OutageStats(2, h(2.5), h(1.5)));
    }

    @Test
    void openIncidentRunsToNow() {
      OutageStats s =
          Availability.outages(
              List.of(incident(1, "2020-08-20 00:00", null)), AUGUST, List.of(), at("2020-08-20 03:00"));
      assertThat(s).isEqualTo(new OutageStats(1, h(3), h(3)));
    }

    @Test
    void openIncidentOfAnEarlierMonthCountsToItsEnd() {
      OutageStats s =
          Availability.outages(List.of(incident(1, "2020-08-31 20:00", null)), AUGUST, List.of(), LATER);
      assertThat(s).isEqualTo(new OutageStats(1, h(4), h(4)));
    }

    @Test
    void excludedTimeIsRemovedFromDowntimeAndTheLongest() {
      OutageStats s =
          Availability.outages(
              List.of(incident(1, "2020-08-10 00:00", "2020-08-10 10:00"), incident(2, "2020-08-12 00:00", "2020-08-12 08:00")),
              AUGUST,
              List.of(span("2020-08-10 02:00", "2020-08-10 06:00"), span("2020-08-10 05:00", "2020-08-10 07:00")),
              LATER);
      assertThat(s).isEqualTo(new OutageStats(2, h(5 + 8), h(8)));
    }

    @Test
    void incidentClosedBeforeItOpenedLastsNoTime() {
      OutageStats s =
          Availability.outages(List.of(incident(1, "2020-08-10 10:00", "2020-08-10 09:00")), AUGUST, List.of(), LATER);
      assertThat(s).isEqualTo(new OutageStats(1, Duration.ZERO, Duration.ZERO));
    }

    @Test
    void noIncidents() {
      assertThat(Availability.outages(List.of(), AUGUST, List.of(), LATER)).isEqualTo(OutageStats.NONE);
    }
  }
}
