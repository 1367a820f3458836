package org.daitu.vcmon.schedule;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * When a site is checked next once a notification has named it (see {@code docs/traps.md}). Pure
 * bookkeeping on a millisecond clock given by the caller; one instance is owned by one thread.
 *
 * <ul>
 *   <li>A hinted site is checked at once; if its check is running, that check began before the
 *       news, so one more follows as soon as it ends.
 *   <li>For {@link #URGENT} after a link notification, a site whose change is being confirmed is
 *       re-checked back to back instead of after {@code recheck_interval}.
 *   <li>Otherwise: {@code recheck_interval} while a change is being confirmed, the interval when
 *       not.
 * </ul>
 */
public final class Hints {
  /** How long after a link notification its sites are re-checked back to back. */
  public static final Duration URGENT = Duration.ofSeconds(20);

  /** Sites with until when (ms) their rechecks follow one another back to back. */
  private final Map<String, Long> urgentUntil = new HashMap<>();
  /** Sites hinted while their check ran. */
  private final Set<String> again = new HashSet<>();

  /**
   * A notification named the site at {@code nowMillis}. Returns whether to bring its check
   * forward now (false while one is running: one more follows it instead).
   *
   * @param urgent a link notification: confirm back to back for a while
   */
  public boolean hinted(String siteId, boolean running, boolean urgent, long nowMillis) {
    if (urgent) {
      urgentUntil.put(siteId, nowMillis + URGENT.toMillis());
    }
    if (running) {
      again.add(siteId);
      return false;
    }
    return true;
  }

  /**
   * How long after the start of the check that just ended at {@code nowMillis} the site's next
   * one is due.
   *
   * @param pending whether the check disagreed with the site's state (a change to confirm)
   */
  public Duration next(String siteId, boolean pending, long nowMillis, Duration recheck, Duration interval) {
    Long until = urgentUntil.get(siteId);
    if (until != null && nowMillis > until) {
      urgentUntil.remove(siteId);
      until = null;
    }
    if (again.remove(siteId) || (pending && until != null)) {
      return Duration.ZERO;
    }
    return pending ? recheck : interval;
  }
}
