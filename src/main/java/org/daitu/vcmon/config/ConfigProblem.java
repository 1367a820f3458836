package org.daitu.vcmon.config;

import java.util.List;
import org.daitu.vcmon.inventory.SeedProblem;

/**
 * One thing wrong in a config file.
 *
 * @param path key path, e.g. {@code sites[12].snmp.profile}
 * @param line 1-based line in the file, or 0 when unknown
 * @param message the rule that is broken, e.g. {@code unknown snmp profile}
 * @param found the offending value as written (never a secret), or null
 * @param hint how to fix it, or null
 */
public record ConfigProblem(String path, int line, String message, String found, String hint) {

  /** A problem of a seeds file, reported among the config's own in the same words. */
  public static ConfigProblem of(SeedProblem p) {
    return new ConfigProblem(p.path(), p.line(), p.message(), p.found(), p.hint());
  }

  /** {@link #of(SeedProblem)} for each, in order. */
  public static List<ConfigProblem> ofSeeds(List<SeedProblem> problems) {
    return problems.stream().map(ConfigProblem::of).toList();
  }

  /** One line of the error report: {@code sites[3].id (line 42): duplicate id, got "x"; ...}. */
  public String render() {
    return new SeedProblem(path, line, message, found, hint).render();
  }
}
