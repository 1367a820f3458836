package org.daitu.vcmon.probe.icmp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.ProbeStoppedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link IcmpProbe} over Debian's fping: one fping process per batch of at most {@code
 * probe.icmp.batch_size} addresses, batches in parallel on the {@code vcmon-fping} worker pool,
 * each batch killed if it outlives its deadline ({@link FpingCommand#deadline}), its stderr read
 * up to {@link #maxOutputBytes} ({@link BoundedOutput}).
 *
 * <p>When fping cannot run at all (program missing, no permission to open a raw socket, killed at
 * the deadline) every address of the batch comes back {@link IcmpResult#unavailable} with the
 * reason, which {@link #unavailableReason()} also keeps for readiness checks. The condition is
 * logged once when it starts and once when it clears, not on every check.
 *
 * <p>A batch stopped under a check is no verdict: when the probe is closed, or fping is killed by
 * SIGTERM (systemd sends it to the whole service, fping included, when it stops vcmon), the ping
 * fails with {@link ProbeStoppedException} instead of making every site UNKNOWN. Any other
 * signal (SIGKILL from the OOM killer, a crash) is a local fault and reported as one.
 *
 * <p>Thread-safe: {@link #ping} may be called from any context, also concurrently.
 */
public final class FpingProbe implements IcmpProbe {

  private static final Logger log = LoggerFactory.getLogger(FpingProbe.class);

  /**
   * Batches run at once. Bounds the processes and the packet rate (each process sends at most
   * 1000 echoes a second); at 500 targets a batch, 4 workers cover 10,000 sites in under 20 s.
   */
  static final int WORKERS = 4;

  private static final String POOL_NAME = "vcmon-fping";

  /** How Java reports a child ended by SIGTERM: 128 + 15. */
  static final int SIGTERM_EXIT = 128 + 15;

  /** How long after the deadline the event-loop timer kills a batch the worker could not. */
  private static final Duration KILL_BACKSTOP = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final FpingCommand command;
  private final int batchSize;
  private final WorkerExecutor workers;
  private final AtomicReference<String> unavailableReason = new AtomicReference<>();
  /** The fping processes running now, killed by {@link #close()}. */
  private final Set<Process> running = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private Future<Void> closing;

  public FpingProbe(Vertx vertx, AgentConfig.Icmp icmp, Duration timeout) {
    this(vertx, icmp, timeout, List.of());
  }

  /**
   * @param commandPrefix words run before fping, e.g. {@code setpriv ...} or {@code ip netns exec
   *     NAME} to ping from another identity or network namespace
   */
  FpingProbe(Vertx vertx, AgentConfig.Icmp icmp, Duration timeout, List<String> commandPrefix) {
    if (icmp.batchSize() < 1) {
      throw new IllegalArgumentException(
          "probe.icmp.batch_size: must be at least 1, got " + icmp.batchSize());
    }
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.command =
        new FpingCommand(commandPrefix, icmp.fping(), icmp.packets(), icmp.period(), timeout);
    this.batchSize = icmp.batchSize();
    // The blocked-thread checker should only speak up when a batch outlives its own deadline.
    long maxExecute = command.deadline(batchSize).plusSeconds(5).toMillis();
    this.workers =
        vertx.createSharedWorkerExecutor(POOL_NAME, WORKERS, maxExecute, TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<Map<String, IcmpResult>> ping(Collection<String> addresses) {
    if (closed) {
      return Future.failedFuture(new ProbeStoppedException("ICMP probe closed"));
    }
    Map<String, IcmpResult> invalid = new LinkedHashMap<>();
    Set<String> targets = new LinkedHashSet<>();
    for (String address : addresses) {
      String problem = addressProblem(address);
      if (problem != null) {
        invalid.put(String.valueOf(address), IcmpResult.unavailable(problem));
      } else {
        targets.add(address);
      }
    }
    if (targets.isEmpty()) {
      return Future.succeededFuture(invalid);
    }

    List<Future<FpingOutputParser.Report>> batches = new ArrayList<>();
    List<String> all = List.copyOf(targets);
    for (int from = 0; from < all.size(); from += batchSize) {
      List<String> batch = all.subList(from, Math.min(from + batchSize, all.size()));
      // Not ordered: batches of one call must run side by side, not one after the other.
      batches.add(
          workers
              .executeBlocking(() -> run(batch), false)
              .recover(
                  err ->
                      err instanceof ProbeStoppedException || closed
                          ? Future.failedFuture(stopped(err))
                          : Future.succeededFuture(
                              FpingOutputParser.Report.failed(
                                  batch, "fping batch failed: " + err))));
    }
    return Future.all(batches)
        .map(
            done -> {
              Map<String, IcmpResult> results = new LinkedHashMap<>(invalid);
              String failure = null;
              for (Future<FpingOutputParser.Report> batch : batches) {
                FpingOutputParser.Report report = batch.result();
                results.putAll(report.results());
                if (failure == null) {
                  failure = report.failure();
                }
              }
              noteAvailability(failure);
              return results;
            });
  }

  /** Why the last ping could not run (program missing, no permission, ...), or null. */
  @Override
  public String unavailableReason() {
    return unavailableReason.get();
  }

  /**
   * Kills the batches running now (their pings fail with {@link ProbeStoppedException}) and
   * releases this probe's hold on the shared worker pool.
   */
  @Override
  public synchronized Future<Void> close() {
    if (!closed) {
      closed = true;
      running.forEach(FpingProbe::kill);
      closing = workers.close();
    }
    return closing;
  }

  private static ProbeStoppedException stopped(Throwable err) {
    return err instanceof ProbeStoppedException stopped
        ? stopped
        : new ProbeStoppedException("ICMP probe closed while fping ran");
  }

  /** Runs one batch on a worker thread: start, feed targets, read stderr, wait, parse. */
  private FpingOutputParser.Report run(List<String> batch) throws InterruptedException {
    List<String> argv = command.argv();
    ProcessBuilder builder = new ProcessBuilder(argv);
    // Per-echo lines go to stdout; the summary and all messages we need go to stderr.
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return FpingOutputParser.Report.failed(batch, startFailure(e));
    }
    running.add(process);
    if (closed) {
      kill(process); // closed while it started: close() did not see it
    }

    Duration deadline = command.deadline(batch.size());
    AtomicBoolean killed = new AtomicBoolean();
    // A backstop for a worker stuck writing targets to a program that does not read them; the
    // reading below keeps the deadline itself.
    long timer =
        vertx.setTimer(
            deadline.plus(KILL_BACKSTOP).toMillis(),
            id -> {
              if (process.isAlive()) {
                killed.set(true);
                kill(process);
              }
            });
    try (InputStream stderr = process.getErrorStream()) {
      writeTargets(process, batch);
      BoundedOutput.Captured output =
          BoundedOutput.read(
              process, stderr, System.nanoTime() + deadline.toNanos(), maxOutputBytes(batch.size()));
      if (output.timedOut()) {
        killed.set(true);
      }
      if (output.timedOut() || output.overflowed()) {
        kill(process);
      }
      int exitCode = process.waitFor();
      if (closed) {
        throw new ProbeStoppedException("ICMP probe closed while fping ran");
      }
      if (killed.get()) {
        return deadlineMissed(batch, deadline);
      }
      if (exitCode == SIGTERM_EXIT) {
        // Not ours (we kill with SIGKILL): the service manager stops vcmon and fping with it.
        throw new ProbeStoppedException("fping was stopped by SIGTERM");
      }
      if (output.overflowed()) {
        return FpingOutputParser.Report.failed(
            batch,
            "fping wrote more than "
                + maxOutputBytes(batch.size())
                + " bytes of output (batch of "
                + batch.size()
                + " targets, killed it): "
                + FpingOutputParser.printable(output.text().strip()));
      }
      FpingOutputParser.Report report =
          FpingOutputParser.parse(batch, command.packets(), exitCode, output.text());
      if (!report.ignoredLines().isEmpty() && log.isDebugEnabled()) {
        log.debug(
            "Ignored fping output lines count={} first=\"{}\"",
            report.ignoredLines().size(),
            report.ignoredLines().get(0));
      }
      return report;
    } catch (IOException e) {
      kill(process);
      if (closed) {
        throw new ProbeStoppedException("ICMP probe closed while fping ran");
      }
      if (killed.get()) {
        return deadlineMissed(batch, deadline);
      }
      return FpingOutputParser.Report.failed(batch, "fping output could not be read: " + e);
    } finally {
      running.remove(process);
      vertx.cancelTimer(timer);
    }
  }

  private static FpingOutputParser.Report deadlineMissed(List<String> batch, Duration deadline) {
    return FpingOutputParser.Report.failed(
        batch,
        "fping did not finish within "
            + seconds(deadline)
            + " (batch of "
            + batch.size()
            + " targets), killed it");
  }

  private static void writeTargets(Process process, List<String> batch) {
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(FpingCommand.stdin(batch).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // fping exits before reading its targets when its arguments are bad; what it said on
      // stderr explains that better than a broken pipe does.
    }
  }

  /**
   * What one batch's stderr may cost: a summary line per target plus room for ICMP error lines
   * (one per echo at worst) and messages. More is not fping working: the batch is killed.
   */
  static int maxOutputBytes(int targets) {
    return 64 * 1024 + targets * 4 * 1024;
  }

  /** Kills the process and anything it started (a prefix like setpriv may fork). */
  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /**
   * Why fping cannot be run because it is not there (the program is not on PATH, or the path
   * set in probe.icmp.fping is not an executable file), with the fix; null when it is there.
   */
  public String missing() {
    String program = command.program();
    if (program.contains("/")) {
      return Files.isExecutable(Path.of(program)) ? null : notFound();
    }
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "" : path).split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return null;
      }
    }
    return notFound();
  }

  private String notFound() {
    return "fping not found: \""
        + command.program()
        + "\" (install the fping package or set probe.icmp.fping)";
  }

  private String startFailure(IOException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("error=2,")) {
      return notFound();
    }
    return "fping cannot be started: " + message + " (check probe.icmp.fping)";
  }

  private void noteAvailability(String failure) {
    String previous = unavailableReason.getAndSet(failure);
    if (FpingOutputParser.sameFailure(previous, failure)) {
      return;
    }
    if (failure != null) {
      log.warn("ICMP probe unavailable reason=\"{}\"", failure);
    } else {
      log.info("ICMP probe available again previous_reason=\"{}\"", previous);
    }
  }

  /** Addresses that would break fping's one-target-per-line input are refused up front. */
  private static String addressProblem(String address) {
    if (address == null || address.isBlank()) {
      return "invalid address \"" + address + "\": empty";
    }
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        return "invalid address \""
            + address.strip()
            + "\": contains whitespace or control characters";
      }
    }
    return null;
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() / 1000.0 + "s";
  }
}
