package org.daitu.vcmon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fleet against the real kernel, fping and snmpget: each fault must be visible from the root
 * namespace exactly as the agent under test would see it. Skips when not root or tools are
 * missing. The last two tests close the shared fleet and check that nothing is left behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetnsFleetIT {
  private static final int SITES = 5;
  private static NetnsFleet fleet;
  private static boolean closed;

  @BeforeAll
  static void upFleet() throws Exception {
    Optional<String> reason = NetnsFleet.unavailableReason();
    assumeTrue(reason.isEmpty(), () -> "NetnsFleetIT skipped: " + reason.orElse(""));
    long start = System.nanoTime();
    fleet = NetnsFleet.up(SITES);
    System.out.printf("NetnsFleetIT: up(%d) took %d ms%n", SITES,
        (System.nanoTime() - start) / 1_000_000);
  }

  @AfterAll
  static void closeFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @AfterEach
  void recoverEverything() {
    if (fleet != null && !closed) {
      fleet.recoverCore();
      fleet.sites().forEach(s -> fleet.recover(s.index()));
    }
  }

  @Test
  @Order(1)
  void everySiteAndTheCoreAnswerPing() throws Exception {
    List<String> all = new ArrayList<>();
    all.add(fleet.coreAddress());
    fleet.sites().forEach(s -> all.add(s.address()));
    assertThat(fping(all.toArray(String[]::new))).as("fping exit code").isZero();
    assertThat(fleet.sites()).extracting(FleetSite::address)
        .containsExactly("198.19.1.11", "198.19.1.12", "198.19.1.13", "198.19.1.14",
            "198.19.1.15");
  }

  @Test
  @Order(2)
  void failedSiteIsSilentUntilRecovered() throws Exception {
    FleetSite site = fleet.sites().get(1);
    fleet.fail(site.index());
    assertThat(fping(site.address())).as("fping exit code of failed site").isNotZero();
    assertThat(fping(fleet.sites().get(0).address())).as("a neighbour still answers").isZero();
    fleet.recover(site.index());
    assertThat(fping(site.address())).as("fping exit code after recover").isZero();
  }

  @Test
  @Order(4)
  void lossySiteLosesSomeButNotAllPings() throws Exception {
    FleetSite site = fleet.sites().get(3);
    fleet.lossy(site.index(), 50);
    int received = received(site.address(), 20);
    assertThat(received).as("echo replies out of 20 at 50%% loss").isBetween(1, 19);
    fleet.lossy(site.index(), 0);
    assertThat(received(site.address(), 10)).as("replies out of 10 once loss is 0").isEqualTo(10);
  }

  @Test
  @Order(6)
  void failedCoreSilencesEverySiteBehindIt() throws Exception {
    fleet.failCore();
    assertThat(fping(fleet.coreAddress())).as("core answers while failed").isNotZero();
    for (FleetSite s : fleet.sites()) {
      assertThat(fping(s.address())).as("%s behind a failed core", s.id()).isNotZero();
    }
    assertThat(HostCommand.of("ip", "netns", "list").run()).contains(NetnsFleet.CORE_NS);
    fleet.recoverCore();
    assertThat(fping(fleet.coreAddress(), fleet.sites().get(4).address())).isZero();
  }

  @Test
  @Order(7)
  void badArgumentsAreRejectedWithTheRange() {
    assertThatThrownBy(() -> fleet.fail(SITES + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no site 6 in this fleet: sites are numbered 1..5");
    assertThatThrownBy(() -> fleet.lossy(1, 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("loss must be 0..100 percent, got 101.0");
  }

  @Test
  @Order(100)
  void closeRemovesEverythingItMadeAndIsIdempotent() throws Exception {
    fleet.close();
    closed = true;
    fleet.close();
    assertNothingLeft();
  }

  @Test
  @Order(101)
  void upRemovesLeftoversOfACrashedRun() throws Exception {
    // what a killed JVM leaves behind: namespaces, a bridge, the guard route
    HostCommand.of("ip", "netns", "add", NetnsFleet.siteNamespace(9)).run();
    HostCommand.of("ip", "link", "add", NetnsFleet.BRIDGE_A, "type", "bridge").run();
    HostCommand.of("ip", "route", "add", "blackhole", NetnsFleet.GUARD_NET, "proto",
        NetnsFleet.GUARD_PROTO, "metric", NetnsFleet.GUARD_METRIC).run();
    try (NetnsFleet again = NetnsFleet.up(2)) {
      assertThat(HostCommand.of("ip", "netns", "list").run())
          .doesNotContain(NetnsFleet.siteNamespace(9));
      assertThat(fping(again.coreAddress(), again.sites().get(1).address())).isZero();
    }
    assertNothingLeft();
  }

  private static void assertNothingLeft() throws Exception {
    assertThat(HostCommand.of("ip", "netns", "list").run()).doesNotContain("vcmt-");
    assertThat(HostCommand.of("ip", "-o", "link", "show").run()).doesNotContain("vcmt");
    String routes = HostCommand.of("ip", "route", "show", "table", "all").run();
    assertThat(routes).doesNotContain("198.19.").doesNotContain("proto " + NetnsFleet.GUARD_PROTO);
  }

  /** fping's exit code: 0 when every address answered one of three tries. */
  private static int fping(String... addresses) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("fping", "-q", "-r", "2", "-t", "300", "-B", "1"));
    cmd.addAll(List.of(addresses));
    return HostCommand.of(cmd).timeout(Duration.ofSeconds(20)).execute().exitCode();
  }

  /** How many of {@code count} echo requests got a reply. */
  private static int received(String address, int count) throws IOException, InterruptedException {
    HostCommand.Result r = HostCommand.of("fping", "-q", "-c", String.valueOf(count), "-p", "25",
        "-t", "300", address).timeout(Duration.ofSeconds(20)).execute();
    // "198.19.1.14 : xmt/rcv/%loss = 20/9/55%, min/avg/max = ..."
    Matcher m = Pattern.compile("xmt/rcv/%loss = (\\d+)/(\\d+)/").matcher(r.stderr());
    assertThat(m.find()).as("fping summary in: %s", r.stderr()).isTrue();
    return Integer.parseInt(m.group(2));
  }
}
