package org.daitu.vcmon.testing;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.IcmpResult;

/**
 * An ICMP probe scripted per address: every address answers all its echoes in 20 ms unless told
 * otherwise. Sends nothing; records every batch it was asked to ping. Any thread.
 */
public final class FakeIcmpProbe implements IcmpProbe {
  private static final int PACKETS = 5;
  private final Map<String, IcmpResult> scripted = new ConcurrentHashMap<>();
  private final List<List<String>> batches = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

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
    Map<String, IcmpResult> out = new HashMap<>();
    for (String a : addresses) {
      out.put(a, scripted.getOrDefault(a, IcmpResult.measured(PACKETS, new double[] {0.02, 0.02, 0.02, 0.02, 0.02})));
    }
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Void> close() {
    closed = true;
    return Future.succeededFuture();
  }
}
