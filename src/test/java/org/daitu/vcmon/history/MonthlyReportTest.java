package org.daitu.vcmon.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MonthlyReportTest {
  static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
  static final YearMonth AUGUST = YearMonth.of(2020, 8);
  static final String HEADER =
      "code,id,name,type,availability_percent,incidents,downtime,longest_outage,first_connected";

  static Site site(String id, String code, String name, SiteType type) {
    return new Site(id, code, name, type, "198.18.1.1", null, null, RolloutStage.CONNECTED, null);
  }

  static Availability.Result result(long upSeconds, long downSeconds) {
    return new Availability.Result(
        Duration.ofSeconds(upSeconds), Duration.ofSeconds(downSeconds), Duration.ZERO, Duration.ZERO);
  }

  final List<Site> sites =
      List.of(
          site("district-core", "", "Lõi huyện", SiteType.NETWORK),
          site("ha-thuong", "05554", "Hà Thượng", SiteType.COMMUNE),
          site("hung-son", "05491", "Hùng Sơn", SiteType.TOWN),
          site("cat-ne", "05575", "Cát Nê, \"x\"", SiteType.COMMUNE),
          site("la-bang", "05536", "La Bằng\r\nline two", SiteType.COMMUNE));

  MonthlyReport report() {
    return MonthlyReport.build(
        AUGUST,
        ZONE,
        sites,
        Map.of(
            "ha-thuong", result(999_600, 400),
            "hung-son", result(100, 0),
            "cat-ne", new Availability.Result(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofDays(31)),
            "district-core", result(1, 1)),
        Map.of(
            "ha-thuong", new OutageStats(3, Duration.ofSeconds(7513), Duration.ofMinutes(90)),
            "hung-son", OutageStats.NONE,
            "cat-ne", new OutageStats(1, Duration.ofHours(50), Duration.ofHours(50).plusMillis(999))),
        Map.of(
            "ha-thuong", Instant.parse("2020-07-31T17:05:00Z"),
            "hung-son", Instant.parse("2020-06-01T01:02:59Z")));
  }

  @Test
  void csvIsExactlyThis() {
    assertThat(report().csv())
        .isEqualTo(
            "\uFEFF" + HEADER + "\r\n"
                + "05554,ha-thuong,Hà Thượng,xã,99.9,3,2:05:13,1:30:00,2020-08-01 00:05\r\n"
                + "05491,hung-son,Hùng Sơn,thị trấn,100.0,0,0:00:00,0:00:00,2020-06-01 08:02\r\n"
                + "05575,cat-ne,\"Cát Nê, \"\"x\"\"\",xã,,1,50:00:00,50:00:00,\r\n"
                + "05536,la-bang,\"La Bằng\r\nline two\",xã,,,,,\r\n");
  }

  @Test
  void onlyCommunesAndTownsInInventoryOrder() {
    assertThat(report().rows()).extracting(MonthlyReport.Row::id).containsExactly("ha-thuong", "hung-son", "cat-ne", "la-bang");
  }

  @Test
  void bytesStartWithTheBomAndKeepVietnameseDiacritics() {
    byte[] bytes = report().csvBytes();
    assertThat(Arrays.copyOf(bytes, 3)).isEqualTo(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    // "Hà Thượng" in UTF-8, precomposed (NFC) as the inventory spells it: à C3 A0, ư C6 B0, ợ E1 BB A3.
    byte[] name = HexFormat.of().parseHex("48c3a0205468c6b0e1bba36e67");
    assertThat(indexOf(bytes, name)).isPositive();
    assertThat(indexOf(bytes, HexFormat.of().parseHex("78c3a3"))).as("xã").isPositive();
    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(report().csv());
  }

  @Test
  void everyRecordEndsWithCrlfAndNoBareLineFeedsOutsideQuotes() {
    String csv = report().csv();
    assertThat(csv).endsWith("\r\n");
    List<List<String>> parsed = parse(csv.substring(1));
    assertThat(parsed).hasSize(5);
    assertThat(parsed).allSatisfy(r -> assertThat(r).hasSize(9));
  }

  @Test
  void namesRoundTripThroughAnRfc4180Reader() {
    List<List<String>> parsed = parse(report().csv().substring(1));
    assertThat(parsed.get(0)).isEqualTo(MonthlyReport.HEADER);
    assertThat(parsed).extracting(r -> r.get(2))
        .containsExactly("name", "Hà Thượng", "Hùng Sơn", "Cát Nê, \"x\"", "La Bằng\r\nline two");
  }

  @ParameterizedTest(name = "{0}s -> \"{1}\"")
  @CsvSource({"0,0:00:00", "59,0:00:59", "7513,2:05:13", "86399,23:59:59", "86400,24:00:00", "2678400,744:00:00"})
  void elapsedTimeAsHoursMinutesSeconds(long seconds, String text) {
    assertThat(MonthlyReport.elapsed(Duration.ofSeconds(seconds))).isEqualTo(text);
  }

  @ParameterizedTest(name = "up {0}s, down {1}s -> {2}%")
  @CsvSource({
    "995,5,99.5", "9995,5,99.9", "99999,1,99.9", "1,0,100.0", "0,1,0.0", "1,2,33.3", "2,1,66.6", "0,0,"
  })
  void percentHasOneDecimalRoundedDown(long up, long down, String expected) {
    var p = MonthlyReport.percent(result(up, down));
    assertThat(p == null ? null : p.toPlainString()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      delimiter = '|',
      value = {"plain|plain", "'a,b'|'\"a,b\"'", "say \"hi\"|\"say \"\"hi\"\"\"", "''|''"})
  void quotesOnlyWhenNeeded(String field, String quoted) {
    assertThat(MonthlyReport.quote(field)).isEqualTo(quoted);
  }

  /** A strict RFC 4180 reader: records end with CRLF, quoted fields may hold anything. */
  static List<List<String>> parse(String csv) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    boolean quoted = false;
    while (i < csv.length()) {
      char c = csv.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
          field.append('"');
          i += 2;
          continue;
        }
        if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
        i++;
      } else if (c == '"' && field.length() == 0) {
        quoted = true;
        i++;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
        i++;
      } else if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
        record.add(field.toString());
        field.setLength(0);
        records.add(record);
        record = new ArrayList<>();
        i += 2;
      } else {
        assertThat(c).as("bare character outside quotes at %d", i).isNotIn('\r', '\n', '"');
        field.append(c);
        i++;
      }
    }
    assertThat(field.length() + record.size()).as("text after the last CRLF").isZero();
    return records;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
