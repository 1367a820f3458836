package org.daitu.vcmon.config;

import java.util.List;

/**
 * How one config reload ended. {@code plan} is set when the new file was applied; {@code problems}
 * say why it was not (every problem the loader found, secrets never shown).
 */
public record ReloadResult(Outcome outcome, String file, List<ConfigProblem> problems, ReloadPlan plan) {

  public enum Outcome {
    /** The file was valid; what can change live has changed. */
    APPLIED,
    /** The file was unreadable or invalid: the running config stays in force, untouched. */
    REJECTED,
    /** There is no file to reload (the demo). */
    UNAVAILABLE
  }

  public ReloadResult {
    problems = List.copyOf(problems);
  }

  public static ReloadResult applied(String file, ReloadPlan plan) {
    return new ReloadResult(Outcome.APPLIED, file, List.of(), plan);
  }

  public static ReloadResult rejected(String file, List<ConfigProblem> problems) {
    return new ReloadResult(Outcome.REJECTED, file, problems, null);
  }

  public static ReloadResult unavailable(String reason) {
    return new ReloadResult(Outcome.UNAVAILABLE, null, List.of(new ConfigProblem("", 0, reason, null, null)), null);
  }
}
