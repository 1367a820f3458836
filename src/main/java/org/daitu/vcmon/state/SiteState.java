package org.daitu.vcmon.state;

/** The state of a site, as shown in the API, metrics and the status page. */
public enum SiteState {
  /** Not yet decided, or probing is unavailable (the reason says why). */
  UNKNOWN,
  /** In the inventory, rollout stage before "installed": not expected to answer yet. */
  PLANNED,
  /** Ping answers and SNMP answers (where configured), within limits. */
  UP,
  /** Reachable but impaired: SNMP silent, loss or RTT over limits, an interface down, unregistered. */
  DEGRADED,
  /** Confirmed unreachable: several failed checks in a row. */
  DOWN,
  /** Silent because its parent is DOWN; its own alert is suppressed. */
  UNREACHABLE,
  /** Inside a maintenance window. */
  MAINTENANCE;

  /** Reachable states: what {@code vcmon_site_up} reports as 1. */
  public boolean isOnline() {
    return this == UP || this == DEGRADED;
  }
}
