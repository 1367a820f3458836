package org.daitu.vcmon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadPlanTest {
  static final Map<String, String> ENV =
      Map.of("V3_AUTH", "auth-pass-1234", "V3_AUTH_NEW", "auth-pass-5678", "TOKEN", "admin-token-0123456789",
          "TOKEN_LAN", "lan-token-0123456789");

  static final String BASE =
      """
      http: { host: 127.0.0.1, port: 8080, admin_token_env: TOKEN }
      probe: { interval: 30s, timeout: 2s }
      snmp_profiles:
        v2: { version: 2c, community: public }
        v3: { version: 3, user: vcmon, auth_protocol: SHA, auth_password_env: V3_AUTH }
      sites:
        - { id: core, name: Core, type: district, address: 127.0.0.1 }
        - { id: a, name: A, type: xã, address: 127.0.0.2, parent: core, snmp: { profile: v2 } }
        - { id: b, name: B, type: xã, address: 127.0.0.3, parent: core }
      """;

  @TempDir Path dir;

  AgentConfig load(String yaml) throws IOException, ConfigException {
    Path file = dir.resolve("vcmon.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file, ENV);
  }

  ReloadPlan plan(String next) throws Exception {
    return ReloadPlan.of(load(BASE), load(next));
  }

  @Test
  void theSameFileChangesNothing() throws Exception {
    ReloadPlan p = plan(BASE);
    assertThat(p.unchanged()).isTrue();
    assertThat(p.added()).isEmpty();
    assertThat(p.removed()).isEmpty();
    assertThat(p.changed()).isEmpty();
  }

  @Test
  void sitesAreAddedRemovedAndChangedById() throws Exception {
    String next =
        BASE.replace("address: 127.0.0.3", "address: 127.0.0.33")
                .replace("  - { id: a, name: A, type: xã, address: 127.0.0.2, parent: core, snmp: { profile: v2 } }\n", "")
            + "  - { id: c, name: C, type: xã, address: 127.0.0.4 }\n";
    ReloadPlan p = plan(next);
    assertThat(p.added()).containsExactly("c");
    assertThat(p.removed()).containsExactly("a");
    assertThat(p.changed()).containsExactly("b");
    assertThat(p.applied()).containsExactly("sites");
    assertThat(p.restart()).isEmpty();
    assertThat(p.inForce().inventory().sites()).extracting(s -> s.id()).containsExactly("core", "b", "c");
  }

  @Test
  void aParentOrProfileChangeIsAChangedSite() throws Exception {
    String next =
        BASE.replace("parent: core, snmp: { profile: v2 } }", "snmp: { profile: v3 } }");
    assertThat(plan(next).changed()).containsExactly("a");
  }

  @Test
  void stateAndIntervalsApplyLive() throws Exception {
    String next =
        BASE.replace("probe: { interval: 30s, timeout: 2s }", "probe: { interval: 10s, timeout: 2s, recheck_interval: 2s }\nstate: { down_after: 5 }");
    ReloadPlan p = plan(next);
    assertThat(p.applied()).containsExactly("probe.interval", "probe.recheck_interval", "state");
    assertThat(p.restart()).isEmpty();
    assertThat(p.inForce().state().downAfter()).isEqualTo(5);
    assertThat(p.inForce().probe().interval()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void whatIsBoundAtStartWaitsForARestartAndStaysAsItRuns() throws Exception {
    AgentConfig running = load(BASE);
    String next =
        BASE.replace("port: 8080", "port: 9090")
                .replace("timeout: 2s", "timeout: 1s")
            + "store: { path: other.db }\nrollout: { target: 1 }\n"
            + "alerts: { webhooks: [ { url: \"http://127.0.0.1:9/hook\" } ] }\n";
    ReloadPlan p = ReloadPlan.of(running, load(next));
    assertThat(p.restart())
        .containsExactly("http.port", "store.path", "probe.timeout", "rollout", "alerts.webhooks");
    assertThat(p.applied()).isEmpty();
    assertThat(p.inForce().http()).isEqualTo(running.http());
    assertThat(p.inForce().store()).isEqualTo(running.store());
    assertThat(p.inForce().probe().timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.inForce().rollout()).isEqualTo(running.rollout());
    assertThat(p.inForce().alerts().webhooks()).isEmpty();
    // Compared with what runs, the next reload of the same file reports them again.
    assertThat(ReloadPlan.of(p.inForce(), load(next)).restart()).isEqualTo(p.restart());
  }

  @Test
  void aV2cProfileAppliesLiveAV3OneAfterARestart() throws Exception {
    AgentConfig running = load(BASE);
    String next =
        BASE.replace("community: public", "community: private")
            .replace("auth_password_env: V3_AUTH", "auth_password_env: V3_AUTH_NEW");
    ReloadPlan p = ReloadPlan.of(running, load(next));
    assertThat(p.applied()).containsExactly("snmp_profiles.v2");
    assertThat(p.restart()).containsExactly("snmp_profiles.v3");
    assertThat(p.inForce().snmpProfiles().get("v2").community().reveal()).isEqualTo("private");
    assertThat(p.inForce().snmpProfiles().get("v3")).isEqualTo(running.snmpProfiles().get("v3"));
  }

  @Test
  void switchingAProfileBetween2cAnd1AppliesLive() throws Exception {
    AgentConfig running = load(BASE);
    ReloadPlan toV1 = ReloadPlan.of(running, load(BASE.replace("version: 2c", "version: 1")));
    assertThat(toV1.applied()).containsExactly("snmp_profiles.v2");
    assertThat(toV1.restart()).isEmpty();
    assertThat(toV1.inForce().snmpProfiles().get("v2"))
        .isEqualTo(SnmpProfile.v1("v2", Secret.of("public")));

    ReloadPlan back = ReloadPlan.of(toV1.inForce(), running);
    assertThat(back.applied()).containsExactly("snmp_profiles.v2");
    assertThat(back.inForce().snmpProfiles().get("v2").version()).isEqualTo(SnmpProfile.Version.V2C);
  }

  @Test
  void maintenanceFromTheFileAppliesLive() throws Exception {
    ReloadPlan p =
        plan(BASE + "maintenance:\n  - { site: b, start: \"2020-08-10 22:00\", end: \"2020-08-11 02:00\" }\n");
    assertThat(p.applied()).containsExactly("maintenance");
    assertThat(p.inForce().maintenance()).hasSize(1);
  }

  @Test
  void alertRulesAndMeetingsApplyLiveAndTheChannelsStayAsTheyRun() throws Exception {
    AgentConfig running = load(BASE + "alerts: { webhooks: [ { url: \"http://127.0.0.1:9/hook\" } ] }\n");
    String next =
        BASE
            + "alerts: { language: en, reminder_interval: 1h, webhooks: [ { url: \"http://127.0.0.1:9/other\" } ] }\n"
            + "meetings:\n  - { name: Giao ban, weekly: { day: monday, time: \"08:00\" }, lead: 30m }\n";
    ReloadPlan p = ReloadPlan.of(running, load(next));
    assertThat(p.applied()).containsExactly("alerts.language", "alerts.reminder_interval", "meetings");
    assertThat(p.restart()).containsExactly("alerts.webhooks");
    assertThat(p.inForce().alerts().language()).isEqualTo("en");
    assertThat(p.inForce().alerts().reminderInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(p.inForce().alerts().webhooks()).isEqualTo(running.alerts().webhooks());
    assertThat(p.inForce().meetings()).hasSize(1);
  }

  @Test
  void operatorsApplyAtOnceWhileTheListeningSocketWaitsForARestart() throws Exception {
    String next =
        BASE.replace(
            "http: { host: 127.0.0.1, port: 8080, admin_token_env: TOKEN }",
            "http: { host: 127.0.0.1, port: 8081, operators: [{ name: lan, token_env: TOKEN_LAN }] }");
    ReloadPlan p = plan(next);
    assertThat(p.applied()).contains("http.admin_token_env", "http.operators");
    assertThat(p.restart()).containsExactly("http.port");
    assertThat(p.inForce().http().port()).isEqualTo(8080);
    assertThat(p.inForce().http().adminToken()).isNull();
    assertThat(p.inForce().http().operators()).extracting(AgentConfig.Operator::name).containsExactly("lan");
  }
}
