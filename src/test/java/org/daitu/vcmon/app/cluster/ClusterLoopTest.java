package org.daitu.vcmon.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.daitu.vcmon.app.Agent;
import org.daitu.vcmon.app.AgentParts;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.output.alert.Notification;
import org.daitu.vcmon.pki.ClusterCertificates.Issued;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.VantageStatus;
import org.daitu.vcmon.store.SqliteStore;
import org.daitu.vcmon.testing.ClusterPki;
import org.daitu.vcmon.testing.FakeIcmpProbe;
import org.daitu.vcmon.testing.FakeSnmpProbe;
import org.daitu.vcmon.testing.Poll;
import org.daitu.vcmon.testing.RecordingChannel;
import org.daitu.vcmon.testing.ScriptedCluster;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real agents in one JVM — each with its own scripted probes, store and recording channel —
 * share verdicts over {@link EventBusPeers} on one plain Vert.x, with a scripted membership
 * instead of the cluster engine: the combined state, the reason naming a cut vantage, one voice
 * per notification, and the take-over when an owner leaves. The same agents over the real engine
 * and real networks: the cluster integration tests.
 */
@ExtendWith(VertxExtension.class)
class ClusterLoopTest {
  static final List<String> VANTAGES = List.of("tinh", "dai-tu", "xa");
  static final List<String> SITES = List.of("a", "b", "c", "d", "e", "f");

  @TempDir Path dir;
  final ScriptedCluster cluster = new ScriptedCluster("t");
  final Map<String, Node> nodes = new LinkedHashMap<>();

  /** One agent and what the test scripts of it. */
  record Node(String vantage, Agent agent, FakeIcmpProbe icmp, FakeSnmpProbe snmp, RecordingChannel channel) {
    SiteStatus site(String id) {
      return agent.board().snapshot().site(id).orElseThrow();
    }

    SiteState state(String id) {
      return site(id).state();
    }
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    Instant from = Instant.now().minus(Duration.ofDays(1));
    Instant to = from.plus(Duration.ofDays(30));
    Issued ca = ClusterPki.ca("test CA", from, to);
    Path certs = dir.resolve("certs");
    ClusterPki.write(certs, "ca", ca, false);
    for (String v : VANTAGES) {
      ClusterPki.write(certs, v, ClusterPki.member(ca, v, from, to), true);
    }
    for (int i = 0; i < VANTAGES.size(); i++) {
      String v = VANTAGES.get(i);
      java.nio.file.Files.createDirectories(dir.resolve(v));
      AgentConfig cfg = config(v, i, certs).load();
      FakeIcmpProbe icmp = new FakeIcmpProbe();
      FakeSnmpProbe snmp = new FakeSnmpProbe();
      RecordingChannel channel = new RecordingChannel("recording-1");
      AgentParts parts =
          new AgentParts(Clock.systemUTC(), new SqliteStore(vertx, cfg.store().path()), icmp, snmp,
              List.of(channel), cluster.view(v));
      nodes.put(v, new Node(v, await(TestAgent.start(vertx, cfg, parts)), icmp, snmp, channel));
    }
    until("every agent sees every site UP from every vantage", () -> nodes.values().stream()
        .allMatch(n -> SITES.stream().allMatch(s -> n.state(s) == SiteState.UP
            && n.site(s).vantages().size() == VANTAGES.size()
            && n.site(s).vantages().stream().allMatch(v -> v.state() == SiteState.UP))));
  }

  @AfterEach
  void stop() throws Exception {
    for (Node n : nodes.values()) {
      await(n.agent.stop());
    }
  }

  @Test
  void everyAgentShowsEveryVantageAndTheSameOwnerAndSince() throws Exception {
    for (Node n : nodes.values()) {
      SiteStatus a = n.site("a");
      assertThat(a.vantages()).extracting(VantageStatus::vantage).containsExactly("dai-tu", "tinh", "xa");
      assertThat(a.vantages()).allSatisfy(v -> {
        assertThat(v.state()).isEqualTo(SiteState.UP);
        assertThat(v.standing()).isEqualTo("counted");
      });
    }
    for (String s : SITES) {
      assertThat(nodes.values().stream().map(n -> n.site(s).owner()).distinct().toList())
          .as("one owner for %s on every agent", s).hasSize(1).doesNotContainNull();
    }
    // Each decided UP on its own; once they meet they keep the earliest since, so keys built on it agree.
    for (String s : SITES) {
      Poll.until(() -> nodes.values().stream().map(n -> n.site(s).since()).distinct().count() == 1,
          Duration.ofSeconds(10), Duration.ofMillis(50), "one since of " + s + " on every agent");
    }
    assertThat(SITES.stream().map(s -> nodes.get("tinh").site(s).owner()).distinct().count())
        .as("six sites over three agents do not all land on one").isGreaterThan(1);
  }

  @Test
  void aPathCutFromOneVantageIsNoOutageAndItsReasonNamesTheVantage() throws Exception {
    cut(nodes.get("dai-tu"), "b");
    until("dai-tu's own verdict on b is DOWN", () -> vantage(nodes.get("tinh"), "b", "dai-tu") == SiteState.DOWN);
    Thread.sleep(1500); // what would have been announced is out by now
    for (Node n : nodes.values()) {
      assertThat(n.state("b")).as("b on %s", n.vantage).isEqualTo(SiteState.UP);
      assertThat(n.site("b").reason()).contains("not reachable from dai-tu (DOWN since ");
      assertThat(n.channel.delivered()).as("nothing told by %s", n.vantage).isEmpty();
    }
  }

  @Test
  void aSiteCutForEveryoneIsAnnouncedOnceByItsOwnerAndRecoveredOnce() throws Exception {
    for (Node n : nodes.values()) {
      cut(n, "c");
    }
    until("c DOWN everywhere", () -> nodes.values().stream().allMatch(n -> n.state("c") == SiteState.DOWN));
    until("one DOWN delivered", () -> delivered().size() == 1);
    String owner = nodes.get("tinh").site("c").owner();
    assertThat(nodes.get(owner).channel.delivered()).as("sent by the owner").hasSize(1);
    for (Node n : nodes.values()) {
      restore(n, "c");
    }
    until("the recovery delivered", () -> delivered().size() == 2);
    Thread.sleep(1000);
    List<Notification> all = delivered();
    assertThat(all).extracting(Notification::key).doesNotHaveDuplicates();
    assertThat(all).extracting(Notification::resolved).containsExactly(false, true);
    assertThat(nodes.get(owner).channel.delivered()).hasSize(2);
  }

  @Test
  void whenTheOwnerLeavesTheNextOneSendsWhatItHadNotDelivered() throws Exception {
    String owner = nodes.get("tinh").site("d").owner();
    Node gone = nodes.get(owner);
    gone.channel.hold(); // its delivery hangs: queued, never confirmed
    for (Node n : nodes.values()) {
      cut(n, "d");
    }
    until("the owner's delivery in flight", () -> gone.channel.inFlight() == 1);
    await(gone.agent.stop()); // the hanging delivery is left in its outbox
    cluster.down(owner);
    until("a survivor delivered the DOWN", () -> delivered().size() == 1);
    Notification down = delivered().get(0);
    assertThat(down.key()).startsWith("site:d:DOWN:");
    Node survivor = nodes.values().stream().filter(n -> n != gone).findFirst().orElseThrow();
    until("the survivors show the new owner", () -> !owner.equals(survivor.site("d").owner()));
    String next = survivor.site("d").owner();
    assertThat(nodes.get(next).channel.delivered()).containsExactly(down);
    Thread.sleep(1000);
    assertThat(delivered()).as("the other survivor stays quiet").hasSize(1);
    until("the owner's leave told", () -> !notices().isEmpty());
    Thread.sleep(500);
    assertThat(notices()).as("the owner's leave, told once by the survivors").singleElement()
        .satisfies(n -> assertThat(n.key()).startsWith("member:" + owner + ":left:"));
    nodes.remove(owner);
  }

  private SiteState vantage(Node n, String site, String vantage) {
    return n.site(site).vantages().stream().filter(v -> v.vantage().equals(vantage)).findFirst()
        .map(VantageStatus::state).orElse(null);
  }

  /** What the agents delivered about sites. */
  private List<Notification> delivered() {
    List<Notification> out = new ArrayList<>();
    nodes.values().forEach(n -> out.addAll(n.channel.delivered()));
    out.removeIf(n -> n.kind() == Notification.Kind.CLUSTER);
    return out;
  }

  /** What the agents delivered about members of the cluster. */
  private List<Notification> notices() {
    List<Notification> out = new ArrayList<>();
    nodes.values().forEach(n -> out.addAll(n.channel.delivered()));
    out.removeIf(n -> n.kind() != Notification.Kind.CLUSTER);
    return out;
  }

  private static void cut(Node n, String site) {
    n.icmp.silent(address(site));
    n.snmp.silent(address(site));
  }

  private static void restore(Node n, String site) {
    n.icmp.answer(address(site));
    n.snmp.answer(address(site));
  }

  private static String address(String site) {
    return "127.0.0." + (11 + SITES.indexOf(site));
  }

  private TestConfig config(String vantage, int i, Path certs) {
    TestConfig cfg = TestConfig.in(dir.resolve(vantage))
        .section("probe", "{ interval: 1s, timeout: 500ms, recheck_interval: 500ms, icmp: { packets: 2, period: 100ms } }")
        .section("state", "{ down_after: 2, up_after: 2 }")
        .section("alerts", "{ digest: { window: 0s } }")
        .section("cluster", "{ name: t, vantage: " + vantage + ", listen: \"127.0.0.1:" + (7801 + i) + "\","
            + " members: [\"127.0.0.1:7801\", \"127.0.0.1:7802\", \"127.0.0.1:7803\"],"
            + " tls: { ca_file: " + certs.resolve("ca.pem") + ", cert_file: " + certs.resolve(vantage + ".pem")
            + ", key_file: " + certs.resolve(vantage + ".key") + " } }");
    for (String s : SITES) {
      cfg.site(s, "name: " + s.toUpperCase() + ", type: xã, address: " + address(s));
    }
    return cfg;
  }

  private static void until(String what, BooleanSupplier condition) throws InterruptedException {
    Poll.until(condition, Duration.ofSeconds(20), Duration.ofMillis(50), what);
  }
}
