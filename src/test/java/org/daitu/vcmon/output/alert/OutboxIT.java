package org.daitu.vcmon.output.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.output.metrics.AgentMetrics;
import org.daitu.vcmon.store.OutboxStats;
import org.daitu.vcmon.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox with a real SQLite store and a real webhook receiver on loopback that is down for a
 * while: every notification arrives exactly once and in order, also across a restart.
 */
class OutboxIT {
  static final Instant AT = Instant.parse("2020-08-12T00:00:00Z");

  @TempDir Path dir;
  Vertx vertx;
  WebClient client;
  SqliteStore store;
  SimpleMeterRegistry registry;
  AgentMetrics metrics;
  int port;
  HttpServer receiver;
  final List<String> keys = new CopyOnWriteArrayList<>();
  final List<Outbox> outboxes = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    store = new SqliteStore(vertx, dir.resolve("vcmon.db"));
    await(store.open());
    registry = new SimpleMeterRegistry();
    metrics =
        new AgentMetrics(
            registry, () -> null, new AgentConfig.Rollout(30, null),
            ZoneOffset.UTC, "test");
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (Outbox o : outboxes) {
      vertx.runOnContext(v -> o.stop());
    }
    await(store.close());
    await(vertx.close());
  }

  void receiverUp() throws Exception {
    receiver =
        await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req ->
                        req.body()
                            .onSuccess(
                                b -> {
                                  keys.add(new JsonObject(b.toString()).getString("key"));
                                  req.response().setStatusCode(204).end();
                                }))
                .listen(port, "127.0.0.1"));
  }

  Outbox outbox(SqliteStore s) throws Exception {
    Channel hook =
        new WebhookChannel(
            "webhook-1",
            client,
            new AgentConfig.Webhook("http://127.0.0.1:" + port + "/hook", Map.of(), "info", true),
            Duration.ofSeconds(2));
    Outbox o = new Outbox(vertx, s, List.of(hook), metrics, Clock.systemUTC());
    outboxes.add(o);
    // Started on a context of its own, as the agent does in its verticle.
    io.vertx.core.Context ctx = vertx.getOrCreateContext();
    io.vertx.core.Promise<Void> started = io.vertx.core.Promise.promise();
    ctx.runOnContext(v -> o.start().onComplete(started));
    await(started.future());
    return o;
  }

  static Notification event(int i) {
    return new Notification(
        "site:xa-" + i + ":DOWN",
        Notification.Kind.SITE,
        Notification.Severity.CRITICAL,
        false,
        AT.plusSeconds(i),
        "Xã " + i + " mất kết nối",
        "text " + i,
        List.of(new Notification.SiteLine("xa-" + i, "Xã " + i, "DOWN", "UP", AT, "no ping answer")));
  }

  void awaitKeys(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (keys.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    // A little longer: a duplicate would show up now.
    Thread.sleep(700);
  }

  double counter(String name) {
    var c = registry.find(name).tag("channel", "webhook-1").counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aReceiverDownForAWhileGetsEveryNotificationOnceInOrder() throws Exception {
    Outbox o = outbox(store);
    List<Notification> batch = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      batch.add(event(i));
    }
    await(o.submit(batch.subList(0, 3)));
    await(o.submit(batch.subList(3, 5)));
    Thread.sleep(2_500); // several failed attempts against a closed port
    assertThat(keys).isEmpty();
    OutboxStats waiting = await(store.outboxStats(Instant.now()));
    assertThat(waiting.queued()).isEqualTo(5);
    assertThat(counter("vcmon.notifications.failed")).isGreaterThanOrEqualTo(2);
    assertThat(counter("vcmon.notifications.retried")).isGreaterThanOrEqualTo(1);

    receiverUp();
    awaitKeys(5);
    assertThat(keys)
        .containsExactly(
            "site:xa-1:DOWN", "site:xa-2:DOWN", "site:xa-3:DOWN", "site:xa-4:DOWN", "site:xa-5:DOWN");
    assertThat(counter("vcmon.notifications.sent")).isEqualTo(5);
    assertThat(await(store.outboxStats(Instant.now())).queued()).isZero();
    Thread.sleep(700);
    assertThat(registry.find("vcmon.notifications.queued").gauge().value()).isZero();
  }

  @Test
  void aRestartedAgentDeliversWhatWasPending() throws Exception {
    Outbox first = outbox(store);
    await(first.submit(List.of(event(1), event(2))));
    Thread.sleep(300);
    vertx.runOnContext(v -> first.stop());
    await(store.close());

    store = new SqliteStore(vertx, dir.resolve("vcmon.db"));
    await(store.open());
    receiverUp();
    outbox(store);
    awaitKeys(2);
    assertThat(keys).containsExactly("site:xa-1:DOWN", "site:xa-2:DOWN");
  }

  @Test
  void aDuplicateSubmitIsDeliveredOnce() throws Exception {
    receiverUp();
    Outbox o = outbox(store);
    await(o.submit(List.of(event(1))));
    await(o.submit(List.of(event(1), event(2))));
    awaitKeys(2);
    await(o.submit(List.of(event(1))));
    Thread.sleep(1_000);
    assertThat(keys).containsExactly("site:xa-1:DOWN", "site:xa-2:DOWN");
  }
}
