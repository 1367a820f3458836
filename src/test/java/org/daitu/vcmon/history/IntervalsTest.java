package org.daitu.vcmon.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IntervalsTest {
  static final Instant T0 = Instant.parse("2020-08-01T00:00:00Z");

  /** "1-3 5-6" = [T0+1h, T0+3h) and [T0+5h, T0+6h); "" = none. */
  static List<Interval> hours(String spec) {
    List<Interval> out = new ArrayList<>();
    for (String part : spec.trim().split("\\s+")) {
      if (part.isEmpty()) {
        continue;
      }
      String[] ends = part.split("-");
      out.add(new Interval(T0.plusSeconds(3600 * Long.parseLong(ends[0])), T0.plusSeconds(3600 * Long.parseLong(ends[1]))));
    }
    return out;
  }

  static String spec(List<Interval> intervals) {
    List<String> parts = new ArrayList<>();
    for (Interval i : intervals) {
      parts.add(Duration.between(T0, i.from()).toHours() + "-" + Duration.between(T0, i.to()).toHours());
    }
    return String.join(" ", parts);
  }

  @ParameterizedTest(name = "merge [{0}] = [{1}]")
  @CsvSource(
      delimiter = '|',
      value = {
        "''           | ''",
        "1-3          | 1-3",
        "5-6 1-3      | 1-3 5-6",
        "1-3 2-4      | 1-4",
        "1-3 3-4      | 1-4",
        "1-9 2-3 4-5  | 1-9",
        "4-2 1-2      | 1-2",
        "2-2          | ''"
      })
  void mergesOverlappingAndTouchingDroppingEmpty(String in, String out) {
    assertThat(spec(Intervals.merge(hours(in)))).isEqualTo(out);
  }

  @ParameterizedTest(name = "[{0}] minus [{1}] = [{2}]")
  @CsvSource(
      delimiter = '|',
      value = {
        "0-10 | ''          | 0-10",
        "0-10 | 2-3         | 0-2 3-10",
        "0-10 | 2-4 3-5     | 0-2 5-10",
        "0-10 | 0-10        | ''",
        "0-10 | 11-12       | 0-10",
        "2-8  | 0-3 7-12    | 3-7",
        "0-10 | 8-9 1-2     | 0-1 2-8 9-10",
        "5-5  | 1-2         | ''"
      })
  void subtractsHoles(String interval, String holes, String out) {
    assertThat(spec(Intervals.subtract(hours(interval).get(0), hours(holes)))).isEqualTo(out);
  }

  @ParameterizedTest(name = "[{0}] clipped to {1} = [{2}]")
  @CsvSource(
      delimiter = '|',
      value = {
        "1-3 5-9 12-14 | 2-8 | 2-3 5-8",
        "0-1           | 2-8 | ''",
        "8-9           | 2-8 | ''",
        "0-24          | 2-8 | 2-8"
      })
  void clipsToRange(String in, String range, String out) {
    assertThat(spec(Intervals.clip(hours(in), hours(range).get(0)))).isEqualTo(out);
  }

  @Test
  void clippingDisjointGivesAnEmptyIntervalNotAnInvertedOne() {
    Interval c = Intervals.clip(hours("0-1").get(0), hours("2-8").get(0));
    assertThat(c.isEmpty()).isTrue();
    assertThat(c.length()).isEqualTo(Duration.ZERO);
    assertThat(c.to()).isEqualTo(c.from());
  }

  @ParameterizedTest(name = "total [{0}] = {1}h")
  @CsvSource(
      delimiter = '|',
      value = {"'' | 0", "1-3 | 2", "1-3 2-5 | 4", "1-3 5-6 | 3", "3-1 | 0", "0-24 6-7 | 24"})
  void totalCountsOverlapOnce(String in, long totalHours) {
    assertThat(Intervals.total(hours(in))).isEqualTo(Duration.ofHours(totalHours));
  }
}
