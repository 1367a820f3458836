package org.daitu.vcmon.config;

import java.util.List;

/** A config file that cannot be used, with every problem found in it. */
public final class ConfigException extends Exception {
  private final String file;
  private final List<ConfigProblem> problems;

  public ConfigException(String file, List<ConfigProblem> problems) {
    super(render(file, problems));
    this.file = file;
    this.problems = List.copyOf(problems);
  }

  public String file() {
    return file;
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  /** The report printed by {@code check-config} and at start: a header, then one line each. */
  public static String render(String file, List<ConfigProblem> problems) {
    StringBuilder b = new StringBuilder();
    b.append(file)
        .append(": ")
        .append(problems.size())
        .append(problems.size() == 1 ? " problem" : " problems");
    for (ConfigProblem p : problems) {
      b.append("\n  - ").append(p.render());
    }
    return b.toString();
  }
}
