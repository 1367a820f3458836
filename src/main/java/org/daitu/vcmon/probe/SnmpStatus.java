package org.daitu.vcmon.probe;

/** How an SNMP poll of one endpoint ended. */
public enum SnmpStatus {
  /**
   * The agent answered the system group, maybe in part: missing or wrongly typed objects are
   * named in {@code SnmpResult.problems}.
   */
  OK,
  /**
   * No answer within timeout and retries: agent down, SNMP off, filtered, a wrong v1/v2c
   * community, or an agent that speaks only SNMPv1 polled with 2c (it drops those silently).
   */
  TIMEOUT,
  /** SNMPv3 security failure reported by the agent (wrong password, unknown user, wrong level). */
  AUTH_FAILURE,
  /** The agent answered with an error status that left nothing to read (genErr, tooBig...). */
  AGENT_ERROR,
  /** The poll could not be made here (local socket error, bad address). Not the site's fault. */
  UNAVAILABLE
}
