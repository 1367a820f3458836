package org.daitu.vcmon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Debian package's own files (src/deb) agree with the rest of the repository: the launcher
 * runs the JVM as the unit sizes it, the control file asks for a Java 17 runtime, and the files
 * an administrator edits are conffiles. The package itself is built and installed in
 * DebianPackageIT.
 */
class PackageFilesTest {
  private static final Path DEB = Path.of("src", "deb");

  @Test
  void theLauncherUsesTheUnitsJvmOptionsByDefault() throws IOException {
    List<String> unit = Files.readAllLines(Path.of("config", "vcmon.service"));
    String unitOptions =
        unit.stream()
            .filter(l -> l.startsWith("Environment=\"VCMON_JAVA_OPTS="))
            .findFirst()
            .orElseThrow()
            .replaceAll("^Environment=\"VCMON_JAVA_OPTS=(.*)\"$", "$1");
    String launcher = Files.readString(DEB.resolve("bin/vcmon"));
    assertThat(launcher)
        .contains("VCMON_JAVA_OPTS=\"${VCMON_JAVA_OPTS-" + unitOptions + "}\"")
        .contains("MALLOC_ARENA_MAX=\"${MALLOC_ARENA_MAX:-2}\"")
        .contains("-jar /usr/share/vcmon/vcmon.jar \"$@\"");
    assertThat(unit).contains("Environment=MALLOC_ARENA_MAX=2", "ExecStart=/usr/bin/vcmon --config /etc/vcmon/vcmon.yaml");
  }

  @Test
  void dependsOnAHeadlessJava17AndTheEditableFilesAreConffiles() throws IOException {
    String control = Files.readString(DEB.resolve("control/control"));
    assertThat(control)
        .contains("Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless")
        .contains("Recommends: fping");
    assertThat(Files.readAllLines(DEB.resolve("control/conffiles")))
        .containsExactly("/etc/vcmon/vcmon.yaml", "/etc/vcmon/secrets.env");
  }
}
