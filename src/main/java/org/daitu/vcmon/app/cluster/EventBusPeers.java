package org.daitu.vcmon.app.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.daitu.vcmon.cluster.Member;
import org.daitu.vcmon.cluster.MemberView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Peers} over Vert.x's (clustered) event bus. Addresses: {@code vcmon.CLUSTER.TOPIC} for
 * what is published, {@code vcmon.CLUSTER.VANTAGE.TOPIC} for what is asked of one agent. Each
 * message carries its sender's vantage in the {@code from} header, so an agent skips its own.
 *
 * <p>After a partition heals, the engine's shared registry of event-bus subscriptions keeps one
 * side's entries only (each side removed the other's when it saw them leave, and the merge does
 * not bring them back): messages to the other side would go nowhere. So whenever a member comes
 * up, every consumer registers itself again, at once and twice more as the merge of the shared
 * data may land later; the new registration is made before the old one is dropped, so nothing is
 * missed meanwhile (a message may then be handled twice: every handler here is idempotent).
 */
public final class EventBusPeers implements Peers {
  private static final Logger log = LoggerFactory.getLogger(EventBusPeers.class);
  static final String FROM = "from";
  /** How long an ask waits for its answer. */
  public static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);
  /** When the consumers register again after a member came up. */
  static final List<Duration> REREGISTER_AFTER =
      List.of(Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(6));

  private final Vertx vertx;
  private final MemberView members;
  private final String prefix;
  private final List<Registration> registrations = new ArrayList<>();

  /** One consumer of ours: re-registered on the context that first registered it. */
  private final class Registration {
    final String address;
    final Context context;
    final io.vertx.core.Handler<Message<JsonObject>> handler;
    MessageConsumer<JsonObject> consumer;

    Registration(String address, Context context, io.vertx.core.Handler<Message<JsonObject>> handler) {
      this.address = address;
      this.context = context;
      this.handler = handler;
      this.consumer = vertx.eventBus().consumer(address, handler);
    }

    void renew() {
      context.runOnContext(
          v -> {
            MessageConsumer<JsonObject> old = consumer;
            consumer = vertx.eventBus().consumer(address, handler);
            old.unregister();
          });
    }

    void close() {
      context.runOnContext(v -> consumer.unregister());
    }
  }

  public EventBusPeers(Vertx vertx, MemberView members) {
    this.vertx = vertx;
    this.members = members;
    this.prefix = "vcmon." + members.clusterName() + ".";
    members.onChange(this::memberChanged);
  }

  @Override
  public String self() {
    return members.self();
  }

  @Override
  public MemberView members() {
    return members;
  }

  @Override
  public void publish(String topic, JsonObject body) {
    vertx.eventBus().publish(prefix + topic, body, new DeliveryOptions().addHeader(FROM, self()));
  }

  @Override
  public Future<JsonObject> ask(String vantage, String topic, JsonObject body) {
    DeliveryOptions options =
        new DeliveryOptions().addHeader(FROM, self()).setSendTimeout(ASK_TIMEOUT.toMillis());
    return vertx.eventBus()
        .<JsonObject>request(prefix + vantage + "." + topic, body, options)
        .map(Message::body);
  }

  @Override
  public void onPublished(String topic, Listener handler) {
    register(
        prefix + topic,
        msg -> {
          String from = msg.headers().get(FROM);
          if (from != null && !from.equals(self())) {
            handler.accept(from, msg.body());
          }
        });
  }

  @Override
  public void onAsked(String topic, Function<JsonObject, Future<JsonObject>> handler) {
    register(
        prefix + self() + "." + topic,
        msg -> {
          Future<JsonObject> answer;
          try {
            answer = handler.apply(msg.body());
          } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
          }
          answer.onComplete(
              ar -> {
                if (ar.succeeded()) {
                  msg.reply(ar.result());
                } else {
                  log.warn("Could not answer a cluster member topic={} from={} error=\"{}\"",
                      topic, msg.headers().get(FROM), ar.cause().toString());
                  msg.fail(500, String.valueOf(ar.cause().getMessage()));
                }
              });
        });
  }

  private synchronized void register(String address, io.vertx.core.Handler<Message<JsonObject>> handler) {
    Context context = vertx.getOrCreateContext();
    registrations.add(new Registration(address, context, handler));
  }

  private void memberChanged(Member m) {
    if (!m.up() || self().equals(m.vantage())) {
      return;
    }
    for (Duration after : REREGISTER_AFTER) {
      Runnable renew = () -> snapshot().forEach(Registration::renew);
      if (after.isZero()) {
        renew.run();
      } else {
        vertx.setTimer(after.toMillis(), t -> renew.run());
      }
    }
  }

  private synchronized List<Registration> snapshot() {
    return List.copyOf(registrations);
  }

  /** Unregisters every consumer (the agent is stopping); none registers again after. */
  public void close() {
    List<Registration> all;
    synchronized (this) {
      all = List.copyOf(registrations);
      registrations.clear();
    }
    all.forEach(Registration::close);
  }

  /** Whether an ask failed because nobody answers on that address (the agent is gone or older). */
  public static boolean noHandler(Throwable err) {
    return err instanceof ReplyException r
        && r.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS;
  }

}
