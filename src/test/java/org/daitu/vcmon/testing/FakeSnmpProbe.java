package org.daitu.vcmon.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.daitu.vcmon.config.SnmpProfile;
import org.daitu.vcmon.probe.SnmpProbe;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;

/**
 * An SNMP probe scripted per address: every agent answers (a generic endpoint up for an hour)
 * unless told otherwise. Sends nothing. After {@link #hold()} its polls stay in flight until it is
 * closed under them, when they end as UNAVAILABLE, as {@code Snmp4jProbe}'s do. Any thread.
 */
public final class FakeSnmpProbe implements SnmpProbe {
  private final Map<String, SnmpResult> scripted = new ConcurrentHashMap<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean holding;
  private final List<Held> held = new CopyOnWriteArrayList<>();

  private record Held(Context context, Promise<SnmpResult> promise) {}

  /** From now on polls do not end until the probe is closed. */
  public FakeSnmpProbe hold() {
    holding = true;
    return this;
  }

  /** Polls held and not yet ended. */
  public int inFlight() {
    return held.size();
  }

  public static SnmpResult answering(String sysName, long uptimeTicks) {
    return new SnmpResult(
        SnmpStatus.OK, null, uptimeTicks, sysName, "fake endpoint", "1.3.6.1.4.1.8072.3.2.10",
        List.of(), "generic", null, List.of());
  }

  /** The agent at that address stops answering. */
  public FakeSnmpProbe silent(String address) {
    scripted.put(address, SnmpResult.failed(SnmpStatus.TIMEOUT, "no SNMP answer within 1s (2 attempts)"));
    return this;
  }

  /** The agent at that address answers {@code result} from now on. */
  public FakeSnmpProbe script(String address, SnmpResult result) {
    scripted.put(address, result);
    return this;
  }

  /** The agent at that address answers normally again. */
  public FakeSnmpProbe answer(String address) {
    scripted.remove(address);
    return this;
  }

  public boolean started() {
    return started.get();
  }

  public boolean closed() {
    return closed.get();
  }

  @Override
  public Future<SnmpResult> poll(
      String address, int port, SnmpProfile profile, List<String> interfaces) {
    if (holding && !closed.get()) {
      Promise<SnmpResult> promise = Promise.promise();
      held.add(new Held(Vertx.currentContext(), promise));
      return promise.future();
    }
    return Future.succeededFuture(scripted.getOrDefault(address, answering(address, 360_000)));
  }

  @Override
  public Future<Void> start() {
    started.set(true);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    closed.set(true);
    SnmpResult closing = SnmpResult.failed(SnmpStatus.UNAVAILABLE, "SNMP probe closed");
    for (Held h : held) {
      held.remove(h);
      if (h.context() == null) {
        h.promise().tryComplete(closing);
      } else {
        h.context().runOnContext(v -> h.promise().tryComplete(closing));
      }
    }
    return Future.succeededFuture();
  }
}
