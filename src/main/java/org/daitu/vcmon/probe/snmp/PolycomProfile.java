package org.daitu.vcmon.probe.snmp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;

/**
 * Polycom / Poly room systems (POLYCOM-ENDPOINT-MIB, enterprise 13885): calls in progress and
 * the H.323 gatekeeper and SIP registrar registrations. The MIB's status enumeration is
 * 1 disabled, 2 ok, 3 failed; only 3 is a failure, and an object the agent does not have
 * (noSuchObject / noSuchInstance) means "unknown", never "failed".
 */
final class PolycomProfile implements VendorProfile {
  static final OID ENTERPRISE = new OID("1.3.6.1.4.1.13885");

  /** conferenceNumberActiveConferences.0: 0 idle, 1 or more in a conference. */
  static final OID ACTIVE_CONFERENCES = new OID("1.3.6.1.4.1.13885.101.1.5.1.0");
  /** serviceH323RegistrationStatus.0: gatekeeper registration. */
  static final OID H323_REGISTRATION = new OID("1.3.6.1.4.1.13885.101.1.2.7.2.0");
  /** serviceSipRegistrationStatus, one row per SIP line. */
  static final OID SIP_REGISTRATION = new OID("1.3.6.1.4.1.13885.101.1.2.8.3.1.2");

  private static final long FAILED = 3;

  static final PolycomProfile INSTANCE = new PolycomProfile();

  private PolycomProfile() {}

  @Override
  public String name() {
    return "polycom";
  }

  @Override
  public List<OID> scalars() {
    return List.of(ACTIVE_CONFERENCES, H323_REGISTRATION);
  }

  @Override
  public List<OID> columns() {
    return List.of(SIP_REGISTRATION);
  }

  @Override
  public Reading read(Map<OID, Variable> scalars, Map<OID, SortedMap<OID, Variable>> columns) {
    OptionalLong calls = SnmpReplies.number(scalars.get(ACTIVE_CONFERENCES));
    List<String> failures = new ArrayList<>();
    if (SnmpReplies.number(scalars.get(H323_REGISTRATION)).orElse(0) == FAILED) {
      failures.add("H.323 gatekeeper registration failed");
    }
    SortedMap<OID, Variable> sip = columns.getOrDefault(SIP_REGISTRATION, java.util.Collections.emptySortedMap());
    for (Map.Entry<OID, Variable> row : sip.entrySet()) {
      if (SnmpReplies.number(row.getValue()).orElse(0) == FAILED) {
        failures.add("SIP registration failed (line " + row.getKey() + ")");
      }
    }
    Integer active = calls.isPresent() && calls.getAsLong() >= 0
        ? (int) Math.min(Integer.MAX_VALUE, calls.getAsLong()) : null;
    return new Reading(active, failures);
  }
}
