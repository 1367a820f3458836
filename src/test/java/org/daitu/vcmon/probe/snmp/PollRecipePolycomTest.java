package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.probe.snmp.PollRecipeTest.run;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.daitu.vcmon.probe.snmp.FakeSnmpClient.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.snmp4j.PDU;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;

/**
 * The poll recipe of a Polycom endpoint (chosen by its sysObjectID under enterprise 13885)
 * through {@link FakeSnmpClient}: calls in progress and H.323 / SIP registrations, as
 * Snmp4jProbeIT checks them against snmpd, with the exact requests.
 */
class PollRecipePolycomTest {
  static final String POLYCOM = "1.3.6.1.4.1.13885.101";
  /** conferenceNumberActiveConferences.0 */
  private static final OID CALLS = new OID("1.3.6.1.4.1.13885.101.1.5.1.0");
  /** serviceH323RegistrationStatus.0 */
  private static final OID H323 = new OID("1.3.6.1.4.1.13885.101.1.2.7.2.0");
  /** serviceSipRegistrationStatus, one row per SIP line */
  private static final OID SIP = new OID("1.3.6.1.4.1.13885.101.1.2.8.3.1.2");
  private static final int MAX_INTERFACES = 64;

  private static final Request SYSTEM = PollRecipeTest.SYSTEM;
  private static final Request INTERFACES = PollRecipeTest.INTERFACES;
  private static final Request SCALARS = Request.get(CALLS, H323);
  private static final Request SIP_LINES = Request.getBulk(16, SIP);

  private final PollRecipe recipe = new PollRecipe(VendorProfiles.standard(), MAX_INTERFACES);

  @Test
  void registeredEverywhereHasNoFailuresAndReportsCalls() {
    FakeSnmpClient agent =
        codec()
            .set(CALLS, new Integer32(1))
            .set(H323, new Integer32(2))
            .set(new OID(SIP).append(1), new Integer32(2))
            .set(new OID(SIP).append(2), new Integer32(1));

    SnmpResult r = run(recipe, agent);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.sysObjectId()).isEqualTo(POLYCOM);
    assertThat(r.vendorProfile()).isEqualTo("polycom");
    assertThat(r.sysName()).isEqualTo("cu-van");
    assertThat(r.interfaces()).containsExactly(FakeSnmpClient.row(1, "LAN", 1, 1));
    assertThat(r.activeCalls()).isEqualTo(1);
    assertThat(r.registrationFailures()).isEmpty();
    // system, interfaces, then the profile's scalars in one GET and its column walked
    assertThat(agent.requests()).containsExactly(SYSTEM, INTERFACES, SCALARS, SIP_LINES);
  }

  @Test
  void failedRegistrationsAreReported() {
    FakeSnmpClient agent =
        codec()
            .set(CALLS, new Integer32(0))
            .set(H323, new Integer32(3))
            .set(new OID(SIP).append(1), new Integer32(2))
            .set(new OID(SIP).append(2), new Integer32(3));

    SnmpResult r = run(recipe, agent);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.activeCalls()).isZero();
    assertThat(r.registrationFailures())
        .containsExactly(
            "H.323 gatekeeper registration failed", "SIP registration failed (line 2)");
    assertThat(agent.requests()).containsExactly(SYSTEM, INTERFACES, SCALARS, SIP_LINES);
  }

  static Stream<Arguments> readings() {
    return Stream.of(
        // calls, h323, sip lines (status per line, from 1), active calls, failures
        Arguments.of(new Gauge32(2), new Integer32(1), new int[] {1, 1}, 2, List.of()),
        Arguments.of(new Integer32(-1), new Integer32(2), new int[] {}, null, List.of()),
        Arguments.of(null, new OctetString("3"), new int[] {3}, null,
            List.of("SIP registration failed (line 1)")),
        Arguments.of(new Integer32(3), new Integer32(3), new int[] {3, 2, 3}, 3,
            List.of("H.323 gatekeeper registration failed", "SIP registration failed (line 1)",
                "SIP registration failed (line 3)")));
  }

  @ParameterizedTest(name = "calls {0}, h323 {1} -> {3} calls, {4}")
  @MethodSource("readings")
  void objectsAreMapped(
      Variable calls, Variable h323, int[] sipLines, Integer activeCalls, List<String> failures) {
    FakeSnmpClient agent = codec();
    if (calls != null) {
      agent.set(CALLS, calls);
    }
    agent.set(H323, h323);
    for (int i = 0; i < sipLines.length; i++) {
      agent.set(new OID(SIP).append(i + 1), new Integer32(sipLines[i]));
    }
    SnmpResult r = run(recipe, agent);
    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.activeCalls()).isEqualTo(activeCalls);
    assertThat(r.registrationFailures()).containsExactlyElementsOf(failures);
  }

  @Test
  void withoutItsMibTheValuesAreUnknownNotFailed() {
    FakeSnmpClient agent = codec();
    SnmpResult r = run(recipe, agent);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.vendorProfile()).isEqualTo("polycom");
    assertThat(r.activeCalls()).isNull();
    assertThat(r.registrationFailures()).isEmpty();
    // the scalars are missing, and say so; an empty SIP table is no problem (no SIP lines)
    assertThat(r.problems())
        .containsExactly(
            "conferenceNumberActiveConferences.0 missing (noSuchObject)",
            "serviceH323RegistrationStatus.0 missing (noSuchObject)");
    // asked all the same: the agent's noSuchObject and endOfMibView say it has none
    assertThat(agent.requests()).containsExactly(SYSTEM, INTERFACES, SCALARS, SIP_LINES);
  }

  @Test
  void sipLinesAreBoundedLikeInterfaces() {
    FakeSnmpClient agent = codec().set(CALLS, new Integer32(0));
    for (int line = 1; line <= 100; line++) {
      agent.set(new OID(SIP).append(line), new Integer32(3));
    }
    SnmpResult r = run(new PollRecipe(VendorProfiles.standard(), 20), agent);

    assertThat(r.registrationFailures()).hasSize(20).endsWith("SIP registration failed (line 20)");
    assertThat(agent.requests())
        .containsExactly(
            SYSTEM,
            INTERFACES,
            SCALARS,
            SIP_LINES,
            Request.getBulk(4, new OID(SIP).append(16)),
            Request.getBulk(1, new OID(SIP).append(20)));
  }

  @Test
  void aScalarRefusedWithNoSuchNameIsAProblemAndTheRestIsRead() {
    FakeSnmpClient agent =
        codec()
            .set(CALLS, new Integer32(1))
            .set(new OID(SIP).append(1), new Integer32(3))
            .errorStatusOn(H323, PDU.noSuchName);

    SnmpResult r = run(recipe, agent);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.vendorProfile()).isEqualTo("polycom");
    assertThat(r.vendor()).isEqualTo("Polycom");
    assertThat(r.interfaces()).hasSize(1);
    assertThat(r.activeCalls()).isEqualTo(1);
    assertThat(r.registrationFailures()).containsExactly("SIP registration failed (line 1)");
    assertThat(r.problems()).containsExactly("serviceH323RegistrationStatus.0 missing (noSuchName)");
    assertThat(agent.requests())
        .containsExactly(SYSTEM, INTERFACES, SCALARS, Request.get(CALLS), SIP_LINES);
  }

  @Test
  void anotherErrorOnTheScalarsLeavesThemUnknownAndTheColumnsAreStillRead() {
    FakeSnmpClient agent =
        codec()
            .set(CALLS, new Integer32(1))
            .set(new OID(SIP).append(1), new Integer32(3))
            .errorStatusOn(H323, PDU.genErr);

    SnmpResult r = run(recipe, agent);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.sysName()).isEqualTo("cu-van");
    assertThat(r.interfaces()).hasSize(1);
    assertThat(r.activeCalls()).isNull();
    assertThat(r.registrationFailures()).containsExactly("SIP registration failed (line 1)");
    assertThat(r.problems())
        .containsExactly(
            "polycom objects not read: agent error: genErr on serviceH323RegistrationStatus.0");
    assertThat(agent.requests()).containsExactly(SYSTEM, INTERFACES, SCALARS, SIP_LINES);
  }

  @Test
  void silenceOnTheScalarsIsAProblemAndNothingMoreIsAsked() {
    FakeSnmpClient agent =
        codec()
            .set(new OID(SIP).append(1), new Integer32(3))
            .failOn(CALLS, FakeSnmpClient.timeout());

    SnmpResult r = run(recipe, agent);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.sysName()).isEqualTo("cu-van");
    assertThat(r.interfaces()).hasSize(1);
    assertThat(r.activeCalls()).isNull();
    assertThat(r.registrationFailures()).isEmpty();
    assertThat(r.problems())
        .containsExactly("polycom objects not read: no SNMP answer within 300ms (2 attempts)");
    // one timeout is enough: the SIP lines are not asked
    assertThat(agent.requests()).containsExactly(SYSTEM, INTERFACES, SCALARS);
  }

  @Test
  void aFailedColumnWalkKeepsTheScalarsAndIsAProblem() {
    FakeSnmpClient agent =
        codec()
            .set(CALLS, new Integer32(1))
            .set(H323, new Integer32(3))
            .failOn(SIP, FakeSnmpClient.timeout());

    SnmpResult r = run(recipe, agent);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.activeCalls()).isEqualTo(1);
    assertThat(r.registrationFailures()).containsExactly("H.323 gatekeeper registration failed");
    assertThat(r.problems())
        .containsExactly(
            "serviceSipRegistrationStatus not read: no SNMP answer within 300ms (2 attempts)");
    assertThat(agent.requests()).containsExactly(SYSTEM, INTERFACES, SCALARS, SIP_LINES);
  }

  @Test
  void wrongTypesInTheVendorMibAreProblemsAndTheOtherObjectsAreRead() {
    FakeSnmpClient agent =
        codec()
            .set(CALLS, new Integer32(2))
            .set(H323, new OctetString("3"))
            .set(new OID(SIP).append(1), new OctetString("failed"))
            .set(new OID(SIP).append(2), new Integer32(3))
            .set(new OID(SIP).append(3), new Counter64(3))
            .set(new OID(SIP).append(4), new OctetString("ok"));

    SnmpResult r = run(recipe, agent);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.activeCalls()).isEqualTo(2);
    // a Counter64 is a number: line 3 reads as failed; the strings say nothing
    assertThat(r.registrationFailures())
        .containsExactly("SIP registration failed (line 2)", "SIP registration failed (line 3)");
    assertThat(r.problems())
        .containsExactly(
            "serviceH323RegistrationStatus.0 is OCTET STRING, not INTEGER",
            "serviceSipRegistrationStatus.1 is OCTET STRING, not INTEGER (and 1 more lines)");
  }

  @Test
  void aProfileOfOnesOwnIsAskedItsScalarsThenEachColumnInTurn() {
    OID scalar = new OID("1.3.6.1.4.1.99999.1.0");
    OID first = new OID("1.3.6.1.4.1.99999.2.1.1");
    OID second = new OID("1.3.6.1.4.1.99999.2.1.2");
    VendorProfile mcu =
        new VendorProfile() {
          @Override
          public String name() {
            return "mcu";
          }

          @Override
          public List<OID> scalars() {
            return List.of(scalar);
          }

          @Override
          public List<OID> columns() {
            return List.of(first, second);
          }

          @Override
          public Reading read(
              Map<OID, Variable> scalars, Map<OID, SortedMap<OID, Variable>> columns) {
            return new Reading(
                scalars.get(scalar).toInt(),
                List.of(
                    columns.get(first).size() + " and " + columns.get(second).size() + " rows"));
          }
        };
    FakeSnmpClient agent =
        new FakeSnmpClient()
            .system("mcu", "d", "1.3.6.1.4.1.99999.7", 1)
            .set(scalar, new Integer32(4))
            .set(new OID(first).append(1), new Integer32(1))
            .set(new OID(first).append(2), new Integer32(1))
            .set(new OID(second).append(1), new Integer32(1));

    SnmpResult r = run(new PollRecipe(VendorProfiles.standard().with("1.3.6.1.4.1.99999", mcu),
        MAX_INTERFACES), agent);

    assertThat(r.vendorProfile()).isEqualTo("mcu");
    assertThat(r.activeCalls()).isEqualTo(4);
    assertThat(r.registrationFailures()).containsExactly("2 and 1 rows");
    assertThat(agent.requests())
        .containsExactly(
            SYSTEM,
            INTERFACES,
            Request.get(scalar),
            Request.getBulk(16, first),
            Request.getBulk(16, second));
  }

  /** A Polycom room codec with one LAN port and no vendor objects yet. */
  private static FakeSnmpClient codec() {
    return new FakeSnmpClient()
        .system("cu-van", "Polycom RealPresence Group 500", POLYCOM, 9_000)
        .iface(1, "LAN", 1, 1);
  }
}
