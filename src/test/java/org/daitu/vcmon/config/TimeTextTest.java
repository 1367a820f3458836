package org.daitu.vcmon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

class TimeTextTest {

  @Test
  void datesAreWrittenYearMonthDay() {
    assertThat(TimeText.date("2020-08-31")).contains(LocalDate.of(2020, 8, 31));
    assertThat(TimeText.date("31/08/2020")).isEmpty();
    assertThat(TimeText.date("2020-02-30")).isEmpty();
    assertThat(TimeText.date("+2020-08-31")).isEmpty();
    assertThat(TimeText.date(null)).isEmpty();
  }

  @Test
  void clockTimesAreTwoDigitHoursAndMinutes() {
    assertThat(TimeText.clock("22:00")).contains(LocalTime.of(22, 0));
    assertThat(TimeText.clock("00:00")).contains(LocalTime.MIDNIGHT);
    assertThat(TimeText.clock("24:00")).isEmpty();
    assertThat(TimeText.clock("8:00")).isEmpty();
    assertThat(TimeText.clock("8h")).isEmpty();
    assertThat(TimeText.clock("22:00:00")).isEmpty();
  }

  @Test
  void daysAreEnglishNamesInAnyCase() {
    assertThat(TimeText.day("sunday")).contains(DayOfWeek.SUNDAY);
    assertThat(TimeText.day("Monday")).contains(DayOfWeek.MONDAY);
    assertThat(TimeText.day("chunhat")).isEmpty();
    assertThat(TimeText.day(null)).isEmpty();
  }

  @Test
  void localDateTimesAreDateSpaceClock() {
    assertThat(TimeText.dateTime("2020-08-10 22:00")).contains(LocalDateTime.of(2020, 8, 10, 22, 0));
    assertThat(TimeText.dateTime("2020-08-10")).isEmpty();
    assertThat(TimeText.dateTime("2020-08-10T22:00")).isEmpty();
    assertThat(TimeText.DATE_TIME.format(LocalDateTime.of(2020, 8, 10, 22, 0))).isEqualTo("2020-08-10 22:00");
  }
}
