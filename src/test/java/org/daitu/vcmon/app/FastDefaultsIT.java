package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.ApiClient.count;
import static org.daitu.vcmon.testing.ApiClient.state;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.Durations;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.NetnsFleet;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.testing.TestConfig;
import org.daitu.vcmon.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defaults a district gets: the probe, state and alert sections of the shipped example config
 * (config/vcmon.yaml, read as it is), 30 communes in network namespaces behind a core router, and
 * a real webhook receiver. A lone cut commune is announced within 10 s at the median and 20 s at
 * worst; twenty cut at once are one digest; 20% loss on every link never makes a site DOWN; and a
 * site's probe traffic (IP packets both ways, as the 84-byte echoes are counted) stays under
 * 1 kbit/s. Prints the figures.
 *
 * <p>The order is kept on purpose: the traffic of sites 11 to 30 is counted while sites 1 to 10
 * are cut one after the other, then 11 to 30 are cut together, and the loss soak comes last. The
 * soak lasts a minute; {@code -Dvcmon.fast.soak=10m} makes it the ten minutes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FastDefaultsIT {
  static final int SITES = 30;
  static final List<Integer> LONE_CUTS = IntStream.rangeClosed(1, 10).boxed().toList();
  static final List<Integer> STORM = IntStream.rangeClosed(11, SITES).boxed().toList();
  static final Path EXAMPLE = Path.of("config", "vcmon.yaml");
  /** Bytes of a frame's Ethernet header, counted by the links but not part of the IP packet. */
  static final int ETHERNET_HEADER = 14;

  static NetnsFleet fleet;
  static WebhookReceiver hook;
  static Vertx vertx;
  static TestAgent.Running agent;
  static ApiClient api;
  static AgentConfig cfg;
  static final Map<String, String> figures = new LinkedHashMap<>();
  /** Traffic of every site before the agent started, and when the lone cuts began. */
  static Map<Integer, NetnsFleet.Traffic> trafficAtStart;
  static Map<Integer, NetnsFleet.Traffic> trafficBefore;
  static long agentStartNanos;
  static long trafficStartNanos;

  @BeforeAll
  static void startDistrict(@TempDir Path dir) throws Exception {
    HostTools.requireAvailable(NetnsFleet.unavailableReason());
    String example = Files.readString(EXAMPLE);
    fleet = NetnsFleet.up(SITES);
    hook = WebhookReceiver.start("127.0.0.1");
    cfg = TestConfig.in(dir)
        .section("probe", block(example, "probe"))
        .section("state", block(example, "state"))
        .section("alerts", alertsWithReceiver(block(example, "alerts"), hook.url()))
        .section("snmp_profiles", "{ v2c: { version: 2c, community: " + fleet.community() + " } }")
        .section("rollout", "{ target: " + SITES + " }")
        .site(NetnsFleet.CORE_ID, "name: Core, type: district, address: " + fleet.coreAddress() + ", snmp: { profile: v2c }")
        .fleet(fleet.sites(), "parent: " + NetnsFleet.CORE_ID + ", snmp: { profile: v2c }")
        .load();
    vertx = Vertx.vertx();
    trafficAtStart = fleet.traffic();
    agentStartNanos = System.nanoTime();
    agent = TestAgent.running(vertx, cfg);
    api = agent.api();
    api.waitFor("every site and the core UP", Duration.ofSeconds(60), body -> count(body, "UP") == SITES + 1);
  }

  @AfterAll
  static void stopDistrict() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (hook != null) {
      hook.close();
    }
    if (fleet != null) {
      fleet.close();
    }
    if (!figures.isEmpty()) {
      System.out.println("Fast defaults (" + settings() + "): " + figures);
    }
  }

  /** A top-level section of the example, as the block of lines after its name. */
  static String block(String yaml, String name) {
    List<String> lines = yaml.lines().toList();
    int start = lines.indexOf(name + ":");
    assertThat(start).as("section %s in %s", name, EXAMPLE).isNotNegative();
    StringBuilder out = new StringBuilder();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
        break; // the next top-level key or comment
      }
      out.append('\n').append(line);
    }
    return out.toString();
  }

  /** The example's alerts section with its placeholder channels replaced by the receiver. */
  static String alertsWithReceiver(String alerts, String url) {
    int channels = alerts.indexOf("\n  webhooks:");
    assertThat(channels).as("webhooks in the example's alerts").isPositive();
    return alerts.substring(0, channels) + "\n  webhooks:\n    - url: " + url;
  }

  static String settings() {
    if (cfg == null) {
      return "";
    }
    AgentConfig.Probe p = cfg.probe();
    return String.format(Locale.ROOT, "interval %s, timeout %s, recheck %s, %d echoes %s apart, snmp every %s,"
            + " down_after %d, digest %s/%d",
        Durations.format(p.interval()), Durations.format(p.timeout()), Durations.format(p.recheckInterval()),
        p.icmp().packets(), Durations.format(p.icmp().period()), Durations.format(p.snmp().interval()),
        cfg.state().downAfter(), Durations.format(cfg.alerts().digestWindow()), cfg.alerts().digestMinSites());
  }

  static String id(int i) {
    return fleet.sites().get(i - 1).id();
  }

  static boolean downOf(JsonObject body, String siteId) {
    return "site".equals(body.getString("kind"))
        && body.getString("key", "").startsWith("site:" + siteId + ":DOWN:");
  }

  static boolean recoveryOf(JsonObject body, String siteId) {
    return "site".equals(body.getString("kind"))
        && body.getBoolean("resolved", false)
        && body.getJsonArray("sites").getJsonObject(0).getString("id").equals(siteId);
  }

  static boolean downDigest(JsonObject body) {
    return "digest".equals(body.getString("kind")) && !body.getBoolean("resolved", false);
  }

  /** When the receiver got the first delivery accepted by {@code what}. */
  static Instant receivedAt(java.util.function.Predicate<JsonObject> what) {
    return hook.requests().stream()
        .filter(r -> r.delivered() && what.test(r.json()))
        .map(WebhookReceiver.Request::at)
        .findFirst()
        .orElseThrow();
  }

  static String spread(List<Double> seconds) {
    List<Double> sorted = seconds.stream().sorted().toList();
    return String.format(Locale.ROOT, "min %.1fs, median %.1fs, max %.1fs",
        sorted.get(0), median(sorted), sorted.get(sorted.size() - 1));
  }

  static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * Ten communes cut one after the other, each restored once its recovery was announced: each
   * DOWN message comes alone, at once, not after a digest window.
   */
  @Test
  @Order(1)
  void aLoneCutIsAnnouncedWithin10sAtTheMedianAnd20sAtWorst() throws Exception {
    trafficBefore = fleet.traffic();
    trafficStartNanos = System.nanoTime();
    List<Double> delays = new ArrayList<>();
    for (int i : LONE_CUTS) {
      String site = id(i);
      Instant cut = Instant.now();
      fleet.fail(i);
      hook.awaitDelivered(b -> downOf(b, site), Duration.ofSeconds(30), "DOWN of " + site);
      delays.add(Duration.between(cut, receivedAt(b -> downOf(b, site))).toMillis() / 1000.0);
      fleet.recover(i);
      hook.awaitDelivered(b -> recoveryOf(b, site), Duration.ofSeconds(30), "recovery of " + site);
    }
    figures.put("cut -> DOWN webhook (" + delays.size() + " lone cuts)", spread(delays));
    assertThat(hook.delivered()).as("no digest for lone cuts").noneMatch(FastDefaultsIT::downDigest);
    List<Double> sorted = delays.stream().sorted().toList();
    assertThat(median(sorted)).as("median of %s", delays).isLessThanOrEqualTo(10.0);
    assertThat(sorted.get(sorted.size() - 1)).as("worst of %s", delays).isLessThanOrEqualTo(20.0);
  }

  /**
   * Sites 11 to 30 were left alone while 1 to 10 were cut: their links carried the probes only.
   * No SNMP poll falls in that time (each site is polled at its first check, then once per
   * probe.snmp.interval), so it gives the rate of the checks alone; what the links carried from
   * the agent's start to then, beyond that rate, is counted as the cost of one poll (the start's
   * extra checks with it, so the figure errs high). The average is the checks' rate plus one
   * poll per SNMP interval, rounded up to whole check intervals as the agent polls.
   */
  @Test
  @Order(2)
  void aSitesProbeTrafficStaysUnder1kbitPerSecond() throws Exception {
    Map<Integer, NetnsFleet.Traffic> after = fleet.traffic();
    double checking = (System.nanoTime() - trafficStartNanos) / 1e9;
    double starting = (trafficStartNanos - agentStartNanos) / 1e9;
    long interval = cfg.probe().interval().toMillis();
    long snmpEvery = cfg.probe().snmp().interval().toMillis();
    double pollEvery = (snmpEvery + interval - 1) / interval * interval / 1000.0;
    double worstIpBits = 0;
    double sumBits = 0;
    double sumIpBits = 0;
    double sumPackets = 0;
    double sumPollBytes = 0;
    double sumCheckBits = 0;
    for (int i : STORM) {
      NetnsFleet.Traffic checks = after.get(i).minus(trafficBefore.get(i));
      NetnsFleet.Traffic start = trafficBefore.get(i).minus(trafficAtStart.get(i));
      double checkBits = checks.bytes() * 8 / checking;
      double checkPackets = checks.packets() / checking;
      double pollBytes = Math.max(0, start.bytes() - checkBits / 8 * starting);
      double pollPackets = Math.max(0, start.packets() - checkPackets * starting);
      double packets = checkPackets + (pollEvery > 0 ? pollPackets / pollEvery : 0);
      double bits = checkBits + (pollEvery > 0 ? pollBytes * 8 / pollEvery : 0);
      double ipBits = bits - packets * ETHERNET_HEADER * 8;
      worstIpBits = Math.max(worstIpBits, ipBits);
      sumBits += bits;
      sumIpBits += ipBits;
      sumCheckBits += checkBits;
      sumPollBytes += pollBytes;
      sumPackets += packets;
    }
    int n = STORM.size();
    figures.put("probe traffic per site (both ways)",
        String.format(Locale.ROOT, "checks %.0f bit/s of frames (over %.0f s), a poll and the start %.0f bytes,"
                + " one poll per %.0f s: %.2f packets/s, %.0f bit/s of IP packets (%.0f at most), %.0f bit/s of Ethernet frames",
            sumCheckBits / n, checking, sumPollBytes / n, pollEvery, sumPackets / n, sumIpBits / n, worstIpBits, sumBits / n));
    assertThat(worstIpBits).as("bit/s of the busiest site, IP packets both ways").isLessThan(1000);
  }

  @Test
  @Order(3)
  void twentySitesCutAtOnceAreOneDigest() throws Exception {
    int before = hook.delivered().size();
    STORM.forEach(fleet::fail);
    double t = api.waitFor("20 sites DOWN", Duration.ofSeconds(40), body -> count(body, "DOWN") == STORM.size());
    JsonObject digest = hook.awaitDelivered(FastDefaultsIT::downDigest, Duration.ofSeconds(90), "the storm's digest");
    // A storm's window closes a whole window after its last change: wait as long again for a second one.
    Thread.sleep(cfg.alerts().digestWindow().toMillis() + 5000);
    List<JsonObject> sent = hook.delivered().subList(before, hook.delivered().size());
    figures.put("20 cut at once", String.format(Locale.ROOT, "all DOWN after %.1fs, %d message(s)", t, sent.size()));
    assertThat(sent).as("one message for the storm").singleElement().isEqualTo(digest);
    assertThat(digest.getJsonArray("sites")).hasSize(STORM.size());
    STORM.forEach(fleet::recover);
    api.waitFor("every site UP", Duration.ofSeconds(60), body -> count(body, "UP") == SITES + 1);
    hook.awaitDelivered(b -> "digest".equals(b.getString("kind")) && b.getBoolean("resolved", false),
        Duration.ofSeconds(90), "the storm's recoveries");
  }

  @Test
  @Order(4)
  void twentyPercentLossOnEveryLinkNeverMakesASiteDown() throws Exception {
    Duration soak = Durations.parse(System.getProperty("vcmon.fast.soak", "1m"));
    int before = hook.delivered().size();
    for (int i = 1; i <= SITES; i++) {
      fleet.lossy(i, 20);
    }
    long end = System.nanoTime() + soak.toNanos();
    int polls = 0;
    long degradedSeen = 0;
    try {
      while (System.nanoTime() < end) {
        JsonObject body = api.sites();
        assertThat(count(body, "DOWN") + count(body, "UNREACHABLE"))
            .as("no site DOWN at 20%% loss; answer: %s", body.encode())
            .isZero();
        degradedSeen = Math.max(degradedSeen, count(body, "DEGRADED"));
        polls++;
        Thread.sleep(1000);
      }
    } finally {
      for (int i = 1; i <= SITES; i++) {
        fleet.recover(i);
      }
    }
    List<JsonObject> sent = hook.delivered().subList(before, hook.delivered().size());
    figures.put("20% loss for " + Durations.format(soak),
        "0 DOWN in " + polls + " API polls, at most " + degradedSeen + " DEGRADED at once, " + sent.size() + " messages");
    assertThat(sent).as("nothing critical sent at 20%% loss").noneMatch(b -> "critical".equals(b.getString("severity")));
  }

}
