package org.daitu.vcmon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.daitu.vcmon.testing.NetnsFleetIT.assertNothingLeft;
import static org.daitu.vcmon.testing.NetnsFleetIT.fping;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fleet's vantage namespaces against the real kernel: each vantage reaches the sites through
 * the core, its peers on its own segment and the root namespace; each vantage fault changes
 * exactly the paths it names. Every test undoes its faults; the last check closes the fleet and
 * finds nothing left.
 */
class NetnsFleetVantagesIT {
  private static final int SITES = 4;
  private static final int VANTAGES = 3;
  private static final String SYS_NAME = ".1.3.6.1.2.1.1.5.0";
  private static NetnsFleet fleet;
  private static Path clientDir;

  @BeforeAll
  static void upFleet() throws Exception {
    HostTools.requireAvailable(NetnsFleet.unavailableReason());
    HostTools.require("snmpget");
    clientDir = Files.createTempDirectory("vcmon-snmp-client");
    long start = System.nanoTime();
    fleet = NetnsFleet.up(SITES, VANTAGES);
    System.out.printf("NetnsFleetVantagesIT: up(%d, %d) took %d ms%n", SITES, VANTAGES,
        (System.nanoTime() - start) / 1_000_000);
  }

  @AfterAll
  static void closeFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
      assertNothingLeft();
    }
    if (clientDir != null) {
      try (Stream<Path> files = Files.walk(clientDir)) {
        for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @AfterEach
  void undoFaults() {
    for (FleetVantage v : fleet.vantages()) {
      fleet.sites().forEach(s -> fleet.restoreVantagePath(v.index(), s.index()));
      for (FleetVantage w : fleet.vantages()) {
        if (w.index() > v.index()) {
          fleet.heal(v.index(), w.index());
        }
      }
    }
    fleet.recoverCore();
    fleet.sites().forEach(s -> fleet.recover(s.index()));
  }

  @Test
  void eachVantageReachesSitesCorePeersAndTheRootNamespace() throws Exception {
    assertThat(fleet.vantages()).extracting(FleetVantage::address)
        .containsExactly("198.19.2.11", "198.19.2.12", "198.19.2.13");
    assertThat(fleet.vantages()).extracting(FleetVantage::namespace)
        .containsExactly("vcmt-v1", "vcmt-v2", "vcmt-v3");
    for (FleetVantage v : fleet.vantages()) {
      List<String> targets = new ArrayList<>(List.of(fleet.coreAddress(), fleet.rootAddress()));
      fleet.sites().forEach(s -> targets.add(s.address()));
      fleet.vantages().forEach(w -> targets.add(w.address()));
      for (String t : targets) {
        assertThat(fleet.answersPing(v.index(), t)).as("%s from %s", t, v.namespace()).isTrue();
      }
      assertThat(snmpName(v.index(), fleet.sites().get(0).address())).isEqualTo("\"site001\"");
      assertThat(snmpName(v.index(), fleet.coreAddress()))
          .isEqualTo("\"" + NetnsFleet.CORE_ID + "\"");
      assertThat(run(fleet.inVantage(v.index(), "ip", "-o", "link", "show", "lo")))
          .contains("UP");
    }
    assertThat(fping(fleet.vantages().stream().map(FleetVantage::address)
        .toArray(String[]::new))).as("the root namespace reaches every vantage").isZero();
  }

  @Test
  void aCutPathSilencesOneSiteForOneVantageOnly() throws Exception {
    FleetSite site = fleet.sites().get(1);
    fleet.cutVantagePath(1, site.index());
    fleet.cutVantagePath(1, site.index()); // idempotent
    assertThat(fleet.answersPing(1, site.address())).as("v1 -> cut site").isFalse();
    assertThat(snmpName(1, site.address())).as("SNMP v1 -> cut site").isEmpty();
    assertThat(fleet.answersPing(1, fleet.sites().get(0).address())).as("v1 -> other").isTrue();
    assertThat(fleet.answersPing(2, site.address())).as("v2 -> cut site").isTrue();
    assertThat(snmpName(2, site.address())).isEqualTo("\"site002\"");
    assertThat(fping(site.address())).as("root -> cut site").isZero();
    fleet.restoreVantagePath(1, site.index());
    fleet.restoreVantagePath(1, site.index()); // idempotent
    assertThat(fleet.answersPing(1, site.address())).as("v1 -> restored site").isTrue();
  }

  @Test
  void aPartitionSilencesTwoVantagesToEachOtherOnly() throws Exception {
    FleetVantage v1 = fleet.vantages().get(0);
    FleetVantage v2 = fleet.vantages().get(1);
    FleetVantage v3 = fleet.vantages().get(2);
    fleet.partition(1, 2);
    fleet.partition(2, 1); // the same partition
    assertThat(fleet.answersPing(1, v2.address())).as("v1 -> v2").isFalse();
    assertThat(fleet.answersPing(2, v1.address())).as("v2 -> v1").isFalse();
    assertThat(fleet.answersPing(1, v3.address())).as("v1 -> v3").isTrue();
    assertThat(fleet.answersPing(3, v2.address())).as("v3 -> v2").isTrue();
    assertThat(fleet.answersPing(1, fleet.sites().get(3).address())).as("v1 -> site").isTrue();
    assertThat(fleet.answersPing(2, fleet.rootAddress())).as("v2 -> root").isTrue();
    fleet.heal(2, 1);
    assertThat(fleet.answersPing(1, v2.address())).as("v1 -> v2 healed").isTrue();
    assertThat(fleet.answersPing(2, v1.address())).as("v2 -> v1 healed").isTrue();
  }

  @Test
  void aFailedSiteOrCoreIsSilentForEveryVantageButTheirLinksStay() throws Exception {
    FleetSite site = fleet.sites().get(2);
    fleet.fail(site.index());
    for (FleetVantage v : fleet.vantages()) {
      assertThat(fleet.answersPing(v.index(), site.address())).as("%s", v.namespace()).isFalse();
    }
    fleet.recover(site.index());
    fleet.failCore();
    assertThat(fleet.answersPing(1, fleet.coreAddress())).as("core from v1").isFalse();
    assertThat(fleet.answersPing(1, fleet.sites().get(0).address())).as("site from v1").isFalse();
    assertThat(fleet.answersPing(1, fleet.vantages().get(1).address()))
        .as("v1 -> v2 is L2 on the vantages' bridge, not the core's forwarding").isTrue();
    assertThat(fleet.answersPing(1, fleet.rootAddress()))
        .as("webhooks and APIs are not the district's traffic").isTrue();
    fleet.recoverCore();
    assertThat(fleet.answersPing(1, fleet.sites().get(0).address())).isTrue();
  }

  @Test
  void badVantagesAreRejectedWithTheRange() {
    assertThatThrownBy(() -> fleet.partition(1, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no vantage 4 in this fleet: vantages are numbered 1..3");
    assertThatThrownBy(() -> fleet.partition(2, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fleet.cutVantagePath(1, SITES + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no site 5 in this fleet: sites are numbered 1..4");
  }

  /** sysName through SNMPv2c from inside a vantage; empty when no answer came. */
  private static String snmpName(int vantage, String address) throws Exception {
    HostCommand.Result r = HostCommand.of(fleet.inVantage(vantage, "snmpget", "-v2c", "-c",
            fleet.community(), "-t", "0.7", "-r", "0", "-Oqv", address + ":161", SYS_NAME))
        .timeout(Duration.ofSeconds(10)).env("MIBS", "")
        .env("SNMPCONFPATH", clientDir.toString())
        .env("SNMP_PERSISTENT_DIR", clientDir.toString())
        .execute();
    return r.exitCode() == 0 ? r.stdout().strip() : "";
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    return HostCommand.of(cmd).run();
  }
}
