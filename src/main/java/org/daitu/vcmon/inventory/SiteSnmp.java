package org.daitu.vcmon.inventory;

import java.util.List;

/**
 * How a site's endpoint is polled over SNMP: the name of a credential profile and the UDP port.
 *
 * @param interfaces {@code sites[].snmp.interfaces}: names, aliases or indexes of interfaces that
 *     judge the site besides the one carrying its address; empty when none are named
 */
public record SiteSnmp(String profile, int port, List<String> interfaces) {

  public SiteSnmp {
    interfaces = List.copyOf(interfaces);
  }

  /** A site that names no interface. */
  public SiteSnmp(String profile, int port) {
    this(profile, port, List.of());
  }
}
