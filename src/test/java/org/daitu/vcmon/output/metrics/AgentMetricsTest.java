package org.daitu.vcmon.output.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteType;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.state.SiteTracker;
import org.daitu.vcmon.state.StateSnapshot;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** Per-site series follow every new snapshot, though unchanged families are not rewritten. */
class AgentMetricsTest {
  static final AgentConfig.State STATE =
      new AgentConfig.State(3, 2, 0.5, Duration.ofMillis(500), 6, Duration.ofMinutes(15));
  final ManualClock clock = new ManualClock(Instant.parse("2020-08-01T07:00:00Z"));
  final List<Site> sites =
      List.of(
          new Site("a", "", "A \"quoted\"", SiteType.COMMUNE, "198.18.1.1", null, null, RolloutStage.CONNECTED, null),
          new Site("b", "", "B", SiteType.COMMUNE, "198.18.1.2", null, null, RolloutStage.CONNECTED, null));
  final SiteTracker tracker = new SiteTracker(new Inventory(sites), STATE, clock);
  final AtomicReference<StateSnapshot> snap = new AtomicReference<>(tracker.snapshot(0));
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final AgentMetrics metrics =
      new AgentMetrics(registry, snap::get, new AgentConfig.Rollout(2, null), ZoneOffset.UTC, "test");

  private String scrape() {
    StringBuilder text = new StringBuilder();
    metrics.scrape().forEach(piece -> text.append(new String(piece, StandardCharsets.UTF_8)));
    return text.toString();
  }

  private void ping(String id, double rtt, int version) {
    tracker.apply(
        new SiteCheck(id, clock.instant(), Duration.ofSeconds(1), IcmpResult.measured(5, new double[] {rtt, rtt, rtt, rtt, rtt}), null));
    clock.advance(Duration.ofSeconds(5));
    snap.set(tracker.snapshot(version));
  }

  @Test
  void everyScrapeShowsTheLatestSnapshot() {
    String first = scrape();
    assertThat(first)
        .contains("vcmon_site_state{site=\"a\",state=\"UNKNOWN\"} 1.0")
        .contains("vcmon_icmp_rtt_seconds{site=\"a\"} NaN")
        .contains("vcmon_site_info{code=\"\",lat=\"\",lon=\"\",name=\"A \\\"quoted\\\"\",parent=\"\",site=\"a\",type=\"xã\"} 1.0")
        .contains("vcmon_sites_online 0.0");
    assertThat(first.indexOf("# TYPE vcmon_site_state gauge")).isEqualTo(first.lastIndexOf("# TYPE vcmon_site_state gauge"));

    ping("a", 0.02, 1);
    ping("a", 0.03, 2);
    String second = scrape();
    assertThat(second)
        .contains("vcmon_icmp_rtt_seconds{site=\"a\"} 0.03")
        .contains("vcmon_icmp_rtt_seconds{site=\"b\"} NaN")
        .contains("vcmon_site_state{site=\"a\",state=\"UP\"} 1.0")
        .contains("vcmon_site_state{site=\"a\",state=\"UNKNOWN\"} 0.0")
        .contains("vcmon_site_up{site=\"a\"} 1.0")
        .contains("vcmon_sites_online 1.0");

    ping("b", 0.04, 3);
    assertThat(scrape())
        .contains("vcmon_icmp_rtt_seconds{site=\"a\"} 0.03")
        .contains("vcmon_icmp_rtt_seconds{site=\"b\"} 0.04")
        .contains("vcmon_site_state{site=\"a\",state=\"UP\"} 1.0");
  }
}
