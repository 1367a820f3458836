package org.daitu.vcmon.probe.trap;

import java.util.Map;

/**
 * What a notification means to vcmon, from its trap OID (the {@code snmpTrapOID.0} of a v2c or v3
 * notification, or the OID RFC 3584 gives a v1 trap). A notification never decides a state: it
 * only says what to look at now.
 *
 * @param name the notification's name in its MIB ({@code linkDown}, {@code sipRegistrationFailed}),
 *     or the OID when vcmon does not know it
 * @param kind what vcmon does with it
 */
public record Meaning(String name, Kind kind) {

  /** What vcmon does with a notification. */
  public enum Kind {
    /** linkDown, linkUp: re-check the sender and every site behind it, back to back. */
    LINK,
    /** coldStart, warmStart: the sender restarted; recorded as a reboot, and the sender re-checked. */
    RESTART,
    /** An endpoint's own event (registration lost or back, call dropped): re-check it, show why. */
    ENDPOINT,
    /** Known or not, nothing to do (authenticationFailure, call connected, a vendor's others). */
    NONE
  }

  /** snmpTraps (SNMPv2-MIB): the standard notifications are its children. */
  static final String SNMP_TRAPS = "1.3.6.1.6.3.1.1.5";

  /** polycom-endpointNotifications (POLYCOM-ENDPOINT-MIB). */
  static final String POLYCOM_ENDPOINT = "1.3.6.1.4.1.13885.101.0";

  private static final Map<String, Meaning> KNOWN =
      Map.ofEntries(
          known(SNMP_TRAPS + ".1", "coldStart", Kind.RESTART),
          known(SNMP_TRAPS + ".2", "warmStart", Kind.RESTART),
          known(SNMP_TRAPS + ".3", "linkDown", Kind.LINK),
          known(SNMP_TRAPS + ".4", "linkUp", Kind.LINK),
          known(SNMP_TRAPS + ".5", "authenticationFailure", Kind.NONE),
          known(POLYCOM_ENDPOINT + ".70", "h323GateKeeperRegistrationFailed", Kind.ENDPOINT),
          known(POLYCOM_ENDPOINT + ".71", "h323GateKeeperRegistrationOK", Kind.ENDPOINT),
          known(POLYCOM_ENDPOINT + ".72", "sipRegistrationFailed", Kind.ENDPOINT),
          known(POLYCOM_ENDPOINT + ".73", "sipRegistrationOK", Kind.ENDPOINT),
          known(POLYCOM_ENDPOINT + ".78", "callConnected", Kind.NONE),
          known(POLYCOM_ENDPOINT + ".79", "callDisconnected", Kind.ENDPOINT),
          known(POLYCOM_ENDPOINT + ".80", "callFailed", Kind.ENDPOINT));

  private static Map.Entry<String, Meaning> known(String oid, String name, Kind kind) {
    return Map.entry(oid, new Meaning(name, kind));
  }

  /** The meaning of the notification {@code trapOid} (dotted); {@link Kind#NONE} when unknown. */
  public static Meaning of(String trapOid) {
    Meaning m = KNOWN.get(trapOid);
    return m != null ? m : new Meaning(trapOid, Kind.NONE);
  }

  /**
   * The trap OID of an SNMPv1 trap (RFC 3584 §3.1): a generic trap 0–5 is the standard
   * notification {@code snmpTraps.(generic+1)}; an enterprise-specific one (6) is {@code
   * enterprise.0.specific}. Null for a generic number outside 0–6.
   */
  public static String v1TrapOid(String enterprise, int genericTrap, int specificTrap) {
    if (genericTrap >= 0 && genericTrap <= 5) {
      return SNMP_TRAPS + "." + (genericTrap + 1);
    }
    if (genericTrap == 6 && enterprise != null && !enterprise.isEmpty()) {
      return enterprise + ".0." + specificTrap;
    }
    return null;
  }

  /** Whether the notification makes vcmon do anything at all. */
  public boolean acts() {
    return kind != Kind.NONE;
  }
}
