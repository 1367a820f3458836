package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snmp4j.PDU;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.VariableBinding;

/** Golden reason texts and the system-group mapping. */
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
  void missingOptionalObjectsAreNull() {
    PDU p = new PDU();
    p.add(new VariableBinding(Mib.SYS_UPTIME, new TimeTicks(7)));
    p.add(new VariableBinding(Mib.SYS_NAME, Null.noSuchObject));
    SnmpResult r = SnmpReplies.system(p.getVariableBindings());
    assertThat(r.ok()).isTrue();
    assertThat(r.sysName()).isNull();
    assertThat(r.sysObjectId()).isNull();
  }

  @Test
  void missingOrWrongSysUpTimeIsAnAgentError() {
    PDU none = new PDU();
    none.add(new VariableBinding(Mib.SYS_UPTIME, Null.noSuchInstance));
    assertThat(SnmpReplies.system(none.getVariableBindings()).status()).isEqualTo(SnmpStatus.AGENT_ERROR);
    assertThat(SnmpReplies.system(none.getVariableBindings()).reason()).isEqualTo("agent error: sysUpTime.0 is noSuchInstance");

    PDU counter = new PDU();
    counter.add(new VariableBinding(Mib.SYS_UPTIME, new Counter32(5)));
    assertThat(SnmpReplies.system(counter.getVariableBindings()).reason())
        .isEqualTo("agent error: sysUpTime.0 is a Counter, not TimeTicks");

    assertThat(SnmpReplies.system(List.of()).reason()).isEqualTo("agent error: sysUpTime.0 is missing");
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
