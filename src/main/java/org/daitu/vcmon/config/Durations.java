package org.daitu.vcmon.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in the config: a whole number and one unit, {@code 500ms}, {@code
 * 30s}, {@code 5m}, {@code 1h}. One unit only, so a value reads the same to everyone; ISO-8601
 * ({@code PT30S}) is precise but nobody on a district IT team writes it.
 */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  private Durations() {}

  /**
   * Parses {@code 500ms}, {@code 30s}, {@code 5m} or {@code 1h}.
   *
   * @throws IllegalArgumentException naming the text and the accepted form
   */
  public static Duration parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a duration: \"" + text + "\" (write a whole number and a unit: 500ms, 30s, 5m, 1h)");
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      default:
        return Duration.ofHours(n);
    }
  }

  /**
   * The shortest text {@link #parse} turns back into the same duration: the largest unit that
   * divides it exactly ({@code 90s}, not {@code 1m30s}; {@code 1500ms}). Sub-millisecond parts are
   * dropped, since the config cannot express them.
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
