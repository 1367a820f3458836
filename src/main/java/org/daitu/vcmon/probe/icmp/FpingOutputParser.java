package org.daitu.vcmon.probe.icmp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.daitu.vcmon.inventory.IpLiteral;
import org.daitu.vcmon.probe.IcmpResult;

/**
 * Turns what one fping {@code -C} run wrote on stderr, and its exit code, into one {@link
 * IcmpResult} per target of the batch. Pure and stateless.
 *
 * <p>fping writes, per target, {@code name : 0.05 - 0.06} (RTT in ms, {@code -} for a lost echo),
 * names it cannot resolve as {@code name: Name or service not known}, and between them free text
 * (ICMP errors, warnings). Exit codes 0, 1 and 2 are per-target facts (all answered, some silent,
 * some names unknown). Anything else, or a run that produced no line for any target (fping 5.1
 * exits 1, not 3, on bad arguments), makes the whole batch unavailable. Lines it does not know
 * are kept in {@link Report#ignoredLines} and never make parsing fail.
 */
final class FpingOutputParser {

  static final String PERMISSION_HINT =
      "(run `setcap cap_net_raw+ep $(command -v fping)` or run vcmon with CAP_NET_RAW)";

  /**
   * What one batch gave.
   *
   * @param results one entry per target of the batch, in batch order
   * @param failure why the batch as a whole could not ping, or null when it could
   * @param ignoredLines non-blank lines that were neither a result nor a name error
   */
  record Report(Map<String, IcmpResult> results, String failure, List<String> ignoredLines) {
    Report {
      results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
      ignoredLines = List.copyOf(ignoredLines);
    }

    /** Every target of the batch unavailable for the same reason. */
    static Report failed(List<String> batch, String failure) {
      Map<String, IcmpResult> results = new LinkedHashMap<>();
      IcmpResult unavailable = IcmpResult.unavailable(failure);
      for (String target : batch) {
        results.put(target, unavailable);
      }
      return new Report(results, failure, List.of());
    }
  }

  private FpingOutputParser() {}

  /**
   * @param batch the targets handed to fping, without duplicates
   * @param packets the {@code -C} count; a summary line with another number of values is ignored
   * @param exitCode fping's exit status
   * @param stderr everything fping wrote on stderr
   */
  static Report parse(List<String> batch, int packets, int exitCode, String stderr) {
    Map<String, double[]> measured = new HashMap<>();
    Map<String, String> unresolved = new HashMap<>();
    List<String> ignored = new ArrayList<>();
    String permissionLine = null;
    Set<String> targets = Set.copyOf(batch);

    for (String raw : stderr.split("\\R")) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (permissionLine == null && deniedRawSocket(line)) {
        permissionLine = line;
        continue;
      }
      int summary = line.indexOf(" : ");
      if (summary > 0) {
        String name = line.substring(0, summary).strip();
        double[] rtts = echoes(line.substring(summary + 3), packets);
        // A second line for the same target (fping repeats targets it is given twice) is
        // ignored: the first one is the answer.
        if (rtts != null && targets.contains(name) && !measured.containsKey(name)) {
          measured.put(name, rtts);
          continue;
        }
      } else {
        int colon = line.indexOf(": ");
        if (colon > 0) {
          String name = line.substring(0, colon);
          if (targets.contains(name) && !unresolved.containsKey(name)) {
            unresolved.put(name, line.substring(colon + 2).strip());
            continue;
          }
        }
      }
      ignored.add(line);
    }

    if (permissionLine != null) {
      String failure = "fping may not send ICMP: " + permissionLine + " " + PERMISSION_HINT;
      return withIgnored(Report.failed(batch, failure), ignored);
    }
    String how = exitDescription(exitCode);
    if (exitCode < 0 || exitCode > 2 || (measured.isEmpty() && unresolved.isEmpty())) {
      String message = ignored.isEmpty() ? "no message" : printable(ignored.get(0));
      String what = signalled(exitCode) ? "fping was killed before it finished (" : "fping failed (";
      return withIgnored(Report.failed(batch, what + how + "): " + message), ignored);
    }

    Map<String, IcmpResult> results = new LinkedHashMap<>();
    for (String target : batch) {
      double[] rtts = measured.get(target);
      if (rtts != null) {
        results.put(target, IcmpResult.measured(packets, rtts));
      } else if (unresolved.containsKey(target)) {
        results.put(
            target,
            IcmpResult.unavailable(
                "cannot resolve host name " + target + ": " + unresolved.get(target)));
      } else if (exitCode == 2 && !ipLiteral(target)) {
        results.put(target, IcmpResult.unavailable("cannot resolve host name " + target));
      } else {
        results.put(
            target,
            IcmpResult.unavailable("fping gave no result for " + target + " (" + how + ")"));
      }
    }
    return new Report(results, null, ignored);
  }

  /** How Java reports a child killed by a signal: 128 + the signal's number. */
  private static final int SIGNAL_BASE = 128;

  /** Longest piece of fping's own text quoted in a reason. */
  static final int MAX_QUOTED = 160;

  /** "exit 1", or "signal 9 (SIGKILL)" for a process killed by a signal. */
  static String exitDescription(int exitCode) {
    if (signalled(exitCode)) {
      int signal = exitCode - SIGNAL_BASE;
      String name =
          switch (signal) {
            case 1 -> " (SIGHUP)";
            case 2 -> " (SIGINT)";
            case 6 -> " (SIGABRT)";
            case 9 -> " (SIGKILL)";
            case 11 -> " (SIGSEGV)";
            case 15 -> " (SIGTERM)";
            default -> "";
          };
      return "signal " + signal + name;
    }
    return "exit " + exitCode;
  }

  /**
   * Whether two batch failures are the same condition: equal but for the output they quote, which
   * differs from run to run when fping prints garbage. Either may be null (no failure).
   */
  static boolean sameFailure(String a, String b) {
    return Objects.equals(withoutQuote(a), withoutQuote(b));
  }

  private static String withoutQuote(String failure) {
    int quote = failure == null ? -1 : failure.indexOf("): ");
    return quote < 0 ? failure : failure.substring(0, quote + 1);
  }

  private static boolean signalled(int exitCode) {
    return exitCode > SIGNAL_BASE && exitCode <= SIGNAL_BASE + 64;
  }

  /**
   * A line of fping output made fit for a reason shown on the page and in logs: control and
   * undecodable characters become '?', and it is cut to {@link #MAX_QUOTED} characters.
   */
  static String printable(String line) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < line.length() && out.length() < MAX_QUOTED; i++) {
      char c = line.charAt(i);
      out.append(Character.isISOControl(c) || c == '\uFFFD' || Character.isSurrogate(c) ? '?' : c);
    }
    return line.length() > MAX_QUOTED ? out + "..." : out.toString();
  }

  private static Report withIgnored(Report report, List<String> ignored) {
    return new Report(report.results(), report.failure(), ignored);
  }

  /**
   * fping 5.1 without CAP_NET_RAW (and without ping_group_range allowing ICMP datagram sockets)
   * says "can't create socket (must run as root?)"; older versions say "Operation not permitted".
   */
  private static boolean deniedRawSocket(String line) {
    return line.contains("can't create socket")
        || line.contains("must run as root")
        || line.contains("Operation not permitted");
  }

  /** The answered RTTs in seconds, or null when the text is not {@code packets} values. */
  private static double[] echoes(String text, int packets) {
    String[] values = text.strip().split("\\s+");
    if (values.length != packets) {
      return null;
    }
    double[] rtts = new double[packets];
    int answered = 0;
    for (String value : values) {
      if (value.equals("-")) {
        continue;
      }
      double millis;
      try {
        millis = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        return null;
      }
      if (!(millis >= 0) || Double.isInfinite(millis)) {
        return null;
      }
      rtts[answered++] = millis / 1000.0;
    }
    return Arrays.copyOf(rtts, answered);
  }

  /**
   * Whether fping would take the target as an address rather than a name: only names can be
   * "not found". Checked by shape, never by resolving (that would block).
   */
  static boolean ipLiteral(String target) {
    return IpLiteral.isIpLiteral(target);
  }
}
