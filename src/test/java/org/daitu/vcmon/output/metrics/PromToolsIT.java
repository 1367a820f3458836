package org.daitu.vcmon.output.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.daitu.vcmon.testing.HostTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped Prometheus and Alertmanager files (config/) pass their own tools: rule syntax and
 * lint, the promtool unit tests of every alert, the scrape config, and the Alertmanager config and
 * its routing. Skips when promtool or amtool is not installed (Debian packages prometheus and
 * prometheus-alertmanager).
 */
class PromToolsIT {
  // Maven runs tests from the project directory; the tools resolve paths inside the files
  // (rule_files) relative to the file, so plain relative paths work from here.
  private static final Path PROJECT = Path.of("").toAbsolutePath();

  @Test
  void alertRulesPassCheckAndLint() throws Exception {
    assertSucceeds(promtool("check", "rules", "config/alert-rules.yaml"));
  }

  @Test
  void everyAlertRuleUnitTestPasses() throws Exception {
    ToolRun run = promtool("test", "rules", "config/alert-rules.test.yaml");
    assertSucceeds(run);
    assertThat(run.output()).contains("SUCCESS");
  }

  @Test
  void scrapeConfigAndItsRuleFilesAreValid() throws Exception {
    ToolRun run = promtool("check", "config", "config/prometheus.yml");
    assertSucceeds(run);
    assertThat(run.output()).contains("alert-rules.yaml").contains("SUCCESS");
  }

  @Test
  void alertmanagerConfigIsValid() throws Exception {
    ToolRun run = amtool("check-config", "config/alertmanager.yml");
    assertSucceeds(run);
    assertThat(run.output()).contains("2 inhibit rules");
  }

  @ParameterizedTest(name = "{0} goes to {1}")
  @CsvSource({"critical, it-oncall", "warning, it-team", "info, rollout", "none, it-team"})
  void alertsAreRoutedBySeverity(String severity, String receiver) throws Exception {
    ToolRun run =
        amtool(
            "config", "routes", "test", "--config.file=config/alertmanager.yml",
            "alertname=VcmonSiteDown", "severity=" + severity);
    assertSucceeds(run);
    // amtool prints warnings first; the receiver is the last line.
    String[] lines = run.output().strip().split("\n");
    assertThat(lines[lines.length - 1].strip()).as(run.describe()).isEqualTo(receiver);
  }

  private static ToolRun promtool(String... args) throws Exception {
    HostTools.require("promtool");
    return ToolRun.of(PROJECT, prepend("promtool", args));
  }

  private static ToolRun amtool(String... args) throws Exception {
    HostTools.require("amtool");
    return ToolRun.of(PROJECT, prepend("amtool", args));
  }

  private static String[] prepend(String program, String[] args) {
    String[] argv = new String[args.length + 1];
    argv[0] = program;
    System.arraycopy(args, 0, argv, 1, args.length);
    return argv;
  }

  private static void assertSucceeds(ToolRun run) {
    assertThat(run.exitCode()).as(run.describe()).isZero();
  }
}
