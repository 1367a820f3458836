package org.daitu.vcmon.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.daitu.vcmon.probe.SnmpResult;

/**
 * Which checks poll SNMP ({@code probe.snmp.interval}), and what the others judge by. Pure
 * bookkeeping on the caller's millisecond clock; used on the monitor's context only.
 *
 * <ul>
 *   <li>A site is polled at its first check, then again once the interval has passed since the
 *       last poll began; an interval of zero polls at every check.
 *   <li>A check that follows one whose ping went unanswered polls at once: a cut is then
 *       confirmed on both probes, and a site that filters ICMP but answers SNMP is judged by SNMP
 *       at every check, as before, never DOWN.
 *   <li>A check that follows a poll without an answer polls again: a silent agent is confirmed
 *       (or one lost request on a lossy link forgotten) by {@code down_after} polls in a row, as
 *       when every check polled.
 *   <li>A check that does not poll judges by the last poll's answer while ping answers (an
 *       interface down stays found between polls, so the site's streaks do not flicker), and by
 *       ping alone when ping does not.
 * </ul>
 */
final class SnmpCadence {
  private final Map<String, Long> lastPollMillis = new HashMap<>();
  private final Map<String, SnmpResult> lastResult = new HashMap<>();
  private final Set<String> pingSilent = new HashSet<>();

  /** Whether the check of {@code siteId} starting at {@code nowMillis} polls SNMP. */
  boolean due(String siteId, long nowMillis, Duration interval) {
    Long last = lastPollMillis.get(siteId);
    return interval.isZero()
        || last == null
        || pingSilent.contains(siteId)
        || !lastResult.get(siteId).ok()
        || nowMillis - last >= interval.toMillis();
  }

  /** A poll of {@code siteId} began at {@code startedMillis} and gave {@code result}. */
  void polled(String siteId, long startedMillis, SnmpResult result) {
    lastPollMillis.put(siteId, startedMillis);
    lastResult.put(siteId, result);
  }

  /**
   * What a check that did not poll judges by: the last poll's result when ping answered, none
   * (ping alone) when it did not. Records the ping's outcome for the next {@link #due}.
   */
  SnmpResult between(String siteId, boolean pingAnswered) {
    pinged(siteId, pingAnswered);
    return pingAnswered ? lastResult.get(siteId) : null;
  }

  /** Records whether the ping of a check that polled answered. */
  void pinged(String siteId, boolean answered) {
    if (answered) {
      pingSilent.remove(siteId);
    } else {
      pingSilent.add(siteId);
    }
  }

  /** Forgets a site (removed by a reload, or no longer polled over SNMP). */
  void forget(String siteId) {
    lastPollMillis.remove(siteId);
    lastResult.remove(siteId);
    pingSilent.remove(siteId);
  }
}
