package org.daitu.vcmon.probe.trap;

import java.util.Locale;

/** What became of one datagram that reached the trap port: the {@code result} label. */
public enum TrapResult {
  /** A notification from a site, with the right community or an authenticated v3 user. */
  ACCEPTED,
  /** The sender is no site's address: dropped before it is decoded. */
  UNKNOWN_SOURCE,
  /** A v1 or v2c notification with another community than {@code traps.community_env}'s. */
  BAD_COMMUNITY,
  /** A v3 message of an unknown user, a wrong key, or a lower security level than the profile's. */
  BAD_USER,
  /** Not a readable SNMP message, or not a notification (a GET sent to the trap port). */
  MALFORMED,
  /** Over the sender's rate: dropped before it is decoded. */
  RATE_LIMITED;

  /** The label value: {@code unknown_source}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
