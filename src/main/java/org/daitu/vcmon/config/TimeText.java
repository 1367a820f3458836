package org.daitu.vcmon.config;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The ways people write dates and times in the config and the admin API, parsed in one place: a
 * date {@code 2020-08-31}, a clock time {@code 22:00}, a day {@code sunday}, and a local date and
 * time {@code 2020-08-10 22:00}. Each parser takes the text as given (callers strip it if they
 * allow spaces) and returns empty when it is not written that way; callers word the problem.
 * Stateless and thread-safe.
 */
public final class TimeText {
  private TimeText() {}

  /** A local date and time, {@code YYYY-MM-DD HH:MM}; also how such times are shown back. */
  public static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT);

  /** The days a weekly window or meeting may name, as a hint. */
  public static final String DAYS = "monday, tuesday, wednesday, thursday, friday, saturday or sunday";

  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern CLOCK = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d");

  /** A calendar date written {@code YYYY-MM-DD}, four-digit year, a day that exists. */
  public static Optional<LocalDate> date(String text) {
    if (text == null || !DATE.matcher(text).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.parse(text));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  /** A time of day written {@code HH:MM}, two digits each, from 00:00 to 23:59. */
  public static Optional<LocalTime> clock(String text) {
    if (text == null || !CLOCK.matcher(text).matches()) {
      return Optional.empty();
    }
    return Optional.of(LocalTime.parse(text));
  }

  /** A day of the week by its English name, in any case: {@code sunday}, {@code Sunday}. */
  public static Optional<DayOfWeek> day(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(DayOfWeek.valueOf(text.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A local date and time written {@code YYYY-MM-DD HH:MM} (see {@link #DATE_TIME}). */
  public static Optional<LocalDateTime> dateTime(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDateTime.parse(text, DATE_TIME));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }
}
