package org.daitu.vcmon.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SeedLoaderTest {
  @Test
  void readsTheShippedSeedsOfDaiTu() throws IOException {
    SeedLoader.Seeds seeds = SeedLoader.load(Path.of("seeds", "dai-tu-2020-units.csv"));
    assertThat(seeds.problems()).isEmpty();
    assertThat(seeds.units()).hasSize(30);
    assertThat(seeds.units().stream().filter(u -> u.type() == SiteType.TOWN))
        .extracting(SeedUnit::slug)
        .containsExactly("hung-son", "thi-tran-quan-chu");
    assertThat(seeds.units().stream().filter(u -> u.location() != null)).hasSize(19);
    assertThat(seeds.bySlug("xa-quan-chu").orElseThrow())
        .isEqualTo(new SeedUnit("05851", "xa-quan-chu", "Quân Chu", SiteType.COMMUNE, null, null));
    assertThat(seeds.bySlug("duc-luong").orElseThrow().name()).isEqualTo("Đức Lương");
  }

  @Test
  void handlesQuotedCommasDoubledQuotesLineBreaksCrlfAndBom() {
    String csv =
        "\uFEFFsource,code,slug,name,type,lat,lon\r\n"
            + "\"a, \"\"b\"\"\",05812,ha-thuong,\"Hà Thượng\",xã,21.63694,105.68972\r\n"
            + "\"two\r\nlines\",05761,hung-son,Hùng Sơn,thị trấn,,\r\n"
            + "\r\n";
    SeedLoader.Seeds seeds = SeedLoader.parse("units.csv", csv);
    assertThat(seeds.problems()).isEmpty();
    assertThat(seeds.units())
        .containsExactly(
            new SeedUnit("05812", "ha-thuong", "Hà Thượng", SiteType.COMMUNE, 21.63694, 105.68972),
            new SeedUnit("05761", "hung-son", "Hùng Sơn", SiteType.TOWN, null, null));
  }

  @Test
  void badRowsAreProblemsWithTheirLineAndTheGoodRowsStay() {
    String csv =
        "code,slug,name,type,lat,lon\n"
            + "\"multi\nline\",bad slug,X,xã,,\n" // starts on line 2, reported there
            + "05812,ha-thuong,Hà Thượng,xã,21.6,\n"
            + "05761,hung-son,Hùng Sơn,thị trấn,,\n"
            + "05770,minh-tien,\"Minh Tiến\"x,xã,,\n"
            + "05773,yen-lang,\"Yên Lãng,xã,,\n";
    SeedLoader.Seeds seeds = SeedLoader.parse("units.csv", csv);
    assertThat(seeds.problems())
        .extracting(SeedProblem::render)
        .containsExactly(
            "units.csv (line 2): code must be digits, got \"multi\\nline\"",
            "units.csv (line 2): slug must be lower-case letters and digits, words joined by \"-\","
                + " got \"bad slug\"",
            "units.csv (line 4): lat and lon must both be set or both be empty, got \"21.6,\"",
            "units.csv (line 6): text after a closing quote (quote the whole field and double inner"
                + " quotes: \"say \"\"hi\"\"\")",
            "units.csv (line 7): quote opened in this row is never closed");
    assertThat(seeds.units()).extracting(SeedUnit::slug).containsExactly("hung-son");
  }

  @Test
  void headerMustNameTheColumnsVcmonReads() {
    SeedLoader.Seeds seeds =
        SeedLoader.parse("units.csv", "code,slug,name\n05812,ha-thuong,Hà Thượng\n");
    assertThat(seeds.problems())
        .extracting(SeedProblem::render)
        .containsExactly(
            "units.csv (line 1): header lacks column(s) type, lat, lon, got \"code,slug,name\""
                + " (required: code, slug, name, type, lat, lon)");
    assertThat(SeedLoader.parse("units.csv", "").problems()).hasSize(1);
  }
}
