package org.daitu.vcmon.probe;

import io.vertx.core.Future;
import java.util.List;
import org.daitu.vcmon.config.SnmpProfile;

/**
 * Polls one endpoint over SNMP: system group, interface status and the vendor profile's objects.
 * Never fails for a silent or broken agent (those are {@link SnmpResult} statuses); the returned
 * future completes on the caller's Vert.x context.
 */
public interface SnmpProbe {
  /**
   * Polls the endpoint at {@code address}.
   *
   * @param interfaces the site's {@code sites[].snmp.interfaces}: names, aliases or indexes of
   *     interfaces that judge the site besides the one carrying {@code address}
   */
  Future<SnmpResult> poll(String address, int port, SnmpProfile profile, List<String> interfaces);

  /** A poll of a site that names no interface. */
  default Future<SnmpResult> poll(String address, int port, SnmpProfile profile) {
    return poll(address, port, profile, List.of());
  }

  /** Opens what polling needs (sockets); polls before this completes end as UNAVAILABLE. */
  default Future<Void> start() {
    return Future.succeededFuture();
  }

  /** Closes the probe's sockets; polls still in flight end as UNAVAILABLE. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
