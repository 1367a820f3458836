package org.daitu.vcmon.inventory;

/**
 * One row of a seeds file: an administrative unit (commune or town) as published, before it is a
 * site. Sites whose id equals the slug take their name, type, code and location from here.
 *
 * @param code administrative (GSO) code, kept as text (leading zero)
 * @param slug ASCII id, the site id of the unit
 * @param name official name with diacritics
 * @param lat null where no source gave coordinates
 * @param lon null exactly when {@code lat} is
 */
public record SeedUnit(
    String code, String slug, String name, SiteType type, Double lat, Double lon) {

  /** The point for the map, or null when the row has none. */
  public Location location() {
    return lat == null ? null : new Location(lat, lon);
  }
}
