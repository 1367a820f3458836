package org.daitu.vcmon.inventory;

import java.util.List;
import java.util.Optional;

/**
 * One site of the inventory: a commune or town with its meeting room, or a network node
 * (district core, uplink) that other sites depend on. Immutable.
 *
 * @param id slug, unique; the {@code site} label everywhere
 * @param code administrative (GSO) code, empty when the site has none
 * @param address IP address or host name of the endpoint
 * @param snmp null for ping-only sites
 * @param parent id of the site this one depends on, or null
 * @param location null where no coordinates are known
 * @param vantages the vantages that watch the site when several agents do ({@code
 *     sites[].vantages}); empty: every vantage
 */
public record Site(
    String id,
    String code,
    String name,
    SiteType type,
    String address,
    SiteSnmp snmp,
    String parent,
    RolloutStage stage,
    Location location,
    List<String> vantages) {

  public Site {
    vantages = vantages == null ? List.of() : List.copyOf(vantages);
  }

  /** A site every vantage watches. */
  public Site(
      String id,
      String code,
      String name,
      SiteType type,
      String address,
      SiteSnmp snmp,
      String parent,
      RolloutStage stage,
      Location location) {
    this(id, code, name, type, address, snmp, parent, stage, location, List.of());
  }

  /** The same site at another rollout stage. */
  public Site withStage(RolloutStage newStage) {
    return new Site(id, code, name, type, address, snmp, parent, newStage, location, vantages);
  }

  public Optional<SiteSnmp> snmpOpt() {
    return Optional.ofNullable(snmp);
  }

  public Optional<String> parentOpt() {
    return Optional.ofNullable(parent);
  }

  public Optional<Location> locationOpt() {
    return Optional.ofNullable(location);
  }
}
