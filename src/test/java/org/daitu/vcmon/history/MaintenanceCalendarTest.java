package org.daitu.vcmon.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MaintenanceCalendarTest {
  static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");

  /** Local time in the district, "2020-08-02 23:00". 2020-08-02 is a Sunday. */
  static Instant at(String local) {
    return LocalDateTime.parse(local.replace(' ', 'T')).atZone(ZONE).toInstant();
  }

  static Interval span(String from, String to) {
    return new Interval(at(from), at(to));
  }

  static MaintenanceWindow weekly(long id, String site, DayOfWeek day, String from, String to) {
    return MaintenanceWindow.weekly(id, site, day, LocalTime.parse(from), LocalTime.parse(to), "", "api");
  }

  static MaintenanceWindow oneOff(long id, String site, String start, String end) {
    return MaintenanceWindow.oneOff(id, site, at(start), at(end), "", "api");
  }

  @Nested
  class Windows {
    final MaintenanceWindow sundayNight = weekly(1, "ha-thuong", DayOfWeek.SUNDAY, "23:00", "01:00");

    @Test
    void weeklyWindowPastMidnightEndsNextDay() {
      var cal = new MaintenanceCalendar(List.of(sundayNight), ZONE);
      assertThat(cal.windows("ha-thuong", span("2020-08-01 00:00", "2020-08-15 00:00")))
          .containsExactly(span("2020-08-02 23:00", "2020-08-03 01:00"), span("2020-08-09 23:00", "2020-08-10 01:00"));
    }

    @Test
    void occurrenceStartedBeforeTheRangeIsClippedToItsStart() {
      var cal = new MaintenanceCalendar(List.of(sundayNight), ZONE);
      assertThat(cal.windows("ha-thuong", span("2020-08-03 00:30", "2020-08-05 00:00")))
          .containsExactly(span("2020-08-03 00:30", "2020-08-03 01:00"));
    }

    @Test
    void occurrenceRunningPastTheRangeIsClippedToItsEnd() {
      var cal = new MaintenanceCalendar(List.of(sundayNight), ZONE);
      assertThat(cal.windows("ha-thuong", span("2020-08-05 00:00", "2020-08-09 23:30")))
          .containsExactly(span("2020-08-09 23:00", "2020-08-09 23:30"));
    }

    @Test
    void oneOffWindowIsClipped() {
      var cal = new MaintenanceCalendar(List.of(oneOff(2, "ha-thuong", "2020-07-31 20:00", "2020-08-01 02:00")), ZONE);
      assertThat(cal.windows("ha-thuong", span("2020-08-01 00:00", "2020-09-01 00:00")))
          .containsExactly(span("2020-08-01 00:00", "2020-08-01 02:00"));
      assertThat(cal.windows("ha-thuong", span("2020-08-02 00:00", "2020-09-01 00:00"))).isEmpty();
    }

    @Test
    void allSitesWindowsApplyToEverySiteAndMergeWithTheSitesOwn() {
      var cal =
          new MaintenanceCalendar(
              List.of(
                  weekly(3, null, DayOfWeek.MONDAY, "00:00", "02:00"),
                  sundayNight,
                  oneOff(4, "cat-ne", "2020-08-05 10:00", "2020-08-05 11:00")),
              ZONE);
      Interval week = span("2020-08-01 00:00", "2020-08-08 00:00");
      assertThat(cal.windows("ha-thuong", week)).containsExactly(span("2020-08-02 23:00", "2020-08-03 02:00"));
      assertThat(cal.windows("cat-ne", week))
          .containsExactly(span("2020-08-03 00:00", "2020-08-03 02:00"), span("2020-08-05 10:00", "2020-08-05 11:00"));
      assertThat(cal.windows("la-bang", week)).containsExactly(span("2020-08-03 00:00", "2020-08-03 02:00"));
    }

    @Test
    void activeAtIsHalfOpenAndPerSite() {
      var cal = new MaintenanceCalendar(List.of(sundayNight), ZONE);
      assertThat(cal.activeAt("ha-thuong", at("2020-08-02 23:00"))).contains(sundayNight);
      assertThat(cal.activeAt("ha-thuong", at("2020-08-03 00:59"))).contains(sundayNight);
      assertThat(cal.activeAt("ha-thuong", at("2020-08-03 01:00"))).isEmpty();
      assertThat(cal.activeAt("ha-thuong", at("2020-08-02 22:59"))).isEmpty();
      assertThat(cal.activeAt("cat-ne", at("2020-08-03 00:00"))).isEmpty();
    }

    @Test
    void weeklyWindowKeepsLocalTimesAcrossADaylightSavingChange() {
      // Vietnam has none; a deployment in a zone with DST must still mean 01:00-04:00 local.
      ZoneId berlin = ZoneId.of("Europe/Berlin");
      var cal = new MaintenanceCalendar(List.of(weekly(5, null, DayOfWeek.SUNDAY, "01:00", "04:00")), berlin);
      Instant from = LocalDateTime.parse("2024-03-30T00:00").atZone(berlin).toInstant();
      List<Interval> w = cal.windows("x", new Interval(from, from.plus(Duration.ofDays(2))));
      assertThat(w).hasSize(1);
      assertThat(w.get(0).from()).isEqualTo(Instant.parse("2024-03-31T00:00:00Z"));
      assertThat(w.get(0).to()).isEqualTo(Instant.parse("2024-03-31T02:00:00Z"));
      assertThat(w.get(0).length()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void invalidWeeklyWindowCoversNothing() {
      var cal = new MaintenanceCalendar(List.of(weekly(6, null, DayOfWeek.SUNDAY, "02:00", "02:00")), ZONE);
      assertThat(cal.windows("x", span("2020-08-01 00:00", "2020-09-01 00:00"))).isEmpty();
    }
  }

  @Nested
  class Problems {
    List<String> problems(MaintenanceWindow w, MaintenanceWindow... existing) {
      return MaintenanceCalendar.problems(w, List.of(existing), ZONE);
    }

    @Test
    void validWindowsHaveNone() {
      assertThat(problems(oneOff(0, "a", "2020-08-01 10:00", "2020-08-01 12:00"))).isEmpty();
      assertThat(problems(weekly(0, "a", DayOfWeek.SUNDAY, "23:00", "01:00"))).isEmpty();
      assertThat(problems(oneOff(0, "a", "2020-08-01 00:00", "2020-09-01 00:00"))).as("exactly 31 days").isEmpty();
    }

    @Test
    void invertedOneOff() {
      assertThat(problems(oneOff(0, "a", "2020-08-01 12:00", "2020-08-01 10:00")))
          .containsExactly(
              "inverted or empty window: end must be after start (start 2020-08-01 12:00, end 2020-08-01 10:00"
                  + " Asia/Ho_Chi_Minh); swap them or set a later end");
    }

    @Test
    void emptyOneOff() {
      assertThat(problems(oneOff(0, "a", "2020-08-01 12:00", "2020-08-01 12:00")))
          .singleElement()
          .asString()
          .startsWith("inverted or empty window: end must be after start");
    }

    @Test
    void weeklyFromEqualsTo() {
      assertThat(problems(weekly(0, "a", DayOfWeek.SUNDAY, "02:00", "02:00")))
          .containsExactly(
              "weekly window from and to are both 02:00: it would last no time; set to after from, or before"
                  + " from to run past midnight");
    }

    @Test
    void oneOffLongerThan31Days() {
      assertThat(problems(oneOff(0, "a", "2020-08-01 00:00", "2020-09-10 00:00")))
          .containsExactly(
              "one-off window lasts 40 days, longer than the 31-day limit: split it, or use a weekly window for"
                  + " recurring work");
    }

    @Test
    void missingAndMixedFields() {
      assertThat(problems(MaintenanceWindow.oneOff(0, "a", at("2020-08-01 00:00"), null, "", "api")))
          .containsExactly("one-off window needs both start and end: add the missing one");
      assertThat(problems(new MaintenanceWindow(0, "a", null, null, null, LocalTime.NOON, LocalTime.MIDNIGHT, "", "api")))
          .containsExactly("weekly window needs a day of the week: add day (MONDAY..SUNDAY)");
      assertThat(
              problems(
                  new MaintenanceWindow(
                      0, "a", at("2020-08-01 00:00"), at("2020-08-01 01:00"), DayOfWeek.MONDAY, LocalTime.NOON,
                      LocalTime.MIDNIGHT, "", "api")))
          .containsExactly(
              "a window is either one-off (start, end) or weekly (day, from, to), not both: remove one set of fields");
    }

    @Test
    void overlapWithTheSameSiteNamesTheOtherWindow() {
      assertThat(
              problems(
                  oneOff(0, "a", "2020-08-01 11:00", "2020-08-01 13:00"),
                  oneOff(7, "a", "2020-08-01 10:00", "2020-08-01 12:00")))
          .containsExactly(
              "overlaps window 7 (site a, 2020-08-01 10:00 to 2020-08-01 12:00 Asia/Ho_Chi_Minh): move or shorten"
                  + " this window, or remove window 7 first");
    }

    @Test
    void overlapWithAnAllSitesWindow() {
      assertThat(
              problems(
                  oneOff(0, "a", "2020-08-03 00:30", "2020-08-03 03:00"),
                  weekly(8, null, DayOfWeek.SUNDAY, "23:00", "01:00")))
          .containsExactly(
              "overlaps window 8 (all sites, weekly SUNDAY 23:00-01:00): move or shorten this window, or remove"
                  + " window 8 first");
    }

    @Test
    void weeklyWindowsOverlappingPastMidnight() {
      assertThat(
              problems(
                  weekly(0, "a", DayOfWeek.MONDAY, "00:30", "02:00"),
                  weekly(9, "a", DayOfWeek.SUNDAY, "23:00", "01:00")))
          .singleElement()
          .asString()
          .startsWith("overlaps window 9 (site a, weekly SUNDAY 23:00-01:00)");
    }

    @Test
    void noOverlapAcrossSitesOrWhenOnlyTouching() {
      assertThat(
              problems(
                  oneOff(0, "a", "2020-08-01 11:00", "2020-08-01 13:00"),
                  oneOff(7, "b", "2020-08-01 10:00", "2020-08-01 12:00"),
                  oneOff(8, "a", "2020-08-01 13:00", "2020-08-01 14:00"),
                  weekly(9, "a", DayOfWeek.MONDAY, "01:00", "02:00"),
                  weekly(10, null, DayOfWeek.SATURDAY, "00:00", "11:00")))
          .isEmpty();
    }

    @Test
    void aStoredWindowDoesNotOverlapItself() {
      MaintenanceWindow w = weekly(11, "a", DayOfWeek.MONDAY, "01:00", "02:00");
      assertThat(problems(w, w)).isEmpty();
    }
  }
}
