package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.ConfigLoader;
import org.daitu.vcmon.history.StateChange;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.store.OutboxItem;
import org.daitu.vcmon.store.SqliteStore;
import org.daitu.vcmon.testing.FakeIcmpProbe;
import org.daitu.vcmon.testing.FakeSnmpProbe;
import org.daitu.vcmon.testing.Poll;
import org.daitu.vcmon.testing.RecordingChannel;
import org.daitu.vcmon.testing.TestAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Stopping the real agent (monitor, tracker, alert policy, outbox, SQLite store) while checks and
 * deliveries are in flight, on fake probes held by the test: the stop causes no transition, no
 * notification, no store error and marks nothing failed, and leaves the store file closed (its
 * write-ahead log checkpointed away) and readable. No root, no fping.
 */
@ExtendWith(VertxExtension.class)
class AgentStopTest {
  /** interval 1 s; every change confirmed at once, so a check judged after the stop would show. */
  private static final String FAST =
      "http: { host: 127.0.0.1, port: 0 }\n"
          + "probe: { interval: 1s, timeout: 500ms, recheck_interval: 500ms, icmp: { packets: 2, period: 100ms },"
          + " snmp: { interval: 0s } }\n"
          + "state: { down_after: 1, up_after: 1 }\n"
          + "alerts: { digest: { window: 0s } }\n"
          + "snmp_profiles: { p: { version: 2c, community: public } }\n"
          + "sites:\n"
          + "  - { id: a, name: A, type: xã, address: 127.0.0.11, snmp: { profile: p } }\n"
          + "  - { id: b, name: B, type: xã, address: 127.0.0.12, snmp: { profile: p } }\n";

  @TempDir Path dir;
  private final Captured logs = new Captured();
  private final ch.qos.logback.classic.Logger root =
      (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private Agent agent;

  @BeforeEach
  void captureLogs() {
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void stop() throws Exception {
    root.detachAppender(logs);
    if (agent != null) {
      await(agent.stop());
    }
  }

  @Test
  void aPingInFlightWhenTheAgentStopsIsNotJudgedWhenItsProbeClosesUnderIt(Vertx vertx) throws Exception {
    FakeIcmpProbe icmp = new FakeIcmpProbe();
    RecordingChannel channel = new RecordingChannel("recording-1");
    agent = start(vertx, icmp, new FakeSnmpProbe(), channel);
    until("both UP", () -> state("a") == SiteState.UP && state("b") == SiteState.UP);
    until("both recorded", () -> changes().size() == 2);

    // Cut, then held: judged, a would go DOWN; closed under the check, it must not become UNKNOWN.
    icmp.silent("127.0.0.11").hold();
    until("a ping in flight", () -> icmp.inFlight() > 0);
    int logged = logs.count();
    Instant stopAt = Instant.now();
    long started = System.nanoTime();
    await(agent.stop(), Agent.STOP_LIMIT);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    agent = null;

    assertThat(icmp.closed()).isTrue();
    assertThat(icmp.inFlight()).as("the held ping ended when its probe closed").isZero();
    assertThat(took).as("no step had to run out of its time").isLessThan(Agent.STOP_CHECKS);
    assertCleanStop(logs.since(logged));
    assertThat(channel.delivered()).as("nothing to say, before or because of the stop").isEmpty();
    assertStoreClosedWithChangesBefore(vertx, stopAt, 2);
  }

  @Test
  void aCheckEndingAfterTheStopWithWhatItGotIsNotJudged(Vertx vertx) throws Exception {
    FakeIcmpProbe icmp = new FakeIcmpProbe();
    FakeSnmpProbe snmp = new FakeSnmpProbe();
    RecordingChannel channel = new RecordingChannel("recording-1");
    agent = start(vertx, icmp, snmp, channel);
    until("both UP", () -> state("a") == SiteState.UP && state("b") == SiteState.UP);
    until("both recorded", () -> changes().size() == 2);

    // The ping is lost and the poll hangs; when the SNMP probe closes, the poll ends UNAVAILABLE
    // and the check ends with "no answer to 2 pings": judged, a would go DOWN and be announced.
    icmp.silent("127.0.0.11");
    snmp.hold();
    until("a poll in flight", () -> snmp.inFlight() > 0);
    int logged = logs.count();
    Instant stopAt = Instant.now();
    await(agent.stop(), Agent.STOP_LIMIT);
    agent = null;

    assertThat(snmp.closed()).isTrue();
    assertThat(snmp.inFlight()).isZero();
    assertCleanStop(logs.since(logged));
    assertThat(channel.delivered()).isEmpty();
    assertStoreClosedWithChangesBefore(vertx, stopAt, 2);
    SqliteStore reopened = new SqliteStore(vertx, dir.resolve("vcmon.db"));
    try {
      await(reopened.open());
      assertThat(await(reopened.pending(Instant.now().plusSeconds(3600), 10))).as("no notification queued").isEmpty();
    } finally {
      await(reopened.close());
    }
  }

  @Test
  void aDeliveryHangingAtTheStopStaysQueuedUnmarkedAndIsSentAfterTheNextStart(Vertx vertx) throws Exception {
    FakeIcmpProbe icmp = new FakeIcmpProbe();
    FakeSnmpProbe snmp = new FakeSnmpProbe();
    RecordingChannel hanging = new RecordingChannel("recording-1").hold();
    agent = start(vertx, icmp, snmp, hanging);
    until("both UP", () -> state("a") == SiteState.UP && state("b") == SiteState.UP);
    icmp.silent("127.0.0.11");
    snmp.silent("127.0.0.11");
    until("a's notification being sent", () -> hanging.inFlight() == 1);
    int logged = logs.count();
    long started = System.nanoTime();
    await(agent.stop(), Agent.STOP_LIMIT.plusSeconds(1));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    agent = null;

    List<ILoggingEvent> during = logs.since(logged);
    assertThat(took).as("the hung delivery is waited for, bounded").isLessThan(Agent.STOP_LIMIT);
    assertThat(messages(during, Level.WARN))
        .as("the only warning: the outbox step ran out of its time")
        .singleElement()
        .satisfies(m -> assertThat(m).startsWith("Stop step did not end in time").contains("stop alerting"));
    assertThat(messages(during, Level.ERROR)).isEmpty();
    assertThat(messages(during, Level.INFO)).noneMatch(m -> m.startsWith("Site state changed"));
    // The channel closes last and fails the send: the outbox leaves the item as it was.
    until(
        "the failed send left alone",
        () -> messages(logs.since(logged), Level.INFO).stream().anyMatch(m -> m.startsWith("Notification left in the outbox")));
    assertThat(messages(logs.since(logged), Level.WARN)).hasSize(1);
    assertThat(hanging.delivered()).isEmpty();

    SqliteStore reopened = new SqliteStore(vertx, dir.resolve("vcmon.db"));
    List<OutboxItem> queued;
    try {
      await(reopened.open());
      queued = await(reopened.pending(Instant.now().plusSeconds(3600), 10));
    } finally {
      await(reopened.close());
    }
    assertThat(queued).as("still queued, not marked failed by the stop").singleElement()
        .satisfies(item -> assertThat(item.attempts()).isZero());

    RecordingChannel after = new RecordingChannel("recording-1");
    agent = start(vertx, new FakeIcmpProbe().silent("127.0.0.11"), new FakeSnmpProbe().silent("127.0.0.11"), after);
    until("delivered after the next start", () -> !after.delivered().isEmpty());
    assertThat(after.delivered().get(0).key()).isEqualTo(queued.get(0).key());
  }

  /** No transition, no store error, nothing at WARN or above while stopping. */
  private static void assertCleanStop(List<ILoggingEvent> during) {
    assertThat(messages(during, Level.WARN)).as("warnings and errors while stopping").isEmpty();
    assertThat(messages(during, Level.TRACE))
        .noneMatch(m -> m.startsWith("Site state changed"))
        .noneMatch(m -> m.contains("to=UNKNOWN"))
        .noneMatch(m -> m.startsWith("Store write failed"))
        .noneMatch(m -> m.startsWith("Notification kind="));
    assertThat(messages(during, Level.INFO)).anyMatch(m -> m.startsWith("Monitoring stopped"));
  }

  /**
   * The store file was closed cleanly (its write-ahead log checkpointed into it and removed),
   * opens again, and holds exactly the transitions made before the stop.
   */
  private void assertStoreClosedWithChangesBefore(Vertx vertx, Instant stopAt, int count) throws Exception {
    assertThat(dir.resolve("vcmon.db-wal")).as("closed cleanly: no write-ahead log left").doesNotExist();
    SqliteStore reopened = new SqliteStore(vertx, dir.resolve("vcmon.db"));
    try {
      await(reopened.open());
      List<StateChange> changes = await(reopened.changes(Instant.EPOCH, Instant.now().plusSeconds(3600)));
      assertThat(changes).hasSize(count).allSatisfy(c -> assertThat(c.at()).isBefore(stopAt));
    } finally {
      await(reopened.close());
    }
  }

  private static List<String> messages(List<ILoggingEvent> events, Level atLeast) {
    return events.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(atLeast))
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  /** Every log event, from any thread. */
  private static final class Captured extends AppenderBase<ILoggingEvent> {
    final List<ILoggingEvent> list = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      list.add(event);
    }

    int count() {
      return list.size();
    }

    /** The events logged after the first {@code n}. */
    List<ILoggingEvent> since(int n) {
      List<ILoggingEvent> all = List.copyOf(list);
      return all.subList(n, all.size());
    }
  }

  /** The store of the agent running now. */
  private SqliteStore running;

  private List<StateChange> changes() {
    try {
      return await(running.changes(Instant.EPOCH, Instant.now().plusSeconds(3600)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Agent start(Vertx vertx, FakeIcmpProbe icmp, FakeSnmpProbe snmp, RecordingChannel channel) throws Exception {
    Path file = dir.resolve("vcmon.yaml");
    Files.writeString(file, FAST + "store: { path: " + dir.resolve("vcmon.db") + " }\n");
    AgentConfig cfg = ConfigLoader.load(file, Map.of());
    running = new SqliteStore(vertx, cfg.store().path());
    return await(TestAgent.start(vertx, cfg, new AgentParts(Clock.systemUTC(), running, icmp, snmp, List.of(channel))));
  }

  private SiteState state(String id) {
    return agent.board().snapshot().site(id).map(SiteStatus::state).orElse(null);
  }

  private static void until(String what, BooleanSupplier condition) throws InterruptedException {
    Poll.until(condition, Duration.ofSeconds(15), Duration.ofMillis(50), what);
  }
}
