package org.daitu.vcmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code traps:}: what loads, and the errors that name the key and the fix. */
class TrapsConfigTest {
  private static final Map<String, String> ENV =
      Map.of("TRAP_COMMUNITY", "s3cret-community", "V3_AUTH", "auth-pass-123", "V3_PRIV", "priv-pass-456");

  @TempDir Path dir;

  private Path config(String traps) throws Exception {
    Path file = dir.resolve("vcmon.yaml");
    Files.writeString(
        file,
        "snmp_profiles:\n"
            + "  district-v2c: { version: 2c, community: public }\n"
            + "  district-v3: { version: 3, user: vcmon, auth_protocol: SHA, auth_password_env: V3_AUTH,"
            + " priv_protocol: AES, priv_password_env: V3_PRIV }\n"
            + "  other-v3: { version: 3, user: vcmon, auth_protocol: SHA, auth_password_env: V3_PRIV,"
            + " priv_protocol: AES, priv_password_env: V3_AUTH }\n"
            + traps
            + "sites:\n  - { id: ha-thuong, name: Hà Thượng, type: xã, address: 198.18.1.10 }\n");
    return file;
  }

  private List<String> problems(String traps) throws Exception {
    Path file = config(traps);
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, ENV));
    assertThat(e).as("the config must be refused").isNotNull();
    return e.problems().stream().map(ConfigProblem::render).toList();
  }

  @Test
  void withoutTrapsNoPortIsOpened() throws Exception {
    assertThat(ConfigLoader.load(config(""), ENV).traps()).isNull();
  }

  @Test
  void aCommunityAndV3ProfilesLoad() throws Exception {
    AgentConfig.Traps t =
        ConfigLoader.load(
                config("traps: { listen: 127.0.0.1:10162, community_env: TRAP_COMMUNITY, profiles: [district-v3] }\n"),
                ENV)
            .traps();
    assertThat(t.listen()).isEqualTo(new AgentConfig.HostPort("127.0.0.1", 10162));
    assertThat(t.community().reveal()).isEqualTo("s3cret-community");
    assertThat(t.profiles()).containsExactly("district-v3");
  }

  @Test
  void theListenAddressDefaultsToEveryAddressOnPort162() throws Exception {
    AgentConfig.Traps t = ConfigLoader.load(config("traps: { community_env: TRAP_COMMUNITY }\n"), ENV).traps();
    assertThat(t.listen()).isEqualTo(new AgentConfig.HostPort("0.0.0.0", 162));
    assertThat(t.profiles()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "traps: { community_env: TRAP_COMMUNITY, profiles: [district-v4] }"
            + "| traps.profiles[0]| unknown snmp profile| did you mean \"district-v3\"?",
        "traps: { community_env: TRAP_COMMUNITY, profiles: [district-v2c] }"
            + "| traps.profiles[0]| is a v2c profile, not v3| traps.community_env",
        "traps: { profiles: [district-v3, other-v3] }"
            + "| traps.profiles[1]| names user \"vcmon\" with other keys than district-v3| one set of keys per v3 user",
        "traps: { community_env: NOT_SET }| traps.community_env| environment variable is not set| export NOT_SET=",
        "traps: { listen: 'trap.example:162', community_env: TRAP_COMMUNITY }"
            + "| traps.listen| must be an IP address and a port| e.g. 0.0.0.0:162",
        "traps: { listen: '127.0.0.1:70000', community_env: TRAP_COMMUNITY }"
            + "| traps.listen| the port must be between 1 and 65535| 70000",
        "traps: { listen: 127.0.0.1:162 }| traps| takes no notification| community_env: VAR",
        "traps: { community_env: TRAP_COMMUNITY, port: 162 }| traps| port| listen",
      })
  void mistakesAreNamedWithTheirFix(String traps, String key, String message, String hint) throws Exception {
    List<String> problems = problems(traps + "\n");
    assertThat(problems).anySatisfy(p -> assertThat(p).contains(key).contains(message).contains(hint));
  }

  @Test
  void theCommunityNeverAppearsInAProblem() throws Exception {
    List<String> problems = problems("traps: { community_env: TRAP_COMMUNITY, profiles: [nope] }\n");
    assertThat(String.join("\n", problems)).doesNotContain("s3cret-community");
  }
}
