package org.daitu.vcmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({"500ms,500", "30s,30000", "5m,300000", "1h,3600000", "0s,0", " 2s ,2000"})
  void parsesOneUnit(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"30", "1.5s", "5 minutes", "-1s", "1h30m", "PT30S", "", "s", "10S", "1d"})
  void rejectsAnythingElseNamingTheText(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"")
        .hasMessageContaining("500ms, 30s, 5m, 1h");
  }

  @ParameterizedTest
  @CsvSource({
    "500,500ms",
    "1500,1500ms",
    "30000,30s",
    "90000,90s",
    "300000,5m",
    "3600000,1h",
    "0,0s",
    "5400000,90m"
  })
  void formatsWithTheLargestExactUnit(long millis, String text) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }
}
