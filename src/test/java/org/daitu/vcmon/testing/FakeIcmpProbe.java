package org.daitu.vcmon.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.ProbeStoppedException;

/**
 * An ICMP probe scripted per address: every address answers all its echoes in 20 ms unless told
 * otherwise. Sends nothing; records every batch it was asked to ping. After {@link #hold()} its
 * pings stay in flight until {@link #release()}, or fail with {@link ProbeStoppedException} when
 * it is closed under them, as the real probes do. Any thread.
 */
public final class FakeIcmpProbe implements IcmpProbe {
  private static final int PACKETS = 5;
  private final Map<String, IcmpResult> scripted = new ConcurrentHashMap<>();
  private final List<List<String>> batches = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private volatile boolean holding;
  private final List<Held> held = new CopyOnWriteArrayList<>();

  /** A ping in flight, ended on the context that asked for it. */
  private record Held(Context context, Promise<Map<String, IcmpResult>> promise, Map<String, IcmpResult> results) {
    void end(Runnable r) {
      if (context == null) {
        r.run();
      } else {
        context.runOnContext(v -> r.run());
      }
    }
  }

  /** From now on pings do not end until {@link #release()}, or until the probe is closed. */
  public FakeIcmpProbe hold() {
    holding = true;
    return this;
  }

  /** Pings held and not yet ended. */
  public int inFlight() {
    return held.size();
  }

  /** Ends the held pings with what they were scripted to get; pings end at once again. */
  public FakeIcmpProbe release() {
    holding = false;
    for (Held h : held) {
      held.remove(h);
      h.end(() -> h.promise().tryComplete(h.results()));
    }
    return this;
  }

  /** The address answers every echo from now on. */
  public FakeIcmpProbe answer(String address) {
    scripted.remove(address);
    return this;
  }

  /** The address loses every echo from now on. */
  public FakeIcmpProbe silent(String address) {
    return result(address, IcmpResult.measured(PACKETS, new double[0]));
  }

  public FakeIcmpProbe result(String address, IcmpResult result) {
    scripted.put(address, result);
    return this;
  }

  /** The batches pinged so far, in order. */
  public List<List<String>> batches() {
    return List.copyOf(batches);
  }

  public boolean closed() {
    return closed;
  }

  @Override
  public Future<Map<String, IcmpResult>> ping(Collection<String> addresses) {
    batches.add(List.copyOf(addresses));
    if (closed) {
      return Future.failedFuture(new ProbeStoppedException("ICMP probe closed"));
    }
    Map<String, IcmpResult> out = new HashMap<>();
    for (String a : addresses) {
      out.put(a, scripted.getOrDefault(a, IcmpResult.measured(PACKETS, new double[] {0.02, 0.02, 0.02, 0.02, 0.02})));
    }
    if (holding) {
      Promise<Map<String, IcmpResult>> promise = Promise.promise();
      held.add(new Held(Vertx.currentContext(), promise, out));
      return promise.future();
    }
    return Future.succeededFuture(out);
  }

  /** Held pings fail with {@link ProbeStoppedException}, as the real probes' do. */
  @Override
  public Future<Void> close() {
    closed = true;
    for (Held h : held) {
      held.remove(h);
      h.end(() -> h.promise().tryFail(new ProbeStoppedException("ICMP probe closed")));
    }
    return Future.succeededFuture();
  }
}
