package org.daitu.vcmon.probe;

import io.vertx.core.Future;
import org.daitu.vcmon.config.SnmpProfile;

/**
 * Polls one endpoint over SNMP: system group, interface status and the vendor profile's objects.
 * Never fails for a silent or broken agent (those are {@link SnmpResult} statuses); the returned
 * future completes on the caller's Vert.x context.
 */
public interface SnmpProbe {
  Future<SnmpResult> poll(String address, int port, SnmpProfile profile);

  /** Opens what polling needs (sockets); polls before this completes end as UNAVAILABLE. */
  default Future<Void> start() {
    return Future.succeededFuture();
  }

  /** Closes the probe's sockets; polls still in flight end as UNAVAILABLE. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
