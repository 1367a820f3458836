package org.daitu.vcmon.testing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import org.daitu.vcmon.app.cluster.Peers;
import org.daitu.vcmon.cluster.MemberView;

/**
 * {@link Peers} whose link to the others the test can cut, as a partition does: while cut, what
 * this agent publishes reaches nobody and what it asks fails. What it receives is not cut here:
 * cut both agents of a pair for a two-way partition.
 */
public final class CuttablePeers implements Peers {
  private final Peers inner;
  private volatile boolean cut;

  public CuttablePeers(Peers inner) {
    this.inner = inner;
  }

  public void cut(boolean isCut) {
    cut = isCut;
  }

  @Override
  public String self() {
    return inner.self();
  }

  @Override
  public MemberView members() {
    return inner.members();
  }

  @Override
  public void publish(String topic, JsonObject body) {
    if (!cut) {
      inner.publish(topic, body);
    }
  }

  @Override
  public Future<JsonObject> ask(String vantage, String topic, JsonObject body) {
    return cut ? Future.failedFuture("cut off from " + vantage) : inner.ask(vantage, topic, body);
  }

  @Override
  public void onPublished(String topic, Listener handler) {
    inner.onPublished(topic, handler);
  }

  @Override
  public void onAsked(String topic, Function<JsonObject, Future<JsonObject>> handler) {
    inner.onAsked(topic, handler);
  }
}
