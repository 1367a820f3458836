package org.daitu.vcmon.state;

import java.util.List;
import java.util.Set;

/**
 * What one check says about a site before any hysteresis: the raw reading that the tracker
 * debounces into a {@link SiteState}.
 *
 * @param causes what is wrong, for an IMPAIRED verdict; empty otherwise
 * @param judged the sources this check measured: a cause of another source is neither confirmed
 *     nor cleared by it
 */
public record Verdict(Kind kind, String reason, List<Cause> causes, Set<Cause.Source> judged) {

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

  public Verdict {
    causes = List.copyOf(causes);
    judged = Set.copyOf(judged); // no copy when it is already an immutable set
  }

  /** A verdict without causes that judges nothing (FAILED, UNKNOWN). */
  public Verdict(Kind kind, String reason) {
    this(kind, reason, List.of(), Set.of());
  }

  public static Verdict good() {
    return new Verdict(Kind.GOOD, "ping and SNMP answer", List.of(), Set.of(Cause.Source.values()));
  }
}
