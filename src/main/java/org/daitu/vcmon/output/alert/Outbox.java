package org.daitu.vcmon.output.alert;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import org.daitu.vcmon.output.metrics.AgentMetrics;
import org.daitu.vcmon.store.Backoff;
import org.daitu.vcmon.store.OutboxItem;
import org.daitu.vcmon.store.OutboxStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable outbox between the alert policy and the channels. {@link #submit} stores one item
 * per channel that accepts a notification and completes once that is committed, so a crash after
 * it loses nothing; delivery then runs on its own:
 *
 * <ul>
 *   <li>per channel strictly in creation order: a failing item holds back its channel's later
 *       items (a site's recovery never overtakes its alert), other channels go on;
 *   <li>retries with exponential backoff (1 s, 2 s, 4 s, ... capped at 5 min), for as long as it
 *       takes: a chat that is down for an hour still gets every message afterwards; except an
 *       item the channel refused for good ({@link DeliveryException#isPermanent()}: a recipient
 *       that does not exist or does not follow), which is reported once, counted, marked
 *       abandoned and no longer holds its channel back;
 *   <li>at most once per (channel, key): a duplicate submit is ignored by the store, and a
 *       delivered item is marked before the next one of its channel is sent;
 *   <li>what was pending when vcmon stopped is delivered after {@link #start()}; {@link #stop()}
 *       starts no new delivery, lets those in flight end, and leaves an item whose delivery fails
 *       after the stop as it was (not marked failed: the stop is no delivery failure);
 *   <li>while the store cannot write (disk full, read-only), submits and delivery marks wait in
 *       its backlog, in order, and complete once written: nothing is lost, a delivered item is not
 *       sent again (its channel waits for the mark).
 * </ul>
 *
 * <p>Confined to the Vert.x context that calls {@link #start()}; never blocks it (the store works
 * on its own thread).
 */
public final class Outbox {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  private static final Backoff BACKOFF = new Backoff(FIRST_BACKOFF, MAX_BACKOFF);
  /** How often due retries are looked for when nothing else wakes the outbox up. */
  static final Duration TICK = Duration.ofMillis(500);
  /** Items read per round: bounds memory after a long outage. */
  static final int BATCH = 200;

  private final Vertx vertx;
  private final OutboxStore store;
  private final Map<String, Channel> channels = new LinkedHashMap<>();
  private final AgentMetrics metrics;
  private final Clock clock;

  private Context context;
  private long timer = -1;
  private boolean pumping;
  private boolean again;
  private static final Duration UNKNOWN_CHANNEL_PARK = Duration.ofHours(1);
  private final Set<String> busy = new HashSet<>();
  /** Channels no longer configured whose stored items were already reported (once each). */
  private final Set<String> unknownReported = new HashSet<>();
  /** Set by {@link #stop()}; completed once no delivery or read is in flight any more. */
  private Promise<Void> stopped;
  private BiConsumer<String, String> onDelivered = (channel, key) -> {};
  private BiPredicate<String, String> deliveredElsewhere = (channel, key) -> false;

  /**
   * Called on the outbox's context with (channel, key) once an item is delivered and marked: with
   * several agents, the others learn it was sent.
   */
  public void onDelivered(BiConsumer<String, String> listener) {
    this.onDelivered = listener;
  }

  /**
   * Asked before each delivery with (channel, key): true when another agent of the cluster has
   * already delivered it to that channel. The item is then marked delivered without being sent.
   */
  public void deliveredElsewhere(BiPredicate<String, String> test) {
    this.deliveredElsewhere = test;
  }

  /**
   * @param metrics where delivery counts go; null to record none
   */
  public Outbox(Vertx vertx, OutboxStore store, List<Channel> channels, AgentMetrics metrics, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    for (Channel c : channels) {
      if (this.channels.put(c.name(), c) != null) {
        throw new IllegalArgumentException(
            "two alert channels are named \"" + c.name() + "\": channel names must be unique");
      }
    }
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Starts delivering, beginning with what an earlier run left pending. Call on the owning context. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    for (Channel c : channels.values()) {
      c.start();
    }
    timer = vertx.setPeriodic(TICK.toMillis(), id -> pump());
    pump();
    return Future.succeededFuture();
  }

  /**
   * Starts no new delivery; call on the owning context. The future completes once the deliveries
   * in flight have ended (the caller bounds the wait: a channel may take its full timeout), so
   * that a delivery that succeeds is marked before the store closes. Idempotent.
   */
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (stopped == null) {
      stopped = Promise.promise();
      settleIfIdle();
    }
    return stopped.future();
  }

  private void settleIfIdle() {
    if (stopped != null && !pumping && busy.isEmpty()) {
      stopped.tryComplete();
    }
  }

  /**
   * Stores the notifications for every channel that accepts them; completes when they are
   * durable. Delivery follows asynchronously.
   */
  public Future<Void> submit(List<Notification> notifications) {
    List<OutboxItem> items = new ArrayList<>();
    Instant now = clock.instant();
    for (Notification n : notifications) {
      String payload = NotificationJson.toJson(n).encode();
      for (Channel c : channels.values()) {
        if (c.accepts(n)) {
          items.add(OutboxItem.fresh(c.name(), n.key(), payload, now));
        }
      }
    }
    return store
        .enqueue(items)
        .onSuccess(added -> runOnContext(this::pump))
        .mapEmpty();
  }

  /** The delay before attempt {@code attempts + 1}, after {@code attempts} failures. */
  static Duration backoff(int attempts) {
    return BACKOFF.delay(attempts);
  }

  private void runOnContext(Runnable r) {
    if (context == null) {
      return; // not started: start() will pick the items up
    }
    context.runOnContext(v -> r.run());
  }

  /** One round: reads due items and starts a delivery chain for every idle channel. */
  private void pump() {
    if (timer < 0) {
      return;
    }
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    again = false;
    Instant now = clock.instant();
    store
        .pending(now, BATCH)
        .onComplete(
            ar -> {
              pumping = false;
              if (timer < 0) {
                settleIfIdle(); // stopped while reading: start nothing
                return;
              }
              if (ar.failed()) {
                LOG.warn("Outbox cannot read pending notifications: {}", ar.cause().getMessage());
                return;
              }
              Map<String, List<OutboxItem>> byChannel = new LinkedHashMap<>();
              for (OutboxItem item : ar.result()) {
                byChannel.computeIfAbsent(item.channel(), k -> new ArrayList<>()).add(item);
              }
              for (Map.Entry<String, List<OutboxItem>> e : byChannel.entrySet()) {
                if (busy.add(e.getKey())) {
                  deliver(e.getKey(), e.getValue(), 0)
                      .onComplete(
                          done -> {
                            busy.remove(e.getKey());
                            settleIfIdle();
                            pump();
                          });
                }
              }
              updateStats();
              if (again) {
                pump();
              }
            });
  }

  /** Delivers items[from..] one after the other; stops at the first failure. */
  private Future<Void> deliver(String name, List<OutboxItem> items, int from) {
    if (from >= items.size() || timer < 0) {
      return Future.succeededFuture();
    }
    OutboxItem item = items.get(from);
    Channel channel = channels.get(name);
    if (channel == null) {
      // Removed from the config: kept in the store (it may come back), not retried now.
      if (unknownReported.add(name)) {
        LOG.warn("Outbox holds notifications for channel {} which is no longer configured", name);
      }
      // Park its items an hour ahead so they cannot crowd the configured channels out of a batch.
      return store.failed(item.id(), item.attempts(), clock.instant().plus(UNKNOWN_CHANNEL_PARK), "channel not configured")
          .compose(v -> deliver(name, items, from + 1));
    }
    if (deliveredElsewhere.test(name, item.key())) {
      return store
          .delivered(item.id(), clock.instant())
          .onSuccess(v -> LOG.info("Notification delivered by another agent of the cluster, not sent again channel={} key={}", name, item.key()))
          .compose(v -> deliver(name, items, from + 1));
    }
    Notification n;
    try {
      n = NotificationJson.parse(item.payload());
    } catch (RuntimeException e) {
      return failed(channel, item, "stored payload unreadable: " + e.getMessage());
    }
    if (item.attempts() > 0 && metrics != null) {
      metrics.notificationRetried(name);
    }
    Promise<Void> sent = Promise.promise();
    try {
      channel.send(n).onComplete(sent);
    } catch (RuntimeException e) {
      sent.fail(e);
    }
    return sent.future()
        .transform(
            ar -> {
              if (ar.succeeded()) {
                return store
                    .delivered(item.id(), clock.instant())
                    .onSuccess(
                        v -> {
                          if (metrics != null) {
                            metrics.notificationSent(name);
                          }
                          LOG.info("Notification delivered channel={} key={}", name, item.key());
                          onDelivered.accept(name, item.key());
                        })
                    .compose(v -> deliver(name, items, from + 1));
              }
              if (timer < 0) {
                // Stopping (the channel may be closing under it): pending as it was, sent again
                // after the next start.
                LOG.info(
                    "Notification left in the outbox for the next start channel={} key={}",
                    name,
                    item.key());
                return Future.succeededFuture();
              }
              if (ar.cause() instanceof DeliveryException d && d.isPermanent()) {
                return abandoned(channel, item, DeliveryException.describe(d))
                    .compose(v -> deliver(name, items, from + 1));
              }
              return failed(channel, item, DeliveryException.describe(ar.cause()));
            });
  }

  /** Refused for good: reported once, never retried, and the channel's later items go on. */
  private Future<Void> abandoned(Channel channel, OutboxItem item, String error) {
    int attempts = item.attempts() + 1;
    if (metrics != null) {
      metrics.notificationAbandoned(channel.name());
    }
    LOG.error(
        "Notification abandoned: the channel refused it and retrying cannot help channel={} key={}"
            + " attempts={} error=\"{}\"",
        channel.name(),
        item.key(),
        attempts,
        error);
    // Settled like a delivery for the other agents of a cluster: their copy would be refused too.
    return store
        .abandoned(item.id(), attempts, clock.instant(), error)
        .onSuccess(v -> onDelivered.accept(channel.name(), item.key()));
  }

  private Future<Void> failed(Channel channel, OutboxItem item, String error) {
    int attempts = item.attempts() + 1;
    Instant next = clock.instant().plus(backoff(attempts));
    if (metrics != null) {
      metrics.notificationFailed(channel.name());
    }
    LOG.warn(
        "Notification not delivered channel={} key={} attempts={} next_attempt={} error=\"{}\"",
        channel.name(),
        item.key(),
        attempts,
        next,
        error);
    return store.failed(item.id(), attempts, next, error);
  }

  private void updateStats() {
    if (metrics == null) {
      return;
    }
    store
        .outboxStats(clock.instant())
        .onSuccess(s -> metrics.setOutbox(s.queued(), s.oldestAge()));
  }
}
