package org.daitu.vcmon.app;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.output.metrics.AgentMetrics;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.probe.SnmpProbe;
import org.daitu.vcmon.probe.trap.Hint;
import org.daitu.vcmon.probe.trap.Meaning;
import org.daitu.vcmon.schedule.Hints;
import org.daitu.vcmon.state.SiteTracker;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.state.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check loop: a periodic tick asks the {@link CheckRunner} for the sites that are due and
 * their checks, hands the results to the {@link StatePublisher} (which owns the tracker), and
 * tells the runner when each site is due next — soon while a failure is being confirmed, at the
 * interval otherwise. Also runs the self-check and the one-second maintenance tick. Both parts
 * live on this verticle's context, so they need no locks.
 *
 * <p>{@link #stopChecks()} is the agent's first stop step: no check starts after it, and checks
 * still in flight are dropped when they end, unjudged.
 */
public final class MonitorVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MonitorVerticle.class);

  /** Replaced by a reload; read on this verticle's context only. */
  private AgentConfig config;
  private final IcmpProbe icmp;
  private final SnmpProbe snmp;
  private final Clock clock;
  private final SiteTracker tracker;
  private final StateBoard board;
  private final AgentMetrics metrics;
  private CheckRunner runner;
  private StatePublisher publisher;
  private final List<Long> timers = new ArrayList<>();
  private boolean selfCheckRunning;
  /** Rounds of checks started and not yet ended. */
  private int roundsInFlight;
  private boolean stopping;
  /** When hinted sites are checked next. */
  private final Hints hints = new Hints();

  public MonitorVerticle(
      AgentConfig config,
      IcmpProbe icmp,
      SnmpProbe snmp,
      Clock clock,
      SiteTracker tracker,
      StateBoard board,
      AgentMetrics metrics) {
    this.config = config;
    this.icmp = icmp;
    this.snmp = snmp;
    this.clock = clock;
    this.tracker = tracker;
    this.board = board;
    this.metrics = metrics;
  }

  /**
   * Runs a change of the tracker (a stage set through the API, new maintenance windows) on this
   * verticle's context, where the tracker lives, and publishes what it caused.
   */
  public Future<Void> change(Function<SiteTracker, List<Transition>> change) {
    if (context == null) {
      return Future.failedFuture(new IllegalStateException("the monitor is not running"));
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          try {
            publisher.change(change);
            done.complete();
          } catch (RuntimeException e) {
            done.fail(e);
          }
        });
    return done.future();
  }

  /**
   * Takes a reloaded config (what {@link org.daitu.vcmon.config.ReloadPlan#inForce} keeps): the
   * runner swaps the sites it checks, the tracker the sites and rules it judges.
   */
  public Future<Void> reconfigure(AgentConfig next) {
    return change(
        tracker -> {
          runner.reconfigure(next, CheckRunner.monotonicMillis());
          config = next;
          return tracker.reconfigure(next.inventory(), next.state());
        });
  }

  /**
   * A notification's hint, from any thread: the sites it names are checked at the next tick (a
   * restart is recorded as a reboot, an endpoint's own event shows on its reason). It changes no
   * state; the checks do. Ignored before the start and after the stop.
   */
  public void hint(Hint hint) {
    if (context != null) {
      context.runOnContext(v -> onHint(hint));
    }
  }

  private void onHint(Hint hint) {
    if (stopping) {
      return;
    }
    if (hint.restart() || hint.meaning().kind() == Meaning.Kind.ENDPOINT) {
      publisher.change(
          t -> {
            for (String id : hint.sites()) {
              if (hint.restart()) {
                t.rebootNotified(id);
              } else {
                t.notified(id, hint.meaning().name());
              }
            }
            return List.of();
          });
    }
    long now = CheckRunner.monotonicMillis();
    for (String id : hint.recheck()) {
      if (hints.hinted(id, runner.running(id), hint.urgent(), now)) {
        runner.expedite(id, now);
      }
    }
    log.info(
        "Notification received, checking now source={} trap={} sites={}",
        hint.source(), hint.meaning().name(), hint.recheck().size());
  }

  /** The tick: short enough that rechecks and spreading stay accurate, long enough to batch. */
  static long tickMillis(AgentConfig.Probe probe) {
    return Math.max(50, Math.min(250, probe.recheckInterval().toMillis() / 4));
  }

  @Override
  public Future<?> start() {
    runner = new CheckRunner(config, icmp, snmp, clock, metrics);
    publisher = new StatePublisher(vertx, tracker, board, clock);
    runner.start(CheckRunner.monotonicMillis());
    if (config.selfCheck().enabled()) {
      tracker.enableSelfCheck(config.selfCheck().downAfter());
    }
    timers.add(vertx.setPeriodic(tickMillis(config.probe()), id -> tick()));
    // Maintenance windows begin and end between checks: look every second.
    timers.add(vertx.setPeriodic(1000, id -> publisher.changeIfAny(SiteTracker::tick)));
    if (config.selfCheck().enabled()) {
      timers.add(vertx.setPeriodic(config.probe().recheckInterval().toMillis(), id -> selfCheck()));
    }
    log.info(
        "Monitoring started sites={} interval_seconds={} recheck_seconds={}",
        runner.size(),
        config.probe().interval().toSeconds(),
        config.probe().recheckInterval().toMillis() / 1000.0);
    return Future.succeededFuture();
  }

  /**
   * Stops the schedule, on this verticle's context: no check, self-check or maintenance tick
   * starts from now on, and the checks in flight are dropped when they end, whatever they say
   * (their probes close under them later, which must not make a site UNKNOWN). Changes are
   * refused from now on. Completes with the number of rounds of checks left in flight.
   */
  public Future<Integer> stopChecks() {
    if (context == null) {
      return Future.succeededFuture(0); // never deployed
    }
    Promise<Integer> done = Promise.promise();
    context.runOnContext(
        v -> {
          if (!stopping) {
            stopping = true;
            timers.forEach(vertx::cancelTimer);
            timers.clear();
            runner.stop();
            publisher.close();
            log.info("Monitoring stopped, checks in flight are not judged check_rounds_in_flight={}", roundsInFlight);
          }
          done.complete(roundsInFlight);
        });
    return done.future();
  }

  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
    stopping = true;
    runner.stop();
    publisher.close();
    return Future.succeededFuture();
  }

  private void tick() {
    if (stopping) {
      return;
    }
    long now = CheckRunner.monotonicMillis();
    List<String> due = runner.due(now);
    if (!due.isEmpty()) {
      roundsInFlight++;
      runner
          .run(due, now)
          .onComplete(
              ar -> {
                roundsInFlight--;
                if (ar.succeeded()) {
                  completed(now, due, ar.result());
                }
              });
    }
  }

  /** The checks are in: the tracker judges them, then each site is scheduled by what it decided. */
  private void completed(long startedMillis, List<String> ids, List<SiteCheck> done) {
    if (stopping) {
      return; // ended after the stop: not judged
    }
    publisher.apply(done);
    long now = CheckRunner.monotonicMillis();
    for (String id : ids) {
      AgentConfig.Probe probe = config.probe();
      runner.completed(
          id, startedMillis, now,
          hints.next(id, tracker.pending(id), now, probe.recheckInterval(), probe.interval()));
    }
    for (String parent : tracker.drainWanted()) {
      runner.expedite(parent, now);
    }
  }

  /**
   * Pings the self-check targets. When none answers {@code down_after} rounds in a row, vcmon's
   * own uplink is down: the tracker goes blind (sites UNKNOWN, no false DOWN) until one answers.
   * A round where ICMP cannot run at all says nothing either way.
   */
  private void selfCheck() {
    if (selfCheckRunning) {
      return;
    }
    selfCheckRunning = true;
    List<String> targets = config.selfCheck().targets();
    Instant started = clock.instant();
    runner
        .selfCheck(targets)
        .onComplete(
            ar -> {
              selfCheckRunning = false;
              if (stopping || ar.failed() || ar.result().isEmpty()) {
                return;
              }
              boolean answered = ar.result().get();
              boolean wasBlind = tracker.blind();
              String reason =
                  "vcmon's own uplink is down: self-check targets "
                      + String.join(", ", targets)
                      + " do not answer";
              List<Transition> changes = tracker.selfCheck(answered, started, reason);
              if (tracker.blind() != wasBlind) {
                if (wasBlind) {
                  log.info("Own uplink is back targets={}", targets);
                } else {
                  log.warn("Own uplink down targets={}", targets);
                }
              }
              if (!changes.isEmpty() || tracker.blind() != wasBlind) {
                publisher.publish(changes);
              }
            });
  }
}
