package org.daitu.vcmon.inventory;

/** How a site's endpoint is polled over SNMP: the name of a credential profile and the UDP port. */
public record SiteSnmp(String profile, int port) {}
