package org.daitu.vcmon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The one place a test says it needs something installed on the host (fping, snmpd, nft,
 * prometheus, chromium...) or needs root.
 *
 * <p>When the need is not met, the test is skipped with a message naming the program and the
 * Debian package that provides it; but when the environment variable {@code CI} is {@code true}
 * (as {@code .ci/run} sets it), the test fails with that message instead, so a CI run cannot go
 * green on a missing install step.
 *
 * <p>Only missing installs (and missing root) go through here. A condition a test cannot meet
 * for another reason stays a plain JUnit assumption.
 */
public final class HostTools {
  /** The environment variable that turns a skip into a failure when it is {@code true}. */
  public static final String CI_VARIABLE = "CI";

  /** The Debian package of each program the tests run. */
  private static final Map<String, String> PACKAGES =
      Map.ofEntries(
          Map.entry("fping", "fping"),
          Map.entry("snmpd", "snmpd"),
          Map.entry("snmpget", "snmp"),
          Map.entry("snmpwalk", "snmp"),
          Map.entry("snmptrap", "snmp"),
          Map.entry("snmpinform", "snmp"),
          Map.entry("ip", "iproute2"),
          Map.entry("nft", "nftables"),
          Map.entry("prometheus", "prometheus"),
          Map.entry("promtool", "prometheus"),
          Map.entry("prometheus-alertmanager", "prometheus-alertmanager"),
          Map.entry("amtool", "prometheus-alertmanager"),
          Map.entry("chromium", "chromium"),
          Map.entry("chromedriver", "chromium-driver"),
          Map.entry("openssl", "openssl"),
          Map.entry("setpriv", "util-linux"),
          Map.entry("mount", "mount"),
          Map.entry("mkfs.ext4", "e2fsprogs"),
          Map.entry("python3", "python3"),
          Map.entry("systemd-analyze", "systemd"),
          Map.entry("lintian", "lintian"),
          Map.entry("dpkg-deb", "dpkg"),
          Map.entry("apt-get", "apt"),
          Map.entry("java", "openjdk-17-jdk-headless"));

  private static final HostTools CURRENT =
      new HostTools("true".equalsIgnoreCase(System.getenv(CI_VARIABLE)), HostCommand::executable);

  private final boolean ci;
  private final Function<String, Optional<Path>> lookup;

  /**
   * A fixture with the CI flag and the program lookup given, for the fixture's own tests; other
   * tests use the static methods, which read {@code CI} from the environment.
   */
  HostTools(boolean ci, Function<String, Optional<Path>> lookup) {
    this.ci = ci;
    this.lookup = lookup;
  }

  /** Whether this run is a CI run ({@code CI=true}), where a missing install fails the test. */
  public static boolean ci() {
    return CURRENT.ci;
  }

  /**
   * The path of {@code program} (on PATH or in the usual system directories); skips the test,
   * or fails it under CI, when it is not installed.
   */
  public static Path require(String program) {
    return CURRENT.need(program);
  }

  /** Like {@link #require(String)} for a program at a fixed path, such as /usr/bin/fping. */
  public static Path require(Path program) {
    return CURRENT.need(program.toString());
  }

  /** Skips the test, or fails it under CI, unless it runs as root; {@code why} says what for. */
  public static void requireRoot(String why) {
    CURRENT.needRoot(why);
  }

  /**
   * For fixtures that know best what they lack ({@link Snmpd#unavailableReason()}, {@link
   * NetnsFleet#unavailableReason()}): skips, or fails under CI, with the reason when there is one.
   */
  public static void requireAvailable(Optional<String> unavailableReason) {
    CURRENT.needAvailable(unavailableReason);
  }

  /**
   * For a need that is not a program: {@code present} tells whether it is there, {@code what}
   * names it and {@code debianPackage} is the package that provides it.
   */
  public static void requireInstalled(boolean present, String what, String debianPackage) {
    CURRENT.needInstalled(present, what, debianPackage);
  }

  /**
   * For a file the build makes (the jar): skips, or fails under CI, when it is missing;
   * {@code how} says what makes it.
   */
  public static void requireBuilt(Path file, String how) {
    if (!Files.exists(file)) {
      CURRENT.missing(file + " is not built (" + how + ")");
    }
  }

  Path need(String program) {
    Optional<Path> found = lookup.apply(program);
    if (found.isEmpty()) {
      String name = program.contains("/") ? Path.of(program).getFileName().toString() : program;
      String pkg = PACKAGES.get(name);
      missing(
          program + " is not installed"
              + (pkg == null ? "" : " (apt-get install " + pkg + ")"));
    }
    return found.orElseThrow();
  }

  void needRoot(String why) {
    if (!"0".equals(uid())) {
      missing("needs root (" + why + "); running as uid " + uid());
    }
  }

  void needAvailable(Optional<String> unavailableReason) {
    unavailableReason.ifPresent(this::missing);
  }

  void needInstalled(boolean present, String what, String debianPackage) {
    if (!present) {
      missing(what + " is not installed (apt-get install " + debianPackage + ")");
    }
  }

  /** Fails under CI, skips otherwise, with {@code message}. */
  void missing(String message) {
    if (ci) {
      throw new AssertionFailedError(
          message + " [" + CI_VARIABLE + "=true: a missing install fails the test instead of"
              + " skipping it]");
    }
    throw new TestAbortedException("skipped: " + message);
  }

  private static String uid() {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Uid:")) {
          return line.substring("Uid:".length()).strip().split("\\s+")[0];
        }
      }
    } catch (IOException e) {
      // Not Linux, or no procfs: fall back on the user name.
    }
    return "root".equals(System.getProperty("user.name")) ? "0" : System.getProperty("user.name");
  }
}
