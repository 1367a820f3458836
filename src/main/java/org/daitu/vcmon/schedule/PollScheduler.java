package org.daitu.vcmon.schedule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Decides which sites are due for a check. Pure bookkeeping on a millisecond clock given by the
 * caller; one instance is owned by one thread.
 *
 * <ul>
 *   <li>Each site's first check comes at a stable offset within the interval (a hash of its id),
 *       so checks are spread evenly and a restart does not probe every site at the same instant.
 *   <li>A site is never handed out again while its check runs; the next check is due {@code
 *       delay} after the previous one was due (after its start if that was far behind), so a
 *       site keeps its place in the interval instead of drifting by a tick every round; or at
 *       once if the check took longer than that — never overlapping.
 *   <li>No per-site timers: one priority queue ordered by due time, drained by one periodic tick.
 * </ul>
 */
public final class PollScheduler {
  /** Starting up to this late (a few ticks) keeps a site's place in the interval. */
  static final long KEEP_PHASE_MILLIS = 1000;

  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private final Map<String, Slot> slots = new HashMap<>();
  private long skipped;

  private record Entry(long dueMillis, long generation, String siteId) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      return Long.compare(dueMillis, o.dueMillis);
    }
  }

  private static final class Slot {
    long generation;
    boolean running;
    long dueMillis;
  }

  /** Adds a site; its first check is due at {@code startMillis} + its stable offset. */
  public void add(String siteId, long startMillis, Duration interval) {
    Slot slot = slots.computeIfAbsent(siteId, k -> new Slot());
    schedule(siteId, slot, startMillis + offset(siteId, interval));
  }

  /** Removes a site (a reload dropped it); a running check's completion is then ignored. */
  public void remove(String siteId) {
    slots.remove(siteId);
  }

  /** The sites due at {@code nowMillis}, marked running, earliest first. */
  public List<String> due(long nowMillis) {
    List<String> ids = new ArrayList<>();
    while (!queue.isEmpty() && queue.peek().dueMillis <= nowMillis) {
      Entry e = queue.poll();
      Slot slot = slots.get(e.siteId);
      if (slot == null || slot.generation != e.generation || slot.running) {
        continue; // stale entry: rescheduled, removed or already running
      }
      slot.running = true;
      ids.add(e.siteId);
    }
    return ids;
  }

  /**
   * Records that a site's check (started at {@code startedMillis}) finished at {@code nowMillis};
   * the next one is due {@code delay} after the check was due, or after its start when that was
   * more than a second late.
   * A check that overran its slot is counted in {@link #skipped()}: the slots it ate are the
   * checks that could not run on time.
   */
  public void completed(String siteId, long startedMillis, long nowMillis, Duration delay) {
    Slot slot = slots.get(siteId);
    if (slot == null) {
      return;
    }
    slot.running = false;
    // A start a tick after the due time keeps the site's phase; a start far behind it (an
    // overloaded or suspended agent) counts from the start, so the backlog is not run twice.
    long late = startedMillis - slot.dueMillis;
    long base = late <= KEEP_PHASE_MILLIS ? Math.min(slot.dueMillis, startedMillis) : startedMillis;
    long due = base + delay.toMillis();
    if (due < nowMillis) {
      skipped += (nowMillis - due) / Math.max(1, delay.toMillis()) + 1;
      due = nowMillis;
    }
    schedule(siteId, slot, due);
  }

  /** Brings a site's next check forward to {@code nowMillis} unless it is running. */
  public void expedite(String siteId, long nowMillis) {
    Slot slot = slots.get(siteId);
    if (slot != null && !slot.running && slot.dueMillis > nowMillis) {
      schedule(siteId, slot, nowMillis);
    }
  }

  /** How late the earliest due check is at {@code nowMillis} (0 when none is late). */
  public long lagMillis(long nowMillis) {
    Entry head;
    while ((head = queue.peek()) != null) {
      Slot slot = slots.get(head.siteId);
      if (slot != null && slot.generation == head.generation && !slot.running) {
        return Math.max(0, nowMillis - head.dueMillis);
      }
      queue.poll();
    }
    return 0;
  }

  /** Checks that could not start on time because the previous one of the same site still ran. */
  public long skipped() {
    return skipped;
  }

  /** When the site's current or next check is (or was) due; -1 for an unknown site. */
  public long dueMillis(String siteId) {
    Slot slot = slots.get(siteId);
    return slot == null ? -1 : slot.dueMillis;
  }

  public boolean running(String siteId) {
    Slot slot = slots.get(siteId);
    return slot != null && slot.running;
  }

  private void schedule(String siteId, Slot slot, long dueMillis) {
    slot.generation++;
    slot.dueMillis = dueMillis;
    queue.add(new Entry(dueMillis, slot.generation, siteId));
  }

  /** A stable offset in [0, interval) from the site id: the same after every restart. */
  static long offset(String siteId, Duration interval) {
    long h = siteId.hashCode() * 0x9E3779B97F4A7C15L; // spread similar ids apart
    return Math.floorMod(h >>> 16, Math.max(1, interval.toMillis()));
  }
}
