package org.daitu.vcmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** timezone, http.admin_token_env, http.operators, self_check and maintenance. */
class OperationsConfigTest {
  static final String SITES = "sites:\n  - { id: ha-thuong, name: Hà Thượng, type: xã, address: 198.18.1.10 }\n";

  AgentConfig load(Path dir, String yaml, Map<String, String> env) throws Exception {
    Path f = dir.resolve("vcmon.yaml");
    Files.writeString(f, yaml + SITES);
    return ConfigLoader.load(f, env);
  }

  @Test
  void defaults(@TempDir Path dir) throws Exception {
    AgentConfig c = load(dir, "", Map.of());
    assertThat(c.zone()).isEqualTo(ZoneId.of("Asia/Ho_Chi_Minh"));
    assertThat(c.http().adminToken()).as("no token: writes disabled").isNull();
    assertThat(c.selfCheck().enabled()).isFalse();
    assertThat(c.maintenance()).isEmpty();
  }

  @Test
  void everythingSet(@TempDir Path dir) throws Exception {
    AgentConfig c =
        load(
            dir,
            "timezone: Asia/Bangkok\n"
                + "http: { admin_token_env: TOKEN }\n"
                + "self_check: { targets: [198.18.0.1, core.example], down_after: 3 }\n"
                + "maintenance:\n"
                + "  - { site: ha-thuong, start: 2020-08-10 22:00, end: 2020-08-11 02:00, note: đổi switch }\n"
                + "  - { site: all, weekly: { day: sunday, from: \"23:00\", to: \"01:00\" } }\n",
            Map.of("TOKEN", "0123456789abcdef0123"));
    assertThat(c.zone()).isEqualTo(ZoneId.of("Asia/Bangkok"));
    assertThat(c.http().adminToken().reveal()).isEqualTo("0123456789abcdef0123");
    assertThat(c.http().adminToken().toString()).isEqualTo("<secret>");
    assertThat(c.selfCheck().targets()).containsExactly("198.18.0.1", "core.example");
    assertThat(c.selfCheck().downAfter()).isEqualTo(3);
    AgentConfig.Maintenance oneOff = c.maintenance().get(0);
    assertThat(oneOff.site()).isEqualTo("ha-thuong");
    assertThat(oneOff.start()).isEqualTo(Instant.parse("2020-08-10T15:00:00Z")); // UTC+7
    assertThat(oneOff.end()).isEqualTo(Instant.parse("2020-08-10T19:00:00Z"));
    assertThat(oneOff.note()).isEqualTo("đổi switch");
    AgentConfig.Maintenance weekly = c.maintenance().get(1);
    assertThat(weekly.site()).as("all sites").isNull();
    assertThat(weekly.day()).isEqualTo(DayOfWeek.SUNDAY);
    assertThat(weekly.from()).isEqualTo(LocalTime.of(23, 0));
    assertThat(weekly.to()).isEqualTo(LocalTime.of(1, 0));
  }

  @Test
  void aShortTokenIsRefusedWithoutShowingIt(@TempDir Path dir) {
    assertThatThrownBy(() -> load(dir, "http: { admin_token_env: TOKEN }\n", Map.of("TOKEN", "hunter2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.admin_token_env (line 1): the token must be at least 16 characters, got \"<secret>\"")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void operatorsComeAfterTheAdminInFileOrder(@TempDir Path dir) throws Exception {
    AgentConfig c =
        load(
            dir,
            "http:\n"
                + "  admin_token_env: TOKEN\n"
                + "  operators:\n"
                + "    - { name: lan, token_env: TOKEN_LAN }\n"
                + "    - { name: nguyen.van-a, token_env: TOKEN_A }\n",
            Map.of("TOKEN", "0123456789abcdef0123", "TOKEN_LAN", "lan-token-0123456789", "TOKEN_A", "a-token-0123456789ab"));
    assertThat(c.http().operators())
        .extracting(AgentConfig.Operator::name)
        .containsExactly("admin", "lan", "nguyen.van-a");
    assertThat(c.http().operators().get(1).token().reveal()).isEqualTo("lan-token-0123456789");
    assertThat(load(dir, "", Map.of()).http().operators()).as("none: writes disabled").isEmpty();
    AgentConfig onlyAdmin = load(dir, "http: { admin_token_env: TOKEN }\n", Map.of("TOKEN", "0123456789abcdef0123"));
    assertThat(onlyAdmin.http().operators()).extracting(AgentConfig.Operator::name).containsExactly("admin");
  }

  @Test
  void badOperatorsAreEachNamedWithTheirFix(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                load(
                    dir,
                    "http:\n"
                        + "  admin_token_env: TOKEN\n"
                        + "  operators:\n"
                        + "    - { name: admin, token_env: TOKEN_B }\n"
                        + "    - { name: lan, token_env: TOKEN_LAN }\n"
                        + "    - { name: lan, token_env: TOKEN_B }\n"
                        + "    - { name: Hoa Nguyen, token_env: TOKEN_B }\n"
                        + "    - { name: short, token_env: TOKEN_SHORT }\n"
                        + "    - { name: unset, token_env: TOKEN_UNSET }\n"
                        + "    - { name: copy, token_env: TOKEN_COPY }\n"
                        + "    - { name: nameless }\n"
                        + "    - { name: typo, token: TOKEN_B }\n",
                    Map.of(
                        "TOKEN", "0123456789abcdef0123", "TOKEN_LAN", "lan-token-0123456789",
                        "TOKEN_B", "b-token-0123456789ab", "TOKEN_SHORT", "hunter2",
                        "TOKEN_COPY", "lan-token-0123456789")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.operators[0].name (line 4): is taken by http.admin_token_env's operator")
        .hasMessageContaining("http.operators[2].name (line 6): is given to another operator too")
        .hasMessageContaining("http.operators[3].name (line 7): must be lower-case letters and digits")
        .hasMessageContaining("http.operators[4].token_env (line 8): the token must be at least 16 characters, got \"<secret>\"")
        .hasMessageContaining("http.operators[5].token_env (line 9): environment variable is not set")
        .hasMessageContaining("http.operators[6].token_env (line 10): holds the same token as operator lan")
        .hasMessageContaining("http.operators[7]")
        .hasMessageContaining("token_env")
        .hasMessageContaining("http.operators[8]")
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("lan-token-0123456789");
  }
}
