package org.daitu.vcmon.rollout;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.daitu.vcmon.history.DailyRollout;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;

/**
 * Where the rollout stands toward its target, as {@code GET /api/v1/rollout} and the status page
 * show it: "connected / target" next to "online now / target", the days left to the deadline, how
 * many units are at each stage, and the daily burn-up. Pure: {@code today} is a parameter.
 *
 * @param deadline null when the config sets none
 * @param daysLeft days from today to the deadline: 0 on the day itself, negative once it has
 *     passed, null without a deadline
 * @param stages units (communes and towns) per rollout stage; every stage present, zeros included,
 *     in stage order, so a chart never misses a bar
 * @param history daily rows oldest first. Days the agent did not run have no row and are left out
 *     rather than filled in: a gap in the burn-up is honest, a copied value would claim an
 *     observation nobody made.
 */
public record RolloutProgress(
    int target,
    int connected,
    int online,
    LocalDate deadline,
    Long daysLeft,
    Map<RolloutStage, Integer> stages,
    List<DailyRollout> history) {

  public RolloutProgress {
    stages = Collections.unmodifiableMap(new EnumMap<>(stages));
    history = List.copyOf(history);
  }

  /**
   * @param units the sites with their current stage (overrides set through the API already
   *     applied); only communes and towns are counted, network nodes are not rollout units
   * @param connected units seen fully UP at least once
   * @param online units UP or DEGRADED now
   * @param history daily rows in any order; sorted here by day
   */
  public static RolloutProgress of(
      int target,
      LocalDate deadline,
      LocalDate today,
      List<Site> units,
      int connected,
      int online,
      List<DailyRollout> history) {
    Objects.requireNonNull(today, "today");
    Map<RolloutStage, Integer> stages = new EnumMap<>(RolloutStage.class);
    for (RolloutStage s : RolloutStage.values()) {
      stages.put(s, 0);
    }
    for (Site site : units) {
      if (site.type().isUnit()) {
        stages.merge(site.stage(), 1, Integer::sum);
      }
    }
    Long daysLeft = deadline == null ? null : ChronoUnit.DAYS.between(today, deadline);
    List<DailyRollout> days = new ArrayList<>(history);
    days.sort(Comparator.comparing(DailyRollout::day));
    return new RolloutProgress(target, connected, online, deadline, daysLeft, stages, days);
  }
}
