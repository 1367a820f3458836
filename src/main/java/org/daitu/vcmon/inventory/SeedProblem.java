package org.daitu.vcmon.inventory;

/**
 * One thing wrong in a seeds file. The config loader reports it among the config's own problems,
 * in the same words; it lives here so that {@code inventory} does not depend on {@code config}.
 *
 * @param path the file as named in the config, e.g. {@code seeds/units.csv}
 * @param line 1-based line in the file, or 0 when unknown
 * @param message the rule that is broken
 * @param found the offending value as written, or null
 * @param hint how to fix it, or null
 */
public record SeedProblem(String path, int line, String message, String found, String hint) {

  /**
   * One line of the error report: {@code path (line N): message, got "found" (hint)}. The config's
   * own problems are written the same way, by this method.
   */
  public String render() {
    StringBuilder b = new StringBuilder(path.isEmpty() ? "(top level)" : path);
    if (line > 0) {
      b.append(" (line ").append(line).append(')');
    }
    b.append(": ").append(message);
    if (found != null) {
      b.append(", got \"").append(found).append('"');
    }
    if (hint != null) {
      b.append(" (").append(hint).append(')');
    }
    return b.toString();
  }
}
