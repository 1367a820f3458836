package org.daitu.vcmon.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SampleBucketsTest {
  static final Instant T = Instant.parse("2020-08-01T01:00:00Z");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "2020-08-01T01:00:00Z,     2020-08-01T01:00:00Z",
    "2020-08-01T01:04:59.999Z, 2020-08-01T01:00:00Z",
    "2020-08-01T01:05:00Z,     2020-08-01T01:05:00Z",
    "2020-07-31T23:59:59Z,     2020-07-31T23:55:00Z",
    "1969-12-31T23:59:59Z,     1969-12-31T23:55:00Z",
  })
  void bucketsStartEveryFiveMinutes(String at, String start) {
    assertThat(SampleBuckets.bucketStart(Instant.parse(at))).isEqualTo(Instant.parse(start));
  }

  /**
   * Checks (offset in seconds from 01:00, pings sent, answered, avg and max in ms; "-" none) of
   * one site within one bucket, then the point they make.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
          # case                         | checks                                  | checks | rtt avg | rtt max | loss
          one answered check             | 0 3 3 10 12                             | 1      | 10.0    | 12.0    | 0.0
          two: averages and the longest  | 0 3 3 10 12; 60 3 3 30 50               | 2      | 20.0    | 50.0    | 0.0
          a silent check: loss, no rtt   | 0 3 0 - -                               | 1      |         |         | 1.0
          silent and answered            | 0 3 0 - -; 60 4 3 20 25                 | 2      | 20.0    | 25.0    | 0.625
          ping unavailable: no sample    | 0 0 0 - -; 60 2 2 8 9                   | 1      | 8.0     | 9.0     | 0.0
          last second of the bucket      | 0 2 2 8 9; 299 2 1 10 10                | 2      | 9.0     | 10.0    | 0.25
          """)
  void checksOfOneBucketMakeOnePoint(String name, String checks, int count, Double avg, Double max, double loss) {
    SampleBuckets b = new SampleBuckets();
    for (String c : checks.split(";")) {
      String[] f = c.trim().split(" ");
      Optional<SamplePoint> closed =
          b.add("ha-thuong", T.plusSeconds(Long.parseLong(f[0])), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
              seconds(f[3]), seconds(f[4]));
      assertThat(closed).isEmpty();
    }
    List<SamplePoint> points = b.drain();
    assertThat(points).hasSize(1);
    SamplePoint p = points.get(0);
    assertThat(p.at()).isEqualTo(T);
    assertThat(p.checks()).isEqualTo(count);
    assertThat(p.rttAvgMs()).isEqualTo(avg == null ? null : avg);
    assertThat(p.rttMax()).isEqualTo(max == null ? null : max);
    assertThat(p.lossRatio()).isEqualTo(loss);
    assertThat(b.drain()).isEmpty();
  }

  private static double seconds(String ms) {
    return ms.equals("-") ? Double.NaN : Double.parseDouble(ms) / 1000;
  }

  @Test
  void aCheckInTheNextBucketHandsOutThePreviousPointOfThatSiteOnly() {
    SampleBuckets b = new SampleBuckets();
    assertThat(b.add("a", T, 2, 2, 0.010, 0.010)).isEmpty();
    assertThat(b.add("b", T.plusSeconds(10), 2, 2, 0.020, 0.020)).isEmpty();
    Optional<SamplePoint> closed = b.add("a", T.plusSeconds(300), 2, 2, 0.030, 0.030);
    assertThat(closed).map(SamplePoint::siteId).contains("a");
    assertThat(closed).map(SamplePoint::at).contains(T);
    List<SamplePoint> rest = new ArrayList<>(b.drain());
    assertThat(rest).extracting(SamplePoint::siteId).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aClockSteppedBackStartsAnotherPointInsteadOfMixingBuckets() {
    SampleBuckets b = new SampleBuckets();
    b.add("a", T.plusSeconds(600), 2, 2, 0.010, 0.010);
    Optional<SamplePoint> closed = b.add("a", T, 2, 2, 0.020, 0.020);
    assertThat(closed).map(SamplePoint::at).contains(T.plusSeconds(600));
    assertThat(b.drain()).extracting(SamplePoint::at).containsExactly(T);
  }

  @Test
  void pointsOfOneBucketAddUp() {
    SamplePoint a = new SamplePoint("a", T, 2, 1, 10, 10, 0.5);
    SamplePoint c = new SamplePoint("a", T, 1, 1, 30, 30, 0);
    assertThat(a.plus(c)).isEqualTo(new SamplePoint("a", T, 3, 2, 40, 30, 0.5));
    assertThat(a.plus(c).rttAvgMs()).isEqualTo(20.0);
  }
}
