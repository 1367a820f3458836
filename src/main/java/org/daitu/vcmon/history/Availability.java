package org.daitu.vcmon.history;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.daitu.vcmon.state.SiteState;

/**
 * Availability of one site over a range, computed from its state changes rather than from probe
 * samples: changes are exact instants, so the result does not depend on the probe interval, and a
 * month of history is a few rows instead of tens of thousands. Pure; times are parameters.
 *
 * <p>Time counts as up when the site is UP or DEGRADED (reachable, as {@code vcmon_site_up}
 * says), as down when DOWN or UNREACHABLE (the room cannot meet, whoever is to blame). Everything
 * else is neither: excluded time (maintenance windows and gaps given by the caller, and time the
 * site itself was MAINTENANCE) and unobserved time (UNKNOWN, PLANNED). The range ends at
 * {@code now} when that is earlier, since the future has not been observed.
 */
public final class Availability {
  private Availability() {}

  /**
   * Where the observed part of a range went. The four durations add up to [range.from,
   * min(range.to, now)).
   *
   * @param excludedTime maintenance, gaps and time in the MAINTENANCE state
   * @param unobservedTime time the site was UNKNOWN or PLANNED and not excluded
   */
  public record Result(Duration upTime, Duration downTime, Duration excludedTime, Duration unobservedTime) {
    public static final Result EMPTY = new Result(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /** up / (up + down), or null when the site was never observed up or down in the range. */
    public Double ratio() {
      Duration observed = upTime.plus(downTime);
      if (observed.isZero()) {
        return null;
      }
      return seconds(upTime) / seconds(observed);
    }

    private static double seconds(Duration d) {
      return d.getSeconds() + d.getNano() / 1e9;
    }
  }

  /**
   * @param stateAtStart the site's state at {@code range.from} (the last change before it); null
   *     when the site has no history yet, which counts as UNKNOWN
   * @param changes this site's changes inside the range, in the order they were recorded. If the
   *     clock stepped back, a change may carry an earlier time than the one before it (or than the
   *     range start): it then takes effect at the previous change's time, so the sequence of
   *     states is kept and no duration is ever negative.
   * @param excluded maintenance windows of the site and gaps (agent stopped, uplink down); may
   *     overlap each other and extend past the range
   */
  public static Result compute(
      SiteState stateAtStart, List<StateChange> changes, Interval range, List<Interval> excluded, Instant now) {
    Instant end = Intervals.min(range.to(), now);
    if (!end.isAfter(range.from())) {
      return Result.EMPTY;
    }
    Interval observed = new Interval(range.from(), end);
    List<Interval> holes = Intervals.merge(Intervals.clip(excluded, observed));
    Duration up = Duration.ZERO;
    Duration down = Duration.ZERO;
    Duration maintenance = Duration.ZERO;

    SiteState state = stateAtStart == null ? SiteState.UNKNOWN : stateAtStart;
    Instant cursor = observed.from();
    for (int i = 0; i <= changes.size(); i++) {
      Instant at = i < changes.size() ? clamp(changes.get(i).at(), cursor, end) : end;
      Duration counted = Intervals.total(Intervals.subtract(new Interval(cursor, at), holes));
      if (state.isOnline()) {
        up = up.plus(counted);
      } else if (state == SiteState.DOWN || state == SiteState.UNREACHABLE) {
        down = down.plus(counted);
      } else if (state == SiteState.MAINTENANCE) {
        maintenance = maintenance.plus(counted);
      }
      if (i < changes.size()) {
        cursor = at;
        state = changes.get(i).to();
      }
    }
    Duration excludedTime = Intervals.total(holes).plus(maintenance);
    Duration unobserved = observed.length().minus(up).minus(down).minus(excludedTime);
    return new Result(up, down, excludedTime, unobserved);
  }

  /**
   * Outage figures for one site: {@code incidents} are that site's incidents (open ones run to
   * {@code now}). An incident counts when it overlaps the observed range, even if it opened the
   * month before; only its part inside the range, minus excluded time, adds to the downtime and
   * to the longest outage. An incident closed "before" it opened (clock step) lasts no time.
   */
  public static OutageStats outages(List<Incident> incidents, Interval range, List<Interval> excluded, Instant now) {
    Instant end = Intervals.min(range.to(), now);
    if (!end.isAfter(range.from())) {
      return OutageStats.NONE;
    }
    Interval observed = new Interval(range.from(), end);
    List<Interval> holes = Intervals.merge(Intervals.clip(excluded, observed));
    int count = 0;
    Duration longest = Duration.ZERO;
    List<Interval> down = new ArrayList<>();
    for (Incident incident : incidents) {
      Instant opened = incident.openedAt();
      Instant closed = Intervals.max(opened, incident.closedAt() == null ? now : incident.closedAt());
      boolean overlaps =
          opened.isBefore(end) && (closed.isAfter(observed.from()) || !opened.isBefore(observed.from()));
      if (!overlaps) {
        continue;
      }
      count++;
      List<Interval> pieces = Intervals.subtract(Intervals.clip(new Interval(opened, closed), observed), holes);
      Duration length = Intervals.total(pieces);
      if (length.compareTo(longest) > 0) {
        longest = length;
      }
      down.addAll(pieces);
    }
    return new OutageStats(count, Intervals.total(down), longest);
  }

  private static Instant clamp(Instant t, Instant low, Instant high) {
    return Intervals.min(Intervals.max(t, low), high);
  }
}
