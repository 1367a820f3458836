package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.ReloadResult;
import org.daitu.vcmon.output.alert.Notification;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateSnapshot;
import org.daitu.vcmon.store.SqliteStore;
import org.daitu.vcmon.testing.FakeIcmpProbe;
import org.daitu.vcmon.testing.Poll;
import org.daitu.vcmon.testing.FakeSnmpProbe;
import org.daitu.vcmon.testing.RecordingChannel;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent — monitor, tracker, alert policy, outbox, store and web server — on scripted
 * ICMP and SNMP probes and a recording channel: the check loop and the alert wiring without root,
 * fping or snmpd. Addresses are never contacted (the probes are fakes); the store is a real SQLite
 * file in a temporary folder.
 */
@ExtendWith(VertxExtension.class)
class CheckLoopTest {
  @TempDir Path dir;
  private final FakeIcmpProbe icmp = new FakeIcmpProbe();
  private final FakeSnmpProbe snmp = new FakeSnmpProbe();
  private final RecordingChannel channel = new RecordingChannel("recording-1");
  private Agent agent;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      await(agent.stop());
    }
  }

  @Test
  void aSiteFailingDownAfterChecksInARowGoesDownAndIsAnnouncedOnce(Vertx vertx) throws Exception {
    start(vertx, fast("a: 127.0.0.11", "b: 127.0.0.12"));
    until("both UP", () -> state("a") == SiteState.UP && state("b") == SiteState.UP);
    assertThat(channel.delivered()).as("nothing to say while all is well").isEmpty();

    cut("127.0.0.11");
    until("a DOWN", () -> state("a") == SiteState.DOWN);
    until("the DOWN message", () -> !channel.delivered().isEmpty());
    Thread.sleep(2_000); // rechecks and further checks of a DOWN site say nothing new
    assertThat(channel.delivered()).hasSize(1);
    Notification down = channel.delivered().get(0);
    assertThat(down.kind()).isEqualTo(Notification.Kind.SITE);
    assertThat(down.resolved()).isFalse();
    assertThat(down.sites()).extracting(Notification.SiteLine::id).containsExactly("a");
    assertThat(state("b")).isEqualTo(SiteState.UP);

    restore("127.0.0.11");
    until("a UP and its recovery told", () -> state("a") == SiteState.UP && channel.delivered().size() == 2);
    assertThat(channel.delivered().get(1).resolved()).isTrue();
  }

  @Test
  void aChildBehindADownParentIsUnreachableAndOnlyTheParentIsAnnounced(Vertx vertx) throws Exception {
    start(vertx, fast("core: 127.0.0.10", "a: 127.0.0.11 parent core", "b: 127.0.0.12 parent core"));
    until("all UP", () -> board().count(SiteState.UP) == 3);

    cut("127.0.0.10", "127.0.0.11", "127.0.0.12");
    until(
        "core DOWN, its children UNREACHABLE",
        () -> state("core") == SiteState.DOWN
            && state("a") == SiteState.UNREACHABLE
            && state("b") == SiteState.UNREACHABLE);
    until("the message", () -> !channel.delivered().isEmpty());
    Thread.sleep(1_500);
    assertThat(channel.delivered())
        .as("one alert for the parent; the children's are suppressed")
        .hasSize(1)
        .allSatisfy(n -> assertThat(n.sites()).extracting(Notification.SiteLine::id).containsExactly("core"));
  }

  @Test
  void whenTheSelfCheckTargetsFallSilentTheAgentGoesBlindInsteadOfCallingSitesDown(Vertx vertx)
      throws Exception {
    start(
        vertx,
        fast("a: 127.0.0.11", "b: 127.0.0.12").section("self_check", "{ targets: [127.0.0.200], down_after: 2 }"));
    until("both UP", () -> board().count(SiteState.UP) == 2);

    // vcmon's own uplink is cut: the self-check target and every site fall silent together.
    cut("127.0.0.200", "127.0.0.11", "127.0.0.12");
    until("blind", () -> board().blind() != null);
    Thread.sleep(2_500);
    assertThat(board().blind()).contains("127.0.0.200");
    assertThat(board().count(SiteState.DOWN)).as("no site called DOWN for vcmon's own fault").isZero();
    assertThat(channel.delivered()).extracting(Notification::kind).doesNotContain(Notification.Kind.SITE);

    restore("127.0.0.200", "127.0.0.11", "127.0.0.12");
    until("sight back and sites UP", () -> board().blind() == null && board().count(SiteState.UP) == 2);
  }

  @Test
  void aSiteInAMaintenanceWindowIsNotAlertedWhenItFails(Vertx vertx) throws Exception {
    Instant now = Instant.now();
    start(
        vertx,
        fast("a: 127.0.0.11", "b: 127.0.0.12")
            .section("maintenance", "\n  - { site: a, start: \"" + local(now.minusSeconds(120)) + "\", end: \""
                + local(now.plusSeconds(3600)) + "\", note: line work }"));
    until("a in maintenance, b UP", () -> state("a") == SiteState.MAINTENANCE && state("b") == SiteState.UP);
    assertThat(board().site("a").orElseThrow().reason()).contains("line work");

    cut("127.0.0.11");
    Thread.sleep(3_000);
    assertThat(state("a")).isEqualTo(SiteState.MAINTENANCE);
    assertThat(channel.delivered()).isEmpty();
  }

  @Test
  void aReloadAddsRemovesAndChangesSitesWhileTheOthersGoOn(Vertx vertx) throws Exception {
    start(vertx, fast("a: 127.0.0.11", "b: 127.0.0.12"));
    until("both UP", () -> board().count(SiteState.UP) == 2);
    Instant aSince = board().site("a").orElseThrow().since();

    fast()
        .site("a", "name: A renamed, type: xã, address: 127.0.0.11")
        .site("c", "name: C, type: xã, address: 127.0.0.13")
        .write();
    ReloadResult result = await(agent.reload("test"));
    assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);

    until("c checked and UP", () -> state("c") == SiteState.UP);
    assertThat(board().site("b")).as("removed").isEmpty();
    SiteStatus a = board().site("a").orElseThrow();
    assertThat(a.site().name()).isEqualTo("A renamed");
    assertThat(a.state()).isEqualTo(SiteState.UP);
    assertThat(a.since()).as("a kept site keeps its state and since").isEqualTo(aSince);
    int before = icmp.batches().size();
    Thread.sleep(1_500);
    assertThat(icmp.batches().subList(before, icmp.batches().size()))
        .as("the removed site is no longer pinged")
        .allSatisfy(batch -> assertThat(batch).doesNotContain("127.0.0.12"));
  }

  @Test
  void snapshotsWithoutTransitionsArePublishedAtMostOnceASecond(Vertx vertx) throws Exception {
    String[] list = new String[40];
    for (int i = 0; i < list.length; i++) {
      list[i] = "s" + i + ": 127.0.1." + (i + 1);
    }
    start(vertx, fast(list));
    until("all UP", () -> board().count(SiteState.UP) == list.length);
    Thread.sleep(1_500); // the last transitions are behind us

    List<Long> publishedAt = new CopyOnWriteArrayList<>();
    AtomicInteger transitions = new AtomicInteger();
    agent.board().onSnapshot(s -> publishedAt.add(System.nanoTime() / 1_000_000));
    agent.board().onTransitions(ts -> transitions.addAndGet(ts.size()));
    int batchesBefore = icmp.batches().size();
    Thread.sleep(4_000);
    int batches = icmp.batches().size() - batchesBefore;
    assertThat(transitions.get()).isZero();
    assertThat(batches).as("the sites are spread over the interval: many small batches").isGreaterThan(10);
    assertThat(publishedAt.size())
        .as("one snapshot a second however many batches end (%d batches; published at %s ms)", batches, publishedAt)
        .isBetween(2, 5);
    for (int i = 1; i < publishedAt.size(); i++) {
      assertThat(publishedAt.get(i) - publishedAt.get(i - 1))
          .as("time between snapshots without transitions, ms (published at %s)", publishedAt)
          .isGreaterThanOrEqualTo(StatePublisher.SNAPSHOT_MILLIS - 50);
    }
    assertThat(board().site("s0").orElseThrow().lastCheckAt())
        .as("measurements still reach the board")
        .isAfter(Instant.now().minusSeconds(3));
  }

  @Test
  void theAgentStartsAndClosesEveryPartItIsGiven(Vertx vertx) throws Exception {
    start(vertx, fast("a: 127.0.0.11"));
    assertThat(snmp.started()).isTrue();
    await(agent.stop());
    agent = null;
    assertThat(icmp.closed()).isTrue();
    assertThat(snmp.closed()).isTrue();
    assertThat(channel.closed()).isTrue();
  }

  /** The site's link is cut: neither ping nor SNMP gets through. */
  private void cut(String... addresses) {
    for (String a : addresses) {
      icmp.silent(a);
      snmp.silent(a);
    }
  }

  private void restore(String... addresses) {
    for (String a : addresses) {
      icmp.answer(a);
      snmp.answer(a);
    }
  }

  private void start(Vertx vertx, TestConfig config) throws Exception {
    AgentConfig cfg = config.load();
    AgentParts parts =
        new AgentParts(
            Clock.systemUTC(), new SqliteStore(vertx, cfg.store().path()), icmp, snmp, List.of(channel));
    agent = await(TestAgent.start(vertx, cfg, parts));
  }

  /** interval 1 s and recheck 500 ms (the smallest allowed): a cut is confirmed in about 2 s. */
  private TestConfig fast() {
    return TestConfig.in(dir)
        .section("probe", "{ interval: 1s, timeout: 500ms, recheck_interval: 500ms, icmp: { packets: 2, period: 100ms } }")
        .section("state", "{ down_after: 3, up_after: 2 }")
        .section("alerts", "{ digest: { window: 0s } }");
  }

  /** {@link #fast()} with sites as {@code "id: address [parent P]"}; every site answers SNMP through the fake. */
  private TestConfig fast(String... specs) {
    TestConfig cfg = fast().section("snmp_profiles", "{ p: { version: 2c, community: public } }");
    for (String spec : specs) {
      String[] idAndRest = spec.split(": ", 2);
      String[] words = idAndRest[1].split(" ");
      cfg.site(
          idAndRest[0],
          "name: " + idAndRest[0].toUpperCase() + ", type: xã, address: " + words[0] + ", snmp: { profile: p }"
              + (words.length == 3 ? ", parent: " + words[2] : ""));
    }
    return cfg;
  }

  private static String local(Instant at) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
        .format(java.time.LocalDateTime.ofInstant(at, java.time.ZoneId.of("Asia/Ho_Chi_Minh")));
  }

  private StateSnapshot board() {
    return agent.board().snapshot();
  }

  private SiteState state(String id) {
    return board().site(id).map(SiteStatus::state).orElse(null);
  }

  private static void until(String what, BooleanSupplier condition) throws InterruptedException {
    Poll.until(condition, Duration.ofSeconds(15), Duration.ofMillis(50), what);
  }
}
