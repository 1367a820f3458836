package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.NetnsFleet;
import org.daitu.vcmon.testing.Poll;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts against real endpoints in network namespaces, with the acceptance settings (interval
 * 10s, recheck 2s, down_after 3, timeout 1s, digest window 10s for 3 sites): the time from a cut
 * to the webhook's DOWN message and from the repair to the recovery; a storm of 20 cuts is one
 * digest; a receiver down for two minutes gets everything afterwards, once and in order.
 */
class AlertsIT {
  static final int SITES = 22;
  static NetnsFleet fleet;
  static Vertx vertx;
  static TestAgent.Running agent;
  static ApiClient api;
  static int receiverPort;
  static HttpServer receiver;
  static final List<JsonObject> received = new CopyOnWriteArrayList<>();
  static final List<Long> receivedAt = new CopyOnWriteArrayList<>();
  static final Map<String, String> figures = new HashMap<>();

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    HostTools.requireAvailable(NetnsFleet.unavailableReason());
    fleet = NetnsFleet.up(SITES);
    vertx = Vertx.vertx();
    receiverPort = startReceiver(0);
    AgentConfig cfg = TestConfig.in(dir)
        .section("probe", "{ interval: 10s, timeout: 1s, recheck_interval: 2s }")
        .section("state", "{ down_after: 3, up_after: 2 }")
        .section("alerts", "{ digest: { window: 10s, min_sites: 3 },"
            + " webhooks: [ { url: \"http://127.0.0.1:" + receiverPort + "/hook\" } ] }")
        .fleet(fleet.sites())
        .load();
    agent = TestAgent.running(vertx, cfg);
    api = agent.api();
    api.waitFor("all UP", Duration.ofSeconds(60), b -> ApiClient.count(b, "UP") == SITES);
  }

  static int startReceiver(int port) throws Exception {
    receiver =
        vertx.createHttpServer()
            .requestHandler(req -> req.body().onSuccess(b -> {
              received.add(b.toJsonObject());
              receivedAt.add(System.nanoTime());
              req.response().setStatusCode(204).end();
            }))
            .listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return receiver.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (fleet != null) {
      fleet.close();
    }
    if (!figures.isEmpty()) {
      System.out.println("Alert times (interval 10s, recheck 2s, down_after 3, timeout 1s, digest 10s): " + figures);
    }
  }

  /** Waits for a message received after index {@code from} matching the condition; returns its index. */
  static int awaitMessage(int from, Duration limit, Predicate<JsonObject> what, String description) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      for (int i = from; i < received.size(); i++) {
        if (what.test(received.get(i))) {
          return i;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not within " + limit.toSeconds() + "s: " + description + "; received " + received.subList(from, received.size()));
  }

  /**
   * Each test starts from every site UP and the messages of whatever ran before delivered (none
   * received for 20 s, twice the digest window), so the tests do not depend on their order.
   */
  @BeforeEach
  void settle() throws Exception {
    api.waitFor("all UP", Duration.ofSeconds(90), b -> ApiClient.count(b, "UP") == SITES);
    Poll.until(
        () -> receivedAt.isEmpty()
            || System.nanoTime() - receivedAt.get(receivedAt.size() - 1) > TimeUnit.SECONDS.toNanos(20),
        Duration.ofSeconds(120), Duration.ofSeconds(1), "no message for 20 s");
  }

  static Predicate<JsonObject> about(String site, boolean resolved) {
    return m -> m.getString("kind").equals("site")
        && m.getBoolean("resolved", false) == resolved
        && m.getJsonArray("sites").getJsonObject(0).getString("id").equals(site);
  }

  @Test
  void oneCutReachesTheWebhookWithinIntervalConfirmationAndTheWindow() throws Exception {
    String id = fleet.sites().get(0).id();
    int from = received.size();
    fleet.fail(1);
    long cut = System.nanoTime();
    int i = awaitMessage(from, Duration.ofSeconds(40), about(id, false), "DOWN of " + id);
    double down = (receivedAt.get(i) - cut) / 1e9;
    assertThat(received.get(i).getString("text")).contains("Xã 1").contains("mất kết nối");
    // interval 10 s + confirmation (3 checks ~2 s apart) + margin: a lone cut is not held for the
    // digest window, but the bound leaves room for it
    assertThat(down).isLessThan(32);
    fleet.recover(1);
    long repaired = System.nanoTime();
    int j = awaitMessage(i + 1, Duration.ofSeconds(40), about(id, true), "recovery of " + id);
    double up = (receivedAt.get(j) - repaired) / 1e9;
    assertThat(up).isLessThan(32);
    figures.put("cut -> DOWN message", String.format("%.1fs", down));
    figures.put("repair -> recovery message", String.format("%.1fs", up));
  }

  @Test
  void twentyCutsAtOnceAreOneDigest() throws Exception {
    int from = received.size();
    for (int n = 3; n <= SITES; n++) {
      fleet.fail(n);
    }
    long cut = System.nanoTime();
    int i = awaitMessage(from, Duration.ofSeconds(90), m -> m.getString("kind").equals("digest"), "the digest");
    figures.put("20 cuts -> one digest", String.format("%.1fs", (receivedAt.get(i) - cut) / 1e9));
    assertThat(received.get(i).getJsonArray("sites")).hasSize(20);
    assertThat(received.get(i).getString("title")).startsWith("20/22 xã mất kết nối");
    Thread.sleep(15_000);
    assertThat(received.subList(from, received.size())).as("one digest, not 20 messages").hasSize(1);
    for (int n = 3; n <= SITES; n++) {
      fleet.recover(n);
    }
    api.waitFor("all UP again", Duration.ofSeconds(60), b -> ApiClient.count(b, "UP") == SITES);
  }

  @Test
  void aReceiverDownForTwoMinutesGetsEverythingAfterwardsOnceAndInOrder() throws Exception {
    int from = received.size();
    receiver.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    String id = fleet.sites().get(1).id();
    fleet.fail(2);
    api.waitFor(id + " DOWN", Duration.ofSeconds(40), ApiClient.state(id, "DOWN"));
    Thread.sleep(15_000); // the DOWN message is due and fails against the closed port
    fleet.recover(2);
    api.waitFor(id + " UP", Duration.ofSeconds(40), ApiClient.state(id, "UP"));
    long down = System.nanoTime();
    while (System.nanoTime() - down < TimeUnit.SECONDS.toNanos(120 - 45)) {
      Thread.sleep(1000);
    }
    assertThat(api.get("/metrics").body()).containsPattern("vcmon_notifications_queued [1-9]");
    startReceiver(receiverPort);
    // Retries back off exponentially (1 s, 2 s, 4 s ... at most 5 min): the next try may be minutes away.
    int up = awaitMessage(from, Duration.ofSeconds(200), about(id, true), "the recovery after the receiver came back");
    int dn = awaitMessage(from, Duration.ofSeconds(1), about(id, false), "the DOWN after the receiver came back");
    assertThat(dn).as("in order: DOWN before its recovery").isLessThan(up);
    Thread.sleep(5_000);
    List<String> keys = new ArrayList<>();
    received.subList(from, received.size()).forEach(m -> keys.add(m.getString("key")));
    assertThat(keys).as("each once").doesNotHaveDuplicates();
  }
}
