package org.daitu.vcmon.demo;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.daitu.vcmon.probe.IcmpMethod;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.IcmpResult;

/**
 * The demo's simulated commune links, in front of the real ICMP probe. Loopback always answers
 * ping, and changing the host's firewall needs root, so the scenario's link faults are applied
 * here: a cut link's address is not pinged and reports every echo lost; a lossy link drops
 * answered echoes at random. Everything else is real fping on loopback. Demo only.
 */
final class DemoLinks implements IcmpProbe {
  private final IcmpProbe real;
  private final Map<String, SimulatedEndpoint> byAddress = new HashMap<>();
  private final int packets;
  private final Random random = new Random();

  DemoLinks(IcmpProbe real, Collection<SimulatedEndpoint> endpoints, int packets) {
    this.real = real;
    this.packets = packets;
    for (SimulatedEndpoint e : endpoints) {
      byAddress.put(e.address, e);
    }
  }

  @Override
  public String unavailableReason() {
    return real.unavailableReason();
  }

  @Override
  public IcmpMethod method() {
    return real.method();
  }

  @Override
  public Future<Void> close() {
    return real.close();
  }

  @Override
  public Future<Map<String, IcmpResult>> ping(Collection<String> addresses) {
    List<String> reachable = new ArrayList<>();
    for (String a : addresses) {
      SimulatedEndpoint e = byAddress.get(a);
      if (e == null || !e.cut()) {
        reachable.add(a);
      }
    }
    return real.ping(reachable)
        .map(
            results -> {
              Map<String, IcmpResult> out = new HashMap<>();
              for (String a : addresses) {
                IcmpResult r = results.get(a);
                SimulatedEndpoint e = byAddress.get(a);
                if (r == null && e != null && e.cut()) {
                  r = IcmpResult.measured(packets, new double[0]);
                } else if (r != null && e != null && e.loss() > 0 && r.available()) {
                  r = dropSome(r, e.loss());
                }
                if (r != null) {
                  out.put(a, r);
                }
              }
              return out;
            });
  }

  private IcmpResult dropSome(IcmpResult r, double loss) {
    List<Double> kept = new ArrayList<>();
    for (int i = 0; i < r.received(); i++) {
      if (random.nextDouble() >= loss) {
        kept.add(r.rttAvgSeconds());
      }
    }
    return IcmpResult.measured(r.sent(), kept.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
