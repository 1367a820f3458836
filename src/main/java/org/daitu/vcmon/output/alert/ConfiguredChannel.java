package org.daitu.vcmon.output.alert;

/**
 * What every configured channel shares: its stable name and whether it wants a notification
 * ({@code min_severity}, {@code degraded}). Subclasses only deliver.
 */
abstract class ConfiguredChannel implements Channel {
  protected final String name;
  private final Acceptance acceptance;

  protected ConfiguredChannel(String name, String minSeverity, boolean degraded) {
    this.name = name;
    this.acceptance = Acceptance.of(minSeverity, degraded);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final boolean accepts(Notification n) {
    return acceptance.accepts(n);
  }
}
