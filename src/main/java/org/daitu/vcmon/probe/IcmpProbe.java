package org.daitu.vcmon.probe;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.Map;

/**
 * Pings a batch of addresses. Never fails for unreachable addresses (they come back with zero
 * answers); a local inability to ping (program missing, no permission) comes back as
 * {@link IcmpResult#unavailable} for every address. The returned future completes on the caller's
 * Vert.x context. It fails with {@link ProbeStoppedException} when the probe is closed under it
 * (or its program is stopped by a signal): that check is not judged.
 */
public interface IcmpProbe {
  Future<Map<String, IcmpResult>> ping(Collection<String> addresses);

  /** Why pinging cannot work now (program missing, socket broken, ...), or null when it can. */
  default String unavailableReason() {
    return null;
  }

  /** Which way this probe pings and why (chosen at start), or null when it does not say. */
  default IcmpMethod method() {
    return null;
  }

  /**
   * Releases what the probe holds (threads, sockets, worker pools, processes); checks in flight
   * fail with {@link ProbeStoppedException}.
   */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
