package org.daitu.vcmon.probe.snmp;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;

/** Any endpoint: the standard MIBs only, nothing vendor-specific to read. */
final class GenericProfile implements VendorProfile {
  static final GenericProfile INSTANCE = new GenericProfile();

  private GenericProfile() {}

  @Override
  public String name() {
    return "generic";
  }

  @Override
  public List<OID> scalars() {
    return List.of();
  }

  @Override
  public List<OID> columns() {
    return List.of();
  }

  @Override
  public Reading read(Map<OID, Variable> scalars, Map<OID, SortedMap<OID, Variable>> columns) {
    return Reading.NOTHING;
  }
}
