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

  /**
   * Edit distance over code points (names may carry diacritics) where swapping two neighbouring
   * letters counts as one edit, the most common typo ({@code prot} for {@code port}).
   */
  static int distance(String a, String b) {
    int[] x = a.codePoints().toArray();
    int[] y = b.codePoints().toArray();
    int[][] d = new int[x.length + 1][y.length + 1];
    for (int i = 0; i <= x.length; i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= y.length; j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= x.length; i++) {
      for (int j = 1; j <= y.length; j++) {
        int cost = x[i - 1] == y[j - 1] ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1]) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[x.length][y.length];
  }
}
