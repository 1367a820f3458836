package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The agent with a program configured as {@code probe.icmp.fping} that misbehaves: it hangs with
 * children of its own, prints binary garbage, or is killed by SIGKILL mid-run. Each time the site
 * gets the reason (UNKNOWN, never DOWN), every cycle still starts on time, nothing is skipped, and
 * no process is left behind.
 */
class HostileFpingIT {
  private static final Duration INTERVAL = Duration.ofSeconds(4);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "hangs|sleep 601 & sleep 602|ping unavailable: fping did not finish within 2.31s (batch of 1"
            + " targets), killed it",
        "prints garbage|head -c 3000 /dev/urandom >&2; echo >&2; exit 0|ping unavailable: fping"
            + " failed (exit 0): ",
        "is killed|kill -9 $$|ping unavailable: fping was killed before it finished (signal 9"
            + " (SIGKILL)): no message"
      })
  void siteGetsTheReasonAndCyclesKeepTheirPace(String what, String body, String reason, @TempDir Path dir)
      throws Exception {
    Path fake = dir.resolve("hostile-fping");
    Files.writeString(fake, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    AgentConfig cfg = TestConfig.in(dir)
        .section("probe", "{ interval: " + INTERVAL.toSeconds() + "s, timeout: 300ms, recheck_interval: 1s,"
            + " icmp: { packets: 1, period: 10ms, fping: " + fake + " } }")
        .site("ha-thuong", "name: Hà Thượng, type: xã, address: 127.0.0.1")
        .load();
    Vertx vertx = Vertx.vertx();
    try (TestAgent.Running agent = TestAgent.running(vertx, cfg)) {
      ApiClient api = agent.api();
      api.waitFor(
          "the reason",
          Duration.ofSeconds(20),
          b -> ApiClient.site(b, "ha-thuong").map(s -> s.getString("reason", "").startsWith(reason)).orElse(false));

      // Four more checks: each starts one interval after the one before.
      List<Instant> checks = new ArrayList<>();
      long end = System.nanoTime() + INTERVAL.multipliedBy(6).toNanos();
      while (checks.size() < 5 && System.nanoTime() < end) {
        JsonObject site = api.json("/api/v1/sites/ha-thuong");
        assertThat(site.getString("state")).isEqualTo("UNKNOWN");
        assertThat(site.getString("reason")).startsWith(reason).hasSizeLessThan(300);
        Instant last = Instant.parse(site.getString("last_check"));
        if (checks.isEmpty() || !checks.get(checks.size() - 1).equals(last)) {
          checks.add(last);
        }
        ApiClient.pause(100);
      }
      assertThat(checks).as("checks seen").hasSize(5);
      for (int i = 2; i < checks.size(); i++) {
        assertThat(Duration.between(checks.get(i - 1), checks.get(i)))
            .as("time between checks %d and %d", i - 1, i)
            .isBetween(INTERVAL.minusMillis(500), INTERVAL.plusMillis(500));
      }
      String metrics = api.get("/metrics").body();
      assertThat(metric(metrics, "vcmon_checks_skipped_total")).isZero();
      assertThat(metric(metrics, "vcmon_probe_available\\{probe=\"icmp\"\\}")).isZero();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    // A batch still running at stop ends at its deadline at the latest.
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < end) {
      ApiClient.pause(100);
    }
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
        .as("processes left behind")
        .isEmpty();
  }

  private static double metric(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(text);
    assertThat(m.find()).as("metric %s in /metrics", name).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
