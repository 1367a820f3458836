package org.daitu.vcmon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.PackagedAgent.freePort;
import static org.daitu.vcmon.testing.PackagedAgent.nft;
import static org.daitu.vcmon.testing.PackagedAgent.sleep;
import static org.daitu.vcmon.testing.PackagedAgent.start;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.PackagedAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent stopped with SIGTERM in the middle of an fping batch, again and again: sites
 * on loopback addresses answer or not (an nftables set drops their packets, and one site flips
 * every half second, so transitions and webhook deliveries are always under way). SIGTERM goes
 * either to the JVM alone (kill PID) or to its whole process group, fping included, as systemd
 * stops a service. Each time: exit 0, no {@code to=UNKNOWN}, no store error, no warning or error
 * while stopping, no transition stamped once the JVM acted on the signal (its "Stopping" line), no
 * notification marked failed, and the store file closed cleanly (no write-ahead log left).
 *
 * <p>{@code -Dvcmon.shutdown.rounds=N} for more rounds, {@code -Dvcmon.shutdown.seed=N} to repeat
 * the offsets of one run.
 */
class ShutdownIT {
  static final String TABLE = "vcmon_it_shutdown";
  static final int SITES = 6;
  /** systemd's TimeoutStopSec in config/vcmon.service. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  static String address(int i) {
    return "127.0.0." + (151 + i);
  }

  @Test
  void sigtermDuringAnFpingBatchStopsCleanly(@TempDir Path dir) throws Exception {
    PackagedAgent.requireBuilt();
    HostTools.require("fping");
    HostTools.require("setsid");
    HostTools.requireRoot("nftables rules");
    HostTools.require("nft");
    assumeTrue(nft("list tables") == 0, "skipped: nft does not work here");
    int rounds = Integer.getInteger("vcmon.shutdown.rounds", 4);
    long seed = Long.getLong("vcmon.shutdown.seed", System.nanoTime());
    System.out.println("ShutdownIT seed=" + seed + " rounds=" + rounds);
    Random random = new Random(seed);

    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger received = new AtomicInteger();
    receiver.createContext(
        "/hook",
        ex -> {
          ex.getRequestBody().readAllBytes();
          sleep(200 + (received.getAndIncrement() * 7919L) % 400); // deliveries take a while
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    receiver.start();

    int apiPort = freePort();
    Path db = dir.resolve("history.db");
    StringBuilder yaml =
        new StringBuilder()
            .append("http: { host: 127.0.0.1, port: ").append(apiPort).append(" }\n")
            // 5 echoes 200 ms apart: a batch with a silent site lasts about 1.3 s of every 2 s.
            .append("probe: { interval: 2s, timeout: 500ms, recheck_interval: 500ms,")
            .append(" icmp: { packets: 5, period: 200ms } }\n")
            .append("state: { down_after: 1, up_after: 1, flapping: { changes: 100, window: 1m } }\n")
            .append("store: { path: ").append(db).append(" }\n")
            .append("alerts: { digest: { window: 0s }, webhooks: [ { url: \"http://127.0.0.1:")
            .append(receiver.getAddress().getPort()).append("/hook\" } ] }\n")
            .append("sites:\n");
    for (int i = 0; i < SITES; i++) {
      yaml.append("  - { id: xa-").append(i).append(", name: \"Xã ").append(i)
          .append("\", type: xã, address: ").append(address(i)).append(" }\n");
    }
    Path cfg = dir.resolve("vcmon.yaml");
    Files.writeString(cfg, yaml);

    nft("delete table ip " + TABLE);
    assertThat(
            nft("add table ip " + TABLE + " ; add set ip " + TABLE + " down { type ipv4_addr ; } ; add chain ip "
                + TABLE + " input { type filter hook input priority 0 ; policy accept ; } ; add rule ip " + TABLE
                + " input ip daddr @down drop"))
        .isZero();
    Flipper flipper = new Flipper();
    Process agent = null;
    List<String> summary = new ArrayList<>();
    int midBatch = 0;
    try {
      flipper.start();
      for (int round = 0; round < rounds; round++) {
        // Half the sites silent, a different half each round; the flipper moves the last one.
        for (int i = 0; i < SITES - 1; i++) {
          boolean down = (i + round) % 2 == 0;
          nft((down ? "add" : "delete") + " element ip " + TABLE + " down { " + address(i) + " }");
        }
        Path log = dir.resolve("run" + round + ".log");
        agent = start(cfg, log, true);
        ApiClient api = new ApiClient(apiPort);
        api.waitFor("every site judged, round " + round, Duration.ofSeconds(60), b -> ApiClient.count(b, "UNKNOWN") == 0);
        assertThat(agent.info().command()).as("setsid ran java in place").hasValueSatisfying(c -> assertThat(c).endsWith("java"));

        // Wait for a batch to start, then signal at some point inside it.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!fpingRunning(agent) && System.nanoTime() < until) {
          Thread.sleep(10);
        }
        Thread.sleep(random.nextInt(400));
        boolean batchRunning = fpingRunning(agent);
        midBatch += batchRunning ? 1 : 0;
        boolean group = round % 2 == 1;
        // setsid made the JVM the leader of its own process group: its pid is the group's id.
        assertThat(new ProcessBuilder("kill", "-TERM", "--", (group ? "-" : "") + agent.pid()).start().waitFor())
            .isZero();
        assertThat(agent.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
            .as("stopped within systemd's TimeoutStopSec, round %d", round)
            .isTrue();
        String when = "round " + round + (group ? " (SIGTERM to the process group)" : " (SIGTERM to the JVM)");
        assertThat(agent.exitValue()).as("exit code, %s", when).isZero();

        List<String> lines = Files.readAllLines(log);
        int stopping = indexOf(lines, " INFO  Main - Stopping");
        assertThat(stopping).as("the stop hook ran, %s", when).isNotNegative();
        // The moment the JVM acted on the signal, by its own clock (the one that stamps history).
        long stopAt = Instant.parse(lines.get(stopping).substring(0, lines.get(stopping).indexOf(' '))).toEpochMilli();
        assertThat(lines).as("%s", when).anyMatch(l -> l.contains(" INFO  Main - Stopped"));
        assertThat(lines).as("no site made UNKNOWN, %s", when).noneMatch(l -> l.contains("to=UNKNOWN"));
        assertThat(lines).as("no store error, %s", when).noneMatch(l -> l.contains("Store write failed"));
        assertThat(lines).as("no ERROR line, %s", when).noneMatch(l -> l.matches("^\\S+ ERROR .*"));
        assertThat(lines.subList(stopping, lines.size()))
            .as("nothing worth a warning while stopping, %s", when)
            .noneMatch(l -> l.matches("^\\S+ (WARN|ERROR) .*"))
            .noneMatch(l -> l.contains("Site state changed"))
            .noneMatch(l -> l.contains("Notification kind="));

        assertThat(dir.resolve("history.db-wal")).as("store closed cleanly, %s", when).doesNotExist();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
            Statement s = c.createStatement()) {
          assertThat(count(s, "SELECT count(*) FROM state_change WHERE at >= " + stopAt))
              .as("transitions stamped after the SIGTERM, %s", when)
              .isZero();
          assertThat(count(s, "SELECT count(*) FROM outbox WHERE attempts > 0 OR last_error IS NOT NULL"))
              .as("notifications marked failed, %s", when)
              .isZero();
          summary.add(
              when + ": fping running at the signal=" + batchRunning
                  + " transitions=" + count(s, "SELECT count(*) FROM state_change")
                  + " notifications_queued=" + count(s, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
                  + " delivered=" + count(s, "SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL"));
        }
        agent = null;
      }
    } finally {
      flipper.finish();
      if (agent != null) {
        agent.destroyForcibly();
      }
      receiver.stop(0);
      nft("delete table ip " + TABLE);
    }
    summary.forEach(l -> System.out.println("ShutdownIT " + l));
    assertThat(midBatch).as("rounds signalled while fping ran (seed %d)", seed).isPositive();
  }

  /** Whether one of the agent's children is an fping. */
  static boolean fpingRunning(Process agent) {
    return agent.toHandle().children()
        .anyMatch(p -> p.isAlive() && p.info().command().map(c -> c.endsWith("fping")).orElse(false));
  }

  static int indexOf(List<String> lines, String part) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }

  static long count(Statement s, String sql) throws Exception {
    try (ResultSet r = s.executeQuery(sql)) {
      return r.getLong(1);
    }
  }

  /** Flips the last site between answering and silent every half second. */
  static final class Flipper extends Thread {
    volatile boolean running = true;

    Flipper() {
      setDaemon(true);
    }

    @Override
    public void run() {
      boolean down = false;
      while (running) {
        down = !down;
        nft((down ? "add" : "delete") + " element ip " + TABLE + " down { " + address(SITES - 1) + " }");
        PackagedAgent.sleep(500);
      }
    }

    void finish() throws InterruptedException {
      running = false;
      join(10_000);
    }
  }
}
