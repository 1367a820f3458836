package org.daitu.vcmon.app.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.daitu.vcmon.cluster.Member;
import org.daitu.vcmon.cluster.Ownership;
import org.daitu.vcmon.output.alert.Channel;
import org.daitu.vcmon.output.alert.Notification;
import org.daitu.vcmon.output.alert.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One voice per site: every agent decides the same notifications (same events, same keys), but
 * only the owner of a notification's subject sends it; the others hold it until the owner says it
 * is delivered, and send it themselves when the owner leaves first. Owners are chosen by {@link
 * Ownership} over the live members: a site's notifications belong to the site's owner, a member's
 * leave or return to the owner of that vantage among the others, a digest or a meeting summary to
 * the owner of its key.
 *
 * <p>Never silence: during a partition each side owns what the other side owned and sends it (so
 * both may send, under the same key); a held notification over the {@link #MAX_HELD} bound is
 * sent rather than dropped. Delivery reports are per channel, as each channel is delivered on its
 * own; every agent is expected to have the same channels. An agent that starts (or restarts)
 * first asks the live members what they delivered lately, so what its outbox kept from its last
 * run and another agent sent meanwhile is not sent twice.
 *
 * <p>Confined to the alert verticle's context.
 */
public final class OneVoice {
  private static final Logger log = LoggerFactory.getLogger(OneVoice.class);
  static final String TOPIC_DELIVERED = "voice.delivered";
  static final String TOPIC_RECENT = "voice.recent";
  /** Notifications held for other owners, at most. */
  static final int MAX_HELD = 10_000;
  /** Delivery reports remembered, at most, and for how long. */
  static final int MAX_CONFIRMED = 100_000;
  static final Duration CONFIRMED_FOR = Duration.ofHours(24);
  /** Delivery reports told to a member that asks, at most (the latest). */
  static final int MAX_TOLD = 10_000;
  /** How long a starting agent waits for the members' delivery reports before it delivers. */
  public static final Duration READY_WAIT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final Peers peers;
  private final List<Channel> channels;
  private final Clock clock;
  private Outbox outbox;
  /** Key → notification, held while another agent owns it; in the order they came. */
  private final Map<String, Notification> held = new LinkedHashMap<>();
  /** Key → channels it was delivered to by some agent, with when that was first heard. */
  private final Map<String, Confirmed> confirmed = new LinkedHashMap<>();

  private static final class Confirmed {
    final Instant at;
    final Set<String> channels = new TreeSet<>();

    Confirmed(Instant at) {
      this.at = at;
    }
  }

  public OneVoice(Vertx vertx, Peers peers, List<Channel> channels, Clock clock) {
    this.vertx = vertx;
    this.peers = peers;
    this.channels = List.copyOf(channels);
    this.clock = clock;
  }

  /**
   * Hooks into the outbox and the cluster, on the alert verticle's context. The future completes
   * once the live members told what they delivered lately (or after {@link #READY_WAIT}): start
   * delivering then.
   */
  public Future<Void> attach(Outbox box) {
    this.outbox = box;
    box.onDelivered(this::deliveredHere);
    box.deliveredElsewhere(this::isConfirmed);
    peers.onPublished(TOPIC_DELIVERED, (from, body) -> confirmedBy(from, body));
    peers.onAsked(TOPIC_RECENT, body -> Future.succeededFuture(recent()));
    var context = vertx.getOrCreateContext();
    peers.members().onChange(m -> context.runOnContext(v -> memberChanged(m)));
    List<Future<Void>> asks = new ArrayList<>();
    for (String vantage : peers.members().liveVantages()) {
      if (!vantage.equals(peers.self())) {
        asks.add(askRecent(vantage));
      }
    }
    Promise<Void> ready = Promise.promise();
    long timer = vertx.setTimer(READY_WAIT.toMillis(), t -> {
      if (ready.tryComplete()) {
        log.warn("Not every cluster member told what it delivered lately; delivering anyway waited_seconds={}",
            READY_WAIT.toSeconds());
      }
    });
    Future.join(asks).onComplete(ar -> {
      vertx.cancelTimer(timer);
      ready.tryComplete();
    });
    return ready.future();
  }

  /** Who sends this notification now; null when no member is live. */
  String ownerOf(Notification n) {
    Set<String> live = peers.members().liveVantages();
    String key = n.key();
    if (key.startsWith("member:")) {
      String subject = key.split(":", 3)[1];
      Set<String> others = new HashSet<>(live);
      others.remove(subject);
      return Ownership.owner("member:" + subject, others).orElse(null);
    }
    String subject = n.kind() == Notification.Kind.SITE && !n.sites().isEmpty() ? n.sites().get(0).id() : key;
    return Ownership.owner(subject, live).orElse(null);
  }

  /** Sends what this agent owns, holds the rest; what another agent delivered already is dropped. */
  public Future<Void> route(List<Notification> notifications) {
    List<Notification> send = new ArrayList<>();
    for (Notification n : notifications) {
      if (fullyConfirmed(n)) {
        log.info("Notification already delivered by another agent key={}", n.key());
        continue;
      }
      String owner = ownerOf(n);
      if (owner == null || owner.equals(peers.self())) {
        send.add(n);
      } else {
        held.put(n.key(), n);
        log.info("Notification held for its owner key={} owner={}", n.key(), owner);
      }
    }
    send.addAll(overflow());
    return send.isEmpty() ? Future.succeededFuture() : outbox.submit(send);
  }

  /** How many notifications are held for other owners now. */
  public int heldCount() {
    return held.size();
  }

  /** Over the bound, the oldest held ones are sent: a duplicate at worst, never silence. */
  private List<Notification> overflow() {
    List<Notification> out = new ArrayList<>();
    Iterator<Notification> it = held.values().iterator();
    while (held.size() - out.size() > MAX_HELD && it.hasNext()) {
      Notification n = it.next();
      it.remove();
      out.add(n);
    }
    if (!out.isEmpty()) {
      log.warn("Too many notifications held for other agents; sending the oldest ourselves count={}", out.size());
    }
    return out;
  }

  private void memberChanged(Member m) {
    if (m.up() && m.vantage() != null && !m.vantage().equals(peers.self())) {
      askRecent(m.vantage());
    }
    List<Notification> mine = new ArrayList<>();
    for (Iterator<Notification> it = held.values().iterator(); it.hasNext(); ) {
      Notification n = it.next();
      String owner = ownerOf(n);
      if (owner == null || owner.equals(peers.self())) {
        it.remove();
        mine.add(n);
      }
    }
    if (!mine.isEmpty()) {
      log.warn("Sending the notifications a departed agent had not delivered count={} keys={}",
          mine.size(), mine.stream().map(Notification::key).limit(20).toList());
      outbox.submit(mine)
          .onFailure(err -> log.error("Notifications not queued count={} error=\"{}\"", mine.size(), err.getMessage()));
    }
  }

  private void deliveredHere(String channel, String key) {
    confirm(key, channel);
    peers.publish(TOPIC_DELIVERED, new JsonObject().put("key", key).put("channel", channel));
  }

  private void confirmedBy(String from, JsonObject body) {
    String key = body.getString("key");
    String channel = body.getString("channel");
    if (key != null && channel != null) {
      confirm(key, channel);
      Notification n = held.get(key);
      if (n != null && fullyConfirmed(n)) {
        held.remove(key);
        log.info("Held notification delivered by its owner, dropped key={} owner={}", key, from);
      }
    }
  }

  private void confirm(String key, String channel) {
    Instant now = clock.instant();
    confirmed.computeIfAbsent(key, k -> new Confirmed(now)).channels.add(channel);
    Iterator<Confirmed> it = confirmed.values().iterator();
    while (it.hasNext()) {
      Confirmed c = it.next();
      if (confirmed.size() <= MAX_CONFIRMED && !c.at.isBefore(now.minus(CONFIRMED_FOR))) {
        break;
      }
      it.remove();
    }
  }

  private boolean isConfirmed(String channel, String key) {
    Confirmed c = confirmed.get(key);
    return c != null && c.channels.contains(channel);
  }

  /** Delivered to every channel of ours that takes it. */
  private boolean fullyConfirmed(Notification n) {
    Confirmed c = confirmed.get(n.key());
    if (c == null) {
      return false;
    }
    for (Channel ch : channels) {
      if (ch.accepts(n) && !c.channels.contains(ch.name())) {
        return false;
      }
    }
    return true;
  }

  /** The latest {@link #MAX_TOLD} delivery reports remembered. */
  private JsonObject recent() {
    JsonArray list = new JsonArray();
    int skip = Math.max(0, confirmed.size() - MAX_TOLD);
    for (Map.Entry<String, Confirmed> e : confirmed.entrySet()) {
      if (skip-- > 0) {
        continue;
      }
      list.add(new JsonObject().put("key", e.getKey()).put("channels", new JsonArray(List.copyOf(e.getValue().channels))));
    }
    return new JsonObject().put("delivered", list);
  }

  private Future<Void> askRecent(String vantage) {
    var context = vertx.getOrCreateContext();
    Promise<Void> done = Promise.promise();
    peers.ask(vantage, TOPIC_RECENT, new JsonObject()).onComplete(ar -> context.runOnContext(v -> {
      if (ar.succeeded()) {
        JsonArray list = ar.result().getJsonArray("delivered", new JsonArray());
        for (Object o : list) {
          if (o instanceof JsonObject d && d.getString("key") != null) {
            for (Object ch : d.getJsonArray("channels", new JsonArray())) {
              confirm(d.getString("key"), String.valueOf(ch));
            }
          }
        }
        held.values().removeIf(this::fullyConfirmed);
      } else {
        log.debug("A cluster member did not tell what it delivered vantage={} error=\"{}\"", vantage, ar.cause().getMessage());
      }
      done.complete();
    }));
    return done.future();
  }
}
