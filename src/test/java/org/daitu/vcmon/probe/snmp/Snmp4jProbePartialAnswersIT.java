package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Vertx;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.Secret;
import org.daitu.vcmon.config.SnmpProfile;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.Snmpd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real net-snmp agents whose answers are partly broken, in odd encodings or of other makers:
 * each object is judged alone, OCTET STRINGs come back as clean text, and the maker is named
 * from sysObjectID.
 */
class Snmp4jProbePartialAnswersIT {
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final SnmpProfile V2C = SnmpProfile.v2c("v2c", Secret.of("partial-ro"));
  private static final Charset CP1252 = Charset.forName("windows-1252");
  private static final String SYS_DESCR = "1.3.6.1.2.1.1.1.0";
  private static final String SYS_UPTIME = "1.3.6.1.2.1.1.3.0";
  private static final String SYS_NAME = "1.3.6.1.2.1.1.5.0";

  @TempDir Path tmp;
  private Vertx vertx;
  private Snmp4jProbe probe;
  private final List<Snmpd> agents = new ArrayList<>();

  @BeforeAll
  static void needSnmpd() {
    HostTools.requireAvailable(Snmpd.unavailableReason());
  }

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    probe = new Snmp4jProbe(vertx, Map.of("v2c", V2C), TIMEOUT, new AgentConfig.Snmp(1, 64));
    await(probe.start());
  }

  @AfterEach
  void tearDown() throws Exception {
    await(probe.close());
    agents.forEach(Snmpd::close);
    await(vertx.close());
  }

  @Test
  void aSysUpTimeOfTheWrongTypeIsAProblemAndTheRestOfTheAnswerIsUsed() throws Exception {
    SnmpResult r = poll(Snmpd.builder(tmp).sysName("cu-van").sysDescr("Room codec")
        .override(SYS_UPTIME, "integer", "4242"));

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.uptimeTicks()).isEqualTo(-1);
    assertThat(r.problems())
        .containsExactly("sysUpTime.0 is INTEGER, not TimeTicks; reboots cannot be detected");
    assertThat(r.sysName()).isEqualTo("cu-van");
    assertThat(r.sysDescr()).isEqualTo("Room codec");
    assertThat(r.vendor()).isEqualTo("Net-SNMP");
    assertThat(r.interfaces()).isNotEmpty();
  }

  @Test
  void aSysUpTimeTheAgentDoesNotShowIsAProblemAndTheRestOfTheAnswerIsUsed() throws Exception {
    SnmpResult r = poll(Snmpd.builder(tmp).sysName("cu-van")
        .extraConfig("view vcview excluded .1.3.6.1.2.1.1.3"));

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.uptimeTicks()).isEqualTo(-1);
    assertThat(r.problems())
        .containsExactly("sysUpTime.0 missing (noSuchObject); reboots cannot be detected");
    assertThat(r.sysName()).isEqualTo("cu-van");
    assertThat(r.interfaces()).isNotEmpty();
  }

  @Test
  void aWindows1252SysDescrComesBackAsItsText() throws Exception {
    byte[] cp1252 = "Contrôleur vidéo … Zürich".getBytes(CP1252);
    SnmpResult r = poll(Snmpd.builder(tmp).overrideBytes(SYS_DESCR, cp1252));

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.sysDescr()).isEqualTo("Contrôleur vidéo … Zürich");
    assertThat(r.problems()).isEmpty();
  }

  @Test
  void aUtf8SysNameComesBackAsItsText() throws Exception {
    SnmpResult r = poll(Snmpd.builder(tmp)
        .overrideBytes(SYS_NAME, "Phòng họp xã Hà Thượng".getBytes(StandardCharsets.UTF_8)));
    assertThat(r.sysName()).isEqualTo("Phòng họp xã Hà Thượng");
  }

  @Test
  void aMultiLineSysDescrComesBackOnOneLine() throws Exception {
    String banner = "Cisco Codec\r\nMajorVersion=9\r\nMinorVersion=15\r\n\tSoftwareID=ce9.15\r\n";
    SnmpResult r = poll(Snmpd.builder(tmp)
        .overrideBytes(SYS_DESCR, banner.getBytes(StandardCharsets.US_ASCII)));

    assertThat(r.sysDescr())
        .isEqualTo("Cisco Codec MajorVersion=9 MinorVersion=15 SoftwareID=ce9.15");
  }

  @Test
  void aBinarySysNameIsShownAsHexAndControlCharactersNeverComeThrough() throws Exception {
    SnmpResult binary = poll(Snmpd.builder(tmp.resolve("mac"))
        .overrideBytes(SYS_NAME, new byte[] {0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e}));
    assertThat(binary.sysName()).isEqualTo("00:1a:2b:3c:4d:5e");

    SnmpResult escape = poll(Snmpd.builder(tmp.resolve("esc"))
        .overrideBytes(SYS_DESCR,
            "Room codec \u001b[2J\u0007 in the commune hall".getBytes(StandardCharsets.US_ASCII)));
    assertThat(escape.sysDescr()).isEqualTo("Room codec [2J in the commune hall");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      nullValues = "null",
      value = {
        "1.3.6.1.4.1.13885.101, Polycom, polycom",
        "1.3.6.1.4.1.2684.1.1, Polycom, generic",
        "1.3.6.1.4.1.5596.150.6.4.1, Cisco (Tandberg), generic",
        "1.3.6.1.4.1.9.1.1745, Cisco, generic",
        "1.3.6.1.4.1.2011.2.239, Huawei, generic",
        "1.3.6.1.4.1.37459.1.3, Yealink, generic",
        "1.3.6.1.4.1.6889.1.69, Avaya, generic",
        "null, Net-SNMP, generic", // net-snmp's own sysObjectID
        "1.3.6.1.4.1.99999.1, null, generic",
      })
  void theVendorIsNamedFromSysObjectId(String sysObjectId, String vendor, String profile)
      throws Exception {
    Snmpd.Builder b = Snmpd.builder(tmp);
    if (sysObjectId != null) {
      b.sysObjectId(sysObjectId);
    }
    SnmpResult r = poll(b);

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.vendor()).isEqualTo(vendor);
    assertThat(r.vendorProfile()).isEqualTo(profile);
  }

  @Test
  void aVendorObjectOfTheWrongTypeIsAProblemAndTheOtherVendorObjectsAreRead() throws Exception {
    SnmpResult r = poll(Snmpd.builder(tmp).sysObjectId("1.3.6.1.4.1.13885.101")
        .override("1.3.6.1.4.1.13885.101.1.5.1.0", "integer", "1")
        .override("1.3.6.1.4.1.13885.101.1.2.7.2.0", "octet_str", "3")
        .override("1.3.6.1.4.1.13885.101.1.2.8.3.1.2.1", "integer", "3"));

    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.vendor()).isEqualTo("Polycom");
    assertThat(r.activeCalls()).isEqualTo(1);
    assertThat(r.registrationFailures()).containsExactly("SIP registration failed (line 1)");
    assertThat(r.problems())
        .containsExactly("serviceH323RegistrationStatus.0 is OCTET STRING, not INTEGER");
  }

  private SnmpResult poll(Snmpd.Builder builder) throws Exception {
    Snmpd agent = builder.community("partial-ro").start();
    agents.add(agent);
    return await(probe.poll(agent.address(), agent.port(), V2C));
  }
}
