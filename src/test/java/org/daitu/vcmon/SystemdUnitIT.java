package org.daitu.vcmon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.testing.HostTools;
import org.junit.jupiter.api.Test;

/**
 * The shipped systemd unit: systemd's own checker accepts it, and the settings the deployment
 * depends on (unprivileged user, only CAP_NET_RAW, read-only system) are there.
 */
class SystemdUnitIT {
  private static final Path UNIT = Path.of("config", "vcmon.service");

  @Test
  void systemdAnalyzeVerifyAcceptsTheUnit() throws Exception {
    HostTools.require("systemd-analyze");
    // systemd-analyze verify refuses an ExecStart it cannot find.
    HostTools.require(Path.of("/usr/bin/java"));
    Process p =
        new ProcessBuilder("systemd-analyze", "verify", UNIT.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("systemd-analyze finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    // Unknown or misspelt settings are only warnings to systemd, but a silent no-op to us.
    assertThat(out).as("warnings from systemd-analyze").isBlank();
  }

  @Test
  void runsUnprivilegedWithOnlyTheCapabilityFpingNeeds() throws IOException {
    List<String> lines = Files.readAllLines(UNIT);
    assertThat(lines)
        .contains(
            "User=vcmon",
            "Group=vcmon",
            "ExecStart=/usr/bin/java $VCMON_JAVA_OPTS -jar /opt/vcmon/vcmon.jar --config /etc/vcmon/vcmon.yaml",
            "Environment=MALLOC_ARENA_MAX=2",
            "EnvironmentFile=-/etc/vcmon/secrets.env",
            "AmbientCapabilities=CAP_NET_RAW",
            "CapabilityBoundingSet=CAP_NET_RAW",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "ReadWritePaths=/var/lib/vcmon",
            "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK",
            "SystemCallFilter=@system-service",
            "Restart=on-failure",
            "RestartPreventExitStatus=2");
  }
}
