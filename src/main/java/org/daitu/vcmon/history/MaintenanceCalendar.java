package org.daitu.vcmon.history;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When each site is in planned maintenance, from one-off and weekly windows. Weekly windows are
 * wall-clock times in the district's zone, so they are expanded per calendar day through
 * {@link ZonedDateTime}: Vietnam has no daylight saving, but a province or country deployment may
 * run in a zone that does, and a "Sunday 01:00–03:00" window must stay 01:00–03:00 local across a
 * change. Immutable and thread-safe.
 */
public final class MaintenanceCalendar {
  /** Longer one-off windows are almost always a typo in a date; weekly windows cover the rest. */
  public static final Duration MAX_ONE_OFF = Duration.ofDays(31);

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
  /** Three whole weeks: every overlap of two weekly patterns shows up in any such span. */
  private static final LocalDate PATTERN_WEEKS = LocalDate.of(2024, 1, 1);

  private final List<MaintenanceWindow> windows;
  private final ZoneId zone;

  public MaintenanceCalendar(List<MaintenanceWindow> windows, ZoneId zone) {
    this.windows = List.copyOf(windows);
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /** The first window (in list order) that covers {@code t} for this site, if any. */
  public Optional<MaintenanceWindow> activeAt(String siteId, Instant t) {
    Interval instant = new Interval(t, t.plusNanos(1));
    for (MaintenanceWindow w : windows) {
      if (w.appliesTo(siteId) && !occurrences(w, instant, zone).isEmpty()) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  /**
   * Every span of {@code range} during which the site is in maintenance, from its own windows and
   * the all-sites ones, clipped to the range and merged (sorted, no overlaps), ready to be
   * excluded from availability.
   */
  public List<Interval> windows(String siteId, Interval range) {
    List<Interval> all = new ArrayList<>();
    for (MaintenanceWindow w : windows) {
      if (w.appliesTo(siteId)) {
        all.addAll(occurrences(w, range, zone));
      }
    }
    return Intervals.merge(all);
  }

  /**
   * The times one window covers inside {@code range}, clipped. A weekly window whose {@code to}
   * is before its {@code from} ends on the next day; one whose {@code to} equals {@code from} is
   * invalid and covers nothing (see {@link #problems}).
   */
  static List<Interval> occurrences(MaintenanceWindow w, Interval range, ZoneId zone) {
    List<Interval> out = new ArrayList<>();
    if (!w.weekly()) {
      if (w.start() != null && w.end() != null) {
        Interval c = Intervals.clip(new Interval(w.start(), w.end()), range);
        if (!c.isEmpty()) {
          out.add(c);
        }
      }
      return out;
    }
    if (w.from() == null || w.to() == null || w.from().equals(w.to()) || range.isEmpty()) {
      return out;
    }
    boolean pastMidnight = w.to().isBefore(w.from());
    // Start a day early: an occurrence that began yesterday evening may still run at range start.
    LocalDate day = range.from().atZone(zone).toLocalDate().minusDays(1);
    LocalDate last = range.to().atZone(zone).toLocalDate();
    for (; !day.isAfter(last); day = day.plusDays(1)) {
      if (day.getDayOfWeek() != w.day()) {
        continue;
      }
      Instant start = ZonedDateTime.of(day, w.from(), zone).toInstant();
      Instant end = ZonedDateTime.of(pastMidnight ? day.plusDays(1) : day, w.to(), zone).toInstant();
      Interval c = Intervals.clip(new Interval(start, end), range);
      if (!c.isEmpty()) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * What is wrong with {@code w}, given the windows that already exist; empty when it can be
   * added. Each message says what is wrong and how to fix it. Overlaps are reported only for
   * windows that can meet: same site, or either one for all sites. An entry of {@code existing}
   * equal to {@code w} is ignored, so re-validating a stored window does not flag itself.
   */
  public static List<String> problems(MaintenanceWindow w, List<MaintenanceWindow> existing, ZoneId zone) {
    List<String> problems = new ArrayList<>();
    boolean hasOneOff = w.start() != null || w.end() != null;
    boolean hasWeekly = w.day() != null || w.from() != null || w.to() != null;
    if (hasOneOff && hasWeekly) {
      problems.add(
          "a window is either one-off (start, end) or weekly (day, from, to), not both: remove one set of fields");
      return problems;
    }
    if (w.weekly()) {
      if (w.from() == null || w.to() == null) {
        problems.add("weekly window needs both from and to times (HH:mm, local time): add the missing one");
      } else if (w.from().equals(w.to())) {
        problems.add(
            "weekly window from and to are both " + w.from()
                + ": it would last no time; set to after from, or before from to run past midnight");
      }
    } else if (w.start() == null || w.end() == null) {
      problems.add(
          hasWeekly
              ? "weekly window needs a day of the week: add day (MONDAY..SUNDAY)"
              : "one-off window needs both start and end: add the missing one");
    } else if (!w.end().isAfter(w.start())) {
      problems.add(
          "inverted or empty window: end must be after start (start " + local(w.start(), zone)
              + ", end " + local(w.end(), zone) + " " + zone.getId() + "); swap them or set a later end");
    } else if (Duration.between(w.start(), w.end()).compareTo(MAX_ONE_OFF) > 0) {
      problems.add(
          "one-off window lasts " + Duration.between(w.start(), w.end()).toDays()
              + " days, longer than the " + MAX_ONE_OFF.toDays()
              + "-day limit: split it, or use a weekly window for recurring work");
    }
    if (!problems.isEmpty()) {
      return problems;
    }
    for (MaintenanceWindow other : existing) {
      if (other.equals(w) || !sitesMeet(w, other)) {
        continue;
      }
      if (overlap(w, other, zone)) {
        problems.add(
            "overlaps " + describe(other, zone)
                + ": move or shorten this window, or remove window " + other.id() + " first");
      }
    }
    return problems;
  }

  private static boolean sitesMeet(MaintenanceWindow a, MaintenanceWindow b) {
    return a.siteId() == null || b.siteId() == null || a.siteId().equals(b.siteId());
  }

  private static boolean overlap(MaintenanceWindow a, MaintenanceWindow b, ZoneId zone) {
    Interval span;
    if (!a.weekly()) {
      span = new Interval(a.start(), a.end());
    } else if (!b.weekly()) {
      span = new Interval(b.start(), b.end());
    } else {
      Instant from = PATTERN_WEEKS.atStartOfDay(zone).toInstant();
      span = new Interval(from, PATTERN_WEEKS.plusWeeks(3).atStartOfDay(zone).toInstant());
    }
    List<Interval> as = occurrences(a, span, zone);
    List<Interval> bs = occurrences(b, span, zone);
    for (Interval x : as) {
      for (Interval y : bs) {
        if (x.from().isBefore(y.to()) && y.from().isBefore(x.to())) {
          return true;
        }
      }
    }
    return false;
  }

  /** "window 12 (site ha-thuong, weekly SUNDAY 23:00-01:00)", local times in the zone. */
  static String describe(MaintenanceWindow w, ZoneId zone) {
    String who = w.siteId() == null ? "all sites" : "site " + w.siteId();
    String when =
        w.weekly()
            ? "weekly " + w.day() + " " + w.from() + "-" + w.to()
            : local(w.start(), zone) + " to " + local(w.end(), zone) + " " + zone.getId();
    return "window " + w.id() + " (" + who + ", " + when + ")";
  }

  private static String local(Instant t, ZoneId zone) {
    return t == null ? "?" : LOCAL.format(t.atZone(zone));
  }
}
