package org.daitu.vcmon.probe.trap;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.Await;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole agent taking notifications from net-snmp's {@code snmptrap} and {@code snmpinform},
 * on a high loopback port: v1 and v2c traps and informs with the community, v3 authPriv with a
 * profile's user, and everything it must drop (wrong community, wrong key, unknown sender, a
 * datagram that is no SNMP), each counted in {@code vcmon_traps_received_total{result}}. Then a
 * flood of 5000 notifications from one site while eleven sites are checked: the checks keep their
 * schedule (the max check delay is printed).
 *
 * <p>Sites: "codec" at 127.0.0.1 (the default source address on loopback), "router" at 127.0.0.2
 * (senders bind it with {@code --clientaddr}) with ten communes behind it at 127.0.0.11-20.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrapReceiverIT {
  private static final String COMMUNITY = "trap-secret";
  private static final String AUTH = "auth-pass-123";
  private static final String PRIV = "priv-pass-456";
  private static final String LINK_DOWN = "1.3.6.1.6.3.1.1.5.3";
  private static final String COLD_START = "1.3.6.1.6.3.1.1.5.1";
  private static final String SIP_REGISTRATION_FAILED = "1.3.6.1.4.1.13885.101.0.72";

  private Vertx vertx;
  private TestAgent.Running running;
  private ApiClient api;
  private int port;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    HostTools.require("fping");
    HostTools.require("snmptrap");
    HostTools.require("snmpinform");
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    TestConfig cfg =
        TestConfig.in(dir)
            .section(
                "probe",
                "{ interval: 8s, timeout: 1s, recheck_interval: 1s,"
                    + " icmp: { packets: 4, period: 100ms }, snmp: { retries: 0 } }")
            .section("alerts", "{ digest: { window: 0s } }")
            .section(
                "snmp_profiles",
                "{ trap-v3: { version: 3, user: trapper, auth_protocol: SHA, auth_password_env: TRAP_AUTH,"
                    + " priv_protocol: AES, priv_password_env: TRAP_PRIV } }")
            .section(
                "traps",
                "{ listen: 127.0.0.1:" + port + ", community_env: TRAP_COMMUNITY, profiles: [trap-v3] }")
            .env("TRAP_COMMUNITY", COMMUNITY)
            .env("TRAP_AUTH", AUTH)
            .env("TRAP_PRIV", PRIV)
            .site("codec", "name: Codec, type: xã, address: 127.0.0.1")
            .site("router", "name: Router, type: network, address: 127.0.0.2");
    for (int i = 11; i <= 20; i++) {
      cfg.site("xa-" + i, "name: Xã " + i + ", type: xã, address: 127.0.0." + i + ", parent: router");
    }
    vertx = Vertx.vertx();
    running = TestAgent.running(vertx, cfg.load());
    api = running.api();
    assertThat(running.agent().trapPort()).isEqualTo(port);
    api.waitFor("every site up", Duration.ofSeconds(30), body -> ApiClient.count(body, "UP") == 12);
  }

  @AfterAll
  void stop() throws Exception {
    if (running != null) {
      running.close();
    }
    if (vertx != null) {
      Await.await(vertx.close());
    }
  }

  @Test
  @Order(1)
  void aV2cColdStartIsAReboot() throws Exception {
    double before = received("accepted");
    run("snmptrap", "-v", "2c", "-c", COMMUNITY, target(), "", COLD_START);
    api.waitFor("the reboot", Duration.ofSeconds(5), body -> site(body, "codec").getInteger("reboots") == 1);
    assertThat(received("accepted")).isEqualTo(before + 1);
    assertThat(site(api.sites(), "codec").getString("state")).isEqualTo("UP");
  }

  @Test
  @Order(2)
  void aV2cInformIsAcknowledgedAndAnEndpointEventShowsOnTheReason() throws Exception {
    double before = received("accepted");
    int rc = run("snmpinform", "-v", "2c", "-c", COMMUNITY, "-t", "2", "-r", "0", target(), "", SIP_REGISTRATION_FAILED);
    assertThat(rc).as("snmpinform exits 0 once acknowledged").isZero();
    api.waitFor(
        "the notification on the reason", Duration.ofSeconds(5),
        body -> site(body, "codec").getString("reason").contains("notification sipRegistrationFailed"));
    assertThat(received("accepted")).isEqualTo(before + 1);
  }

  @Test
  @Order(3)
  void aV1TrapIsTaken() throws Exception {
    double before = received("accepted");
    run("snmptrap", "-v", "1", "-c", COMMUNITY, target(), "1.3.6.1.4.1.8072.3.2.10", "127.0.0.1", "3", "0", "");
    waitForCount("accepted", before + 1);
  }

  @Test
  @Order(4)
  void aV3AuthPrivTrapOfAProfileUserIsTakenAndAWrongKeyIsNot() throws Exception {
    double bad = received("bad_user");
    run(v3("wrong-pass-789", COLD_START));
    waitForCount("bad_user", bad + 1);
    assertThat(site(api.sites(), "router").getInteger("reboots")).isZero();

    double before = received("accepted");
    run(v3(AUTH, COLD_START));
    api.waitFor("the reboot", Duration.ofSeconds(5), body -> site(body, "router").getInteger("reboots") == 1);
    assertThat(received("accepted")).isEqualTo(before + 1);

    // an inform: the sender discovers vcmon's engine first (not counted), then is acknowledged
    double malformed = received("malformed");
    int rc =
        run(
            "snmpinform", "-v", "3", "-u", "trapper", "-l", "authPriv", "-a", "SHA", "-A", AUTH,
            "-x", "AES", "-X", PRIV, "-t", "2", "-r", "0", "--clientaddr=127.0.0.2", target(), "",
            SIP_REGISTRATION_FAILED);
    assertThat(rc).as("snmpinform -v3 exits 0 once acknowledged").isZero();
    waitForCount("accepted", before + 2);
    assertThat(received("malformed")).isEqualTo(malformed);
    assertThat(received("bad_user")).isEqualTo(bad + 1);
  }

  @Test
  @Order(5)
  void aWrongCommunityIsDroppedAndAnInformWithItIsNotAcknowledged() throws Exception {
    double before = received("bad_community");
    run("snmptrap", "-v", "2c", "-c", "guess", target(), "", COLD_START);
    int rc = run("snmpinform", "-v", "2c", "-c", "guess", "-t", "1", "-r", "0", target(), "", COLD_START);
    assertThat(rc).as("snmpinform gets no acknowledgement").isNotZero();
    waitForCount("bad_community", before + 2);
    assertThat(site(api.sites(), "codec").getInteger("reboots")).isEqualTo(1);
  }

  @Test
  @Order(6)
  void anUnknownSenderAndAMalformedDatagramAreDropped() throws Exception {
    double unknown = received("unknown_source");
    run("snmptrap", "-v", "2c", "-c", COMMUNITY, "--clientaddr=127.0.0.9", target(), "", COLD_START);
    waitForCount("unknown_source", unknown + 1);

    double malformed = received("malformed");
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      byte[] junk = "this is no SNMP".getBytes(StandardCharsets.US_ASCII);
      s.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), port));
      byte[] truncated = {0x30, 0x42, 0x02, 0x01, 0x01, 0x04, 0x03};
      s.send(new DatagramPacket(truncated, truncated.length, InetAddress.getLoopbackAddress(), port));
    }
    waitForCount("malformed", malformed + 2);
  }

  @Test
  @Order(7)
  void aFloodIsRateLimitedWhileChecksKeepTheirSchedule() throws Exception {
    // the very datagram snmptrap sends, captured, then sent 5000 times from the router's address
    byte[] linkDown;
    try (DatagramSocket capture = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      capture.setSoTimeout(5000);
      run("snmptrap", "-v", "2c", "-c", COMMUNITY, "127.0.0.1:" + capture.getLocalPort(), "", LINK_DOWN);
      DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
      capture.receive(p);
      linkDown = Arrays.copyOf(p.getData(), p.getLength());
    }
    double accepted = received("accepted");
    double limited = received("rate_limited");
    double late = metric("vcmon_checks_late_total");
    long started = System.nanoTime();
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
      for (int i = 0; i < 5000; i++) {
        s.send(new DatagramPacket(linkDown, linkDown.length, InetAddress.getLoopbackAddress(), port));
        if (i % 50 == 49) {
          TimeUnit.MILLISECONDS.sleep(20); // ~2,500 a second: the kernel keeps them all
        }
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    // the kernel may drop a few when the receiving thread is slow to be scheduled: those are never
    // counted, and the rest must all be, as accepted or rate_limited
    double counted = settledCount("accepted", "rate_limited") - accepted - limited;
    assertThat(counted).as("datagrams counted of 5000 sent").isBetween(4500.0, 5000.0);
    double took = received("accepted") - accepted;
    double dropped = received("rate_limited") - limited;
    // a checking window of a few more seconds: every site keeps being checked on time
    ApiClient.pause(10_000);
    double maxDelay = metric("vcmon_check_delay_seconds_max");
    System.out.printf(
        "flood: 5000 linkDown in %.1f s, accepted %.0f, rate_limited %.0f, max check delay %.3f s, late checks %.0f%n",
        seconds, took, dropped, maxDelay, metric("vcmon_checks_late_total") - late);
    assertThat(took).isLessThanOrEqualTo(TrapReceiver.BURST + TrapReceiver.PER_SECOND * (seconds + 1));
    assertThat(dropped).isGreaterThan(4000);
    assertThat(metric("vcmon_checks_late_total") - late).as("checks started over 1 s late").isZero();
    JsonObject body = api.sites();
    assertThat(ApiClient.count(body, "UP")).isEqualTo(12);
  }

  private List<String> v3(String authPass, String trap) {
    return List.of(
        "snmptrap", "-v", "3", "-u", "trapper", "-l", "authPriv", "-a", "SHA", "-A", authPass,
        "-x", "AES", "-X", PRIV, "-e", "0x8000000001020304", "--clientaddr=127.0.0.2", target(), "", trap);
  }

  private String target() {
    return "127.0.0.1:" + port;
  }

  private static JsonObject site(JsonObject body, String id) {
    return ApiClient.site(body, id).orElseThrow();
  }

  private static int run(String... command) throws IOException, InterruptedException {
    return run(List.of(command));
  }

  private static int run(List<String> command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(command);
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not end: " + cmd);
    }
    return p.exitValue();
  }

  private double received(String result) throws Exception {
    return metric("vcmon_traps_received_total{result=\"" + result + "\"}");
  }

  private void waitForCount(String result, double atLeast) throws Exception {
    waitForCount(result, null, atLeast);
  }

  /** Waits until the count of {@code result} (plus {@code other}'s) reaches {@code atLeast}. */
  private void waitForCount(String result, String other, double atLeast) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    double now;
    do {
      now = received(result) + (other == null ? 0 : received(other));
      if (now >= atLeast) {
        assertThat(now).as(result).isEqualTo(atLeast);
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    } while (System.nanoTime() < end);
    throw new AssertionError(result + " stayed at " + now + ", expected " + atLeast);
  }

  /** The sum of two counts once it has not moved for a second (at most 20 s). */
  private double settledCount(String result, String other) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    double last = -1;
    double now = received(result) + received(other);
    while (now != last && System.nanoTime() < end) {
      last = now;
      TimeUnit.SECONDS.sleep(1);
      now = received(result) + received(other);
    }
    return now;
  }

  /** One sample of {@code /metrics}: {@code name{labels}} exactly as written there. */
  private double metric(String series) throws Exception {
    String text = api.get("/metrics").body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    if (!m.find()) {
      throw new AssertionError("no " + series + " in /metrics");
    }
    return Double.parseDouble(m.group(1));
  }
}
