package org.daitu.vcmon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped systemd unit: the settings the deployment depends on (unprivileged user, only
 * CAP_NET_RAW, read-only system) are there. systemd's own checker runs on the unit as the Debian
 * package installs it, with its launcher in place (DebianPackageIT).
 */
class SystemdUnitIT {
  private static final Path UNIT = Path.of("config", "vcmon.service");

  @Test
  void runsUnprivilegedWithOnlyTheCapabilityFpingNeeds() throws IOException {
    List<String> lines = Files.readAllLines(UNIT);
    assertThat(lines)
        .contains(
            "User=vcmon",
            "Group=vcmon",
            "ExecStart=/usr/bin/vcmon --config /etc/vcmon/vcmon.yaml",
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
