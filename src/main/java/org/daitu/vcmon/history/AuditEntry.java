package org.daitu.vcmon.history;

import java.time.Instant;
import java.util.Objects;

/**
 * One write an operator made, as the audit log keeps it: when, who (the operator's configured
 * name), what ({@code action}, e.g. {@code maintenance.add}), on what ({@code target}, a site id,
 * a window or incident id, or empty) and a short {@code detail}. Every field is plain text:
 * whoever shows it shows it as text, never as markup.
 */
public record AuditEntry(Instant at, String operator, String action, String target, String detail) {
  /** Longest detail kept; longer ones are cut. */
  public static final int MAX_DETAIL = 600;

  public AuditEntry {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(action, "action");
    target = target == null ? "" : target;
    detail = detail == null ? "" : detail;
    if (detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL);
    }
  }
}
