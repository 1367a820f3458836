package org.daitu.vcmon.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnknownVantagesTest {
  static final Instant T = Instant.parse("2026-03-01T01:00:00Z");

  @Test
  void aVantageNoMemberWasSeenAsIsUnknownWithTheSitesNamingIt() {
    List<WatchedSite> sites =
        List.of(
            new WatchedSite("ha-thuong", Set.of("tinh", "dai-tu")),
            new WatchedSite("phuc-linh", Set.of("dia-tu")),
            new WatchedSite("cat-ne", Set.of("dia-tu", "xa-la")),
            WatchedSite.byEveryVantage("la-bang"));
    List<Member> members =
        List.of(
            new Member("tinh", "tinh-1", "10.0.0.5:7800", true, T),
            new Member("xa-la", "xa-la-1", "10.30.0.7:7800", false, T), // gone, but it exists
            new Member(null, null, "10.20.0.9:7800", false, null));
    assertThat(UnknownVantages.find(sites, members))
        .isEqualTo(Map.of("dai-tu", List.of("ha-thuong"), "dia-tu", List.of("phuc-linh", "cat-ne")));
  }
}
