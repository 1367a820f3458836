package org.daitu.vcmon.probe.icmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.daitu.vcmon.testing.Await.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.ProbeStoppedException;
import org.daitu.vcmon.testing.HostTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FpingProbe} against the real fping, on loopback only. A silent address is made silent
 * for real by an nftables table of this test ({@value #NFT_TABLE}), removed afterwards.
 */
class FpingProbeIT {

  private static final String NFT_TABLE = "vcmon_it_icmp";
  private static final String SILENT = "127.66.0.1";
  private static final int PACKETS = 3;
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  private static boolean root;
  private static boolean silentReady;

  private Vertx vertx;
  private final List<FpingProbe> probes = new ArrayList<>();

  @BeforeAll
  static void requireFping() throws Exception {
    HostTools.require("fping");
    root = run("id", "-u").output.strip().equals("0");
    if (root && run("nft", "--version").exitCode == 0) {
      Result table =
          run(
              "nft",
              "add table ip " + NFT_TABLE + " ; "
                  + "add chain ip " + NFT_TABLE + " input"
                  + " { type filter hook input priority 0 ; policy accept ; } ; "
                  + "add rule ip " + NFT_TABLE + " input ip daddr " + SILENT + " drop");
      silentReady = table.exitCode == 0;
    }
  }

  @AfterAll
  static void removeTable() throws Exception {
    if (silentReady) {
      run("nft", "delete", "table", "ip", NFT_TABLE);
    }
  }

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() throws Exception {
    for (FpingProbe probe : probes) {
      await(probe.close());
    }
    await(vertx.close());
  }

  @Test
  void loopbackAddressesAnswerEveryEcho() throws Exception {
    FpingProbe probe = probe("fping", 500, List.of());

    Map<String, IcmpResult> results =
        await(probe.ping(List.of("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.2")));

    assertThat(results).containsOnlyKeys("127.0.0.1", "127.0.0.2", "127.0.0.3");
    assertThat(results.values())
        .allSatisfy(
            r -> {
              assertThat(r.available()).as("available: %s", r).isTrue();
              assertThat(r.sent()).isEqualTo(PACKETS);
              assertThat(r.received()).isEqualTo(PACKETS);
              assertThat(r.lossRatio()).isZero();
              assertThat(r.rttAvgSeconds()).isGreaterThan(0).isLessThan(0.1);
              assertThat(r.rttMinSeconds()).isLessThanOrEqualTo(r.rttMaxSeconds());
            });
    assertThat(probe.unavailableReason()).isNull();
  }

  @Test
  void droppedAddressComesBackWithAllEchoesLost() throws Exception {
    HostTools.requireRoot("to make " + SILENT + " silent with nft");
    HostTools.require("nft");
    assertThat(silentReady).as("nft table that makes " + SILENT + " silent added").isTrue();
    FpingProbe probe = probe("fping", 500, List.of());

    Map<String, IcmpResult> results = await(probe.ping(List.of(SILENT, "127.0.0.1")));

    IcmpResult silent = results.get(SILENT);
    assertThat(silent.available()).isTrue();
    assertThat(silent.sent()).isEqualTo(PACKETS);
    assertThat(silent.received()).isZero();
    assertThat(silent.lossRatio()).isEqualTo(1.0);
    assertThat(results.get("127.0.0.1").received()).isEqualTo(PACKETS);
    assertThat(probe.unavailableReason()).isNull();
  }

  @Test
  void missingProgramMakesEveryAddressUnavailable() throws Exception {
    FpingProbe probe = probe("/nonexistent/vcmon-it/fping", 500, List.of());

    Map<String, IcmpResult> results = await(probe.ping(List.of("127.0.0.1", "127.0.0.2")));

    String reason =
        "fping not found: \"/nonexistent/vcmon-it/fping\""
            + " (install the fping package or set probe.icmp.fping)";
    assertThat(results.values()).hasSize(2).allMatch(r -> reason.equals(r.unavailableReason()));
    assertThat(probe.unavailableReason()).isEqualTo(reason);
  }

  @Test
  void programWithoutRawSocketPermissionSaysHowToFixIt(@TempDir Path dir) throws Exception {
    HostTools.requireRoot("to drop privileges with setpriv");
    HostTools.require("setpriv");
    assumeTrue(
        !pingGroupAllows(65534),
        "ping_group_range lets nogroup use ICMP datagram sockets, so fping would not fail");
    // A copy loses the file capability (cap_net_raw) of the installed fping.
    String fpingPath = run("sh", "-c", "command -v fping").output.strip();
    Path copy = dir.resolve("fping");
    Files.copy(Path.of(fpingPath), copy);
    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    FpingProbe probe =
        probe(
            copy.toString(),
            500,
            List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));

    Map<String, IcmpResult> results = await(probe.ping(List.of("127.0.0.1")));

    String reason = results.get("127.0.0.1").unavailableReason();
    assertThat(reason)
        .startsWith("fping may not send ICMP: ")
        .contains("can't create socket")
        .endsWith(FpingOutputParser.PERMISSION_HINT);
    assertThat(probe.unavailableReason()).isEqualTo(reason);
  }

  @Test
  void resultCompletesOnTheCallersContext() throws Exception {
    FpingProbe probe = probe("fping", 2, List.of());
    Context caller = vertx.getOrCreateContext();
    CompletableFuture<Context> completedOn = new CompletableFuture<>();

    caller.runOnContext(
        v ->
            probe
                .ping(List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"))
                .onComplete(ar -> completedOn.complete(Vertx.currentContext())));

    assertThat(completedOn.get(20, TimeUnit.SECONDS)).isSameAs(caller);
  }

  @Test
  void fiveAddressesInBatchesOfTwoRunThreeProcessesSideBySide(@TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs.log");
    // Records when each fping starts and ends.
    List<String> countingPrefix =
        List.of(
            "sh",
            "-c",
            "echo start >> \"$0\"; \"$@\"; status=$?; echo end >> \"$0\"; exit $status",
            runs.toString());
    FpingProbe probe = probe("fping", 2, countingPrefix);
    List<String> addresses =
        List.of("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5");

    // Called from a context, as the scheduler does: a context also orders blocking tasks.
    Context caller = vertx.getOrCreateContext();
    CompletableFuture<Map<String, IcmpResult>> done = new CompletableFuture<>();
    caller.runOnContext(v -> probe.ping(addresses).onSuccess(done::complete));
    Map<String, IcmpResult> results = done.get(30, TimeUnit.SECONDS);

    assertThat(results).containsOnlyKeys(addresses);
    assertThat(results.values()).allMatch(r -> r.received() == PACKETS);
    List<String> log = Files.readAllLines(runs);
    assertThat(log).hasSize(6);
    // Each fping runs at least 200 ms (3 echoes 100 ms apart): all three start before one ends
    // only when the batches run side by side.
    assertThat(log.subList(0, 3)).containsOnly("start");
  }

  @Test
  void twoHundredAddressesInOneBatch() throws Exception {
    FpingProbe probe = probe("fping", 500, List.of());
    List<String> addresses = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      addresses.add("127.1.0." + i);
    }

    Map<String, IcmpResult> results = await(probe.ping(addresses));

    assertThat(results).hasSize(200);
    assertThat(results.values()).allMatch(r -> r.available() && r.received() == PACKETS);
  }

  @Test
  void processOutlivingItsDeadlineIsKilled() throws Exception {
    // Stands in for an fping stuck on slow name resolution: never answers, never exits.
    FpingProbe probe =
        new FpingProbe(
            vertx,
            new AgentConfig.Icmp(1, Duration.ofMillis(10), "fping", 500),
            Duration.ofMillis(100),
            List.of("sh", "-c", "exec sleep 60", "stuck"));
    probes.add(probe);
    long started = System.nanoTime();

    Map<String, IcmpResult> results = await(probe.ping(List.of("127.0.0.1")));

    assertThat(results.get("127.0.0.1").unavailableReason())
        .isEqualTo("fping did not finish within 2.11s (batch of 1 targets), killed it");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void unavailableReasonClearsWhenFpingWorksAgain(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("broken");
    // While the flag file exists, answer the way fping without CAP_NET_RAW does.
    String script =
        "if [ -e \"$0\" ]; then echo \"fping: can't create socket (must run as root?)\" >&2;"
            + " exit 4; fi; exec \"$@\"";
    FpingProbe probe = probe("fping", 500, List.of("sh", "-c", script, broken.toString()));

    Files.createFile(broken);
    await(probe.ping(List.of("127.0.0.1")));
    assertThat(probe.unavailableReason()).startsWith("fping may not send ICMP: ");

    Files.delete(broken);
    Map<String, IcmpResult> results = await(probe.ping(List.of("127.0.0.1")));
    assertThat(results.get("127.0.0.1").received()).isEqualTo(PACKETS);
    assertThat(probe.unavailableReason()).isNull();
  }

  @Test
  void fpingKilledMidRunSaysSoAndTheNextRunWorks() throws Exception {
    // 20 echoes 100 ms apart: about two seconds of pinging to kill it in.
    FpingProbe probe =
        new FpingProbe(
            vertx, new AgentConfig.Icmp(20, Duration.ofMillis(100), "fping", 500), TIMEOUT, List.of());
    probes.add(probe);
    List<String> addresses = List.of("127.0.0.1", "127.0.0.2");

    Future<Map<String, IcmpResult>> running = probe.ping(addresses);
    ProcessHandle fping = awaitChild("fping");
    assertThat(fping.destroyForcibly()).isTrue();
    Map<String, IcmpResult> results = await(running);

    assertThat(results.values())
        .allSatisfy(
            r ->
                assertThat(r.unavailableReason())
                    .isEqualTo("fping was killed before it finished (signal 9 (SIGKILL)): no message"));
    assertThat(probe.unavailableReason()).startsWith("fping was killed");
    assertThat(children()).isEmpty();

    Map<String, IcmpResult> next = await(probe.ping(addresses));
    assertThat(next.values()).allMatch(r -> r.available() && r.received() == 20);
    assertThat(probe.unavailableReason()).isNull();
  }

  @Test
  void fpingStoppedBySigtermGivesNoVerdictAndTheNextRunWorks() throws Exception {
    // What systemd does to the whole service when it stops vcmon.
    FpingProbe probe =
        new FpingProbe(
            vertx, new AgentConfig.Icmp(20, Duration.ofMillis(100), "fping", 500), TIMEOUT, List.of());
    probes.add(probe);
    List<String> addresses = List.of("127.0.0.1", "127.0.0.2");

    Future<Map<String, IcmpResult>> running = probe.ping(addresses);
    ProcessHandle fping = awaitChild("fping");
    assertThat(fping.destroy()).as("SIGTERM sent").isTrue();

    assertThatThrownBy(() -> await(running))
        .isInstanceOf(ProbeStoppedException.class)
        .hasMessage("fping was stopped by SIGTERM");
    assertThat(probe.unavailableReason()).as("not a local fault: ping is not unavailable").isNull();
    Map<String, IcmpResult> next = await(probe.ping(addresses));
    assertThat(next.values()).allMatch(r -> r.available() && r.received() == 20);
  }

  @Test
  void closingTheProbeUnderABatchKillsFpingAndGivesNoVerdict() throws Exception {
    FpingProbe probe =
        new FpingProbe(
            vertx, new AgentConfig.Icmp(20, Duration.ofMillis(100), "fping", 500), TIMEOUT, List.of());
    probes.add(probe);

    Future<Map<String, IcmpResult>> running = probe.ping(List.of("127.0.0.1"));
    awaitChild("fping");
    long started = System.nanoTime();
    await(probe.close());

    assertThatThrownBy(() -> await(running)).isInstanceOf(ProbeStoppedException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("killed, not waited for (20 echoes take 2 s)")
        .isLessThan(Duration.ofSeconds(1));
    assertThat(children()).as("no fping left running").isEmpty();
    assertThat(probe.unavailableReason()).isNull();
    assertThatThrownBy(() -> await(probe.ping(List.of("127.0.0.1")))).isInstanceOf(ProbeStoppedException.class);
  }

  @Test
  void hostileFpingPrintingGarbageGivesAReasonPerAddress(@TempDir Path dir) throws Exception {
    // Binary noise, a line of 40 kB, a summary for one target, a torn-off line for another.
    Path fake =
        script(
            dir,
            "head -c 20000 /dev/urandom >&2; echo >&2\n"
                + "head -c 40000 /dev/zero | tr '\\0' x >&2; echo >&2\n"
                + "echo '127.0.0.1 : 0.05 0.06 0.07' >&2\n"
                + "printf '127.0.0.2 : 0.0' >&2\n"
                + "exit 0\n");
    FpingProbe probe = probe(fake.toString(), 500, List.of());

    Map<String, IcmpResult> results = await(probe.ping(List.of("127.0.0.1", "127.0.0.2")));

    assertThat(results.get("127.0.0.1").received()).isEqualTo(PACKETS);
    assertThat(results.get("127.0.0.2").unavailableReason())
        .isEqualTo("fping gave no result for 127.0.0.2 (exit 0)");
  }

  @Test
  void hostileFpingFloodingOutputIsKilledAtTheBoundWithAShortReason(@TempDir Path dir)
      throws Exception {
    // 50 MB without a single answer: memory stays bounded, the reason short and printable.
    Path fake = script(dir, "head -c 50000000 /dev/urandom >&2\nexit 0\n");
    FpingProbe probe = probe(fake.toString(), 500, List.of());

    Map<String, IcmpResult> results = await(probe.ping(List.of("127.0.0.1")));

    String reason = results.get("127.0.0.1").unavailableReason();
    assertThat(reason)
        .startsWith("fping wrote more than 69632 bytes of output (batch of 1 targets, killed it): ")
        .hasSizeLessThan(300)
        .doesNotContainPattern("\\p{Cntrl}");
    assertThat(children()).isEmpty();
  }

  @Test
  void hostileFpingThatHangsSilentlyIsKilledWithItsChildrenByTheDeadline(@TempDir Path dir)
      throws Exception {
    // Never reads, never prints, never exits, and has children of its own.
    Path fake = script(dir, "sleep 611 &\nsleep 612 &\nwait\n");
    FpingProbe probe =
        new FpingProbe(
            vertx, new AgentConfig.Icmp(1, Duration.ofMillis(10), fake.toString(), 500), Duration.ofMillis(100));
    probes.add(probe);
    long started = System.nanoTime();

    Map<String, IcmpResult> results = await(probe.ping(List.of("127.0.0.1")));

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(results.get("127.0.0.1").unavailableReason())
        .isEqualTo("fping did not finish within 2.11s (batch of 1 targets), killed it");
    // The deadline (2.11 s) and the kill, not the hostile program, end the run.
    assertThat(took).isGreaterThan(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(5));
    assertThat(children()).isEmpty();
  }

  @Test
  void hostileFpingLeavingAChildHoldingItsOutputDoesNotHoldTheProbe(@TempDir Path dir)
      throws Exception {
    // Exits at once, but a background child keeps stderr open: reading to end-of-file would wait
    // for the child.
    Path fake = script(dir, "(sleep 613 >&2 &)\necho 'no targets here' >&2\nexit 0\n");
    FpingProbe probe = probe(fake.toString(), 500, List.of());
    long started = System.nanoTime();

    Map<String, IcmpResult> results = await(probe.ping(List.of("127.0.0.1")));

    assertThat(results.get("127.0.0.1").unavailableReason())
        .isEqualTo("fping failed (exit 0): no targets here");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("sleep 613"))
        .forEach(ProcessHandle::destroyForcibly);
  }

  /** A stand-in for fping: a shell script that ignores its arguments. */
  private static Path script(Path dir, String body) throws IOException {
    Path file = dir.resolve("hostile-fping");
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  /** This JVM's child processes, i.e. what a probe left running. */
  private static List<ProcessHandle> children() throws InterruptedException {
    // A killed process disappears once reaped, which takes a moment.
    for (int i = 0; i < 50 && ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive); i++) {
      Thread.sleep(20);
    }
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
  }

  private static ProcessHandle awaitChild(String command) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      var found =
          ProcessHandle.current()
              .children()
              .filter(p -> p.info().command().orElse("").endsWith("/" + command))
              .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no " + command + " child process appeared within 5 s");
  }

  private FpingProbe probe(String program, int batchSize, List<String> prefix) {
    FpingProbe probe =
        new FpingProbe(
            vertx,
            new AgentConfig.Icmp(PACKETS, Duration.ofMillis(100), program, batchSize),
            TIMEOUT,
            prefix);
    probes.add(probe);
    return probe;
  }

  private static boolean pingGroupAllows(int gid) throws IOException {
    Path range = Path.of("/proc/sys/net/ipv4/ping_group_range");
    if (!Files.exists(range)) {
      return false;
    }
    // Files.readString trusts the size procfs reports and returns only part of the line.
    String[] bounds = String.join(" ", Files.readAllLines(range)).strip().split("\\s+");
    long low = Long.parseLong(bounds[0]);
    long high = Long.parseLong(bounds[1]);
    return low <= gid && gid <= high;
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String... argv) throws InterruptedException {
    try {
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(process.waitFor(), output);
    } catch (IOException e) {
      return new Result(-1, String.valueOf(e.getMessage()));
    }
  }
}
