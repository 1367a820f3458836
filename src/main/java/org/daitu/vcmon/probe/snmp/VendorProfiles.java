package org.daitu.vcmon.probe.snmp;

import java.util.LinkedHashMap;
import java.util.Map;
import org.snmp4j.smi.OID;

/**
 * Chooses the {@link VendorProfile} of an endpoint from its sysObjectID: the longest registered
 * OID prefix wins, anything else gets the generic profile. Immutable once built.
 *
 * <p>Also names the maker from the same sysObjectID ({@link #vendorName}): many makers have no
 * profile of their own, and a name is worth showing all the same.
 */
public final class VendorProfiles {
  /** iso.org.dod.internet.private.enterprises: a maker's sysObjectIDs sit under .n of it. */
  static final OID ENTERPRISES = new OID("1.3.6.1.4.1");

  /** Display names by IANA enterprise number; a maker may have more than one number. */
  private static final Map<Integer, String> VENDORS =
      Map.of(
          13885, "Polycom", // Polycom / Poly: Group Series, RMX, DMA
          2684, "Polycom", // the ViewStation MIB of the HDX series
          5596, "Cisco (Tandberg)", // TANDBERG's number, kept by Cisco's codecs and VCS
          9, "Cisco",
          2011, "Huawei",
          37459, "Yealink",
          6889, "Avaya",
          8072, "Net-SNMP"); // an agent left at net-snmp's own sysObjectID: a Linux box

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

  /**
   * The maker's name for a sysObjectID (dotted, a leading dot allowed): "Polycom", "Cisco
   * (Tandberg)"...; null when it is null, not an OID, not under enterprises or of a maker not
   * known here.
   */
  public static String vendorName(String sysObjectId) {
    OID oid = parse(sysObjectId);
    if (oid == null || oid.size() <= ENTERPRISES.size() || !oid.startsWith(ENTERPRISES)) {
      return null;
    }
    return VENDORS.get(oid.get(ENTERPRISES.size()));
  }

  /** The profile for a sysObjectID (dotted, a leading dot allowed); generic when null, unknown or not
   * an OID at all. */
  public VendorProfile forSysObjectId(String sysObjectId) {
    OID oid = parse(sysObjectId);
    if (oid == null) {
      return GenericProfile.INSTANCE;
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

  private static OID parse(String sysObjectId) {
    if (sysObjectId == null || sysObjectId.isBlank()) {
      return null;
    }
    try {
      return new OID(sysObjectId.startsWith(".") ? sysObjectId.substring(1) : sysObjectId);
    } catch (RuntimeException notAnOid) {
      return null; // SNMP4J throws a bare RuntimeException for bad text
    }
  }
}
