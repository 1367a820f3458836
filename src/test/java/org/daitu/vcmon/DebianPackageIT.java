package org.daitu.vcmon;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.PackagedAgent;
import org.daitu.vcmon.testing.Snmpd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package the build makes ({@code target/vcmon_VERSION_all.deb}), on this machine as
 * an administrator uses it: lintian finds no error; {@code apt-get install ./...deb} creates the
 * vcmon user, its state directory and a secrets file only it can read, and enables the service;
 * as installed, the example config's placeholder addresses make the service's own command line
 * exit 2 with the problem lines; with the config edited to watch two real snmpd agents on
 * loopback, the unit's command line, run as the vcmon user with the unit's capability and
 * environment (systemd runs it the same way), serves the page and /metrics with both sites UP; an
 * upgrade to a higher version keeps the edited config and the history; remove keeps config, user
 * and history; purge removes them all. systemd-analyze verifies the installed unit.
 *
 * <p>Needs root, apt-get, lintian and setpriv; installs and purges the package vcmon, so it
 * refuses to run where a vcmon package or user is already there. Purges whatever it installed,
 * also when it fails.
 */
class DebianPackageIT {
  private static final Path UNIT = Path.of("/lib/systemd/system/vcmon.service");
  private static final Path CONFIG = Path.of("/etc/vcmon/vcmon.yaml");
  private static final Path SECRETS = Path.of("/etc/vcmon/secrets.env");
  private static final Path STATE = Path.of("/var/lib/vcmon");
  private static final String MARKER = "# edited by the administrator";

  private static Path deb;
  private static boolean installedByUs;
  private static Process agent;

  @TempDir static Path dir;

  @BeforeAll
  static void needs() throws Exception {
    HostTools.requireRoot("it installs a Debian package");
    HostTools.require("apt-get");
    HostTools.require("dpkg-deb");
    HostTools.require("lintian");
    HostTools.require("setpriv");
    HostTools.require("systemd-analyze");
    HostTools.requireAvailable(Snmpd.unavailableReason());
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      deb = files.filter(f -> f.getFileName().toString().matches("vcmon_.*_all\\.deb")).findFirst().orElse(null);
    }
    HostTools.requireBuilt(deb == null ? Path.of("target", "vcmon_VERSION_all.deb") : deb, "mvn package builds it");
    assertThat(run("dpkg-query", "-W", "-f=${Status}", "vcmon").out())
        .as("a vcmon package is already installed here; this test installs and purges its own")
        .doesNotContain("installed");
    assertThat(run("getent", "passwd", "vcmon").code())
        .as("a user vcmon exists already; this test creates and removes its own").isNotZero();
  }

  @AfterAll
  static void purge() throws Exception {
    stopAgent();
    Path log = dir.resolve("agent.log");
    if (Files.exists(log)) {
      System.out.println("DebianPackageIT agent log:\n" + Files.readString(log));
    }
    if (installedByUs) {
      run("dpkg", "--purge", "vcmon");
    }
  }

  @Test
  void installsStartsUpgradesRemovesAndPurgesLikeADebianService() throws Exception {
    Result lintian = run("lintian", "--fail-on", "error", deb.toString());
    assertThat(lintian.code()).as("lintian: %s", lintian.out()).isZero();
    assertThat(lintian.out()).as("lintian").doesNotContain("\nE: ").doesNotStartWith("E: ");
    String version = run("dpkg-deb", "-f", deb.toString(), "Version").out().strip();

    // install: the user, its directory, the secrets file's group, the unit enabled
    installedByUs = true;
    Result install = apt("install", "./" + Path.of("").toAbsolutePath().relativize(deb.toAbsolutePath()));
    assertThat(install.code()).as("apt-get install: %s", install.out()).isZero();
    assertThat(run("getent", "passwd", "vcmon").out()).contains(":/var/lib/vcmon:").contains("/usr/sbin/nologin");
    assertOwned(STATE, "vcmon", "vcmon", "rwxr-x---");
    assertOwned(SECRETS, "root", "vcmon", "rw-r-----");
    assertOwned(CONFIG, "root", "root", "rw-r--r--");
    assertThat(Files.isExecutable(Path.of("/usr/bin/vcmon"))).isTrue();
    assertThat(Path.of("/usr/share/vcmon/vcmon.jar")).exists();
    assertThat(Path.of("/usr/share/vcmon/seeds/dai-tu-2020-units.csv")).exists();
    assertThat(Path.of("/usr/share/vcmon/grafana/dashboards/vcmon-overview.json")).exists();
    assertThat(Path.of("/usr/share/vcmon/prometheus/alert-rules.yaml")).exists();
    assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/vcmon.service"))
        .as("enabled by deb-systemd-helper").isSymbolicLink();
    // systemd's own checker on the unit as installed, its ExecStart in place; unknown or
    // misspelt settings are only warnings to systemd, but a silent no-op to us
    Result verify = run("systemd-analyze", "verify", UNIT.toString());
    assertThat(verify.code()).as(verify.out()).isZero();
    assertThat(verify.out()).as("warnings from systemd-analyze").isBlank();

    // first run: the example's placeholders stop the service with exit 2 and say why
    Result check = asVcmon(List.of("/usr/bin/vcmon", "check-config", CONFIG.toString()));
    assertThat(check.code()).as(check.out()).isEqualTo(2);
    assertThat(check.out())
        .contains(CONFIG + ":")
        .contains("sites[0].address")
        .contains("is a placeholder (a documentation address, RFC 5737), never probed")
        .contains("replace it with the real address of the room's endpoint (codec)");
    Result asRoot = run("/usr/bin/vcmon", "check-config", CONFIG.toString());
    assertThat(asRoot.code()).as(asRoot.out()).isEqualTo(2);
    assertThat(asRoot.out()).contains("is a placeholder");
    Result service = asVcmon(execStart());
    assertThat(service.code()).as("the unit's command on the example config: %s", service.out()).isEqualTo(2);
    assertThat(service.out()).contains("is a placeholder");

    // the administrator's config: two real SNMP agents on loopback
    try (Snmpd a = snmpd("ha-thuong", "127.0.0.1");
        Snmpd b = snmpd("cat-ne", "127.0.0.2")) {
      int port = PackagedAgent.freePort();
      Files.writeString(CONFIG, config(port, a, b), StandardCharsets.UTF_8);
      Files.writeString(SECRETS, Files.readString(SECRETS)
          + "VCMON_SNMP_COMMUNITY=it-package\nVCMON_SNMP_AUTH=it-auth-pass\nVCMON_SNMP_PRIV=it-priv-pass\n");
      startAgent();
      ApiClient api = new ApiClient("127.0.0.1", port);
      api.waitFor("both sites UP", Duration.ofSeconds(40),
          body -> ApiClient.count(body, "UP") == 2);
      assertThat(api.get("/").statusCode()).as("the status page").isEqualTo(200);
      String metrics = api.get("/metrics").body();
      assertThat(metrics)
          .contains("vcmon_site_state{site=\"ha-thuong\",state=\"UP\"} 1")
          .contains("vcmon_site_state{site=\"cat-ne\",state=\"UP\"} 1");
      JsonObject site = api.json("/api/v1/sites/cat-ne");
      assertThat(site.getJsonObject("snmp").getString("sys_name")).isEqualTo("cat-ne");
      stopAgent();
    }
    assertThat(STATE.resolve("vcmon.db")).as("the history, written as the vcmon user").exists();
    assertOwned(STATE.resolve("vcmon.db"), "vcmon", "vcmon", null);

    // upgrade to a higher version whose example config changed: the edit stays
    Path newer = repack(version + "+1");
    Result upgrade = apt("install", newer.toString());
    assertThat(upgrade.code()).as("upgrade: %s", upgrade.out()).isZero();
    assertThat(run("dpkg-query", "-W", "-f=${Version}", "vcmon").out()).isEqualTo(version + "+1");
    assertThat(Files.readString(CONFIG)).contains(MARKER);
    assertThat(Path.of(CONFIG + ".dpkg-dist")).as("the new example beside it").exists();
    assertThat(Files.readString(SECRETS)).contains("VCMON_SNMP_COMMUNITY=it-package");
    assertOwned(SECRETS, "root", "vcmon", "rw-r-----");
    assertThat(STATE.resolve("vcmon.db")).exists();
    Result upgraded = asVcmon(List.of("/usr/bin/vcmon", "check-config", CONFIG.toString()));
    assertThat(upgraded.code()).as(upgraded.out()).isZero();
    Result byRoot = run("/usr/bin/vcmon", "check-config", CONFIG.toString());
    assertThat(byRoot.code()).as("the launcher reads the secrets for root too: %s", byRoot.out()).isZero();

    // remove: the program goes, config, user and history stay
    Result remove = apt("remove", "vcmon");
    assertThat(remove.code()).as("remove: %s", remove.out()).isZero();
    assertThat(Path.of("/usr/bin/vcmon")).doesNotExist();
    assertThat(UNIT).doesNotExist();
    assertThat(Files.readString(CONFIG)).contains(MARKER);
    assertThat(STATE.resolve("vcmon.db")).exists();
    assertThat(run("getent", "passwd", "vcmon").code()).isZero();

    // purge: everything goes
    Result purge = apt("purge", "vcmon");
    assertThat(purge.code()).as("purge: %s", purge.out()).isZero();
    installedByUs = false;
    assertThat(Path.of("/etc/vcmon")).doesNotExist();
    assertThat(STATE).doesNotExist();
    assertThat(run("getent", "passwd", "vcmon").code()).as("user vcmon after purge").isNotZero();
    assertThat(run("getent", "group", "vcmon").code()).as("group vcmon after purge").isNotZero();
    assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/vcmon.service")).doesNotExist();
  }

  private static Snmpd snmpd(String name, String address) throws Exception {
    return Snmpd.builder(dir.resolve("snmpd-" + name)).listen(address, 0).sysName(name).community("it-package").start();
  }

  /** The installed example with its sites and a few settings replaced, as an administrator edits it. */
  private static String config(int port, Snmpd a, Snmpd b) throws IOException {
    String example = Files.readString(CONFIG);
    String head = example.substring(0, example.indexOf("\nsites:\n") + 1)
        .replace("host: 0.0.0.0 ", "host: 127.0.0.1 ")
        .replace("port: 8080 ", "port: " + port + " ")
        .replaceAll("(?m)^self_check:\\n.*\\n.*\\n", "")
        .replace("interval: 30s ", "interval: 4s ")
        .replace("recheck_interval: 5s ", "recheck_interval: 1s ")
        .replace("admin_token_env: VCMON_ADMIN_TOKEN", "# admin_token_env: VCMON_ADMIN_TOKEN");
    return MARKER + "\n" + head
        + "sites:\n"
        + "  - { id: ha-thuong, address: " + a.address() + ", snmp: { profile: district-v2c, port: " + a.port() + " } }\n"
        + "  - { id: cat-ne, address: " + b.address() + ", snmp: { profile: district-v2c, port: " + b.port() + " } }\n";
  }

  /** The unit's ExecStart as words (it has no quoting). */
  private static List<String> execStart() throws IOException {
    return List.of(unitValue("ExecStart").split(" +"));
  }

  private static String unitValue(String key) throws IOException {
    return Files.readAllLines(UNIT).stream()
        .filter(l -> l.startsWith(key + "="))
        .findFirst()
        .orElseThrow()
        .substring(key.length() + 1);
  }

  /**
   * The unit's Environment= lines and its EnvironmentFile (the secrets), as systemd hands them to
   * the service.
   */
  private static Map<String, String> unitEnvironment() throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(UNIT)) {
      if (line.startsWith("Environment=")) {
        String kv = line.substring("Environment=".length()).replaceAll("^\"|\"$", "");
        env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    assertThat(unitValue("EnvironmentFile")).isEqualTo("-" + SECRETS);
    for (String line : Files.readAllLines(SECRETS)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    return env;
  }

  /**
   * {@code command} as the unit runs it: user and group vcmon, CAP_NET_RAW as its only (ambient)
   * capability, in /var/lib/vcmon, with the unit's environment.
   */
  private static ProcessBuilder vcmonProcess(List<String> command) throws IOException {
    assertThat(unitValue("User")).isEqualTo("vcmon");
    assertThat(unitValue("AmbientCapabilities")).isEqualTo("CAP_NET_RAW");
    assertThat(unitValue("WorkingDirectory")).isEqualTo(STATE.toString());
    List<String> argv = new ArrayList<>(List.of(
        "setpriv", "--reuid", "vcmon", "--regid", "vcmon", "--init-groups",
        "--inh-caps", "-all,+net_raw", "--ambient-caps", "-all,+net_raw", "--bounding-set", "-all,+net_raw"));
    argv.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(argv).directory(STATE.toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    pb.environment().put("LANG", "C.UTF-8");
    pb.environment().putAll(unitEnvironment());
    return pb;
  }

  private static Result asVcmon(List<String> command) throws Exception {
    Process p = vcmonProcess(command).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  private static void startAgent() throws IOException {
    agent = vcmonProcess(execStart())
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent.log").toFile()))
        .start();
  }

  private static void stopAgent() throws Exception {
    if (agent != null && agent.isAlive()) {
      agent.destroy(); // SIGTERM, as systemctl stop sends it
      if (!agent.waitFor(30, TimeUnit.SECONDS)) {
        agent.destroyForcibly();
      }
      assertThat(agent.exitValue()).as("stopped cleanly (0 or 143)").isIn(0, 143);
    }
    agent = null;
  }

  /** The built package unpacked, given a higher version and a changed example config, rebuilt. */
  private static Path repack(String version) throws Exception {
    Path tree = dir.resolve("repack");
    assertThat(run("dpkg-deb", "-R", deb.toString(), tree.toString()).code()).isZero();
    Path control = tree.resolve("DEBIAN/control");
    Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version));
    Path example = tree.resolve("etc/vcmon/vcmon.yaml");
    Files.writeString(example, Files.readString(example) + "# a comment new in " + version + "\n");
    Path out = dir.resolve("vcmon_" + version + "_all.deb");
    Result build = run("dpkg-deb", "--root-owner-group", "-b", tree.toString(), out.toString());
    assertThat(build.code()).as(build.out()).isZero();
    return out;
  }

  private static void assertOwned(Path file, String owner, String group, String mode) throws IOException {
    PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class);
    assertThat(a.owner().getName()).as(file + " owner").isEqualTo(owner);
    assertThat(a.group().getName()).as(file + " group").isEqualTo(group);
    if (mode != null) {
      assertThat(PosixFilePermissions.toString(a.permissions())).as(file + " mode").isEqualTo(mode);
    }
  }

  private static Result apt(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(
        "apt-get", "-y", "-q", "--no-install-recommends",
        "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"));
    argv.addAll(List.of(args));
    return run(argv, Map.of("DEBIAN_FRONTEND", "noninteractive"));
  }

  private record Result(int code, String out) {}

  private static Result run(String... argv) throws Exception {
    return run(List.of(argv), Map.of());
  }

  private static Result run(List<String> argv, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, out);
    }
    return new Result(p.exitValue(), out);
  }
}
