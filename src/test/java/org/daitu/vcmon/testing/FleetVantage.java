package org.daitu.vcmon.testing;

/**
 * One vantage point of a {@link NetnsFleet}: a network namespace of its own where an agent under
 * test runs (its fping and SNMP included, since a namespace belongs to the process and its
 * children), with one address on the vantages' segment behind the core.
 *
 * @param index 1-based number, the argument of the fleet's vantage methods
 * @param namespace the namespace's name, for {@code ip netns exec}
 * @param address the vantage's IPv4 address: its agent's cluster and HTTP address
 */
public record FleetVantage(int index, String namespace, String address) {}
