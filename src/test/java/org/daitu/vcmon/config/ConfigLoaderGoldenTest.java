package org.daitu.vcmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden tests of the error report: each {@code invalid/<case>.yaml} must fail with exactly the
 * text in {@code invalid/<case>.expected}. The wording is a contract with the people who read it
 * (and with scripts that grep it), so a change shows up here as a diff to review.
 *
 * <p>The expected text names files relative to the test resources' {@code config/} directory
 * ({@code invalid/bad-duration.yaml}), so it does not depend on where the build runs. Run with
 * {@code -Dgolden.update=true} to rewrite the expected files after an intended change.
 */
class ConfigLoaderGoldenTest {
  private static final Path ROOT = Path.of("src", "test", "resources", "config");
  private static final Path INVALID = ROOT.resolve("invalid");

  /** What a shell would export: the variables some cases rely on being set, one set but empty. */
  static final Map<String, String> ENV =
      Map.of(
          "VCMON_SNMP_COMMUNITY", "golden-community",
          "VCMON_SNMP_AUTH", "golden-auth-pass",
          "VCMON_SNMP_PRIV", "golden-priv-pass",
          "VCMON_TEST_EMPTY", "");

  static Stream<String> cases() throws IOException {
    try (Stream<Path> files = Files.list(INVALID)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - ".yaml".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsExactly(String name) throws IOException {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> ConfigLoader.load(INVALID.resolve(name + ".yaml"), ENV));
    assertThat(e).as("invalid/%s.yaml must not load", name).isNotNull();
    String actual =
        e.getMessage().replace(ROOT + File.separator, "").replace(File.separatorChar, '/');
    Path expected = INVALID.resolve(name + ".expected");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expected, actual + "\n");
    }
    assertThat(actual).isEqualTo(Files.readString(expected).stripTrailing());
    assertThat(e.file()).isEqualTo(INVALID.resolve(name + ".yaml").toString());
  }

  @Test
  void everyCaseHasExpectedText() throws IOException {
    assertThat(cases())
        .isNotEmpty()
        .allSatisfy(n -> assertThat(INVALID.resolve(n + ".expected")).exists());
  }
}
