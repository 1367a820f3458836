package org.daitu.vcmon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.NetnsFleetIT.assertNothingLeft;
import static org.daitu.vcmon.testing.NetnsFleetIT.fping;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fleet's life on the real kernel: closing removes everything it made, and a new fleet clears
 * what a killed run left behind. Each test brings up its own fleet.
 */
class NetnsFleetLifecycleIT {
  @BeforeAll
  static void needFleet() {
    HostTools.requireAvailable(NetnsFleet.unavailableReason());
  }

  @Test
  void closeRemovesEverythingItMadeAndIsIdempotent() throws Exception {
    NetnsFleet fleet = NetnsFleet.up(5, 2);
    try {
      assertThat(fping(fleet.coreAddress(), fleet.sites().get(4).address(),
          fleet.vantages().get(1).address())).isZero();
      // faults left in place: their tables go with the namespaces
      fleet.cutVantagePath(1, 5);
      fleet.partition(1, 2);
    } finally {
      fleet.close();
    }
    fleet.close();
    assertNothingLeft();
  }

  @Test
  void upRemovesLeftoversOfACrashedRun() throws Exception {
    // what a killed JVM leaves behind: namespaces, a bridge, routes, the guard route
    HostCommand.of("ip", "netns", "add", NetnsFleet.siteNamespace(9)).run();
    HostCommand.of("ip", "netns", "add", NetnsFleet.vantageNamespace(2)).run();
    // on lo: like the real one it keeps 198.19.2.0/24 on this machine
    HostCommand.of("ip", "route", "add", NetnsFleet.VANTAGE_NET, "dev", "lo", "proto",
        NetnsFleet.GUARD_PROTO).run();
    HostCommand.of("ip", "link", "add", NetnsFleet.BRIDGE_A, "type", "bridge").run();
    HostCommand.of("ip", "route", "add", "blackhole", NetnsFleet.GUARD_NET, "proto",
        NetnsFleet.GUARD_PROTO, "metric", NetnsFleet.GUARD_METRIC).run();
    try (NetnsFleet again = NetnsFleet.up(2)) {
      assertThat(HostCommand.of("ip", "netns", "list").run())
          .doesNotContain(NetnsFleet.siteNamespace(9))
          .doesNotContain(NetnsFleet.vantageNamespace(2));
      assertThat(HostCommand.of("ip", "route", "show", NetnsFleet.VANTAGE_NET).run())
          .as("a fleet without vantages has no route to them").isBlank();
      assertThat(fping(again.coreAddress(), again.sites().get(1).address())).isZero();
    }
    assertNothingLeft();
  }
}
