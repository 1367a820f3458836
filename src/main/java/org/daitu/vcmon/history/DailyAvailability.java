package org.daitu.vcmon.history;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.daitu.vcmon.state.SiteState;

/**
 * One site's availability day by day, each day from one local midnight to the next in the
 * district's zone: what the 90-day bar of a commune shows. Each day is an {@link Availability}
 * of its own, with maintenance and vcmon's own gaps kept apart from up and down time and from each
 * other. Pure; times are parameters.
 */
public final class DailyAvailability {
  private DailyAvailability() {}

  /**
   * One local day.
   *
   * @param ratio up / (up + down), null when the site was never observed up or down that day
   *     (before it existed or was first checked, or the whole day in maintenance or a gap)
   * @param maintenance maintenance windows and time in the MAINTENANCE state, outside gaps
   * @param gap time vcmon could not observe (not running, uplink down); a gap inside a
   *     maintenance window counts here, once
   */
  public record Day(LocalDate day, Double ratio, Duration down, Duration maintenance, Duration gap) {}

  /**
   * The days from {@code first} to {@code last} (both included), oldest first. A day that has
   * not ended is counted up to {@code now}; a day not begun yet has only zeros and no ratio.
   *
   * @param stateAtStart the site's state at the first day's midnight; null when it had none
   * @param changes this site's changes from then on, in the order they were recorded
   * @param maintenance this site's maintenance windows; may overlap and extend past the days
   * @param gaps vcmon's gaps, an open one ending at {@code now}
   */
  public static List<Day> split(
      LocalDate first,
      LocalDate last,
      ZoneId zone,
      SiteState stateAtStart,
      List<StateChange> changes,
      List<Interval> maintenance,
      List<Interval> gaps,
      Instant now) {
    List<Day> out = new ArrayList<>();
    SiteState state = stateAtStart;
    int next = 0;
    for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
      Interval range = new Interval(day.atStartOfDay(zone).toInstant(), day.plusDays(1).atStartOfDay(zone).toInstant());
      List<StateChange> inDay = new ArrayList<>();
      while (next < changes.size() && changes.get(next).at().isBefore(range.to())) {
        inDay.add(changes.get(next++));
      }
      List<Interval> excluded = new ArrayList<>(maintenance);
      excluded.addAll(gaps);
      Availability.Result r = Availability.compute(state, inDay, range, excluded, now);
      Instant end = Intervals.min(range.to(), now);
      Duration gap =
          end.isAfter(range.from())
              ? Intervals.total(Intervals.clip(gaps, new Interval(range.from(), end)))
              : Duration.ZERO;
      out.add(new Day(day, r.ratio(), r.downTime(), r.excludedTime().minus(gap), gap));
      if (!inDay.isEmpty()) {
        state = inDay.get(inDay.size() - 1).to();
      }
    }
    return out;
  }
}
