package org.daitu.vcmon;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.daitu.vcmon.app.Agent;
import org.daitu.vcmon.app.Version;
import org.daitu.vcmon.cluster.node.ClusterNode;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.ConfigException;
import org.daitu.vcmon.config.ConfigLoader;
import org.daitu.vcmon.demo.DemoDistrict;
import org.daitu.vcmon.pki.ClusterCertificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The command line.
 *
 * <pre>
 *   java -jar vcmon.jar --config FILE [--port N]   run the agent
 *   java -jar vcmon.jar --demo [--port N]          run against the embedded simulated district
 *   java -jar vcmon.jar check-config FILE          validate a config and exit
 *   java -jar vcmon.jar cluster-certs DIR VANTAGE...  make the cluster's CA and each vantage's certificate
 * </pre>
 *
 * Exit codes: 0 normal stop (SIGTERM/SIGINT), 2 invalid config or usage (and an agent whose
 * {@code cluster.vantage} another agent of the cluster already runs as), 1 other start failure.
 * SIGHUP re-reads the config file of a running agent.
 */
public final class Main {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_CONFIG = 2;

  private static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar vcmon.jar --config FILE [--port N]",
          "       java -jar vcmon.jar --demo [--port N]",
          "       java -jar vcmon.jar check-config FILE",
          "       java -jar vcmon.jar cluster-certs DIR VANTAGE...",
          "       java -jar vcmon.jar --version");

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code >= 0) {
      System.exit(code);
    }
    // code < 0: the agent is running; it ends on SIGTERM through the shutdown hook.
  }

  /** Runs a command; returns its exit code, or -1 when the agent was started and keeps running. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.println(USAGE);
      return EXIT_CONFIG;
    }
    String config = null;
    boolean demo = false;
    Integer port = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "check-config" -> {
          if (i + 1 >= args.length) {
            err.println("check-config needs a FILE\n" + USAGE);
            return EXIT_CONFIG;
          }
          return checkConfig(Path.of(args[i + 1]), out, err);
        }
        case "cluster-certs" -> {
          if (i + 2 >= args.length) {
            err.println("cluster-certs needs a DIR and at least one VANTAGE\n" + USAGE);
            return EXIT_CONFIG;
          }
          return clusterCerts(Path.of(args[i + 1]), List.of(args).subList(i + 2, args.length), out, err);
        }
        case "--config" -> {
          if (i + 1 >= args.length) {
            err.println("--config needs a FILE\n" + USAGE);
            return EXIT_CONFIG;
          }
          config = args[++i];
        }
        case "--demo" -> demo = true;
        case "--port" -> {
          if (i + 1 >= args.length || !args[i + 1].matches("[0-9]{1,5}")) {
            err.println("--port needs a number 0..65535\n" + USAGE);
            return EXIT_CONFIG;
          }
          port = Integer.parseInt(args[++i]);
        }
        case "--version" -> {
          out.println("vcmon " + Version.current());
          return EXIT_OK;
        }
        case "-h", "--help" -> {
          out.println(USAGE);
          return EXIT_OK;
        }
        default -> {
          err.println("unknown argument \"" + a + "\"\n" + USAGE);
          return EXIT_CONFIG;
        }
      }
    }
    if (demo == (config != null)) {
      err.println("give either --config FILE or --demo\n" + USAGE);
      return EXIT_CONFIG;
    }
    return demo ? startDemo(port, err) : startAgent(Path.of(config), port, err);
  }

  static int checkConfig(Path file, PrintStream out, PrintStream err) {
    try {
      AgentConfig cfg = ConfigLoader.load(file);
      out.println(
          file + ": OK (" + cfg.inventory().size() + " sites, " + cfg.snmpProfiles().size() + " SNMP profiles"
              + (cfg.clustered()
                  ? ", cluster " + cfg.cluster().name() + " as vantage " + cfg.cluster().vantage()
                      + " of " + cfg.cluster().members().size() + " members"
                  : "")
              + ")");
      return EXIT_OK;
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return EXIT_CONFIG;
    }
  }

  /**
   * Writes the cluster's CA and one certificate and key per vantage into {@code dir}; refuses to
   * overwrite anything.
   */
  static int clusterCerts(Path dir, List<String> vantages, PrintStream out, PrintStream err) {
    try {
      List<Path> files = ClusterCertificates.write(dir, vantages, Instant.now());
      out.println("Wrote " + files.size() + " files in " + dir + ":");
      for (Path f : files) {
        out.println("  " + f.getFileName() + (f.getFileName().toString().equals("ca.key")
            ? "   the CA's key: keep it offline, it is only needed to make more certificates"
            : ""));
      }
      if (files.stream().noneMatch(f -> f.getFileName().toString().equals("ca.pem"))) {
        out.println("Signed with the CA already in " + dir.resolve("ca.pem") + "; each vantage's certificate is valid "
            + ClusterCertificates.MEMBER_VALIDITY.toDays() / 365 + " years, never past the CA.");
      } else {
        out.println("CA valid " + ClusterCertificates.CA_VALIDITY.toDays() / 365 + " years, each vantage's certificate "
            + ClusterCertificates.MEMBER_VALIDITY.toDays() / 365 + " years.");
      }
      out.println("Give each agent ca.pem and its own VANTAGE.pem and VANTAGE.key (cluster.tls in its config).");
      return EXIT_OK;
    } catch (IllegalArgumentException e) {
      err.println("cluster-certs: " + e.getMessage() + "\n" + USAGE);
      return EXIT_CONFIG;
    } catch (java.nio.file.FileAlreadyExistsException e) {
      err.println("cluster-certs: " + e.getFile() + " exists; nothing was written (name a vantage that has no"
          + " certificate yet, or use a new DIR for a new CA)");
      return EXIT_FAILURE;
    } catch (IOException e) {
      err.println("cluster-certs: could not write in " + dir + ": " + e);
      return EXIT_FAILURE;
    }
  }

  private static int startAgent(Path file, Integer port, PrintStream err) {
    AgentConfig cfg;
    try {
      cfg = ConfigLoader.load(file);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return EXIT_CONFIG;
    }
    UnaryOperator<AgentConfig> overrides = port == null ? UnaryOperator.identity() : c -> withPort(c, port);
    AgentConfig effective = overrides.apply(cfg);
    if (!effective.clustered()) {
      Vertx vertx = Vertx.vertx();
      return boot(
          vertx,
          null,
          Agent.start(vertx, effective, Assembly.real(vertx, effective), Agent.Mode.AGENT)
              .map(a -> a.overrides(overrides)),
          err);
    }
    return startClustered(effective, overrides, err);
  }

  /**
   * The heap an agent of a cluster needs for {@code sites} sites, rounded up to 32 MiB: the engine
   * and its classes, then about 9 KiB a site (each vantage's verdict, the combined state, the
   * larger API bodies), from the benchmark: 128 MiB ran out at 10,000 sites, 192 MiB did not.
   */
  static long clusterHeapMiB(int sites) {
    long need = 96 + (sites * 9L + 1023) / 1024;
    return (need + 31) / 32 * 32;
  }

  /** How long joining the cluster and building the clustered Vert.x may take. */
  static final Duration CLUSTER_START_WAIT = Duration.ofSeconds(60);
  /** How long a joining agent waits to learn the vantages of the members already there. */
  static final Duration VANTAGE_CHECK_WAIT = Duration.ofSeconds(10);

  /**
   * Several agents: joins the cluster first; an agent whose vantage another member already runs
   * as leaves again and exits 2 (a config mistake: the two would speak as one), before it probes
   * anything.
   */
  private static int startClustered(AgentConfig cfg, UnaryOperator<AgentConfig> overrides, PrintStream err) {
    Logger log = LoggerFactory.getLogger(Main.class);
    int sites = cfg.inventory().sites().size();
    long maxHeapMiB = Runtime.getRuntime().maxMemory() >> 20;
    if (maxHeapMiB < clusterHeapMiB(sites)) {
      log.warn("The JVM's heap is small for an agent of a cluster watching this many sites: it may run"
              + " out of memory; start it with -Xmx{}m (docs/performance.md, \"Several agents\")"
              + " sites={} max_heap_mib={}",
          clusterHeapMiB(sites), sites, maxHeapMiB);
    }
    ClusterNode node;
    try {
      node = ClusterNode.start(cfg.cluster(), new VertxOptions(), CLUSTER_START_WAIT);
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
      log.error("Joining the cluster failed cluster={} listen={} error=\"{}\"",
          cfg.cluster().name(), cfg.cluster().listen(), cause.toString(), cause);
      err.println("vcmon: could not join the cluster " + cfg.cluster().name() + " on " + cfg.cluster().listen()
          + ": " + cause.getMessage());
      return EXIT_FAILURE;
    }
    boolean taken;
    try {
      taken = node.vantageTaken(VANTAGE_CHECK_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      taken = false;
    }
    if (taken) {
      err.println("vcmon: another agent of cluster " + cfg.cluster().name() + " already runs as vantage \""
          + cfg.cluster().vantage() + "\"; give every agent its own cluster.vantage and certificate");
      leave(node, log);
      return EXIT_CONFIG;
    }
    Vertx vertx = node.vertx();
    return boot(
        vertx,
        node,
        Agent.start(vertx, cfg, Assembly.real(vertx, cfg, node.members()), Agent.Mode.AGENT)
            .map(a -> a.overrides(overrides)),
        err);
  }

  /** Closes the clustered Vert.x, then leaves the cluster, each within its bound. */
  private static void leave(ClusterNode node, Logger log) {
    try {
      node.vertx().close().toCompletionStage().toCompletableFuture()
          .get(VERTX_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly error=\"{}\"", e.toString());
    }
    Thread leaving = new Thread(node::close, "vcmon-cluster-leave");
    leaving.setDaemon(true);
    leaving.start();
    try {
      leaving.join(CLUSTER_LEAVE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int startDemo(Integer port, PrintStream err) {
    Vertx vertx = Vertx.vertx();
    DemoDistrict demo;
    try {
      demo = DemoDistrict.create(port == null ? 8080 : port);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return EXIT_CONFIG;
    }
    AgentConfig cfg = demo.config();
    return boot(
        vertx,
        null,
        demo.startEndpoints(vertx)
            .compose(
                v ->
                    Agent.start(
                        vertx, cfg, Assembly.real(vertx, cfg, Clock.systemUTC(), demo::links), Agent.Mode.DEMO))
            .onSuccess(agent -> demo.play(vertx, agent)),
        err);
  }

  static AgentConfig withPort(AgentConfig c, int port) {
    return c.withHttp(c.http().withPort(port));
  }

  /**
   * SIGHUP re-reads the config file; the reload logs its own outcome. The handler is installed
   * before the start, so a SIGHUP during it (e.g. {@code systemctl reload} right after start) does
   * not end the JVM the default way: it is kept and the reload runs once the agent is up.
   */
  private static final class Hangup {
    private final AtomicReference<Agent> agent = new AtomicReference<>();
    private final AtomicBoolean pending = new AtomicBoolean();

    Hangup(Logger log) {
      try {
        SignalHandler before = Signal.handle(new Signal("HUP"), sig -> {
          Agent running = agent.get();
          if (running == null) {
            pending.set(true);
            log.info("SIGHUP during start: the config is reloaded once the agent is up");
          } else {
            running.reload("sighup");
          }
        });
        if (before == SignalHandler.SIG_IGN) {
          // A process started with SIGHUP ignored (nohup) keeps it ignored: the JVM installs no
          // handler, and a reload signal would be lost without a word.
          log.warn("SIGHUP is ignored by this process (started under nohup?): reload through the admin API");
        }
      } catch (IllegalArgumentException e) {
        // The JVM may own the signal (e.g. started with -Xrs): the admin API still reloads.
        log.warn("SIGHUP cannot be handled here; reload through the admin API error=\"{}\"", e.getMessage());
      }
    }

    void started(Agent running) {
      agent.set(running);
      if (pending.getAndSet(false)) {
        running.reload("sighup");
      }
    }
  }

  /** How long the stop hook waits for the agent's stop: its own bound and a margin. */
  static final Duration AGENT_STOP_WAIT = Agent.STOP_LIMIT.plusSeconds(1);
  /** How long the stop hook then waits for Vert.x to close. */
  static final Duration VERTX_CLOSE_WAIT = Duration.ofSeconds(3);
  /** How long the stop hook then waits for a member of a cluster to leave it. */
  static final Duration CLUSTER_LEAVE_WAIT = Duration.ofSeconds(3);
  /** The longest the stop hook takes; below the unit's TimeoutStopSec (config/vcmon.service). */
  static final Duration STOP_HOOK_LIMIT = AGENT_STOP_WAIT.plus(VERTX_CLOSE_WAIT).plus(CLUSTER_LEAVE_WAIT);

  /**
   * Waits for start; installs the stop on SIGTERM that exits 0: the agent's own stop sequence
   * ({@link Agent#stop()}, bounded by {@link Agent#STOP_LIMIT}), then Vert.x closes, then a
   * member of a cluster leaves it; together well inside systemd's TimeoutStopSec. A member that
   * finds its vantage taken by an agent that joined before it stops the same way and exits 2.
   *
   * @param node the cluster this agent is a member of, or null for a single agent
   */
  private static int boot(Vertx vertx, ClusterNode node, io.vertx.core.Future<Agent> started, PrintStream err) {
    Logger log = LoggerFactory.getLogger(Main.class);
    Hangup hangup = new Hangup(log);
    Agent agent;
    try {
      agent = started.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      log.error("Startup failed error=\"{}\"", cause.getMessage(), cause);
      err.println("vcmon: could not start: " + cause.getMessage());
      if (node == null) {
        vertx.close();
      } else {
        leave(node, log);
      }
      return EXIT_FAILURE;
    }
    hangup.started(agent);
    AtomicBoolean stopping = new AtomicBoolean();
    AtomicInteger exitCode = new AtomicInteger(EXIT_OK);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (!stopping.compareAndSet(false, true)) {
                    return;
                  }
                  log.info("Stopping");
                  try {
                    agent.stop()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(AGENT_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    if (node == null) {
                      vertx.close()
                          .toCompletionStage()
                          .toCompletableFuture()
                          .get(VERTX_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    }
                  } catch (Exception e) {
                    log.warn("Stop was not clean error=\"{}\"", e.toString());
                  }
                  if (node != null) {
                    leave(node, log);
                  }
                  log.info("Stopped");
                  // A signal is a normal stop: exit 0, not the JVM's 143.
                  Runtime.getRuntime().halt(exitCode.get());
                },
                "vcmon-shutdown"));
    if (node != null) {
      // Another agent with this vantage joined before this one: stop as on SIGTERM, exit 2. Off
      // the engine's thread: exit() waits for the stop hook, which needs the event loops.
      node.onVantageTaken(
          () -> {
            exitCode.set(EXIT_CONFIG);
            new Thread(() -> System.exit(EXIT_CONFIG), "vcmon-vantage-taken").start();
          });
    }
    return -1;
  }
}
