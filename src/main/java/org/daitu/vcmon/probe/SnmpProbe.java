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
}
