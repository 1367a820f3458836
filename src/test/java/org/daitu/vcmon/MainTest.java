package org.daitu.vcmon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exit codes and what it prints. */
class MainTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void checkConfigListsEveryProblemAndExits2(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        "probe: { interval: 30 }\n"
            + "sites:\n"
            + "  - { id: ha-thuong, name: Hà Thượng, type: xã, address: 198.18.1.10, parent: core }\n"
            + "  - { id: ha-thuong, name: Hà Thượng, type: xã, address: 198.18.1.11 }\n");
    assertThat(run("check-config", file.toString())).isEqualTo(2);
    assertThat(err())
        .startsWith(file + ": 3 problems\n")
        .contains("probe.interval (line 1): ")
        .contains("sites[0].parent (line 3): unknown parent, got \"core\"")
        .contains("sites[1].id (line 4): duplicate id, got \"ha-thuong\"");
  }

  @Test
  void startingWithAnInvalidConfigExits2BeforeAnythingStarts(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "sites: []\nhttp: { prot: 8080 }\n");
    assertThat(run("--config", file.toString())).isEqualTo(2);
    assertThat(err()).contains("http.prot (line 2): unknown key").contains("did you mean \"port\"");
  }

  @Test
  void checkConfigOfAGoodFileExits0(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ok.yaml");
    Files.writeString(file, "sites:\n  - { id: ha-thuong, name: Hà Thượng, type: xã, address: 198.18.1.10 }\n");
    assertThat(run("check-config", file.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("OK (1 sites");
  }

  @Test
  void usageErrorsExit2() {
    assertThat(run()).isEqualTo(2);
    assertThat(run("--frobnicate")).isEqualTo(2);
    assertThat(err()).contains("unknown argument \"--frobnicate\"");
    assertThat(run("--demo", "--config", "x.yaml")).isEqualTo(2);
    assertThat(run("--port", "http")).isEqualTo(2);
  }

  @Test
  void theStopOnSigtermEndsBeforeSystemdWouldKillIt() throws Exception {
    String line =
        Files.readAllLines(Path.of("config", "vcmon.service")).stream()
            .filter(l -> l.startsWith("TimeoutStopSec="))
            .findFirst()
            .orElseThrow();
    java.time.Duration systemd = java.time.Duration.ofSeconds(Long.parseLong(line.replaceAll("[^0-9]", "")));
    assertThat(line).isEqualTo("TimeoutStopSec=" + systemd.toSeconds() + "s");
    assertThat(Main.STOP_HOOK_LIMIT).isLessThan(systemd);
  }

  @Test
  void clusterCertsWritesTheFilesAConfigThenAccepts(@TempDir Path dir) throws Exception {
    Path certs = dir.resolve("cluster");
    assertThat(run("cluster-certs", certs.toString(), "tinh", "dai-tu")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("ca.key   the CA's key: keep it offline")
        .contains("CA valid 10 years, each vantage's certificate 3 years");
    Path file = dir.resolve("vcmon.yaml");
    Files.writeString(
        file,
        "cluster:\n  name: thai-nguyen\n  vantage: dai-tu\n  listen: 127.0.0.22:7800\n"
            + "  members: [127.0.0.21:7800, 127.0.0.22:7800]\n"
            + "  tls: { ca_file: cluster/ca.pem, cert_file: cluster/dai-tu.pem, key_file: cluster/dai-tu.key }\n"
            + "sites:\n  - { id: ha-thuong, name: Hà Thượng, type: xã, address: 198.18.1.10, vantages: [tinh] }\n");
    assertThat(run("check-config", file.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("cluster thai-nguyen as vantage dai-tu of 2 members");
  }

  @Test
  void clusterCertsNeverOverwritesAndSignsNewVantagesWithTheCaItFinds(@TempDir Path dir) throws Exception {
    assertThat(run("cluster-certs", dir.toString(), "tinh")).isZero();
    byte[] before = Files.readAllBytes(dir.resolve("ca.key"));
    byte[] tinh = Files.readAllBytes(dir.resolve("tinh.pem"));
    assertThat(run("cluster-certs", dir.toString(), "tinh")).isEqualTo(1);
    assertThat(err()).contains("tinh.pem exists; nothing was written");
    assertThat(Files.readAllBytes(dir.resolve("tinh.pem"))).isEqualTo(tinh);
    assertThat(run("cluster-certs", dir.toString(), "dai-tu")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Signed with the CA already in");
    assertThat(Files.readAllBytes(dir.resolve("ca.key"))).isEqualTo(before);
    assertThat(dir.resolve("dai-tu.pem")).exists();
  }

  @Test
  void clusterCertsNeedsADirAndVantageSlugs(@TempDir Path dir) {
    assertThat(run("cluster-certs", dir.toString())).isEqualTo(2);
    assertThat(err()).contains("cluster-certs needs a DIR and at least one VANTAGE");
    assertThat(run("cluster-certs", dir.toString(), "Đại Từ")).isEqualTo(2);
    assertThat(err()).contains("must be a slug");
  }

  @Test
  void aClusterAgentAsksForMoreHeapOnlyWhereTheBenchmarkRanOut() {
    assertThat(Main.clusterHeapMiB(30)).isEqualTo(128);
    assertThat(Main.clusterHeapMiB(1000)).isEqualTo(128);
    assertThat(Main.clusterHeapMiB(10_000)).isEqualTo(192);
  }
}
