package org.daitu.vcmon.output.alert;

/**
 * Which notifications a channel wants: its minimum severity and whether it opted in to DEGRADED
 * announcements (many IT teams want only DOWN and recoveries on their phones).
 *
 * @param degraded whether notifications about DEGRADED sites are wanted
 */
public record Acceptance(Notification.Severity minSeverity, boolean degraded) {

  /** From the config's strings (info|warning|critical; null means info). */
  public static Acceptance of(String minSeverity, boolean degraded) {
    return new Acceptance(
        minSeverity == null ? Notification.Severity.INFO : NotificationJson.severity(minSeverity),
        degraded);
  }

  public boolean accepts(Notification n) {
    if (n.severity().compareTo(minSeverity) < 0) {
      return false;
    }
    return degraded || !isDegraded(n);
  }

  /** A DEGRADED announcement: every site in it is DEGRADED, and it is not a recovery. */
  static boolean isDegraded(Notification n) {
    return !n.resolved()
        && !n.sites().isEmpty()
        && n.sites().stream().allMatch(s -> "DEGRADED".equals(s.state()));
  }
}
