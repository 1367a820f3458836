package org.daitu.vcmon.demo;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;

/**
 * One simulated meeting-room codec of the demo district: the MIB objects a real one answers
 * (system group, two interfaces, Polycom call and registration objects for Polycom models) and
 * the faults the demo scenario injects. Thread-safe: the scenario changes it while the SNMP
 * responder reads it.
 */
final class SimulatedEndpoint {
  static final OID SYS_DESCR = new OID("1.3.6.1.2.1.1.1.0");
  static final OID SYS_OBJECT_ID = new OID("1.3.6.1.2.1.1.2.0");
  static final OID SYS_UPTIME = new OID("1.3.6.1.2.1.1.3.0");
  static final OID SYS_CONTACT = new OID("1.3.6.1.2.1.1.4.0");
  static final OID SYS_NAME = new OID("1.3.6.1.2.1.1.5.0");
  static final OID SYS_LOCATION = new OID("1.3.6.1.2.1.1.6.0");
  static final OID IF_NUMBER = new OID("1.3.6.1.2.1.2.1.0");
  static final String IF_ENTRY = "1.3.6.1.2.1.2.2.1.";
  static final String IP_AD_ENT_IF_INDEX = "1.3.6.1.2.1.4.20.1.2.";
  static final OID POLYCOM_ACTIVE_CONFERENCES = new OID("1.3.6.1.4.1.13885.101.1.5.1.0");
  static final OID POLYCOM_H323_REGISTRATION = new OID("1.3.6.1.4.1.13885.101.1.2.7.2.0");
  static final OID POLYCOM_SIP_REGISTRATION_1 = new OID("1.3.6.1.4.1.13885.101.1.2.8.3.1.2.1");

  final String siteId;
  final String address;
  final boolean polycom;
  private final NavigableMap<OID, Variable> mib = new ConcurrentSkipListMap<>();
  private volatile long bootMillis;
  private volatile boolean cut;
  private volatile boolean snmpOff;
  private volatile double loss;

  SimulatedEndpoint(String siteId, String name, String address, int model, long nowMillis) {
    this.siteId = siteId;
    this.address = address;
    this.polycom = model != 0;
    // Booted some hours ago, differently per site.
    this.bootMillis = nowMillis - 3_600_000L * (1 + Math.floorMod(siteId.hashCode(), 72));
    String serial = String.format("%06d", Math.floorMod(siteId.hashCode(), 1_000_000));
    switch (model) {
      case 0 -> {
        mib.put(SYS_DESCR, new OctetString("Cisco Codec, SoftW: ce9.15.18.5, MCU: Cisco Webex Room Kit, S/N: FOC24" + serial));
        mib.put(SYS_OBJECT_ID, new OID("1.3.6.1.4.1.5596.150.6.4.1"));
      }
      case 1 -> {
        mib.put(SYS_DESCR, new OctetString("Polycom RealPresence Group 500, Version 6.2.2.8-480003, S/N: 8213" + serial));
        mib.put(SYS_OBJECT_ID, new OID("1.3.6.1.4.1.13885.101"));
      }
      default -> {
        mib.put(SYS_DESCR, new OctetString("Poly Studio X50, Version 4.1.2.0002, S/N: 8L21" + serial));
        mib.put(SYS_OBJECT_ID, new OID("1.3.6.1.4.1.13885.102"));
      }
    }
    mib.put(SYS_CONTACT, new OctetString("Tổ CNTT huyện <it@example.org>"));
    mib.put(SYS_NAME, new OctetString(siteId));
    mib.put(SYS_LOCATION, new OctetString("UBND " + name + " - phòng họp trực tuyến (demo)"));
    mib.put(IF_NUMBER, new Integer32(2));
    putInterface(1, "eth0", 1, 1);
    putInterface(2, "eth1", 2, 2); // the PC port, administratively down like on a real codec
    // IP-MIB puts the polled address on eth0: the interface that judges the site
    mib.put(new OID(IP_AD_ENT_IF_INDEX + address), new Integer32(1));
    if (polycom) {
      mib.put(POLYCOM_ACTIVE_CONFERENCES, new Integer32(0));
      mib.put(POLYCOM_H323_REGISTRATION, new Integer32(2));
      mib.put(POLYCOM_SIP_REGISTRATION_1, new Integer32(2));
    }
  }

  private void putInterface(int index, String name, int admin, int oper) {
    mib.put(new OID(IF_ENTRY + "1." + index), new Integer32(index));
    mib.put(new OID(IF_ENTRY + "2." + index), new OctetString(name));
    mib.put(new OID(IF_ENTRY + "3." + index), new Integer32(6));
    mib.put(new OID(IF_ENTRY + "7." + index), new Integer32(admin));
    mib.put(new OID(IF_ENTRY + "8." + index), new Integer32(oper));
  }

  /** A copy of the MIB as it reads now (uptime computed at the moment of the request). */
  NavigableMap<OID, Variable> mibNow(long nowMillis) {
    NavigableMap<OID, Variable> view = new TreeMap<>(mib);
    view.put(SYS_UPTIME, new TimeTicks((nowMillis - bootMillis) / 10));
    return view;
  }

  Map<OID, Variable> objects() {
    return mib;
  }

  boolean answersSnmp() {
    return !cut && !snmpOff;
  }

  boolean cut() {
    return cut;
  }

  double loss() {
    return loss;
  }

  void setCut(boolean cut) {
    this.cut = cut;
  }

  void setSnmpOff(boolean off) {
    this.snmpOff = off;
  }

  void setLoss(double loss) {
    this.loss = loss;
  }

  void reboot(long nowMillis) {
    this.bootMillis = nowMillis;
  }

  void setRegistered(boolean registered) {
    if (polycom) {
      mib.put(POLYCOM_H323_REGISTRATION, new Integer32(registered ? 2 : 3));
    }
  }

  void setActiveConferences(int n) {
    if (polycom) {
      mib.put(POLYCOM_ACTIVE_CONFERENCES, new Integer32(n));
    }
  }

  void setLanUp(boolean up) {
    mib.put(new OID(IF_ENTRY + "8.1"), new Integer32(up ? 1 : 2));
  }

  void clearFaults() {
    cut = false;
    snmpOff = false;
    loss = 0;
    setRegistered(true);
    setLanUp(true);
  }
}
