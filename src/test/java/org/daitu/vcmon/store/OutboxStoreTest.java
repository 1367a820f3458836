package org.daitu.vcmon.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox table in a real SQLite file: idempotency, order, head-of-line, backoff, restart. */
class OutboxStoreTest {
  static final Instant T0 = Instant.parse("2020-08-12T00:00:00Z");

  @TempDir Path dir;
  Vertx vertx;
  SqliteStore store;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    store = new SqliteStore(vertx, dir.resolve("vcmon.db"));
    await(store.open());
  }

  @AfterEach
  void stop() throws Exception {
    await(store.close());
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    }
  }

  static OutboxItem item(String channel, String key, int second) {
    return OutboxItem.fresh(channel, key, "{\"key\":\"" + key + "\"}", T0.plusSeconds(second));
  }

  static List<String> keys(List<OutboxItem> items) {
    return items.stream().map(i -> i.channel() + "/" + i.key()).toList();
  }

  @Test
  void aDuplicateKeyIsQueuedOncePerChannelEvenAfterDelivery() throws Exception {
    assertThat(await(store.enqueue(List.of(item("hook", "a", 0), item("chat", "a", 0))))).isEqualTo(2);
    assertThat(await(store.enqueue(List.of(item("hook", "a", 1))))).isZero();
    OutboxItem first = await(store.pending(T0.plusSeconds(5), 10)).get(0);
    await(store.delivered(first.id(), T0.plusSeconds(6)));
    assertThat(await(store.enqueue(List.of(item("hook", "a", 7), item("hook", "b", 7))))).isEqualTo(1);
    assertThat(keys(await(store.pending(T0.plusSeconds(8), 10)))).containsExactly("chat/a", "hook/b");
  }

  @Test
  void aFailingItemHoldsBackItsChannelOnlyUntilItsRetry() throws Exception {
    await(store.enqueue(List.of(item("hook", "1", 0), item("hook", "2", 1), item("chat", "3", 2))));
    OutboxItem head = await(store.pending(T0.plusSeconds(3), 10)).get(0);
    assertThat(head.key()).isEqualTo("1");
    await(store.failed(head.id(), 1, T0.plusSeconds(10), "HTTP 503"));

    assertThat(keys(await(store.pending(T0.plusSeconds(4), 10)))).containsExactly("chat/3");
    List<OutboxItem> due = await(store.pending(T0.plusSeconds(10), 10));
    assertThat(keys(due)).containsExactly("hook/1", "hook/2", "chat/3");
    assertThat(due.get(0).attempts()).isEqualTo(1);
    assertThat(due.get(0).nextAttemptAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(keys(await(store.pending(T0.plusSeconds(10), 2)))).containsExactly("hook/1", "hook/2");
  }

  @Test
  void statsCountUndeliveredAndTheOldestAgeAndSurviveARestart() throws Exception {
    assertThat(await(store.outboxStats(T0))).isEqualTo(new OutboxStats(0, Duration.ZERO));
    await(store.enqueue(List.of(item("hook", "1", 0), item("hook", "2", 30))));
    await(store.close());
    store = new SqliteStore(vertx, dir.resolve("vcmon.db"));
    await(store.open());
    assertThat(await(store.outboxStats(T0.plusSeconds(60))))
        .isEqualTo(new OutboxStats(2, Duration.ofSeconds(60)));
    OutboxItem head = await(store.pending(T0.plusSeconds(60), 1)).get(0);
    assertThat(head.payload()).isEqualTo("{\"key\":\"1\"}");
    assertThat(head.createdAt()).isEqualTo(T0);
    await(store.delivered(head.id(), T0.plusSeconds(61)));
    assertThat(await(store.outboxStats(T0.plusSeconds(90))))
        .isEqualTo(new OutboxStats(1, Duration.ofSeconds(60)));
  }

  @Test
  void anAbandonedItemIsNeverPendingHoldsNothingBackAndIsNotCounted() throws Exception {
    await(store.enqueue(List.of(item("oa", "1", 0), item("oa", "2", 1))));
    OutboxItem head = await(store.pending(T0.plusSeconds(2), 10)).get(0);
    await(store.failed(head.id(), 1, T0.plusSeconds(10), "error -32"));
    await(store.abandoned(head.id(), 2, T0.plusSeconds(3), "error -213: User has not followed the OA"));

    assertThat(keys(await(store.pending(T0.plusSeconds(4), 10)))).containsExactly("oa/2");
    assertThat(keys(await(store.pending(T0.plusSeconds(60), 10)))).containsExactly("oa/2");
    assertThat(await(store.outboxStats(T0.plusSeconds(61)))).isEqualTo(new OutboxStats(1, Duration.ofSeconds(60)));
    assertThat(await(store.enqueue(List.of(item("oa", "1", 5))))).as("still settled: not queued again").isZero();
  }

  @Test
  void aChannelTokenIsReplacedByTheNewestAndSurvivesARestart() throws Exception {
    assertThat(await(store.channelToken("zalo_oa:42"))).isEmpty();
    await(store.saveChannelToken("zalo_oa:42", new ChannelToken("refresh-1", "d1", T0)));
    await(store.saveChannelToken("zalo_oa:42", new ChannelToken("refresh-2", "d1", T0.plusSeconds(90000))));
    await(store.saveChannelToken("zalo_oa:43", new ChannelToken("other", "d2", T0)));
    await(store.close());
    store = new SqliteStore(vertx, dir.resolve("vcmon.db"));
    await(store.open());
    assertThat(await(store.channelToken("zalo_oa:42")))
        .contains(new ChannelToken("refresh-2", "d1", T0.plusSeconds(90000)));
    assertThat(await(store.channelToken("zalo_oa:43")).orElseThrow().refreshToken()).isEqualTo("other");
    assertThat(new ChannelToken("refresh-2", "d1", T0).toString()).doesNotContain("refresh-2");
  }
}
