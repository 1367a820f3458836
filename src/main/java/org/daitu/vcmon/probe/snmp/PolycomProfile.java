package org.daitu.vcmon.probe.snmp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;

/**
 * Polycom / Poly room systems (POLYCOM-ENDPOINT-MIB, enterprise 13885): calls in progress and
 * the H.323 gatekeeper and SIP registrar registrations. The MIB's status enumeration is
 * 1 disabled, 2 ok, 3 failed; only 3 is a failure. An object the agent does not have
 * (noSuchObject / noSuchInstance) or sends as another type is "unknown", never "failed", and
 * a problem named in the reading; the other objects are read all the same.
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
  public String objectName(OID oid) {
    if (oid.equals(ACTIVE_CONFERENCES)) {
      return "conferenceNumberActiveConferences.0";
    }
    if (oid.equals(H323_REGISTRATION)) {
      return "serviceH323RegistrationStatus.0";
    }
    if (oid.startsWith(SIP_REGISTRATION)) {
      return "serviceSipRegistrationStatus"
          + (oid.size() > SIP_REGISTRATION.size() ? "." + oid.getSuffix(SIP_REGISTRATION) : "");
    }
    return null;
  }

  @Override
  public Reading read(Map<OID, Variable> scalars, Map<OID, SortedMap<OID, Variable>> columns) {
    List<String> problems = new ArrayList<>();
    OptionalLong calls = scalar(scalars, ACTIVE_CONFERENCES, problems);
    List<String> failures = new ArrayList<>();
    if (scalar(scalars, H323_REGISTRATION, problems).orElse(0) == FAILED) {
      failures.add("H.323 gatekeeper registration failed");
    }
    SortedMap<OID, Variable> sip =
        columns.getOrDefault(SIP_REGISTRATION, Collections.emptySortedMap());
    String firstBadRow = null;
    int badRows = 0;
    for (Map.Entry<OID, Variable> row : sip.entrySet()) {
      String problem = SnmpReplies.numberProblem(
          objectName(new OID(SIP_REGISTRATION).append(row.getKey())), row.getValue());
      if (problem != null) {
        firstBadRow = badRows++ == 0 ? problem : firstBadRow;
      } else if (SnmpReplies.number(row.getValue()).getAsLong() == FAILED) {
        failures.add("SIP registration failed (line " + row.getKey() + ")");
      }
    }
    if (badRows > 0) {
      // one problem for the column: a broken agent gets it wrong on every line
      problems.add(firstBadRow + (badRows > 1 ? " (and " + (badRows - 1) + " more lines)" : ""));
    }
    Integer active = calls.isPresent() && calls.getAsLong() >= 0
        ? (int) Math.min(Integer.MAX_VALUE, calls.getAsLong()) : null;
    return new Reading(active, failures, problems);
  }

  /** A number scalar; empty, and its problem told, when it is missing or not a number. */
  private OptionalLong scalar(Map<OID, Variable> scalars, OID oid, List<String> problems) {
    if (!scalars.containsKey(oid)) {
      return OptionalLong.empty(); // not asked, or refused: told already
    }
    String problem = SnmpReplies.numberProblem(objectName(oid), scalars.get(oid));
    if (problem != null) {
      problems.add(problem);
      return OptionalLong.empty();
    }
    return SnmpReplies.number(scalars.get(oid));
  }
}
