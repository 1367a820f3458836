package org.daitu.vcmon.probe;

import java.time.Duration;
import java.time.Instant;

/**
 * The outcome of one check of one site: its ICMP result and, for sites polled over SNMP, its
 * SNMP result (null for ping-only sites). Immutable; what the state tracker consumes.
 */
public record SiteCheck(
    String siteId, Instant startedAt, Duration elapsed, IcmpResult icmp, SnmpResult snmp) {

  public boolean hasSnmp() {
    return snmp != null;
  }
}
