package org.daitu.vcmon.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for mistyped names: the closest known name within a small edit distance. */
final class Spelling {
  private Spelling() {}

  /**
   * The known name nearest to {@code typed}, if it is near enough to be a typo: at most two edits,
   * and fewer than half the typed length (so {@code ip} does not suggest {@code id}).
   */
  static Optional<String> closest(String typed, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(typed.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    if (best == null || bestDistance > 2 || bestDistance * 2 >= Math.max(typed.length(), 2)) {
      return Optional.empty();
    }
    return Optional.of(best);
  }

  /** Levenshtein distance over code points (names may carry diacritics). */
  static int distance(String a, String b) {
    int[] x = a.codePoints().toArray();
    int[] y = b.codePoints().toArray();
    int[] prev = new int[y.length + 1];
    int[] cur = new int[y.length + 1];
    for (int j = 0; j <= y.length; j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= x.length; i++) {
      cur[0] = i;
      for (int j = 1; j <= y.length; j++) {
        int cost = x[i - 1] == y[j - 1] ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[y.length];
  }
}
