package org.daitu.vcmon.app;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.SnmpProfile;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.output.metrics.AgentMetrics;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.probe.SnmpProbe;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.daitu.vcmon.schedule.PollScheduler;
import org.daitu.vcmon.state.SiteTracker;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.state.StateSnapshot;
import org.daitu.vcmon.state.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the checks: one periodic tick takes the sites that are due, pings them with one fping batch
 * and polls each over SNMP in parallel, feeds the results to the {@link SiteTracker} and
 * publishes a new snapshot. The tracker and scheduler are touched only on this verticle's context,
 * so they need no locks.
 */
public final class MonitorVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MonitorVerticle.class);

  /** Replaced by a reload; read on this verticle's context only. */
  private AgentConfig config;
  private final IcmpProbe icmp;
  private final SnmpProbe snmp;
  private final Clock clock;
  private final StateBoard board;
  private final AgentMetrics metrics;
  private final SiteTracker tracker;
  private final PollScheduler scheduler = new PollScheduler();
  private final Map<String, Site> sites = new HashMap<>();
  private long version;
  private final List<Long> timers = new ArrayList<>();
  private boolean selfCheckRunning;
  /** Snapshots without transitions are published at most this often (transitions at once). */
  static final long SNAPSHOT_MILLIS = 1000;
  private long publishedMillis = Long.MIN_VALUE / 2;
  private boolean publishLater;
  private long laterTimer = -1;

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
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          try {
            publish(change.apply(tracker));
            done.complete();
          } catch (RuntimeException e) {
            done.fail(e);
          }
        });
    return done.future();
  }

  /**
   * Takes a reloaded config (what {@link org.daitu.vcmon.config.ReloadPlan#inForce} keeps): new
   * sites are checked from the next tick at their usual offset, removed ones are no longer handed
   * out (a check in flight is ignored when it ends), kept ones go on as they were.
   */
  public Future<Void> reconfigure(AgentConfig next) {
    return change(
        tracker -> {
          long now = monotonicMillis();
          for (String id : sites.keySet()) {
            if (next.inventory().site(id).isEmpty()) {
              scheduler.remove(id);
            }
          }
          Map<String, Site> before = Map.copyOf(sites);
          sites.clear();
          for (Site s : next.inventory().sites()) {
            sites.put(s.id(), s);
            if (!before.containsKey(s.id())) {
              scheduler.add(s.id(), now, next.probe().interval());
            }
          }
          config = next;
          return tracker.reconfigure(next.inventory(), next.state());
        });
  }

  /** The tick: short enough that rechecks and spreading stay accurate, long enough to batch. */
  static long tickMillis(AgentConfig.Probe probe) {
    return Math.max(50, Math.min(250, probe.recheckInterval().toMillis() / 4));
  }

  /**
   * Scheduling and elapsed times use the monotonic clock: a wall clock stepped back (NTP) would
   * otherwise stop every check until it caught up, and a step either way would give negative or
   * hour-long check durations. The wall clock only stamps what is reported.
   */
  static long monotonicMillis() {
    return System.nanoTime() / 1_000_000;
  }

  @Override
  public Future<?> start() {
    long now = monotonicMillis();
    for (Site s : config.inventory().sites()) {
      sites.put(s.id(), s);
      scheduler.add(s.id(), now, config.probe().interval());
    }
    metrics.skippedChecks(scheduler::skipped);
    if (config.selfCheck().enabled()) {
      tracker.enableSelfCheck(config.selfCheck().downAfter());
    }
    timers.add(vertx.setPeriodic(tickMillis(config.probe()), id -> tick()));
    // Maintenance windows begin and end between checks: look every second.
    timers.add(
        vertx.setPeriodic(
            1000,
            id -> {
              List<Transition> windows = tracker.tick();
              if (!windows.isEmpty()) {
                publish(windows);
              }
            }));
    if (config.selfCheck().enabled()) {
      timers.add(vertx.setPeriodic(config.probe().recheckInterval().toMillis(), id -> selfCheck()));
    }
    log.info(
        "Monitoring started sites={} interval_seconds={} recheck_seconds={}",
        sites.size(),
        config.probe().interval().toSeconds(),
        config.probe().recheckInterval().toMillis() / 1000.0);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    if (laterTimer >= 0) {
      vertx.cancelTimer(laterTimer);
    }
    return Future.succeededFuture();
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
    icmp.ping(targets)
        .onComplete(
            ar -> {
              selfCheckRunning = false;
              if (ar.failed()) {
                return;
              }
              Map<String, IcmpResult> results = ar.result();
              if (results.values().stream().noneMatch(IcmpResult::available)) {
                return; // ICMP cannot run at all: that says nothing about the uplink
              }
              boolean answered = results.values().stream().anyMatch(IcmpResult::answered);
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
                publish(changes);
              } else if (!changes.isEmpty()) {
                publish(changes);
              }
            });
  }

  private void tick() {
    long now = monotonicMillis();
    metrics.setScheduleLag(scheduler.lagMillis(now));
    List<String> due = scheduler.due(now);
    for (String id : due) {
      metrics.recordCheckDelay(now - scheduler.dueMillis(id));
    }
    if (!due.isEmpty()) {
      runBatch(due);
    }
  }

  private void runBatch(List<String> ids) {
    Instant started = clock.instant();
    long startedMillis = monotonicMillis();
    List<Site> batch = new ArrayList<>(ids.size());
    List<String> addresses = new ArrayList<>(ids.size());
    for (String id : ids) {
      Site s = sites.get(id);
      batch.add(s);
      addresses.add(s.address());
    }
    Future<Map<String, IcmpResult>> pings =
        icmp.ping(addresses)
            .onSuccess(r -> metrics.recordIcmpBatch(since(startedMillis)))
            .recover(
                err -> {
                  log.error("ICMP probe failed batch_size={}", addresses.size(), err);
                  return Future.succeededFuture(Map.of());
                });
    List<Future<SiteCheck>> checks = new ArrayList<>(batch.size());
    for (Site site : batch) {
      checks.add(check(site, started, startedMillis, pings));
    }
    Future.join(checks)
        .onComplete(
            ar -> {
              List<SiteCheck> done = new ArrayList<>(checks.size());
              for (Future<SiteCheck> f : checks) {
                if (f.succeeded()) {
                  done.add(f.result());
                }
              }
              apply(startedMillis, ids, done);
            });
  }

  private Future<SiteCheck> check(
      Site site, Instant started, long startedMillis, Future<Map<String, IcmpResult>> pings) {
    Future<SnmpResult> snmpResult;
    if (site.snmp() == null) {
      snmpResult = Future.succeededFuture(null);
    } else {
      SnmpProfile profile = config.snmpProfiles().get(site.snmp().profile());
      snmpResult =
          snmp.poll(site.address(), site.snmp().port(), profile)
              .recover(
                  err -> {
                    log.error("SNMP probe failed site={}", site.id(), err);
                    return Future.succeededFuture(
                        SnmpResult.failed(SnmpStatus.UNAVAILABLE, "internal error: " + err.getMessage()));
                  })
              .onSuccess(r -> metrics.recordSnmpPoll(since(startedMillis), r));
    }
    long limit = checkLimit(config.probe()).toMillis();
    return Future.all(pings, snmpResult)
        .map(
            all -> {
              IcmpResult ping = pings.result().get(site.address());
              if (ping == null) {
                ping = IcmpResult.unavailable("no ICMP result for " + site.address());
              }
              Duration elapsed = since(startedMillis);
              metrics.recordCheck(elapsed);
              return new SiteCheck(site.id(), started, elapsed, ping, snmpResult.result());
            })
        // Probes bound their own time; this guard keeps a site from being stuck "running" forever
        // if one of them ever does not: the site becomes UNKNOWN, with the reason, and is checked again.
        .timeout(limit, TimeUnit.MILLISECONDS)
        .recover(
            err -> {
              log.error("Check did not finish site={} limit_seconds={}", site.id(), limit / 1000, err);
              return Future.succeededFuture(
                  new SiteCheck(
                      site.id(),
                      started,
                      since(startedMillis),
                      IcmpResult.unavailable("check did not finish within " + limit / 1000 + "s"),
                      null));
            });
  }

  /** The longest a check may take: a full interval plus a generous margin for large batches. */
  static Duration checkLimit(AgentConfig.Probe probe) {
    return probe.interval().plusSeconds(60);
  }

  private static Duration since(long startedMillis) {
    return Duration.ofMillis(monotonicMillis() - startedMillis);
  }

  private void apply(long startedMillis, List<String> ids, List<SiteCheck> done) {
    List<Transition> transitions = new ArrayList<>();
    for (SiteCheck c : done) {
      SiteStatus before = tracker.status(c.siteId());
      transitions.addAll(tracker.apply(c));
      SiteStatus after = tracker.status(c.siteId());
      if (before != null && after != null && after.reboots() > before.reboots()) {
        logReboot(after);
      }
    }
    long now = monotonicMillis();
    for (String id : ids) {
      Duration delay = tracker.pending(id) ? config.probe().recheckInterval() : config.probe().interval();
      scheduler.completed(id, startedMillis, now, delay);
    }
    for (String parent : tracker.drainWanted()) {
      scheduler.expedite(parent, now);
    }
    if (transitions.isEmpty() && clock.millis() - publishedMillis < SNAPSHOT_MILLIS) {
      // Only measurements changed: at 10,000 sites a batch ends every tick, and a snapshot of
      // every site per tick is most of the agent's work. Publish them together, within a second.
      if (!publishLater) {
        publishLater = true;
        laterTimer =
            vertx.setTimer(
                SNAPSHOT_MILLIS,
                id -> {
                  if (publishLater) {
                    publish(List.of());
                  }
                });
      }
      return;
    }
    publish(transitions);
  }

  /** Logs the transitions and publishes a new snapshot with them (nothing to do if none). */
  private StateSnapshot publish(List<Transition> transitions) {
    for (Transition t : transitions) {
      log.info(
          "Site state changed site={} from={} to={} announce={} flapping={} reason=\"{}\"",
          t.siteId(),
          t.from(),
          t.to(),
          t.announce(),
          t.flapping(),
          t.reason());
    }
    publishLater = false;
    publishedMillis = clock.millis();
    StateSnapshot next = tracker.snapshot(++version);
    board.publish(next, transitions);
    return next;
  }

  private static void logReboot(SiteStatus now) {
    log.info(
        "Site rebooted site={} reboots={} uptime_seconds={}",
        now.id(),
        now.reboots(),
        now.lastSnmpOk() == null ? "" : (long) now.lastSnmpOk().uptimeSeconds());
  }

}
