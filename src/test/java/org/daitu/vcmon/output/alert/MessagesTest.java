package org.daitu.vcmon.output.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Local times and durations as people read them. */
class MessagesTest {
  static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
  final Messages vi = new Messages("vi", ZONE);
  final Messages en = new Messages("en", ZONE);

  @ParameterizedTest(name = "{0}s: {1} / {2}")
  @CsvSource({
    "0, 0 giây, 0 s",
    "59, 59 giây, 59 s",
    "60, 1 phút, 1 min",
    "3600, 1 giờ, 1 h",
    "7500, 2 giờ 5 phút, 2 h 5 min",
    "7559, 2 giờ 5 phút, 2 h 5 min",
    "86400, 1 ngày, 1 day",
    "183600, 2 ngày 3 giờ, 2 days 3 h",
  })
  void durations(long seconds, String inVi, String inEn) {
    assertThat(vi.duration(Duration.ofSeconds(seconds))).isEqualTo(inVi);
    assertThat(en.duration(Duration.ofSeconds(seconds))).isEqualTo(inEn);
  }

  @Test
  void localTimesShowTheDateOnlyOnAnotherDay() {
    Instant t = Instant.parse("2020-08-12T00:42:00Z"); // 07:42 on 12/08 in Đại Từ
    assertThat(vi.time(t, Instant.parse("2020-08-12T16:59:00Z"))).isEqualTo("07:42");
    assertThat(vi.time(t, Instant.parse("2020-08-12T17:00:00Z"))).as("midnight local").isEqualTo("07:42 12/08");
    assertThat(new Messages("vi", ZoneId.of("UTC")).time(t, t)).isEqualTo("00:42");
  }

  @Test
  void unknownLanguageIsRefusedByName() {
    assertThatThrownBy(() -> new Messages("fr", ZONE))
        .hasMessage("unsupported language \"fr\" (supported: vi, en)");
  }
}
