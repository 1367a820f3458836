package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.state.SiteTracker;
import org.daitu.vcmon.state.StateSnapshot;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** The pieced-together /api/v1/sites body is byte for byte what SiteJson encodes. */
class SitesBodyTest {
  /** The two sites of the API tests: one SNMP site with a location, one ping-only. */
  final WebVerticleTest fixtures = new WebVerticleTest();
  final ManualClock clock = fixtures.clock;
  final SiteTracker tracker =
      new SiteTracker(new Inventory(List.of(fixtures.haThuong, fixtures.catNe)), WebVerticleTest.STATE, clock);
  final SitesBody body = new SitesBody(30, "agent");

  private String expected(StateSnapshot snap) {
    return SiteJson.sites(snap, 30, "agent").encode();
  }

  private void check(String id, double rtt) {
    IcmpResult ping = IcmpResult.measured(5, new double[] {rtt, rtt, rtt, rtt, rtt});
    tracker.apply(new SiteCheck(id, clock.instant(), Duration.ofSeconds(1), ping, null));
    clock.advance(Duration.ofSeconds(5));
  }

  @Test
  void sameBytesAsTheJsonEncoderAfterEveryChange() {
    StateSnapshot first = tracker.snapshot(1);
    assertThat(body.render(first).toString()).isEqualTo(expected(first));
    assertThat(body.render(first)).as("an unchanged snapshot reuses its body").isSameAs(body.render(first));

    check("cat-ne", 0.02);
    StateSnapshot second = tracker.snapshot(2);
    assertThat(second.site("ha-thuong")).as("an unchecked site keeps its status object")
        .containsSame(first.site("ha-thuong").orElseThrow());
    assertThat(body.render(second).toString()).isEqualTo(expected(second)).contains("\"rtt_seconds\":0.02");

    check("cat-ne", 0.03);
    check("ha-thuong", 0.04);
    StateSnapshot third = tracker.snapshot(3);
    assertThat(body.render(third).toString()).isEqualTo(expected(third))
        .contains("\"rtt_seconds\":0.03").contains("\"rtt_seconds\":0.04");
  }
}
