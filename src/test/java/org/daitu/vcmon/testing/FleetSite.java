package org.daitu.vcmon.testing;

/**
 * One simulated meeting-room endpoint of a {@link NetnsFleet}: its own network namespace with an
 * address behind the fleet's core router and an snmpd on {@link #snmpPort()}.
 *
 * @param index 1-based number, the argument of the fleet's fault methods
 * @param id the site's slug, also its sysName
 * @param address IPv4 address the agent under test pings and polls
 * @param snmpPort UDP port of the site's snmpd
 */
public record FleetSite(int index, String id, String address, int snmpPort) {}
