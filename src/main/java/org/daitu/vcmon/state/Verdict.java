package org.daitu.vcmon.state;

/**
 * What one check says about a site before any hysteresis: the raw reading that the tracker
 * debounces into a {@link SiteState}.
 */
public record Verdict(Kind kind, String reason) {

  public enum Kind {
    /** Everything answered within limits. */
    GOOD,
    /** Reachable but something is wrong. */
    IMPAIRED,
    /** Nothing answered. */
    FAILED,
    /** We could not measure (local fault): says nothing about the site. */
    UNKNOWN
  }

  public static Verdict good() {
    return new Verdict(Kind.GOOD, "ping and SNMP answer");
  }
}
