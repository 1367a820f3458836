package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.snmp4j.PDU;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.IpAddress;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/** Golden reason texts, the system-group mapping and the problems of a partial answer. */
class SnmpRepliesTest {

  @ParameterizedTest
  @CsvSource({
    "1000, 2, no SNMP answer within 1s (2 attempts)",
    "500, 1, no SNMP answer within 500ms (1 attempt)",
    "1500, 3, no SNMP answer within 1.5s (3 attempts)",
  })
  void timeoutSaysHowLongAndHowOften(long ms, int attempts, String reason) {
    assertThat(SnmpReplies.timeoutReason(Duration.ofMillis(ms), attempts)).isEqualTo(reason);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1.3.6.1.6.3.15.1.1.5.0 | SNMPv3 authentication failed: wrong auth password for user vc",
        "1.3.6.1.6.3.15.1.1.3.0 | SNMPv3 authentication failed: unknown user vc (the agent has no such USM user)",
        "1.3.6.1.6.3.15.1.1.6.0 | SNMPv3 decryption failed: wrong privacy password for user vc",
        "1.3.6.1.6.3.15.1.1.1.0 | SNMPv3 security level not accepted by the agent for user vc (check auth/priv settings of the profile)",
      })
  void usmReportsAreAuthFailuresWithTheirOwnReason(String counter, String reason) {
    SnmpResult r = SnmpReplies.report(report(new OID(counter)), "vc");
    assertThat(r.status()).isEqualTo(SnmpStatus.AUTH_FAILURE);
    assertThat(r.reason()).isEqualTo(reason);
  }

  @Test
  void otherReportsAreAgentErrors() {
    SnmpResult r = SnmpReplies.report(report(new OID("1.3.6.1.6.3.11.2.1.3.0")), "vc");
    assertThat(r.status()).isEqualTo(SnmpStatus.AGENT_ERROR);
    assertThat(r.reason()).isEqualTo("agent sent a report: 1.3.6.1.6.3.11.2.1.3.0");
  }

  @Test
  void silenceAfterDiscoveryPointsAtThePrivacyPassword() {
    SnmpResult r =
        SnmpReplies.unansweredAfterReport(report(SnmpConstants.usmStatsUnknownEngineIDs), "vc");
    assertThat(r.status()).isEqualTo(SnmpStatus.AUTH_FAILURE);
    assertThat(r.reason())
        .isEqualTo("SNMPv3 request unanswered after engine-ID discovery: wrong privacy password for user vc?");
    assertThat(SnmpReplies.unansweredAfterReport(report(SnmpConstants.usmStatsWrongDigests), "vc").reason())
        .isEqualTo("SNMPv3 authentication failed: wrong auth password for user vc");
  }

  @Test
  void errorStatusNamesTheErrorAndTheObject() {
    PDU p = systemAnswer();
    p.setErrorStatus(PDU.noSuchName);
    p.setErrorIndex(4);
    assertThat(SnmpReplies.errorStatus(p)).isEqualTo("agent error: noSuchName on sysName.0");
    p.setErrorStatus(PDU.genErr);
    p.setErrorIndex(0);
    assertThat(SnmpReplies.errorStatus(p)).isEqualTo("agent error: genErr");
    p.setErrorStatus(PDU.noError);
    assertThat(SnmpReplies.errorStatus(p)).isNull();
  }

  @Test
  void systemGroupIsRead() {
    SnmpResult r = SnmpReplies.system(systemAnswer().getVariableBindings());
    assertThat(r.status()).isEqualTo(SnmpStatus.OK);
    assertThat(r.uptimeTicks()).isEqualTo(12345);
    assertThat(r.sysName()).isEqualTo("Hà Thượng");
    assertThat(r.sysDescr()).isEqualTo("Polycom RealPresence Group 500");
    assertThat(r.sysObjectId()).isEqualTo("1.3.6.1.4.1.13885.101");
  }

  @Test
  void aCompleteAnswerHasNoProblemsAndNamesTheVendor() {
    SnmpResult r = SnmpReplies.system(systemAnswer().getVariableBindings());
    assertThat(r.problems()).isEmpty();
    assertThat(r.vendor()).isEqualTo("Polycom");
  }

  @Test
  void missingObjectsAreNamedProblemsAndTheRestIsKept() {
    PDU p = new PDU();
    p.add(new VariableBinding(Mib.SYS_UPTIME, new TimeTicks(7)));
    p.add(new VariableBinding(Mib.SYS_NAME, Null.noSuchObject));
    p.add(new VariableBinding(Mib.SYS_DESCR, Null.endOfMibView));
    SnmpResult r = SnmpReplies.system(p.getVariableBindings());
    assertThat(r.ok()).isTrue();
    assertThat(r.uptimeTicks()).isEqualTo(7);
    assertThat(r.sysName()).isNull();
    assertThat(r.sysDescr()).isNull();
    assertThat(r.sysObjectId()).isNull();
    assertThat(r.vendor()).isNull();
    assertThat(r.problems())
        .containsExactly(
            "sysDescr.0 missing (endOfMibView)",
            "sysObjectID.0 missing (not in the answer)",
            "sysName.0 missing (noSuchObject)");
  }

  static Stream<Arguments> brokenSysUpTimes() {
    return Stream.of(
        Arguments.of(new Integer32(12345), "sysUpTime.0 is INTEGER, not TimeTicks"),
        Arguments.of(new Counter32(5), "sysUpTime.0 is Counter32, not TimeTicks"),
        Arguments.of(new Gauge32(5), "sysUpTime.0 is Gauge32, not TimeTicks"),
        Arguments.of(new OctetString("12345"), "sysUpTime.0 is OCTET STRING, not TimeTicks"),
        Arguments.of(new Null(), "sysUpTime.0 is NULL, not TimeTicks"),
        Arguments.of(Null.noSuchObject, "sysUpTime.0 missing (noSuchObject)"),
        Arguments.of(Null.noSuchInstance, "sysUpTime.0 missing (noSuchInstance)"),
        Arguments.of(null, "sysUpTime.0 missing (not in the answer)"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("brokenSysUpTimes")
  void withoutATimeTicksSysUpTimeTheUptimeIsUnknownAndTheProblemSaysSo(
      Variable uptime, String problem) {
    PDU p = systemAnswer();
    p.remove(2);
    if (uptime != null) {
      p.add(new VariableBinding(Mib.SYS_UPTIME, uptime));
    }
    SnmpResult r = SnmpReplies.system(p.getVariableBindings());
    assertThat(r.status()).isEqualTo(SnmpStatus.OK);
    assertThat(r.reason()).isNull();
    assertThat(r.uptimeTicks()).isEqualTo(-1);
    assertThat(r.uptimeSeconds()).isNaN();
    assertThat(r.problems()).containsExactly(problem + "; reboots cannot be detected");
    // the rest of the answer is used
    assertThat(r.sysName()).isEqualTo("Hà Thượng");
    assertThat(r.sysDescr()).isEqualTo("Polycom RealPresence Group 500");
    assertThat(r.sysObjectId()).isEqualTo("1.3.6.1.4.1.13885.101");
    assertThat(r.vendor()).isEqualTo("Polycom");
  }

  @Test
  void everyObjectOfTheWrongTypeIsNamedWithWhatItWasAndWhatWasExpected() {
    PDU p = new PDU();
    p.add(new VariableBinding(Mib.SYS_DESCR, new Integer32(1)));
    p.add(new VariableBinding(Mib.SYS_OBJECT_ID, new OctetString("1.3.6.1.4.1.13885.101")));
    p.add(new VariableBinding(Mib.SYS_UPTIME, new Counter64(9)));
    p.add(new VariableBinding(Mib.SYS_NAME, new IpAddress("192.0.2.1")));
    SnmpResult r = SnmpReplies.system(p.getVariableBindings());
    assertThat(r.ok()).isTrue();
    assertThat(r.problems())
        .containsExactly(
            "sysDescr.0 is INTEGER, not OCTET STRING",
            "sysObjectID.0 is OCTET STRING, not OBJECT IDENTIFIER",
            "sysUpTime.0 is Counter64, not TimeTicks; reboots cannot be detected",
            "sysName.0 is IpAddress, not OCTET STRING");
    assertThat(r.sysDescr()).isNull();
    assertThat(r.sysObjectId()).isNull();
    assertThat(r.sysName()).isNull();
    assertThat(r.vendor()).isNull();
  }

  @Test
  void objectsRefusedWithNoSuchNameAreProblemsOfTheirOwn() {
    PDU p = systemAnswer();
    p.remove(3);
    SnmpResult r = SnmpReplies.system(p.getVariableBindings(), List.of(Mib.SYS_NAME));
    assertThat(r.ok()).isTrue();
    assertThat(r.sysName()).isNull();
    assertThat(r.uptimeTicks()).isEqualTo(12345);
    assertThat(r.problems()).containsExactly("sysName.0 missing (noSuchName)");
  }

  @Test
  void anAnswerWithNothingInItIsStillAnAnswer() {
    SnmpResult r = SnmpReplies.system(List.of());
    assertThat(r.status()).isEqualTo(SnmpStatus.OK);
    assertThat(r.problems())
        .containsExactly(
            "sysDescr.0 missing (not in the answer)",
            "sysObjectID.0 missing (not in the answer)",
            "sysUpTime.0 missing (not in the answer); reboots cannot be detected",
            "sysName.0 missing (not in the answer)");
  }

  @Test
  void octetStringsAreDecodedAsText() {
    PDU p = systemAnswer();
    p.set(0, new VariableBinding(Mib.SYS_DESCR,
        new OctetString("Contrôleur vidéo\r\nZürich".getBytes(Charset.forName("windows-1252")))));
    assertThat(SnmpReplies.system(p.getVariableBindings()).sysDescr())
        .isEqualTo("Contrôleur vidéo Zürich");
  }

  private static PDU systemAnswer() {
    PDU p = new PDU();
    p.setType(PDU.RESPONSE);
    p.add(new VariableBinding(Mib.SYS_DESCR, new OctetString("Polycom RealPresence Group 500")));
    p.add(new VariableBinding(Mib.SYS_OBJECT_ID, new OID("1.3.6.1.4.1.13885.101")));
    p.add(new VariableBinding(Mib.SYS_UPTIME, new TimeTicks(12345)));
    p.add(new VariableBinding(Mib.SYS_NAME, new OctetString("Hà Thượng")));
    return p;
  }

  private static PDU report(OID counter) {
    PDU p = new PDU();
    p.setType(PDU.REPORT);
    p.add(new VariableBinding(counter, new Counter32(1)));
    return p;
  }
}
