package org.daitu.vcmon.probe.snmp;

import java.util.Map;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.OID;

/**
 * The standard objects the probe reads (SNMPv2-MIB system group, IF-MIB ifTable, ifXTable and
 * ifStackTable, IP-MIB address tables, SNMP-USM-MIB statistics) and their names, so that every
 * reason text says "sysName.0", not a dotted number.
 */
final class Mib {
  private Mib() {}

  static final OID SYS_DESCR = new OID("1.3.6.1.2.1.1.1.0");
  static final OID SYS_OBJECT_ID = new OID("1.3.6.1.2.1.1.2.0");
  static final OID SYS_UPTIME = new OID("1.3.6.1.2.1.1.3.0");
  static final OID SYS_NAME = new OID("1.3.6.1.2.1.1.5.0");

  static final OID IF_DESCR = new OID("1.3.6.1.2.1.2.2.1.2");
  static final OID IF_TYPE = new OID("1.3.6.1.2.1.2.2.1.3");
  static final OID IF_ADMIN_STATUS = new OID("1.3.6.1.2.1.2.2.1.7");
  static final OID IF_OPER_STATUS = new OID("1.3.6.1.2.1.2.2.1.8");
  static final OID IF_NAME = new OID("1.3.6.1.2.1.31.1.1.1.1");
  static final OID IF_ALIAS = new OID("1.3.6.1.2.1.31.1.1.1.18");
  /** Indexed by higher and lower ifIndex: what an interface (an aggregate) is built on. */
  static final OID IF_STACK_STATUS = new OID("1.3.6.1.2.1.31.1.2.1.3");
  /** IP-MIB (RFC 1213 table): the ifIndex of an IPv4 address, indexed by its four bytes. */
  static final OID IP_AD_ENT_IF_INDEX = new OID("1.3.6.1.2.1.4.20.1.2");
  /**
   * IP-MIB (RFC 4293 table): the ifIndex of an address of any family, indexed by the address
   * type (1 ipv4, 2 ipv6), the address length and its bytes. Agents that dropped the old table
   * only have this one.
   */
  static final OID IP_ADDRESS_IF_INDEX = new OID("1.3.6.1.2.1.4.34.1.3");

  private static final Map<OID, String> NAMES =
      Map.ofEntries(
          Map.entry(SYS_DESCR, "sysDescr.0"),
          Map.entry(SYS_OBJECT_ID, "sysObjectID.0"),
          Map.entry(SYS_UPTIME, "sysUpTime.0"),
          Map.entry(SYS_NAME, "sysName.0"),
          Map.entry(IF_DESCR, "ifDescr"),
          Map.entry(IF_TYPE, "ifType"),
          Map.entry(IF_ADMIN_STATUS, "ifAdminStatus"),
          Map.entry(IF_OPER_STATUS, "ifOperStatus"),
          Map.entry(IF_NAME, "ifName"),
          Map.entry(IF_ALIAS, "ifAlias"),
          Map.entry(IF_STACK_STATUS, "ifStackStatus"),
          Map.entry(IP_AD_ENT_IF_INDEX, "ipAdEntIfIndex"),
          Map.entry(IP_ADDRESS_IF_INDEX, "ipAddressIfIndex"),
          Map.entry(SnmpConstants.usmStatsUnsupportedSecLevels, "usmStatsUnsupportedSecLevels.0"),
          Map.entry(SnmpConstants.usmStatsNotInTimeWindows, "usmStatsNotInTimeWindows.0"),
          Map.entry(SnmpConstants.usmStatsUnknownUserNames, "usmStatsUnknownUserNames.0"),
          Map.entry(SnmpConstants.usmStatsUnknownEngineIDs, "usmStatsUnknownEngineIDs.0"),
          Map.entry(SnmpConstants.usmStatsWrongDigests, "usmStatsWrongDigests.0"),
          Map.entry(SnmpConstants.usmStatsDecryptionErrors, "usmStatsDecryptionErrors.0"));

  /** A readable name for an OID: the object name where we know it, else the dotted number. */
  static String name(OID oid) {
    if (oid == null) {
      return "?";
    }
    String known = NAMES.get(oid);
    if (known != null) {
      return known;
    }
    for (Map.Entry<OID, String> e : NAMES.entrySet()) {
      if (oid.size() > e.getKey().size() && oid.startsWith(e.getKey())
          && !e.getValue().endsWith(".0")) {
        return e.getValue() + "." + oid.getSuffix(e.getKey());
      }
    }
    return oid.toDottedString();
  }
}
