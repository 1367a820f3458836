package org.daitu.vcmon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture itself, checked with net-snmp's own snmpget. */
class SnmpdIT {
  @TempDir Path tmp;

  @BeforeAll
  static void needSnmpd() {
    HostTools.requireAvailable(Snmpd.unavailableReason());
  }

  @Test
  @SuppressWarnings("try") // close() inside the try on purpose: closing twice must be harmless
  void answersWithConfiguredIdentityAndOverridesAndRestartsLikeAReboot() throws Exception {
    try (Snmpd agent =
        Snmpd.builder(tmp)
            .sysName("ha-thuong")
            .sysObjectId("1.3.6.1.4.1.13885.101")
            .community("s3cret")
            .v3User("vcuser", "auth-pass-1", "priv-pass-1")
            .override("1.3.6.1.4.1.13885.101.1.5.1.0", "integer", "2")
            .override("1.3.6.1.4.1.13885.101.1.1.4.0", "octet_str", "Group 500")
            .start()) {
      assertThat(agent.address()).isEqualTo("127.0.0.1");
      assertThat(agent.port()).isPositive();
      assertThat(v2c(agent, ".1.3.6.1.2.1.1.5.0")).isEqualTo("\"ha-thuong\"");
      assertThat(v2c(agent, ".1.3.6.1.2.1.1.2.0")).isEqualTo(".1.3.6.1.4.1.13885.101");
      assertThat(v2c(agent, ".1.3.6.1.4.1.13885.101.1.5.1.0")).isEqualTo("2");
      assertThat(v2c(agent, ".1.3.6.1.4.1.13885.101.1.1.4.0")).isEqualTo("\"Group 500\"");
      assertThat(v3(agent, ".1.3.6.1.2.1.1.5.0")).isEqualTo("\"ha-thuong\"");

      Thread.sleep(1500);
      long before = Long.parseLong(v2c(agent, ".1.3.6.1.2.1.1.3.0"));
      String engineId = v2c(agent, ".1.3.6.1.6.3.10.2.1.1.0");
      assertThat(before).isGreaterThanOrEqualTo(100);
      agent.restart();
      long after = Long.parseLong(v2c(agent, ".1.3.6.1.2.1.1.3.0"));
      assertThat(after).isLessThan(before);
      assertThat(v2c(agent, ".1.3.6.1.6.3.10.2.1.1.0")).isEqualTo(engineId);

      agent.stop();
      assertThat(agent.isRunning()).isFalse();
      assertThat(v2c(agent, ".1.3.6.1.2.1.1.5.0")).isNull();
      agent.close();
    }
  }

  @Test
  void aV1OnlyCommunityAnswersV1AndNotV2c() throws Exception {
    try (Snmpd agent = Snmpd.builder(tmp).sysName("old-cpe").v1Community("old-ro").start()) {
      List<String> v1 = List.of("-v1", "-c", "old-ro");
      List<String> v2c = List.of("-v2c", "-c", "old-ro");
      assertThat(get(agent, ".1.3.6.1.2.1.1.5.0", v1)).isEqualTo("\"old-cpe\"");
      // the same community over v2c: no answer at all, as from a dead agent
      assertThat(get(agent, ".1.3.6.1.2.1.1.5.0", v2c)).isNull();
      // an object outside the view: v1 has no noSuchObject, the agent refuses with noSuchName
      assertThat(run(agent, ".1.3.6.1.2.1.4.1.0", v1)).contains("(noSuchName)");
    }
  }

  private String v2c(Snmpd agent, String oid) throws IOException, InterruptedException {
    return get(agent, oid, List.of("-v2c", "-c", "s3cret"));
  }

  private String v3(Snmpd agent, String oid) throws IOException, InterruptedException {
    return get(
        agent,
        oid,
        List.of("-v3", "-l", "authPriv", "-u", "vcuser", "-a", "SHA", "-A", "auth-pass-1",
            "-x", "AES", "-X", "priv-pass-1"));
  }

  /** The value printed by snmpget -Oqvnt, or null when the agent did not answer. */
  private String get(Snmpd agent, String oid, List<String> auth)
      throws IOException, InterruptedException {
    String out = run(agent, oid, auth);
    return out.startsWith("exit 0: ") ? out.substring("exit 0: ".length()) : null;
  }

  /** What snmpget printed (stdout and stderr), after "exit N: ". */
  private String run(Snmpd agent, String oid, List<String> auth)
      throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("snmpget"));
    cmd.addAll(auth);
    cmd.addAll(List.of("-t", "0.5", "-r", "0", "-Oqvnt", agent.address() + ":" + agent.port(), oid));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SNMPCONFPATH", tmp.resolve("client").toString());
    pb.environment().put("SNMP_PERSISTENT_DIR", tmp.resolve("client").toString());
    pb.environment().put("MIBS", "");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(5, TimeUnit.SECONDS);
    return "exit " + p.exitValue() + ": " + out;
  }
}
