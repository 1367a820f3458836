package org.daitu.vcmon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fleet against the real kernel, fping and snmpget: each fault must be visible from the root
 * namespace exactly as the agent under test would see it. Skips when not root or tools are
 * missing. Every test leaves the shared fleet as it found it (each fault is recovered after it),
 * so they run in any order; closing a fleet is checked in {@link NetnsFleetLifecycleIT}.
 */
class NetnsFleetIT {
  private static final int SITES = 5;
  private static final String SYS_DESCR = ".1.3.6.1.2.1.1.1.0";
  private static final String SYS_UP_TIME = ".1.3.6.1.2.1.1.3.0";
  private static final String SYS_NAME = ".1.3.6.1.2.1.1.5.0";
  private static final String SYS_LOCATION = ".1.3.6.1.2.1.1.6.0";
  private static final String IF_DESCR = ".1.3.6.1.2.1.2.2.1.2";
  private static final String IF_OPER_STATUS = ".1.3.6.1.2.1.2.2.1.8";
  private static final String SNMP_ENGINE_BOOTS = ".1.3.6.1.6.3.10.2.1.2.0";
  private static Path clientDir;
  private static NetnsFleet fleet;

  @BeforeAll
  static void upFleet() throws Exception {
    HostTools.requireAvailable(NetnsFleet.unavailableReason());
    HostTools.require("snmpget");
    HostTools.require("snmpwalk");
    clientDir = Files.createTempDirectory("vcmon-snmp-client");
    long start = System.nanoTime();
    fleet = NetnsFleet.up(SITES);
    System.out.printf("NetnsFleetIT: up(%d) took %d ms%n", SITES,
        (System.nanoTime() - start) / 1_000_000);
  }

  @AfterAll
  static void closeFleet() throws IOException {
    if (fleet != null) {
      fleet.close();
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
  void recoverEverything() {
    if (fleet != null) {
      fleet.recoverCore();
      fleet.sites().forEach(s -> fleet.recover(s.index()));
    }
  }

  @Test
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
  void everySiteAndTheCoreAnswerSnmpV2cAndV3WithTheirOwnIdentity() throws Exception {
    assertThat(v2c(fleet.coreAddress(), SYS_NAME).stdout().strip())
        .isEqualTo("\"" + NetnsFleet.CORE_ID + "\"");
    for (FleetSite s : fleet.sites()) {
      assertThat(s.snmpPort()).isEqualTo(161);
      HostCommand.Result name = v2c(s.address(), SYS_NAME);
      assertThat(name.exitCode()).as("v2c snmpget of %s: %s", s.id(), name.stderr()).isZero();
      assertThat(name.stdout().strip()).isEqualTo("\"" + s.id() + "\"");
      HostCommand.Result v3 = v3(s.address(), SYS_NAME);
      assertThat(v3.exitCode()).as("v3 snmpget of %s: %s", s.id(), v3.stderr()).isZero();
      assertThat(v3.stdout().strip()).isEqualTo("\"" + s.id() + "\"");
    }
    assertThat(v2c(fleet.sites().get(2).address(), SYS_DESCR).stdout())
        .contains("Cisco Webex Room Kit");
    assertThat(v2c(fleet.sites().get(0).address(), SYS_DESCR).stdout())
        .contains("Polycom RealPresence Group 500");
    assertThat(v2c(fleet.sites().get(1).address(), SYS_DESCR).stdout())
        .contains("Poly Studio X50");
    HostCommand.Result wrong = snmpget(fleet.sites().get(0).address(), "-v2c", "-c", "private",
        SYS_NAME);
    assertThat(wrong.exitCode()).as("a wrong community gets no answer").isNotZero();
  }

  @Test
  void sysLocationIsVietnameseUtf8() throws Exception {
    HostCommand.Result hex = snmpget(fleet.sites().get(3).address(), "-v2c", "-c",
        fleet.community(), "-Ox", SYS_LOCATION);
    // -Ox prints "Hex-STRING: 55 42 4E ..."-style bytes on one or more lines
    String digits = hex.stdout().replaceAll("[^0-9A-Fa-f ]", " ").replaceAll("\\s+", "");
    byte[] bytes = new byte[digits.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
    }
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo("UBND xã 004 - phòng họp trực tuyến");
  }

  @Test
  void eth1IsDownAndEth0Up() throws Exception {
    String address = fleet.sites().get(0).address();
    String lines = snmpwalk(address, IF_DESCR);
    String eth0 = ifIndex(lines, "eth0");
    String eth1 = ifIndex(lines, "eth1");
    assertThat(v2c(address, IF_OPER_STATUS + "." + eth0).stdout().strip()).isEqualTo("1");
    assertThat(v2c(address, IF_OPER_STATUS + "." + eth1).stdout().strip()).isEqualTo("2");
  }

  @Test
  void failedSiteIsSilentUntilRecovered() throws Exception {
    FleetSite site = fleet.sites().get(1);
    fleet.fail(site.index());
    assertThat(fping(site.address())).as("fping exit code of failed site").isNotZero();
    assertThat(v2c(site.address(), SYS_NAME).stderr()).contains("Timeout");
    assertThat(fping(fleet.sites().get(0).address())).as("a neighbour still answers").isZero();
    fleet.recover(site.index());
    assertThat(fping(site.address())).as("fping exit code after recover").isZero();
    assertThat(v2c(site.address(), SYS_NAME).exitCode()).isZero();
  }

  @Test
  void snmpOffSiteAnswersPingButNotSnmp() throws Exception {
    FleetSite site = fleet.sites().get(2);
    fleet.snmpOff(site.index());
    assertThat(fping(site.address())).as("fping exit code").isZero();
    HostCommand.Result get = v2c(site.address(), SYS_NAME);
    assertThat(get.exitCode()).isNotZero();
    assertThat(get.stderr()).contains("Timeout");
    fleet.recover(site.index());
    assertThat(v2c(site.address(), SYS_NAME).exitCode()).isZero();
  }

  @Test
  void lossySiteLosesSomeButNotAllPings() throws Exception {
    FleetSite site = fleet.sites().get(3);
    fleet.lossy(site.index(), 50);
    int received = received(site.address(), 20);
    assertThat(received).as("echo replies out of 20 at 50%% loss").isBetween(1, 19);
    fleet.lossy(site.index(), 0);
    assertThat(received(site.address(), 10)).as("replies out of 10 once loss is 0").isEqualTo(10);
  }

  @Test
  void rebootRestartsTheAgentLikeADevice() throws Exception {
    FleetSite site = fleet.sites().get(4);
    long before = ticks(v2c(site.address(), SYS_UP_TIME, "-Ot"));
    long boots = Long.parseLong(v3(site.address(), SNMP_ENGINE_BOOTS).stdout().strip());
    fleet.reboot(site.index());
    long after = ticks(v2c(site.address(), SYS_UP_TIME, "-Ot"));
    assertThat(after).as("sysUpTime in 1/100 s after reboot (before: %d)", before)
        .isLessThan(before).isLessThan(300);
    assertThat(Long.parseLong(v3(site.address(), SNMP_ENGINE_BOOTS).stdout().strip()))
        .as("snmpEngineBoots").isEqualTo(boots + 1);
  }

  @Test
  void failedCoreSilencesEverySiteBehindIt() throws Exception {
    fleet.failCore();
    assertThat(fping(fleet.coreAddress())).as("core answers while failed").isNotZero();
    for (FleetSite s : fleet.sites()) {
      assertThat(fping(s.address())).as("%s behind a failed core", s.id()).isNotZero();
    }
    assertThat(v2c(fleet.sites().get(0).address(), SYS_NAME).exitCode()).isNotZero();
    assertThat(v2c(fleet.coreAddress(), SYS_NAME).exitCode()).isNotZero();
    assertThat(HostCommand.of("ip", "netns", "list").run()).contains(NetnsFleet.CORE_NS);
    fleet.recoverCore();
    assertThat(fping(fleet.coreAddress(), fleet.sites().get(4).address())).isZero();
  }

  @Test
  void badArgumentsAreRejectedWithTheRange() {
    assertThatThrownBy(() -> fleet.fail(SITES + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no site 6 in this fleet: sites are numbered 1..5");
    assertThatThrownBy(() -> fleet.lossy(1, 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("loss must be 0..100 percent, got 101.0");
  }

  static void assertNothingLeft() throws Exception {
    assertThat(HostCommand.of("ip", "netns", "list").run()).doesNotContain("vcmt-");
    assertThat(HostCommand.of("ip", "-o", "link", "show").run()).doesNotContain("vcmt");
    String routes = HostCommand.of("ip", "route", "show", "table", "all").run();
    assertThat(routes).doesNotContain("198.19.").doesNotContain("proto " + NetnsFleet.GUARD_PROTO);
  }

  private static HostCommand.Result v2c(String address, String oid, String... options)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("-v2c", "-c", fleet.community()));
    args.addAll(List.of(options));
    args.add(oid);
    return snmpget(address, args.toArray(String[]::new));
  }

  private static HostCommand.Result v3(String address, String oid)
      throws IOException, InterruptedException {
    return snmpget(address, "-v3", "-l", "authPriv", "-u", NetnsFleet.V3_USER, "-a", "SHA", "-A",
        NetnsFleet.V3_AUTH_PASS, "-x", "AES", "-X", NetnsFleet.V3_PRIV_PASS, oid);
  }

  /** snmpget of one value (-Oqv), with a short timeout and no retry, away from /etc/snmp. */
  private static HostCommand.Result snmpget(String address, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("snmpget", "-t", "0.7", "-r", "0", "-Oqv"));
    cmd.addAll(List.of(args).subList(0, args.length - 1));
    cmd.add(address + ":161");
    cmd.add(args[args.length - 1]);
    return snmpClient(cmd).execute();
  }

  private static String snmpwalk(String address, String oid)
      throws IOException, InterruptedException {
    return snmpClient(List.of("snmpwalk", "-v2c", "-c", fleet.community(), "-t", "1", "-r", "1",
        "-On", "-Oq", address + ":161", oid)).run();
  }

  private static HostCommand snmpClient(List<String> cmd) {
    return HostCommand.of(cmd).timeout(Duration.ofSeconds(10)).env("MIBS", "")
        .env("SNMPCONFPATH", clientDir.toString())
        .env("SNMP_PERSISTENT_DIR", clientDir.toString());
  }

  /** The ifIndex whose ifDescr is {@code name}, from "-On -Oq" walk lines. */
  private static String ifIndex(String walk, String name) {
    Matcher m = Pattern.compile("^" + Pattern.quote(IF_DESCR) + "\\.(\\d+) \"?" + name + "\"?$",
        Pattern.MULTILINE).matcher(walk);
    assertThat(m.find()).as("%s in ifDescr walk:%n%s", name, walk).isTrue();
    return m.group(1);
  }

  private static long ticks(HostCommand.Result r) {
    assertThat(r.exitCode()).as("sysUpTime: %s", r.stderr()).isZero();
    return Long.parseLong(r.stdout().strip());
  }

  /** fping's exit code: 0 when every address answered one of three tries. */
  static int fping(String... addresses) throws IOException, InterruptedException {
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
