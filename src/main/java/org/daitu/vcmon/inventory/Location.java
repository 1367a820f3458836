package org.daitu.vcmon.inventory;

/** A point for the map (WGS84 decimal degrees): a rough centre of the unit, not the room. */
public record Location(double lat, double lon) {}
