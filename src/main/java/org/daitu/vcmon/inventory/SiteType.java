package org.daitu.vcmon.inventory;

import java.util.Arrays;
import java.util.Optional;

/** What kind of place a site is. The config spells the Vietnamese names used by the district. */
public enum SiteType {
  COMMUNE("xã"),
  TOWN("thị trấn"),
  DISTRICT("district"),
  PROVINCE("province"),
  NETWORK("network");

  private final String label;

  SiteType(String label) {
    this.label = label;
  }

  /** The name used in config files, the API and metrics labels. */
  public String label() {
    return label;
  }

  public static Optional<SiteType> fromLabel(String text) {
    return Arrays.stream(values()).filter(t -> t.label.equals(text)).findFirst();
  }

  /** Communes and towns are the units counted toward the rollout target. */
  public boolean isUnit() {
    return this == COMMUNE || this == TOWN;
  }
}
