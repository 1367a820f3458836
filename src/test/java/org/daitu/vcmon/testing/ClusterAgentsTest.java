package org.daitu.vcmon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.ConfigLoader;
import org.daitu.vcmon.pki.ClusterCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configs the cluster fixture writes pass the real loader and say what the fixture promises. */
class ClusterAgentsTest {
  @TempDir Path dir;

  final List<FleetSite> sites = List.of(
      new FleetSite(1, "site001", "198.19.1.11", 161), new FleetSite(2, "site002", "198.19.1.12", 161));
  final List<FleetVantage> members = List.of(
      new FleetVantage(1, "vcmt-v1", "198.19.2.11"), new FleetVantage(2, "vcmt-v2", "198.19.2.12"));

  @Test
  void eachAgentListensOnItsVantageAndWatchesEverySiteBelowTheCore() throws Exception {
    Path certs = dir.resolve("certs");
    ClusterCertificates.write(certs, List.of("tinh", "dai-tu"), Instant.now());
    ClusterAgents.Layout layout = new ClusterAgents.Layout(sites, members, "198.19.0.2", "public",
        certs, Map.of(), "http://198.19.0.1:4000/hook", s -> s.index() == 2 ? "vantages: [dai-tu]" : "");
    Path home = dir.resolve("dai-tu-agent");
    java.nio.file.Files.createDirectories(home);

    AgentConfig cfg = layout.config(home, members.get(1)).load();

    assertThat(cfg.http().host()).isEqualTo("198.19.2.12");
    assertThat(cfg.http().port()).isEqualTo(ClusterAgents.HTTP_PORT);
    assertThat(cfg.cluster().name()).isEqualTo("thai-nguyen");
    assertThat(cfg.cluster().vantage()).isEqualTo("dai-tu");
    assertThat(cfg.cluster().listen()).hasToString("198.19.2.12:7800");
    assertThat(cfg.cluster().members()).extracting(Object::toString)
        .containsExactly("198.19.2.11:7800", "198.19.2.12:7800");
    assertThat(cfg.cluster().tls().certFile()).isEqualTo(certs.resolve("dai-tu.pem"));
    assertThat(cfg.alerts().webhooks()).extracting(AgentConfig.Webhook::url)
        .containsExactly("http://198.19.0.1:4000/hook");
    assertThat(cfg.alerts().digestWindow()).isEqualTo(Duration.ofSeconds(2));
    assertThat(cfg.probe().interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(cfg.store().path()).isEqualTo(home.resolve("vcmon.db"));
    String yaml = layout.config(home, members.get(1)).yaml();
    assertThat(yaml)
        .contains("- { id: district-core, name: Core, type: district, address: 198.19.0.2, snmp: { profile: v2c } }")
        .contains("- { id: site001, name: \"Xã 1\", type: xã, address: 198.19.1.11, parent: district-core,"
            + " snmp: { profile: v2c } }")
        .contains("address: 198.19.1.12, parent: district-core, snmp: { profile: v2c }, vantages: [dai-tu] }");
  }

  @Test
  void theForeignAgentNamesTheMembersAndItselfWithItsOwnCa() {
    FleetVantage third = new FleetVantage(3, "vcmt-v3", "198.19.2.13");
    ClusterAgents.Layout layout = new ClusterAgents.Layout(sites, members, "198.19.0.2", "public",
        dir.resolve("certs"), Map.of(), null, s -> "");
    String yaml = layout.foreignConfig(dir, third, "xa-la", dir.resolve("other")).yaml();
    assertThat(yaml).contains(
        "vantage: xa-la",
        "listen: 198.19.2.13:7800",
        "members: [198.19.2.11:7800, 198.19.2.12:7800, 198.19.2.13:7800]",
        "ca_file: " + dir.resolve("other").resolve("ca.pem"),
        "name: thai-nguyen");
  }

  @Test
  void aTestsSectionReplacesTheDefaultAndNoWebhookMeansNoAlertsSection() {
    ClusterAgents.Layout layout = new ClusterAgents.Layout(sites, members, "198.19.0.2", "public",
        dir, Map.of("state", "{ down_after: 3, up_after: 2 }"), null, s -> "");
    String yaml = layout.config(dir, members.get(0)).yaml();
    assertThat(yaml).contains("state: { down_after: 3, up_after: 2 }")
        .doesNotContain("down_after: 2").doesNotContain("alerts:")
        .contains("vantage: tinh", "listen: 198.19.2.11:7800");
  }
}
