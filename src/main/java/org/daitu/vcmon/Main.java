package org.daitu.vcmon;

import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.daitu.vcmon.app.Agent;
import org.daitu.vcmon.app.Version;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.ConfigException;
import org.daitu.vcmon.config.ConfigLoader;
import org.daitu.vcmon.demo.DemoDistrict;
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
 * </pre>
 *
 * Exit codes: 0 normal stop (SIGTERM/SIGINT), 2 invalid config or usage, 1 other start failure.
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
      out.println(file + ": OK (" + cfg.inventory().size() + " sites, " + cfg.snmpProfiles().size() + " SNMP profiles)");
      return EXIT_OK;
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return EXIT_CONFIG;
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
    Vertx vertx = Vertx.vertx();
    return boot(
        vertx,
        Agent.start(vertx, effective, Assembly.real(vertx, effective), Agent.Mode.AGENT)
            .map(a -> a.overrides(overrides)),
        err);
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
  /** The longest the stop hook takes; below the unit's TimeoutStopSec (config/vcmon.service). */
  static final Duration STOP_HOOK_LIMIT = AGENT_STOP_WAIT.plus(VERTX_CLOSE_WAIT);

  /**
   * Waits for start; installs the stop on SIGTERM that exits 0: the agent's own stop sequence
   * ({@link Agent#stop()}, bounded by {@link Agent#STOP_LIMIT}), then Vert.x closes; together
   * well inside systemd's TimeoutStopSec.
   */
  private static int boot(Vertx vertx, io.vertx.core.Future<Agent> started, PrintStream err) {
    Logger log = LoggerFactory.getLogger(Main.class);
    Hangup hangup = new Hangup(log);
    Agent agent;
    try {
      agent = started.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      log.error("Startup failed error=\"{}\"", cause.getMessage(), cause);
      err.println("vcmon: could not start: " + cause.getMessage());
      vertx.close();
      return EXIT_FAILURE;
    }
    hangup.started(agent);
    AtomicBoolean stopping = new AtomicBoolean();
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
                    vertx.close()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(VERTX_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (Exception e) {
                    log.warn("Stop was not clean error=\"{}\"", e.toString());
                  }
                  log.info("Stopped");
                  // A signal is a normal stop: exit 0, not the JVM's 143.
                  Runtime.getRuntime().halt(EXIT_OK);
                },
                "vcmon-shutdown"));
    return -1;
  }
}
