package org.daitu.vcmon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.daitu.vcmon.testing.NetnsFleet.Faults;
import org.junit.jupiter.api.Test;

/** The fleet's pure parts: names, addresses, identities and the nft scripts of each fault. */
class NetnsFleetTest {

  @Test
  void sitesAreNumberedFromOneBehindTheCore() {
    assertThat(NetnsFleet.siteId(7)).isEqualTo("site007");
    assertThat(NetnsFleet.siteAddress(1)).isEqualTo("198.19.1.11");
    assertThat(NetnsFleet.siteAddress(NetnsFleet.MAX_SITES)).isEqualTo("198.19.1.210");
    assertThat(NetnsFleet.siteNamespace(12)).isEqualTo("vcmt-s12");
  }

  @Test
  void linkNamesFitTheKernelLimitOfFifteenCharacters() {
    assertThat("vs" + NetnsFleet.MAX_SITES).hasSizeLessThanOrEqualTo(15);
    assertThat(NetnsFleet.CORE_LEG).hasSizeLessThanOrEqualTo(15);
    assertThat(NetnsFleet.BRIDGE_A).hasSizeLessThanOrEqualTo(15);
    assertThat(NetnsFleet.BRIDGE_B).hasSizeLessThanOrEqualTo(15);
  }

  @Test
  void fleetSizeOutOfRangeIsRejectedBeforeTouchingTheHost() {
    assertThatThrownBy(() -> NetnsFleet.up(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fleet size must be 1..200 (site addresses 198.19.1.11 .. 198.19.1.210), got 0");
    assertThatThrownBy(() -> NetnsFleet.up(201)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void healthySiteOnlyAcceptsItsOwnLoopbackExplicitly() {
    assertThat(NetnsFleet.siteRules(Faults.NONE))
        .isEqualTo("flush chain inet vcmt input\n"
            + "add rule inet vcmt input iifname \"lo\" accept\n");
  }

  @Test
  void faultsCombineAndLossIsInTenThousandths() {
    Faults all = Faults.NONE.withFailed(true).withSnmpOff(true).withLossPercent(12.345);
    assertThat(NetnsFleet.siteRules(all))
        .isEqualTo("flush chain inet vcmt input\n"
            + "add rule inet vcmt input iifname \"lo\" accept\n"
            + "add rule inet vcmt input drop\n"
            + "add rule inet vcmt input udp dport 161 drop\n"
            + "add rule inet vcmt input numgen random mod 10000 < 1235 drop\n");
    assertThat(NetnsFleet.siteRules(Faults.NONE.withLossPercent(0.001)))
        .as("a loss too small to express is no rule at all")
        .doesNotContain("numgen");
  }

  @Test
  void failedCoreDropsInputAndForwardingOfTheSitesOnly() {
    assertThat(NetnsFleet.coreRules(true))
        .contains(
            "add rule inet vcmt input drop\n",
            "add rule inet vcmt forward ip daddr 198.19.1.0/24 drop\n",
            "add rule inet vcmt forward ip saddr 198.19.1.0/24 drop\n")
        .as("the agents' APIs and webhooks (vantages <-> root) are not the district's traffic")
        .doesNotContain("forward drop");
    assertThat(NetnsFleet.coreRules(false)).doesNotContain("drop");
  }

  @Test
  void vantagesAreNumberedFromOneOnTheirOwnSegment() {
    assertThat(NetnsFleet.vantageNamespace(2)).isEqualTo("vcmt-v2");
    assertThat(NetnsFleet.vantageAddress(1)).isEqualTo("198.19.2.11");
    assertThat(NetnsFleet.vantageAddress(NetnsFleet.MAX_VANTAGES)).isEqualTo("198.19.2.14");
    assertThat(NetnsFleet.BRIDGE_C).hasSizeLessThanOrEqualTo(15);
    assertThat(NetnsFleet.VANTAGE_LEG_PREFIX + NetnsFleet.MAX_VANTAGES).hasSizeLessThanOrEqualTo(15);
    assertThatThrownBy(() -> NetnsFleet.up(3, NetnsFleet.MAX_VANTAGES + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vantages must be 0..4, got 5");
  }

  @Test
  void aCommandRunsInsideItsVantagesNamespace() {
    FleetVantage v2 = new FleetVantage(2, "vcmt-v2", "198.19.2.12");
    assertThat(NetnsFleet.vantageCommand(v2, "fping", "-q", "198.19.1.11"))
        .containsExactly("ip", "netns", "exec", "vcmt-v2", "fping", "-q", "198.19.1.11");
  }

  @Test
  void aCutPathDropsBothDirectionsBetweenOneVantageAndOneSiteInTheCore() {
    FleetVantage v1 = new FleetVantage(1, "vcmt-v1", "198.19.2.11");
    FleetSite s7 = new FleetSite(7, "site007", "198.19.1.17", 161);
    assertThat(NetnsFleet.pathCutRules(v1, s7))
        .isEqualTo("add table inet vcmt_cut_v1_s7\n"
            + "add chain inet vcmt_cut_v1_s7 forward"
            + " { type filter hook forward priority -10; policy accept; }\n"
            + "flush chain inet vcmt_cut_v1_s7 forward\n"
            + "add rule inet vcmt_cut_v1_s7 forward ip saddr 198.19.2.11 ip daddr 198.19.1.17 drop\n"
            + "add rule inet vcmt_cut_v1_s7 forward ip saddr 198.19.1.17 ip daddr 198.19.2.11 drop\n");
  }

  @Test
  void aPartitionIsOneTablePerPairWhateverTheOrder() {
    assertThat(NetnsFleet.partitionTable(2, 1)).isEqualTo(NetnsFleet.partitionTable(1, 2))
        .isEqualTo("vcmt_part_v1_v2");
    assertThat(NetnsFleet.partitionRules("vcmt_part_v1_v2", "198.19.2.12"))
        .isEqualTo("add table inet vcmt_part_v1_v2\n"
            + "add chain inet vcmt_part_v1_v2 input"
            + " { type filter hook input priority -10; policy accept; }\n"
            + "flush chain inet vcmt_part_v1_v2 input\n"
            + "add rule inet vcmt_part_v1_v2 input ip saddr 198.19.2.12 drop\n");
  }

  @Test
  void removingATableWorksWhetherOrNotItExists() {
    assertThat(NetnsFleet.removeTable("vcmt_cut_v1_s7"))
        .isEqualTo("add table inet vcmt_cut_v1_s7\ndelete table inet vcmt_cut_v1_s7\n");
  }

  @Test
  void identitiesCycleThroughTheThreeCodecModels() {
    assertThat(NetnsFleet.identity(3).sysDescr()).contains("Cisco Webex Room Kit", "FOC2412N0003");
    assertThat(NetnsFleet.identity(3).sysObjectId()).isEqualTo(".1.3.6.1.4.1.5596.150.6.4.1");
    assertThat(NetnsFleet.identity(4).sysObjectId()).isEqualTo(".1.3.6.1.4.1.13885.101");
    assertThat(NetnsFleet.identity(5).sysObjectId()).isEqualTo(".1.3.6.1.4.1.13885.102");
    assertThat(NetnsFleet.identity(5).sysLocation()).isEqualTo("UBND xã 005 - phòng họp trực tuyến");
  }
}
