package org.daitu.vcmon.app.cluster;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import java.util.function.Function;
import org.daitu.vcmon.cluster.MemberView;

/**
 * The other agents of the cluster, as this agent talks to them: what it tells all of them, what
 * it asks one of them, and the members it knows. {@link EventBusPeers} over the clustered event
 * bus; several of them on one (non-clustered) Vert.x make a cluster for tests.
 *
 * <p>Messages are JSON objects. Delivery is best effort, as on any network: a message published
 * while a member is cut off never reaches it, so every user of this has a way to catch up (it asks
 * a member that comes up for what it missed).
 */
public interface Peers {
  /** This agent's vantage id. */
  String self();

  /** The members as this agent sees them. */
  MemberView members();

  /** Tells every other live agent; fire and forget. */
  void publish(String topic, JsonObject body);

  /** Asks one agent; fails when it does not answer within the ask timeout or has no handler. */
  Future<JsonObject> ask(String vantage, String topic, JsonObject body);

  /**
   * Handles what the other agents publish on {@code topic} (never this agent's own), on the
   * context that calls this. {@code from} is the sender's vantage.
   */
  void onPublished(String topic, Listener handler);

  /** Answers what the other agents ask on {@code topic}, on the context that calls this. */
  void onAsked(String topic, Function<JsonObject, Future<JsonObject>> handler);

  /** A handler of published messages. */
  interface Listener {
    void accept(String from, JsonObject body);
  }

  /** Convenience: a listener that ignores the sender. */
  static Listener ignoringSender(Consumer<JsonObject> handler) {
    return (from, body) -> handler.accept(body);
  }
}
