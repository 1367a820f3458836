package org.daitu.vcmon.probe.snmp;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;

/**
 * What a vendor MIB adds to a poll: some scalars to GET, some columns to walk, and how to read
 * them. Profiles are chosen from sysObjectID by {@link VendorProfiles}; adding a vendor is one
 * class and one line there. {@link #read} is pure, so the mapping is tested without an agent.
 */
public interface VendorProfile {

  /** The profile name reported in {@code SnmpResult.vendorProfile} ("generic", "polycom"). */
  String name();

  /** Scalar instances (ending in .0) read with one GET. */
  List<OID> scalars();

  /** Table columns walked (bounded) after the scalars. */
  List<OID> columns();

  /**
   * The name of one of this profile's scalars or columns, or of a row of a column
   * ("serviceH323RegistrationStatus.0"), for problem texts; null: the dotted number will do.
   */
  default String objectName(OID oid) {
    return null;
  }

  /**
   * Interprets what the agent returned.
   *
   * @param scalars the value of each scalar; exceptions (noSuchObject...) are kept as such,
   *     missing ones are absent (their problem is already told: do not name it again)
   * @param columns for each column of {@link #columns()}, its values keyed by row index
   */
  Reading read(Map<OID, Variable> scalars, Map<OID, SortedMap<OID, Variable>> columns);

  /**
   * What a vendor profile found.
   *
   * @param activeCalls calls or conferences in progress, null when not known
   * @param registrationFailures human texts, one per failed registration; empty when all are
   *     registered, disabled or unknown
   * @param problems objects that were missing or of the wrong type, each named with why
   *     ("serviceH323RegistrationStatus.0 is OCTET STRING, not INTEGER"); the others are read
   */
  record Reading(Integer activeCalls, List<String> registrationFailures, List<String> problems) {
    public Reading {
      registrationFailures = List.copyOf(registrationFailures);
      problems = List.copyOf(problems);
    }

    /** A reading without problems. */
    public Reading(Integer activeCalls, List<String> registrationFailures) {
      this(activeCalls, registrationFailures, List.of());
    }

    public static final Reading NOTHING = new Reading(null, List.of());
  }
}
