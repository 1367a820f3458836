package org.daitu.vcmon.probe.snmp;

import java.util.LinkedHashMap;
import java.util.Map;
import org.snmp4j.smi.OID;

/**
 * Chooses the {@link VendorProfile} of an endpoint from its sysObjectID: the longest registered
 * OID prefix wins, anything else gets the generic profile. Immutable once built.
 */
public final class VendorProfiles {
  private final Map<OID, VendorProfile> byPrefix;

  private VendorProfiles(Map<OID, VendorProfile> byPrefix) {
    this.byPrefix = Map.copyOf(byPrefix);
  }

  /** The vendors we know: Polycom / Poly (enterprise 13885). */
  public static VendorProfiles standard() {
    Map<OID, VendorProfile> m = new LinkedHashMap<>();
    m.put(PolycomProfile.ENTERPRISE, PolycomProfile.INSTANCE);
    return new VendorProfiles(m);
  }

  /** This registry plus one more profile for sysObjectIDs under {@code prefix}. */
  public VendorProfiles with(String prefix, VendorProfile profile) {
    Map<OID, VendorProfile> m = new LinkedHashMap<>(byPrefix);
    m.put(new OID(prefix), profile);
    return new VendorProfiles(m);
  }

  /** The profile for a sysObjectID (dotted, a leading dot allowed); generic when null, unknown or not
   * an OID at all. */
  public VendorProfile forSysObjectId(String sysObjectId) {
    if (sysObjectId == null || sysObjectId.isBlank()) {
      return GenericProfile.INSTANCE;
    }
    OID oid;
    try {
      oid = new OID(sysObjectId.startsWith(".") ? sysObjectId.substring(1) : sysObjectId);
    } catch (RuntimeException notAnOid) {
      return GenericProfile.INSTANCE; // SNMP4J throws a bare RuntimeException for bad text
    }
    VendorProfile best = GenericProfile.INSTANCE;
    int bestLength = -1;
    for (Map.Entry<OID, VendorProfile> e : byPrefix.entrySet()) {
      if (oid.startsWith(e.getKey()) && e.getKey().size() > bestLength) {
        best = e.getValue();
        bestLength = e.getKey().size();
      }
    }
    return best;
  }
}
