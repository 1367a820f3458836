package org.daitu.vcmon.app;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.SnmpProfile;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.output.metrics.AgentMetrics;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.ProbeStoppedException;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.probe.SnmpProbe;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.daitu.vcmon.schedule.PollScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the schedule and the probes into {@link SiteCheck}s: which sites are due, one ICMP batch
 * for all of them and an SNMP poll each, in parallel, every check bounded in time. Knows nothing
 * of states; the monitor tells it when each site is due next. Used on the monitor's context only.
 */
final class CheckRunner {
  private static final Logger log = LoggerFactory.getLogger(CheckRunner.class);

  private final IcmpProbe icmp;
  private final SnmpProbe snmp;
  private final Clock clock;
  private final AgentMetrics metrics;
  private final PollScheduler scheduler = new PollScheduler();
  private final SnmpCadence snmpCadence = new SnmpCadence();
  private final Map<String, Site> sites = new HashMap<>();
  /** Replaced by a reload. */
  private AgentConfig config;
  /** Set when the agent stops: the probes close under the checks in flight, which is expected. */
  private boolean stopping;

  CheckRunner(AgentConfig config, IcmpProbe icmp, SnmpProbe snmp, Clock clock, AgentMetrics metrics) {
    this.config = config;
    this.icmp = icmp;
    this.snmp = snmp;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * Whether this agent checks the site: with several agents, only the sites whose {@code
   * vantages} name its vantage (or name none). The others keep the state their tracker starts
   * with; the cluster combines the verdicts of the vantages that do watch them.
   */
  static boolean watches(AgentConfig config, Site s) {
    return !config.clustered() || s.vantages().isEmpty() || s.vantages().contains(config.cluster().vantage());
  }

  /** Every site of the config this agent watches, spread over the interval from {@code now}. */
  void start(long now) {
    for (Site s : config.inventory().sites()) {
      if (!watches(config, s)) {
        continue;
      }
      sites.put(s.id(), s);
      scheduler.add(s.id(), now, config.probe().interval());
    }
    metrics.skippedChecks(scheduler::skipped);
  }

  int size() {
    return sites.size();
  }

  /**
   * Takes a reloaded config: new sites are checked from the next tick at their usual offset,
   * removed ones are no longer handed out (a check in flight is ignored when it ends), kept ones
   * go on as they were.
   */
  void reconfigure(AgentConfig next, long now) {
    for (String id : sites.keySet()) {
      if (next.inventory().site(id).filter(s -> watches(next, s)).isEmpty()) {
        scheduler.remove(id);
      }
      if (!next.inventory().site(id).equals(Optional.of(sites.get(id)))) {
        snmpCadence.forget(id);
      }
    }
    Map<String, Site> before = Map.copyOf(sites);
    sites.clear();
    for (Site s : next.inventory().sites()) {
      if (!watches(next, s)) {
        continue;
      }
      sites.put(s.id(), s);
      if (!before.containsKey(s.id())) {
        scheduler.add(s.id(), now, next.probe().interval());
      }
    }
    config = next;
  }

  /** The agent is stopping: checks cut short by it are dropped without a word. */
  void stop() {
    stopping = true;
  }

  /** The sites due at {@code now} (monotonic milliseconds), with the lag and delays measured. */
  List<String> due(long now) {
    metrics.setScheduleLag(scheduler.lagMillis(now));
    List<String> due = scheduler.due(now);
    for (String id : due) {
      metrics.recordCheckDelay(now - scheduler.dueMillis(id));
    }
    return due;
  }

  /** A site's check ended at {@code now}; the next is due {@code delay} after it started. */
  void completed(String id, long startedMillis, long now, Duration delay) {
    scheduler.completed(id, startedMillis, now, delay);
  }

  /** The site is checked at the next tick rather than at its turn (a parent children wait for). */
  void expedite(String id, long now) {
    scheduler.expedite(id, now);
  }

  /** Whether the site's check is running now. */
  boolean running(String id) {
    return scheduler.running(id);
  }

  /**
   * Checks these sites: one ICMP batch and an SNMP poll each. Never fails; a probe that fails or a
   * check that outlives its limit gives the site a result saying so. A check whose probe was
   * stopped under it ({@link ProbeStoppedException}) gives none: the site is left out of the list
   * and keeps its state.
   */
  Future<List<SiteCheck>> run(List<String> ids, long startedMillis) {
    Instant started = clock.instant();
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
                  if (err instanceof ProbeStoppedException) {
                    return Future.failedFuture(err);
                  }
                  log.error("ICMP probe failed batch_size={}", addresses.size(), err);
                  return Future.succeededFuture(Map.of());
                });
    List<Future<SiteCheck>> checks = new ArrayList<>(batch.size());
    for (Site site : batch) {
      checks.add(check(site, started, startedMillis, pings));
    }
    return Future.join(checks)
        .transform(
            ar -> {
              List<SiteCheck> done = new ArrayList<>(checks.size());
              int stopped = 0;
              String why = null;
              for (Future<SiteCheck> f : checks) {
                if (f.succeeded()) {
                  done.add(f.result());
                } else if (f.cause() instanceof ProbeStoppedException) {
                  stopped++;
                  why = f.cause().getMessage();
                }
              }
              if (stopped > 0 && !stopping) {
                log.info("Checks not judged, their probe was stopped sites={} reason=\"{}\"", stopped, why);
              }
              return Future.succeededFuture(done);
            });
  }

  private Future<SiteCheck> check(
      Site site, Instant started, long startedMillis, Future<Map<String, IcmpResult>> pings) {
    Future<SnmpResult> snmpResult;
    boolean polls =
        site.snmp() != null
            && snmpCadence.due(site.id(), startedMillis, config.probe().snmp().interval());
    if (!polls) {
      snmpResult = Future.succeededFuture(null);
    } else {
      SnmpProfile profile = config.snmpProfiles().get(site.snmp().profile());
      snmpResult =
          snmp.poll(site.address(), site.snmp().port(), profile, site.snmp().interfaces())
              .recover(
                  err -> {
                    if (err instanceof ProbeStoppedException) {
                      return Future.failedFuture(err);
                    }
                    log.error("SNMP probe failed site={}", site.id(), err);
                    return Future.succeededFuture(
                        SnmpResult.failed(SnmpStatus.UNAVAILABLE, "internal error: " + err.getMessage()));
                  })
              .onSuccess(r -> metrics.recordSnmpPoll(since(startedMillis), r))
              .onSuccess(r -> snmpCadence.polled(site.id(), startedMillis, r));
    }
    long limit = checkLimit(config.probe()).toMillis();
    return Future.all(pings, snmpResult)
        .map(
            all -> {
              IcmpResult ping = pings.result().get(site.address());
              if (ping == null) {
                ping = IcmpResult.unavailable("no ICMP result for " + site.address());
              }
              SnmpResult snmpNow = snmpResult.result();
              if (polls) {
                snmpCadence.pinged(site.id(), ping.answered());
              } else if (site.snmp() != null) {
                snmpNow = snmpCadence.between(site.id(), ping.answered());
              }
              Duration elapsed = since(startedMillis);
              metrics.recordCheck(elapsed);
              return new SiteCheck(site.id(), started, elapsed, ping, snmpNow);
            })
        // Probes bound their own time; this guard keeps a site from being stuck "running" forever
        // if one of them ever does not: the site becomes UNKNOWN, with the reason, and is checked again.
        .timeout(limit, TimeUnit.MILLISECONDS)
        .recover(
            err -> {
              if (err instanceof ProbeStoppedException) {
                return Future.failedFuture(err); // no verdict, see run
              }
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

  /**
   * Pings the self-check targets: whether any answered, or empty when ICMP cannot run at all
   * (which says nothing about the uplink).
   */
  Future<Optional<Boolean>> selfCheck(List<String> targets) {
    return icmp.ping(targets)
        .map(
            results -> {
              if (results.values().stream().noneMatch(IcmpResult::available)) {
                return Optional.<Boolean>empty();
              }
              return Optional.of(results.values().stream().anyMatch(IcmpResult::answered));
            });
  }

  /** The longest a check may take: a full interval plus a generous margin for large batches. */
  static Duration checkLimit(AgentConfig.Probe probe) {
    return probe.interval().plusSeconds(60);
  }

  /**
   * Scheduling and elapsed times use the monotonic clock: a wall clock stepped back (NTP) would
   * otherwise stop every check until it caught up, and a step either way would give negative or
   * hour-long check durations. The wall clock only stamps what is reported.
   */
  static long monotonicMillis() {
    return System.nanoTime() / 1_000_000;
  }

  private static Duration since(long startedMillis) {
    return Duration.ofMillis(monotonicMillis() - startedMillis);
  }
}
