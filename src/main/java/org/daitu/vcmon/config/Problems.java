package org.daitu.vcmon.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every problem found while loading, across the config file and the files it names (sites file,
 * seeds). The report lists the config file first, then each other file, each by line, so a reader
 * can walk down the file fixing as they go.
 */
final class Problems {
  /** Rank of the config file itself; files it names get higher ranks in the order they are read. */
  static final int CONFIG_FILE = 0;

  private record Entry(int rank, int seq, ConfigProblem problem) {}

  private final List<Entry> entries = new ArrayList<>();

  void add(int rank, ConfigProblem problem) {
    entries.add(new Entry(rank, entries.size(), problem));
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** In report order; a problem without a line (0) goes after the lined ones of its file. */
  List<ConfigProblem> sorted() {
    return entries.stream()
        .sorted(
            Comparator.comparingInt(Entry::rank)
                .thenComparingInt(
                    e -> e.problem().line() > 0 ? e.problem().line() : Integer.MAX_VALUE)
                .thenComparingInt(Entry::seq))
        .map(Entry::problem)
        .toList();
  }
}
