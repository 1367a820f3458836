package org.daitu.vcmon.history;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;

/**
 * A planned maintenance period for one site or for all sites ({@code siteId} null): either
 * one-off ({@code start}..{@code end}) or weekly ({@code day}, {@code from}..{@code to} in the
 * district's time zone; {@code to} before {@code from} means it ends the next day). During a
 * window the site is MAINTENANCE: no alerts, and the time is excluded from availability.
 *
 * @param id 0 for windows from config; store ids for windows added through the API (each agent
 *     numbers its own)
 * @param source "config" or "api"
 * @param uid the same on every agent of a cluster for a window added through the API (made where
 *     it was added); null for windows from config, which each agent reads from its own file
 */
public record MaintenanceWindow(
    long id,
    String siteId,
    Instant start,
    Instant end,
    DayOfWeek day,
    LocalTime from,
    LocalTime to,
    String note,
    String source,
    String uid) {

  /** A window without a cluster-wide identity (from config, or not stored yet). */
  public MaintenanceWindow(
      long id,
      String siteId,
      Instant start,
      Instant end,
      DayOfWeek day,
      LocalTime from,
      LocalTime to,
      String note,
      String source) {
    this(id, siteId, start, end, day, from, to, note, source, null);
  }

  public MaintenanceWindow withUid(String newUid) {
    return new MaintenanceWindow(id, siteId, start, end, day, from, to, note, source, newUid);
  }

  public MaintenanceWindow withId(long newId) {
    return new MaintenanceWindow(newId, siteId, start, end, day, from, to, note, source, uid);
  }

  public boolean weekly() {
    return day != null;
  }

  public boolean appliesTo(String site) {
    return siteId == null || siteId.equals(site);
  }

  public static MaintenanceWindow oneOff(long id, String siteId, Instant start, Instant end, String note, String source) {
    return new MaintenanceWindow(id, siteId, start, end, null, null, null, note, source);
  }

  public static MaintenanceWindow weekly(
      long id, String siteId, DayOfWeek day, LocalTime from, LocalTime to, String note, String source) {
    return new MaintenanceWindow(id, siteId, null, null, day, from, to, note, source);
  }
}
