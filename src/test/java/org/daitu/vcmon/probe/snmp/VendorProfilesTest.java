package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;

/** Profile choice and vendor names by sysObjectID, and the Polycom and IF-MIB varbind mapping. */
class VendorProfilesTest {
  private final VendorProfiles vendors = VendorProfiles.standard();

  @Test
  void profileIsChosenByLongestPrefix() {
    assertThat(vendors.forSysObjectId("1.3.6.1.4.1.13885.101").name()).isEqualTo("polycom");
    assertThat(vendors.forSysObjectId(".1.3.6.1.4.1.13885.102").name()).isEqualTo("polycom");
    assertThat(vendors.forSysObjectId("1.3.6.1.4.1.5596.150.6.4.1").name()).isEqualTo("generic");
    assertThat(vendors.forSysObjectId("1.3.6.1.4.1.138850").name()).isEqualTo("generic");
    assertThat(vendors.forSysObjectId(null).name()).isEqualTo("generic");

    VendorProfile rmx = new VendorProfile() {
      public String name() { return "polycom-mcu"; }
      public List<OID> scalars() { return List.of(); }
      public List<OID> columns() { return List.of(); }
      public Reading read(Map<OID, Variable> s, Map<OID, SortedMap<OID, Variable>> c) {
        return Reading.NOTHING;
      }
    };
    VendorProfiles more = vendors.with("1.3.6.1.4.1.13885.110", rmx);
    assertThat(more.forSysObjectId("1.3.6.1.4.1.13885.110.1").name()).isEqualTo("polycom-mcu");
    assertThat(more.forSysObjectId("1.3.6.1.4.1.13885.101").name()).isEqualTo("polycom");
  }

  @Test
  void polycomAllRegistered() {
    VendorProfile.Reading r =
        PolycomProfile.INSTANCE.read(
            Map.of(PolycomProfile.ACTIVE_CONFERENCES, new Gauge32(2),
                PolycomProfile.H323_REGISTRATION, new Integer32(2)),
            Map.of(PolycomProfile.SIP_REGISTRATION, sip(2, 1)));
    assertThat(r.activeCalls()).isEqualTo(2);
    assertThat(r.registrationFailures()).isEmpty();
  }

  @Test
  void polycomFailuresNameTheRegistration() {
    VendorProfile.Reading r =
        PolycomProfile.INSTANCE.read(
            Map.of(PolycomProfile.H323_REGISTRATION, new Integer32(3)),
            Map.of(PolycomProfile.SIP_REGISTRATION, sip(2, 3, 3)));
    assertThat(r.activeCalls()).isNull();
    assertThat(r.registrationFailures())
        .containsExactly(
            "H.323 gatekeeper registration failed",
            "SIP registration failed (line 2)",
            "SIP registration failed (line 3)");
  }

  @Test
  void polycomMissingObjectsAreUnknownNotFailuresAndNamedProblems() {
    VendorProfile.Reading r =
        PolycomProfile.INSTANCE.read(
            Map.of(PolycomProfile.ACTIVE_CONFERENCES, Null.noSuchObject,
                PolycomProfile.H323_REGISTRATION, Null.noSuchInstance),
            Map.of());
    assertThat(r.activeCalls()).isNull();
    assertThat(r.registrationFailures()).isEmpty();
    assertThat(r.problems())
        .containsExactly(
            "conferenceNumberActiveConferences.0 missing (noSuchObject)",
            "serviceH323RegistrationStatus.0 missing (noSuchInstance)");
    // a text where a number belongs is not a number either
    VendorProfile.Reading text = PolycomProfile.INSTANCE.read(
        Map.of(PolycomProfile.H323_REGISTRATION, new OctetString("3")), Map.of());
    assertThat(text.registrationFailures()).isEmpty();
    assertThat(text.problems())
        .containsExactly("serviceH323RegistrationStatus.0 is OCTET STRING, not INTEGER");
    // objects not in the map were not read at all: their problem is someone else's to tell
    assertThat(PolycomProfile.INSTANCE.read(Map.of(), Map.of()))
        .isEqualTo(VendorProfile.Reading.NOTHING);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      nullValues = "null",
      value = {
        "1.3.6.1.4.1.13885.101, Polycom",
        "1.3.6.1.4.1.13885, Polycom",
        ".1.3.6.1.4.1.2684.1.1, Polycom",
        "1.3.6.1.4.1.5596.150.6.4.1, Cisco (Tandberg)",
        "1.3.6.1.4.1.5596.130.6.4.1, Cisco (Tandberg)",
        "1.3.6.1.4.1.9.1.1745, Cisco",
        "1.3.6.1.4.1.2011.2.239, Huawei",
        "1.3.6.1.4.1.37459.1, Yealink",
        "1.3.6.1.4.1.6889.1.69, Avaya",
        "1.3.6.1.4.1.8072.3.2.10, Net-SNMP",
        // not a maker known here, not under enterprises, or no OID at all
        "1.3.6.1.4.1.138850.1, null",
        "1.3.6.1.4.1.99999.1, null",
        "1.3.6.1.4.1, null",
        "1.2.826.0.1.4616240.1.1, null",
        "1.3.6.1.2.1.1, null",
        "not an oid, null",
        "null, null",
      })
  void vendorsAreNamedByTheirEnterpriseNumber(String sysObjectId, String vendor) {
    assertThat(VendorProfiles.vendorName(sysObjectId)).isEqualTo(vendor);
  }

  @Test
  void interfaceRowsJoinTheColumnsAndAreBounded() {
    SortedMap<OID, Variable> descr = new TreeMap<>(Map.of(
        new OID("1"), new OctetString("lo"), new OID("2"), new OctetString("eth0")));
    SortedMap<OID, Variable> admin = new TreeMap<>(Map.of(
        new OID("1"), new Integer32(1), new OID("2"), new Integer32(1), new OID("3"), new Integer32(2)));
    SortedMap<OID, Variable> oper = new TreeMap<>(Map.of(
        new OID("1"), new Integer32(1), new OID("2"), new Integer32(2), new OID("3"), new Integer32(99)));

    Map<OID, SortedMap<OID, Variable>> columns =
        Map.of(Mib.IF_DESCR, descr, Mib.IF_ADMIN_STATUS, admin, Mib.IF_OPER_STATUS, oper);

    assertThat(InterfaceRows.of(columns, 10).rows())
        .containsExactly(
            FakeSnmpClient.row(1, "lo", 1, 1),
            FakeSnmpClient.row(2, "eth0", 1, 2),
            new InterfaceStatus(3, "if3", null, null, 0, 2, 4, false, null));
    assertThat(InterfaceRows.of(columns, 10).cut()).isFalse();
    assertThat(InterfaceRows.of(columns, 2).rows()).hasSize(2);
    assertThat(InterfaceRows.of(columns, 2).cut()).isTrue();
  }

  private static SortedMap<OID, Variable> sip(int... statuses) {
    SortedMap<OID, Variable> m = new TreeMap<>();
    for (int i = 0; i < statuses.length; i++) {
      m.put(new OID(new int[] {i + 1}), new Integer32(statuses[i]));
    }
    return m;
  }
}
