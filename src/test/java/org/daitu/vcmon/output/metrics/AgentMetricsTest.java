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

  /** A cluster as a list of members; this agent is "tinh". */
  static final class FakeMembers implements org.daitu.vcmon.cluster.MemberView {
    volatile List<org.daitu.vcmon.cluster.Member> members = List.of();

    @Override
    public String clusterName() {
      return "thai-nguyen";
    }

    @Override
    public String self() {
      return "tinh";
    }

    @Override
    public List<org.daitu.vcmon.cluster.Member> members() {
      return members;
    }

    @Override
    public void onChange(java.util.function.Consumer<org.daitu.vcmon.cluster.Member> listener) {}
  }

  static org.daitu.vcmon.cluster.Member member(String vantage, String address, boolean up) {
    return new org.daitu.vcmon.cluster.Member(vantage, vantage == null ? null : "n-" + vantage, address, up, vantage == null ? null : Instant.EPOCH);
  }

  @Test
  void aSingleAgentHasNoClusterSeries() {
    assertThat(scrape()).doesNotContain("vcmon_vantage_up").doesNotContain("vcmon_sites_owned")
        .doesNotContain("vcmon_cluster_members_configured").doesNotContain("vcmon_site_vantage_state");
  }

  @Test
  void clusterSeriesFollowTheMembers() {
    FakeMembers cluster = new FakeMembers();
    cluster.members =
        List.of(member("dai-tu", "127.0.0.22:7800", true), member("tinh", "127.0.0.21:7800", true), member(null, "127.0.0.23:7800", false));
    metrics.cluster(cluster, 3);
    long ownedByTinh =
        sites.stream().filter(s -> org.daitu.vcmon.cluster.Ownership.owner(s.id(), java.util.Set.of("tinh", "dai-tu")).orElseThrow().equals("tinh")).count();
    String both = scrape();
    assertThat(both)
        .contains("vcmon_vantage_up{vantage=\"dai-tu\"} 1.0")
        .contains("vcmon_vantage_up{vantage=\"tinh\"} 1.0")
        .contains("vcmon_cluster_members_configured 3.0")
        .contains("vcmon_sites_owned " + ownedByTinh + ".0")
        .doesNotContain("127.0.0.23")
        .doesNotContain("vcmon_site_vantage_state");
    assertThat(both.split("vcmon_vantage_up\\{", -1)).as("one series per vantage").hasSize(3);

    cluster.members = List.of(member("dai-tu", "127.0.0.22:7800", false), member("tinh", "127.0.0.21:7800", true));
    assertThat(scrape())
        .contains("vcmon_vantage_up{vantage=\"dai-tu\"} 0.0")
        .contains("vcmon_vantage_up{vantage=\"tinh\"} 1.0")
        .contains("vcmon_sites_owned 2.0");
  }

  @Test
  void aVantageClaimedByTwoNodesIsOneSeries() {
    FakeMembers cluster = new FakeMembers();
    cluster.members = List.of(member("tinh", "127.0.0.21:7800", true), member("tinh", "127.0.0.23:7800", false));
    metrics.cluster(cluster, 2);
    String text = scrape();
    assertThat(text).contains("vcmon_vantage_up{vantage=\"tinh\"} 1.0");
    assertThat(text.split("vcmon_vantage_up\\{", -1)).hasSize(2);
  }

  @Test
  void perVantageStatesComeFromTheirSupplierAndAreRewrittenOnlyForANewMap() {
    FakeMembers cluster = new FakeMembers();
    cluster.members = List.of(member("tinh", "127.0.0.21:7800", true), member("dai-tu", "127.0.0.22:7800", true));
    metrics.cluster(cluster, 2);
    AtomicReference<java.util.Map<String, java.util.Map<String, org.daitu.vcmon.state.SiteState>>> states = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    metrics.siteVantageStates(() -> {
      calls.incrementAndGet();
      return states.get();
    });
    assertThat(scrape()).as("not wired yet: null").doesNotContain("vcmon_site_vantage_state");

    java.util.Map<String, java.util.Map<String, org.daitu.vcmon.state.SiteState>> verdicts = new java.util.LinkedHashMap<>();
    verdicts.put("a", java.util.Map.of("tinh", org.daitu.vcmon.state.SiteState.UP, "dai-tu", org.daitu.vcmon.state.SiteState.DOWN));
    verdicts.put("b\"q", java.util.Map.of("tinh", org.daitu.vcmon.state.SiteState.DEGRADED));
    states.set(verdicts);
    String text = scrape();
    assertThat(text)
        .contains("# TYPE vcmon_site_vantage_state gauge")
        .contains("vcmon_site_vantage_state{site=\"a\",state=\"DOWN\",vantage=\"dai-tu\"} 1.0\n"
            + "vcmon_site_vantage_state{site=\"a\",state=\"UP\",vantage=\"tinh\"} 1.0\n"
            + "vcmon_site_vantage_state{site=\"b\\\"q\",state=\"DEGRADED\",vantage=\"tinh\"} 1.0\n")
        .doesNotContain("state=\"UNKNOWN\",vantage");
    assertThat(scrape()).isEqualTo(text);
    assertThat(calls.get()).isEqualTo(3);

    states.set(java.util.Map.of("a", java.util.Map.of("tinh", org.daitu.vcmon.state.SiteState.UP)));
    assertThat(scrape())
        .contains("vcmon_site_vantage_state{site=\"a\",state=\"UP\",vantage=\"tinh\"} 1.0")
        .doesNotContain("vantage=\"dai-tu\"} 1.0\nvcmon_site_vantage_state");
  }

  @Test
  void perVantageStatesNeedAClusteredAgent() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> metrics.siteVantageStates(java.util.Map::of))
        .isInstanceOf(IllegalStateException.class);
  }
}
