package org.daitu.vcmon.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.ConfigException;
import org.daitu.vcmon.config.ConfigLoader;
import org.daitu.vcmon.config.ConfigProblem;
import org.daitu.vcmon.config.ReloadPlan;
import org.daitu.vcmon.config.ReloadResult;
import org.daitu.vcmon.output.metrics.AgentMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the config file on SIGHUP or through the admin API. The file is read and validated on a
 * worker thread; a file with any problem leaves the running config untouched and says why, a valid
 * one is planned against the config in force ({@link ReloadPlan}) and handed to {@code apply}.
 * Reloads run one at a time, in the order asked, whichever thread asks.
 */
final class Reloader {
  private static final Logger log = LoggerFactory.getLogger(Reloader.class);

  private final Vertx vertx;
  private final Path file;
  private final Function<ReloadPlan, Future<Void>> apply;
  private final AgentMetrics metrics;
  private final Clock clock;
  private volatile UnaryOperator<AgentConfig> overrides = UnaryOperator.identity();
  /** The config in force; read and replaced only inside the serialized chain. */
  private AgentConfig running;
  private Future<?> last = Future.succeededFuture();
  private boolean stopped;

  /** @param file null when there is no file to reload (the demo) */
  Reloader(
      Vertx vertx,
      Path file,
      AgentConfig running,
      Function<ReloadPlan, Future<Void>> apply,
      AgentMetrics metrics,
      Clock clock) {
    this.vertx = vertx;
    this.file = file;
    this.running = running;
    this.apply = apply;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Command-line settings (like {@code --port}) that win over the file's, at every reload too. */
  void overrides(UnaryOperator<AgentConfig> overrides) {
    this.overrides = overrides;
  }

  Optional<String> unavailableReason() {
    return file == null
        ? Optional.of("this agent runs without a config file (--demo): there is nothing to reload")
        : Optional.empty();
  }

  /**
   * Queues a reload; {@code trigger} ("sighup", "api") is logged. A bad file is a result, not a
   * failure; the future fails only when applying a valid file failed.
   */
  synchronized Future<ReloadResult> reload(String trigger) {
    if (stopped) {
      log.info("Config reload not done, the agent is stopping trigger={}", trigger);
      return Future.succeededFuture(ReloadResult.unavailable("the agent is stopping"));
    }
    log.info("Config reload requested file={} trigger={}", file, trigger);
    Future<ReloadResult> next = last.transform(ar -> run(trigger));
    last = next;
    return next;
  }

  /**
   * Takes no reload from now on (the agent is stopping); completes when the one running, if any,
   * has ended, so that it does not change the monitor while it stops.
   */
  synchronized Future<Void> stop() {
    stopped = true;
    return last.<Void>mapEmpty().otherwiseEmpty();
  }

  private Future<ReloadResult> run(String trigger) {
    if (file == null) {
      String reason = unavailableReason().orElseThrow();
      log.warn("Config reload not possible trigger={} reason=\"{}\"", trigger, reason);
      return Future.succeededFuture(ReloadResult.unavailable(reason));
    }
    UnaryOperator<AgentConfig> cmdline = overrides;
    return vertx
        .executeBlocking(() -> cmdline.apply(ConfigLoader.load(file)), false)
        .transform(
            loaded -> {
              if (loaded.failed()) {
                return Future.succeededFuture(rejected(trigger, loaded.cause()));
              }
              ReloadPlan plan = ReloadPlan.of(running, loaded.result());
              return apply.apply(plan)
                  .map(
                      v -> {
                        running = plan.inForce();
                        metrics.configReload(true, clock.instant());
                        logApplied(trigger, plan);
                        return ReloadResult.applied(file.toString(), plan);
                      })
                  .onFailure(
                      err -> {
                        metrics.configReload(false, clock.instant());
                        log.error("Config reload could not be applied file={} trigger={}", file, trigger, err);
                      });
            });
  }

  private ReloadResult rejected(String trigger, Throwable err) {
    List<ConfigProblem> problems =
        err instanceof ConfigException ce
            ? ce.problems()
            : List.of(new ConfigProblem("", 0, "cannot load the file: " + err, null, null));
    metrics.configReload(false, clock.instant());
    log.error(
        "Config reload rejected, the running config stays in force file={} trigger={} problems={}",
        file,
        trigger,
        problems.size());
    for (ConfigProblem p : problems) {
      log.error("Config problem file={} problem=\"{}\"", file, p.render());
    }
    return ReloadResult.rejected(file.toString(), problems);
  }

  private void logApplied(String trigger, ReloadPlan plan) {
    log.info(
        "Config reloaded file={} trigger={} sites={} added={} removed={} changed={} applied={}",
        file,
        trigger,
        plan.inForce().inventory().size(),
        plan.added(),
        plan.removed(),
        plan.changed(),
        plan.applied());
    if (!plan.restart().isEmpty()) {
      log.warn("Config change takes effect after a restart file={} keys={}", file, plan.restart());
    }
  }
}
