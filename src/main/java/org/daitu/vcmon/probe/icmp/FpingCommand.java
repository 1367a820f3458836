package org.daitu.vcmon.probe.icmp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The fping command line for one batch, and how long that batch may run before it is killed.
 * Pure: builds strings, starts nothing.
 *
 * <p>Flags, and why:
 *
 * <ul>
 *   <li>{@code -C packets}: count mode with one RTT (or {@code -}) per echo in the summary, so
 *       loss, average and jitter can all be computed from one line per target.
 *   <li>{@code -p period}: time between echoes to the same target.
 *   <li>{@code -t timeout}: how long each echo waits for its answer.
 *   <li>{@code -i 1}: one millisecond between any two echoes of the process. fping's default
 *       (10 ms) would make a batch of 500 targets with 5 echoes last 25 s; at 1 ms it lasts
 *       about 2.5 s and sends at most 1000 small packets a second.
 *   <li>{@code -f -}: targets on stdin, one per line, so a batch of thousands stays clear of
 *       argv length limits and a target can never be read as an option.
 *   <li>no {@code -q}: quiet mode also hides "name not known" and ICMP error messages; the
 *       per-echo lines it would suppress go to stdout, which the probe discards.
 * </ul>
 *
 * <p>{@code -r} and {@code -B} (retries, backoff) are left out: fping ignores them in count mode.
 *
 * @param prefix words run before the program (empty in production; e.g. a privilege drop)
 * @param program path or name of fping
 * @param packets echoes per target
 * @param period time between two echoes to the same target
 * @param timeout how long one echo waits for its answer
 */
record FpingCommand(
    List<String> prefix, String program, int packets, Duration period, Duration timeout) {

  /** Time between any two echoes of one fping process ({@code -i}). */
  static final Duration SEND_INTERVAL = Duration.ofMillis(1);

  /** Slack over the computed run time for process start, name resolution and scheduling. */
  static final Duration DEADLINE_MARGIN = Duration.ofSeconds(2);

  FpingCommand {
    prefix = List.copyOf(prefix);
    if (program == null || program.isBlank()) {
      throw new IllegalArgumentException(
          "probe.icmp.fping: must name the fping program, got \"" + program + "\"");
    }
    if (packets < 1) {
      throw new IllegalArgumentException(
          "probe.icmp.packets: must be at least 1, got " + packets);
    }
    if (period == null || period.toMillis() < 1) {
      throw new IllegalArgumentException(
          "probe.icmp.period: must be at least 1ms, got " + period);
    }
    if (timeout == null || timeout.toMillis() < 1) {
      throw new IllegalArgumentException("probe.timeout: must be at least 1ms, got " + timeout);
    }
  }

  /** The full argv: prefix, program, flags. Targets go on stdin (see {@link #stdin}). */
  List<String> argv() {
    List<String> argv = new ArrayList<>(prefix);
    argv.add(program);
    argv.add("-C");
    argv.add(Integer.toString(packets));
    argv.add("-p");
    argv.add(Long.toString(period.toMillis()));
    argv.add("-t");
    argv.add(Long.toString(timeout.toMillis()));
    argv.add("-i");
    argv.add(Long.toString(SEND_INTERVAL.toMillis()));
    argv.add("-f");
    argv.add("-");
    return List.copyOf(argv);
  }

  /** What fping reads on stdin: one target per line. */
  static String stdin(Collection<String> targets) {
    StringBuilder text = new StringBuilder();
    for (String target : targets) {
      text.append(target).append('\n');
    }
    return text.toString();
  }

  /**
   * The longest a batch of {@code targets} may run: all echoes sent (per-target period, or the
   * global send interval when the batch is large), the last one waited for, plus a margin.
   */
  Duration deadline(int targets) {
    Duration perTarget = period.multipliedBy(packets);
    Duration sending = SEND_INTERVAL.multipliedBy((long) targets * packets);
    Duration longest = perTarget.compareTo(sending) >= 0 ? perTarget : sending;
    return longest.plus(timeout).plus(DEADLINE_MARGIN);
  }
}
