package org.daitu.vcmon.history;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * How operator writes that reach an agent in any order, any number of times, end in the same
 * state on every agent. Pure functions; the store applies them in the transaction that records
 * the write (docs/cluster.md, "Operator writes").
 *
 * <ul>
 *   <li>Writes to one value (a site's rollout stage, an incident's acknowledgement): the last
 *       writer wins, by the op's time, then by its id when two were made in the same millisecond.
 *   <li>A maintenance window: once removed it stays removed, even when the removal arrives before
 *       the add, or the add never arrives.
 *   <li>An acknowledgement names its incident by site and times, since every agent numbers its
 *       incidents itself: see {@link #incidentFor}.
 * </ul>
 */
public final class OperatorWriteRules {
  private OperatorWriteRules() {}

  /** The order of writes to one value: earlier first; on the same millisecond, by id. */
  public static final Comparator<OperatorOp> ORDER =
      Comparator.comparing(OperatorOp::at).thenComparing(OperatorOp::id);

  /**
   * Whether the write {@code (at, id)} replaces the one in force, {@code (currentAt, currentId)}
   * (both null when nothing was written yet). Writing the one in force again replaces nothing.
   */
  public static boolean replaces(Instant at, String id, Instant currentAt, String currentId) {
    if (currentAt == null) {
      return true;
    }
    int byTime = at.compareTo(currentAt);
    if (byTime != 0) {
      return byTime > 0;
    }
    return id.compareTo(currentId == null ? "" : currentId) > 0;
  }

  /**
   * Whether a window stands, given the kinds of the ops seen for its uid so far: added, and not
   * removed. A removal wins whatever the order they arrived in.
   */
  public static boolean windowStands(Collection<String> kindsSeen) {
    return kindsSeen.contains(OperatorOp.MAINTENANCE_ADD)
        && !kindsSeen.contains(OperatorOp.MAINTENANCE_REMOVE);
  }

  /**
   * The incident here that an acknowledgement made on another agent is for. That agent's incident
   * opened at {@code openedAt} and closed at {@code closedAt} (null: still open when it was
   * acknowledged). Every agent records the same combined transitions, usually at the same times,
   * but an agent that was down, or judged a little later, may have its own times; so:
   *
   * <ol>
   *   <li>the site's incident whose interval [opened, closed) contains {@code openedAt};
   *   <li>else, of the site's incidents whose interval overlaps [openedAt, closedAt), the one that
   *       opened nearest to {@code openedAt} (the same outage seen from here a little later, or
   *       the incident that opened here after a restart while the outage went on);
   *   <li>else none: this agent did not see that outage (the op is kept, and tried again when an
   *       incident of the site opens here).
   * </ol>
   *
   * @param incidents the site's incidents (any order)
   */
  public static Optional<Incident> incidentFor(
      List<Incident> incidents, Instant openedAt, Instant closedAt) {
    for (Incident i : incidents) {
      Instant end = end(i);
      if (!i.openedAt().isAfter(openedAt) && (end == null || openedAt.isBefore(end))) {
        return Optional.of(i);
      }
    }
    Instant acknowledgedEnd = closedAt == null ? null : later(closedAt, openedAt.plusMillis(1));
    Comparator<Incident> nearest =
        Comparator.<Incident, Duration>comparing(i -> Duration.between(i.openedAt(), openedAt).abs())
            .thenComparing(Incident::id);
    return incidents.stream()
        .filter(i -> acknowledgedEnd == null || i.openedAt().isBefore(acknowledgedEnd))
        .filter(i -> end(i) == null || openedAt.isBefore(end(i)))
        .min(nearest);
  }

  /**
   * The end of an incident's interval, null while open. An outage opened and closed in the same
   * batch (same millisecond) still covers that millisecond, so that it can be found.
   */
  private static Instant end(Incident i) {
    return i.closedAt() == null ? null : later(i.closedAt(), i.openedAt().plusMillis(1));
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
