package org.daitu.vcmon.state;

import java.util.Objects;

/**
 * One thing wrong with a site that answers: too much loss, an interface down, SNMP silent. Its
 * {@code key} names the fault and stays while its {@code text} follows the latest reading (loss
 * 30% then 45% is one cause), so the tracker can tell a new fault from a changed figure.
 *
 * @param source what must have answered for this cause to be judged at all: a check in which
 *     SNMP was silent says nothing about interfaces, so their causes are kept, not cleared
 */
public record Cause(String key, String text, Source source) {

  /** What a check must have measured to say whether a cause is there. */
  public enum Source {
    /** The echo measurement: loss, RTT, ping filtered. */
    ICMP,
    /** Whether the SNMP agent answers at all. */
    SNMP_REACH,
    /** What an SNMP answer says: interfaces, registrations. */
    SNMP_DATA
  }

  public Cause {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(source, "source");
  }
}
