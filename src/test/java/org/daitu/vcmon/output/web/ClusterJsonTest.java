package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.daitu.vcmon.cluster.Member;
import org.daitu.vcmon.cluster.Ownership;
import org.junit.jupiter.api.Test;

class ClusterJsonTest {
  static final Instant T = Instant.parse("2026-03-01T01:00:00Z");

  @Test
  void liveMembersOwnEverySiteOnceAndTheOthersNone() {
    List<String> sites = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      sites.add("xa-" + i);
    }
    List<Member> members =
        List.of(
            new Member("dai-tu", "dai-tu-1", "10.20.0.9:7800", true, T),
            new Member("tinh", "tinh-1", "10.0.0.5:7800", true, T.plusSeconds(5)),
            new Member("xa-la", "xa-la-1", "10.30.0.7:7800", false, T.plusSeconds(60)),
            new Member(null, null, "10.40.0.2:7800", false, null));
    JsonObject body = ClusterJson.of("thai-nguyen", "tinh", members, sites);

    assertThat(body.getString("name")).isEqualTo("thai-nguyen");
    assertThat(body.getString("self")).isEqualTo("tinh");
    List<JsonObject> list = body.getJsonArray("members").stream().map(JsonObject.class::cast).toList();
    assertThat(list).extracting(m -> m.getString("vantage")).containsExactly("dai-tu", "tinh", "xa-la", null);
    assertThat(list.get(1).getString("since")).isEqualTo("2026-03-01T01:00:05Z");
    assertThat(list.get(1).getBoolean("up")).isTrue();
    long daiTu = sites.stream().filter(s -> Ownership.owner(s, List.of("tinh", "dai-tu")).orElseThrow().equals("dai-tu")).count();
    assertThat(list.get(0).getInteger("owned_sites")).isEqualTo((int) daiTu);
    assertThat(list.get(0).getInteger("owned_sites") + list.get(1).getInteger("owned_sites")).isEqualTo(30);
    assertThat(list.get(2).getInteger("owned_sites")).isZero();
    assertThat(list.get(3).getString("since")).isNull();
    assertThat(list.get(3).getBoolean("up")).isFalse();
  }
}
