package org.daitu.vcmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.daitu.vcmon.inventory.Location;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteSnmp;
import org.daitu.vcmon.inventory.SiteType;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final Path VALID = Path.of("src", "test", "resources", "config", "valid");

  @Nested
  class ExampleConfig {
    private static final Map<String, String> ENV =
        Map.of(
            "VCMON_SNMP_COMMUNITY", "example-community",
            "VCMON_SNMP_AUTH", "example-auth-pass",
            "VCMON_SNMP_PRIV", "example-priv-pass",
            "VCMON_ADMIN_TOKEN", "example-admin-token-0123456789");

    @TempDir Path dir;

    /** The example as shipped, but with its placeholder addresses replaced (see below). */
    private AgentConfig load() throws ConfigException {
      return ConfigLoader.load(TestConfig.example(dir), ENV);
    }

    @Test
    void asShippedRefusesEveryPlaceholderAddressByFileFieldAndFix() {
      Path shipped = Path.of("config", "vcmon.yaml");
      ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(shipped, ENV));
      assertThat(e.problems()).hasSize(32); // the self-check target and the 31 sites
      assertThat(e.problems()).allSatisfy(p -> {
        assertThat(p.found()).startsWith("192.0.2.");
        assertThat(p.hint()).startsWith("replace it with the");
      });
      assertThat(e.getMessage())
          .startsWith(shipped + ": 32 problems")
          .contains("self_check.targets[0]")
          .contains("sites[1].address")
          .contains("is a placeholder (a documentation address, RFC 5737), never probed")
          .contains("replace it with the real address of the room's endpoint (codec)");
    }

    @Test
    void loadsTheThirtyUnitsAndTheDistrictCore() throws ConfigException {
      AgentConfig c = load();
      assertThat(c.inventory().size()).isEqualTo(31);
      assertThat(c.inventory().unitCount()).isEqualTo(30);
      assertThat(c.inventory().sites().stream().map(Site::type).filter(t -> t == SiteType.TOWN))
          .hasSize(2);
      assertThat(c.rollout()).isEqualTo(new AgentConfig.Rollout(30, LocalDate.of(2020, 8, 31)));
    }

    @Test
    void takesNamesCodesAndLocationsFromTheSeeds() throws ConfigException {
      AgentConfig c = load();
      Site duc = c.inventory().site("duc-luong").orElseThrow();
      assertThat(duc.name()).isEqualTo("Đức Lương");
      assertThat(duc.code()).isEqualTo("05776");
      assertThat(duc.type()).isEqualTo(SiteType.COMMUNE);
      assertThat(duc.location()).isNull(); // no source gave coordinates; none invented
      Site quanChuTown = c.inventory().site("thi-tran-quan-chu").orElseThrow();
      assertThat(quanChuTown.name()).isEqualTo("Quân Chu");
      assertThat(quanChuTown.type()).isEqualTo(SiteType.TOWN);
      assertThat(quanChuTown.location()).isEqualTo(new Location(21.48944, 105.72667));
      assertThat(c.inventory().site("xa-quan-chu").orElseThrow().type())
          .isEqualTo(SiteType.COMMUNE);
      assertThat(c.inventory().sites().stream().filter(s -> s.location() != null)).hasSize(19);
    }

    @Test
    void everyUnitDependsOnTheDistrictCore() throws ConfigException {
      AgentConfig c = load();
      Site core = c.inventory().site("district-core").orElseThrow();
      assertThat(core.name()).isEqualTo("Trung tâm huyện Đại Từ (core router)");
      assertThat(core.type()).isEqualTo(SiteType.DISTRICT);
      assertThat(core.snmp()).isNull();
      assertThat(core.parent()).isNull();
      assertThat(c.inventory().children("district-core")).hasSize(30);
    }

    @Test
    void resolvesProfilesFromTheEnvironment() throws ConfigException {
      AgentConfig c = load();
      SnmpProfile v2c = c.snmpProfiles().get("district-v2c");
      assertThat(v2c.community().reveal()).isEqualTo("example-community");
      SnmpProfile v3 = c.snmpProfiles().get("district-v3");
      assertThat(v3.version()).isEqualTo(SnmpProfile.Version.V3);
      assertThat(v3.user()).isEqualTo("vcmon");
      assertThat(v3.authProtocol()).isEqualTo(SnmpProfile.AuthProtocol.SHA);
      assertThat(v3.authPassword().reveal()).isEqualTo("example-auth-pass");
      assertThat(v3.privProtocol()).isEqualTo(SnmpProfile.PrivProtocol.AES);
      assertThat(v3.privPassword().reveal()).isEqualTo("example-priv-pass");
      assertThat(c.inventory().sites().stream().filter(s -> s.snmp() != null))
          .extracting(s -> s.snmp().profile())
          .contains("district-v2c", "district-v3");
    }

    @Test
    void writesEveryDefaultItDocuments() throws ConfigException {
      AgentConfig c = load();
      assertThat(c.http().host()).isEqualTo(Defaults.HTTP_HOST);
      assertThat(c.http().port()).isEqualTo(Defaults.HTTP_PORT);
      assertThat(c.http().adminToken().reveal()).isEqualTo("example-admin-token-0123456789");
      assertThat(c.zone()).isEqualTo(java.time.ZoneId.of(Defaults.TIMEZONE));
      assertThat(c.selfCheck().downAfter()).isEqualTo(Defaults.SELF_CHECK_DOWN_AFTER);
      assertThat(c.probe()).isEqualTo(defaultProbe());
      assertThat(c.state()).isEqualTo(defaultState());
      assertThat(c.store().path()).isEqualTo(dir.resolve("config/data/vcmon.db"));
      assertThat(c.alerts().webhooks())
          .extracting(AgentConfig.Webhook::url).containsExactly("http://127.0.0.1:9099/hook");
    }

    @Test
    void failsWithoutTheSecretsAndNamesEachVariable() {
      ConfigException e =
          catchThrowableOfType(
              ConfigException.class,
              () -> ConfigLoader.load(TestConfig.example(dir), Map.of()));
      assertThat(e.problems())
          .extracting(ConfigProblem::found)
          .containsExactly(
              "VCMON_ADMIN_TOKEN", "VCMON_SNMP_COMMUNITY", "VCMON_SNMP_AUTH", "VCMON_SNMP_PRIV");
    }
  }

  @Test
  void minimalConfigGetsEveryDefault() throws ConfigException {
    AgentConfig c = ConfigLoader.load(VALID.resolve("minimal.yaml"), Map.of());
    assertThat(c.source()).isEqualTo(VALID.resolve("minimal.yaml"));
    assertThat(c.http()).isEqualTo(new AgentConfig.Http("0.0.0.0", 8080));
    assertThat(c.probe()).isEqualTo(defaultProbe());
    assertThat(c.state()).isEqualTo(defaultState());
    assertThat(c.snmpProfiles()).isEmpty();
    assertThat(c.rollout()).isEqualTo(new AgentConfig.Rollout(1, null));
    assertThat(c.store().path()).isEqualTo(VALID.resolve(Defaults.STORE_PATH));
    assertThat(c.alerts().webhooks()).isEmpty();
    assertThat(c.inventory().sites())
        .containsExactly(
            new Site(
                "ha-thuong",
                "",
                "Hà Thượng",
                SiteType.COMMUNE,
                "127.0.0.1",
                null,
                null,
                RolloutStage.INSTALLED,
                null));
  }

  @Test
  void sitesFileAndSeedsFillTheInventory() throws ConfigException {
    AgentConfig c =
        ConfigLoader.load(VALID.resolve("with-sites-file.yaml"), Map.of("TEST_COMMUNITY", "c0mm"));
    assertThat(c.inventory().sites())
        .containsExactly(
            new Site(
                "ha-thuong",
                "05812",
                "Hà Thượng",
                SiteType.COMMUNE,
                "127.0.0.1",
                new SiteSnmp("v2c", 1161),
                null,
                RolloutStage.INSTALLED,
                new Location(21.63694, 105.68972)),
            new Site(
                "hung-son",
                "05761",
                "Hùng Sơn",
                SiteType.TOWN,
                "127.0.0.2",
                new SiteSnmp("v3-auth-only", 161),
                null,
                RolloutStage.INSTALLED,
                null),
            // explicit name, code, location and stage win over the seed row
            new Site(
                "minh-tien",
                "99999",
                "Minh Tiến (trạm mới)",
                SiteType.COMMUNE,
                "127.0.0.3",
                null,
                null,
                RolloutStage.PLANNED,
                new Location(21.7, 105.5)));
    SnmpProfile authOnly = c.snmpProfiles().get("v3-auth-only");
    assertThat(authOnly.authProtocol()).isEqualTo(SnmpProfile.AuthProtocol.SHA256);
    assertThat(authOnly.privProtocol()).isNull();
    assertThat(authOnly.privPassword()).isNull();
    assertThat(c.store().path())
        .isEqualTo(Path.of("src", "test", "resources", "config", "state", "vcmon.db"));
    assertThat(c.rollout().target()).isEqualTo(3);
  }

  @Test
  void sitesFileMayBeAMapWithASitesList() throws ConfigException {
    AgentConfig c = ConfigLoader.load(VALID.resolve("sites-map.yaml"), Map.of());
    assertThat(c.inventory().sites()).extracting(Site::id).containsExactly("core", "la-bang");
    assertThat(c.inventory().children("core")).extracting(Site::address).containsExactly("::1");
    assertThat(c.rollout().target()).isEqualTo(1); // only the xã counts toward the target
  }

  @Nested
  class SnmpVersions {
    @TempDir Path dir;

    private AgentConfig load(String profiles, Map<String, String> env) throws Exception {
      Path file = dir.resolve("vcmon.yaml");
      Files.writeString(
          file,
          "snmp_profiles:\n" + profiles
              + "sites: [ { id: a, name: A, type: xã, address: 127.0.0.1, snmp: { profile: old } } ]\n");
      return ConfigLoader.load(file, env);
    }

    @Test
    void versionOneAsANumberIsAV1CommunityProfile() throws Exception {
      SnmpProfile old =
          load("  old: { version: 1, community: old-ro }\n", Map.of()).snmpProfiles().get("old");
      assertThat(old.version()).isEqualTo(SnmpProfile.Version.V1);
      assertThat(old.community().reveal()).isEqualTo("old-ro");
      assertThat(old.user()).isNull();
      assertThat(old.authProtocol()).isNull();
    }

    @Test
    void versionOneAsAStringReadsTheCommunityFromTheEnvironment() throws Exception {
      SnmpProfile old =
          load("  old: { version: \"1\", community_env: OLD_CPE_COMMUNITY }\n",
                  Map.of("OLD_CPE_COMMUNITY", "from-env"))
              .snmpProfiles().get("old");
      assertThat(old).isEqualTo(SnmpProfile.v1("old", Secret.of("from-env")));
    }

    @Test
    void twoCAndThreeAreReadAsBefore() throws Exception {
      AgentConfig c =
          load(
              "  old: { version: 2c, community: c }\n"
                  + "  new: { version: 3, user: u, auth_protocol: SHA, auth_password: p4ssword-1 }\n",
              Map.of());
      assertThat(c.snmpProfiles().get("old").version()).isEqualTo(SnmpProfile.Version.V2C);
      assertThat(c.snmpProfiles().get("new").version()).isEqualTo(SnmpProfile.Version.V3);
    }

    @Test
    void anUnknownVersionNamesTheFileTheFieldAndTheAllowedValues() {
      ConfigException e =
          catchThrowableOfType(
              ConfigException.class, () -> load("  old: { version: 2, community: c }\n", Map.of()));
      assertThat(e.getMessage())
          .isEqualTo(dir.resolve("vcmon.yaml") + ": 1 problem\n"
              + "  - snmp_profiles.old.version (line 2): must be one of 1, 2c, 3, got \"2\""
              + " (did you mean \"2c\"?)");
    }

    @Test
    void v3KeysOnAV1ProfileAreRefusedAsOnA2cOne() {
      for (String version : new String[] {"1", "2c"}) {
        ConfigException e =
            catchThrowableOfType(
                ConfigException.class,
                () -> load("  old: { version: " + version + ", community: c, priv_protocol: AES }\n",
                    Map.of()));
        assertThat(e.problems())
            .extracting(ConfigProblem::render)
            .containsExactly("snmp_profiles.old.priv_protocol (line 2): is only for version 3 profiles");
      }
    }

    @Test
    void aV1ProfileWithoutACommunitySaysWhatIsMissing() {
      ConfigException e =
          catchThrowableOfType(ConfigException.class, () -> load("  old: { version: 1 }\n", Map.of()));
      assertThat(e.problems())
          .extracting(ConfigProblem::render)
          .containsExactly(
              "snmp_profiles.old.community_env (line 2): is required (name an environment variable"
                  + " holding the community, or write it as community: TEXT)");
    }
  }

  @Test
  void literalSecretsNeverAppearInTheReport(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("vcmon.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "snmp_profiles:",
            "  a: { version: 2c, community: s3cret-one, community_env: X }",
            "  b: { version: 3, user: u, auth_protocol: SHA, auth_password: s3cret2,",
            "       priv_protocol: AES, priv_password: [s3cret-three] }",
            "  c: { version: 2c, community: { s3cret-four: x } }",
            "  d: s3cret-five",
            "sites: [ { id: a, name: A, type: xã, address: 127.0.0.1 } ]",
            ""));
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertThat(e.problems()).hasSize(5);
    assertThat(e.getMessage()).doesNotContain("s3cret").contains("<secret>");
  }

  @Nested
  class NamedInterfaces {
    @TempDir Path dir;

    private Path file(String snmp, String probe) throws IOException {
      return Files.writeString(
          dir.resolve("vcmon.yaml"),
          String.join(
              "\n",
              "probe: " + probe,
              "snmp_profiles: { p: { version: 2c, community: public } }",
              "sites:",
              "  - { id: a, name: A, type: xã, address: 127.0.0.1, snmp: " + snmp + " }",
              ""));
    }

    @Test
    void areReadAsWrittenIndexesToo() throws Exception {
      AgentConfig c =
          ConfigLoader.load(
              file("{ profile: p, interfaces: [ether3, \"uplink VNPT\", 7, 4294967295] }", "{}"),
              Map.of());
      assertThat(c.inventory().site("a").orElseThrow().snmp())
          .isEqualTo(new SiteSnmp("p", 161, java.util.List.of("ether3", "uplink VNPT", "7",
              "4294967295")));
    }

    @Test
    void leftOutTheyAreNone() throws Exception {
      AgentConfig c = ConfigLoader.load(file("{ profile: p }", "{}"), Map.of());
      assertThat(c.inventory().site("a").orElseThrow().snmp().interfaces()).isEmpty();
    }

    @Test
    void aNameTwiceAnEmptyNameAndANonListAreProblems() throws Exception {
      ConfigException e =
          catchThrowableOfType(
              ConfigException.class,
              () -> ConfigLoader.load(
                  file("{ profile: p, interfaces: [ether3, Ether3, \"\", [x]] }", "{}"),
                  Map.of()));
      assertThat(e.problems())
          .extracting(ConfigProblem::path, ConfigProblem::message)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("sites[0].snmp.interfaces[1]", "listed twice"),
              org.assertj.core.groups.Tuple.tuple(
                  "sites[0].snmp.interfaces[2]", "must not be empty"),
              org.assertj.core.groups.Tuple.tuple(
                  "sites[0].snmp.interfaces[3]", "must be a single value, not a list"));
      ConfigException notAList =
          catchThrowableOfType(
              ConfigException.class,
              () -> ConfigLoader.load(file("{ profile: p, interfaces: ether3 }", "{}"), Map.of()));
      assertThat(notAList.problems()).extracting(ConfigProblem::path)
          .containsExactly("sites[0].snmp.interfaces");
    }

    @Test
    void needInterfacesToBeRead() throws Exception {
      ConfigException e =
          catchThrowableOfType(
              ConfigException.class,
              () -> ConfigLoader.load(
                  file("{ profile: p, interfaces: [ether3] }", "{ snmp: { max_interfaces: 0 } }"),
                  Map.of()));
      assertThat(e.problems())
          .extracting(ConfigProblem::render)
          .containsExactly(
              "sites[0].snmp.interfaces (line 4): no interface is read while"
                  + " probe.snmp.max_interfaces is 0 (raise probe.snmp.max_interfaces, or leave"
                  + " interfaces out)");
    }
  }

  @Test
  void aDirectoryWhereAFileBelongsIsSaidInWords(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("units"));
    Files.createDirectories(dir.resolve("sites"));
    Path file = Files.writeString(dir.resolve("vcmon.yaml"), "seeds: units\nsites_file: sites\n");
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertThat(e.problems())
        .extracting(ConfigProblem::render)
        .contains(
            "seeds (line 1): cannot read file, got \"" + dir.resolve("units")
                + "\" (it is a directory, not a file)",
            "sites_file (line 2): cannot read file, got \"" + dir.resolve("sites")
                + "\" (it is a directory, not a file)");
    assertThat(e.getMessage()).doesNotContain("Exception");
  }

  @Test
  void missingConfigFileIsAProblemNotACrash(@TempDir Path dir) {
    Path file = dir.resolve("nope.yaml");
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertThat(e.getMessage())
        .isEqualTo(file + ": 1 problem\n  - (top level): file not found, got \"" + file + "\"");
  }

  @Test
  void emptyOrNonMapFileIsAProblem(@TempDir Path dir) throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.yaml"), "# nothing yet\n");
    Path text = Files.writeString(dir.resolve("text.yaml"), "just text\n");
    assertThat(
            catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(empty, Map.of()))
                .problems())
        .extracting(ConfigProblem::message)
        .containsExactly("the file is empty");
    assertThat(
            catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(text, Map.of()))
                .problems())
        .extracting(ConfigProblem::render)
        .containsExactly(
            "(top level) (line 1): must be a map of keys (key: value), got \"just text\"");
  }

  @Test
  void badUtf8IsAProblem(@TempDir Path dir) throws IOException {
    Path file =
        Files.write(
            dir.resolve("latin1.yaml"), new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE0});
    assertThat(
            catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, Map.of()))
                .problems())
        .extracting(ConfigProblem::message)
        .containsExactly("file is not UTF-8 text");
  }

  static AgentConfig.Probe defaultProbe() {
    return new AgentConfig.Probe(
        Duration.ofSeconds(8),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        new AgentConfig.Icmp(4, Duration.ofMillis(100), "fping", 500),
        new AgentConfig.Snmp(0, 1000, Duration.ofMinutes(5)));
  }

  static AgentConfig.State defaultState() {
    return new AgentConfig.State(3, 2, 0.5, Duration.ofMillis(500), 6, Duration.ofMinutes(15));
  }
}
