package org.daitu.vcmon.probe.snmp;

import java.util.Map;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.OID;

/**
 * The standard objects the probe reads (SNMPv2-MIB system group, IF-MIB ifTable, SNMP-USM-MIB
 * statistics) and their names, so that every reason text says "sysName.0", not a dotted number.
 */
final class Mib {
  private Mib() {}

  static final OID SYS_DESCR = new OID("1.3.6.1.2.1.1.1.0");
  static final OID SYS_OBJECT_ID = new OID("1.3.6.1.2.1.1.2.0");
  static final OID SYS_UPTIME = new OID("1.3.6.1.2.1.1.3.0");
  static final OID SYS_NAME = new OID("1.3.6.1.2.1.1.5.0");

  static final OID IF_DESCR = new OID("1.3.6.1.2.1.2.2.1.2");
  static final OID IF_ADMIN_STATUS = new OID("1.3.6.1.2.1.2.2.1.7");
  static final OID IF_OPER_STATUS = new OID("1.3.6.1.2.1.2.2.1.8");

  private static final Map<OID, String> NAMES =
      Map.ofEntries(
          Map.entry(SYS_DESCR, "sysDescr.0"),
          Map.entry(SYS_OBJECT_ID, "sysObjectID.0"),
          Map.entry(SYS_UPTIME, "sysUpTime.0"),
          Map.entry(SYS_NAME, "sysName.0"),
          Map.entry(IF_DESCR, "ifDescr"),
          Map.entry(IF_ADMIN_STATUS, "ifAdminStatus"),
          Map.entry(IF_OPER_STATUS, "ifOperStatus"),
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
