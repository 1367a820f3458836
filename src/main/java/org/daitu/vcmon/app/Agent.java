package org.daitu.vcmon.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.ReloadPlan;
import org.daitu.vcmon.config.ReloadResult;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.output.metrics.AgentMetrics;
import org.daitu.vcmon.store.SqliteStore;
import org.daitu.vcmon.store.Store;
import org.daitu.vcmon.output.web.AdminGate;
import org.daitu.vcmon.output.web.AdminRoutes;
import org.daitu.vcmon.output.web.AuthFailureLimiter;
import org.daitu.vcmon.output.web.HistoryRoutes;
import org.daitu.vcmon.output.web.ReadinessRoutes;
import org.daitu.vcmon.output.web.WebVerticle;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.icmp.EchoEngine;
import org.daitu.vcmon.probe.icmp.FpingProbe;
import org.daitu.vcmon.probe.snmp.Snmp4jProbe;
import org.daitu.vcmon.state.SiteTracker;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.state.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running vcmon: the wiring of store, probes, tracker and outputs, in start order (store and
 * what it remembers, probes, the monitor, then the web server) and reverse stop order. The only
 * place that knows every part.
 */
public final class Agent {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  /**
   * How to run: {@code mode} is "agent" or "demo" (shown in the API and page); {@code icmpLinks}
   * lets the demo put its simulated links in front of the real ICMP probe.
   */
  public record Options(String mode, UnaryOperator<IcmpProbe> icmpLinks, Clock clock) {
    public static Options agent() {
      return new Options("agent", UnaryOperator.identity(), Clock.systemUTC());
    }
  }

  private final Vertx vertx;
  private final AgentConfig config;
  private final Options options;
  private final StateBoard board;
  private final FpingProbe fping;
  private final Snmp4jProbe snmp;
  private final Store store;
  private final PrometheusMeterRegistry registry;
  private final SiteTracker tracker;
  private final List<String> deployments = new CopyOnWriteArrayList<>();
  /** Sites whose outage an earlier run opened (and announced): not announced twice. */
  private final Map<String, Instant> openOutages = new HashMap<>();
  /** Open outages younger than that: their announcement may or may not be in the outbox. */
  private final Map<String, Instant> unsureOutages = new HashMap<>();
  private HistoryRecorder recorder;
  private WebVerticle web;
  private Reloader reloader;
  private EchoEngine echoes;

  private Agent(Vertx vertx, AgentConfig config, Options options) {
    this.vertx = vertx;
    this.config = config;
    this.options = options;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.store = new SqliteStore(vertx, config.store().path());
    this.fping = new FpingProbe(vertx, config.probe().icmp(), config.probe().timeout());
    this.snmp =
        new Snmp4jProbe(vertx, config.snmpProfiles(), config.probe().timeout(), config.probe().snmp());
    this.tracker = new SiteTracker(config.inventory(), config.state(), options.clock());
    this.board = new StateBoard(tracker.snapshot(0));
  }

  /** Starts everything; the future fails (and everything started is stopped) on any error. */
  public static Future<Agent> start(Vertx vertx, AgentConfig config, Options options) {
    Agent agent = new Agent(vertx, config, options);
    return agent.deploy()
        .map(v -> agent)
        .recover(err -> agent.stop().transform(x -> Future.failedFuture(err)));
  }

  private Future<Void> deploy() {
    Clock clock = options.clock();
    return store
        .open()
        .compose(v -> store.load())
        .compose(
            recovered -> {
              // What earlier runs recorded comes back before the first check.
              tracker.restore(recovered.firstConnected());
              recovered.stages().forEach(tracker::setStage);
              List<MaintenanceWindow> windows = new ArrayList<>(configWindows(config));
              windows.addAll(recovered.maintenance());
              AgentAdmin admin = new AgentAdmin(store, clock, config.zone(), windows);
              tracker.maintenance(admin.schedule());
              board.publish(tracker.snapshot(0), List.of());
              // An outage counts as announced when its digest hold ended before the last heartbeat
              // (its message was in the outbox by then); a younger one is announced again.
              Instant lastSeen = recovered.lastHeartbeat();
              for (var incident : recovered.openIncidents()) {
                if (lastSeen != null
                    && incident.openedAt().plus(config.alerts().digestWindow()).isBefore(lastSeen)) {
                  openOutages.put(incident.siteId(), incident.openedAt());
                } else {
                  unsureOutages.put(incident.siteId(), incident.openedAt());
                }
              }
              return store.startRun(clock.instant()).map(admin);
            })
        .compose(admin -> snmp.start().map(admin))
        .compose(
            admin -> {
              AgentMetrics metrics =
                  new AgentMetrics(
                      registry,
                      board::snapshot,
                      config.rollout(),
                      config.zone(),
                      Version.current());
              IcmpProbe pinger = icmpEngine();
              metrics.probeAvailable("icmp", () -> pinger.unavailableReason() == null);
              metrics.store(store::health);
              recorder = new HistoryRecorder(vertx, store, config.inventory(), clock, config.zone());
              recorder.attach(board);
              IcmpProbe icmp = options.icmpLinks().apply(pinger);
              MonitorVerticle monitor = new MonitorVerticle(config, icmp, snmp, clock, tracker, board, metrics);
              admin.monitor(monitor);
              // Only an agent started from a file can reload it; the demo has none.
              Path file = options.mode().equals("agent") ? config.source() : null;
              AlertVerticle alerts = new AlertVerticle(config, store, board, metrics, clock, openOutages, unsureOutages);
              reloader =
                  new Reloader(vertx, file, config, plan -> apply(plan, admin, monitor, alerts, metrics), metrics, clock);
              admin.reloader(reloader);
              web =
                  new WebVerticle(
                      config.http(),
                      board,
                      metrics::scrape,
                      config.rollout().target(),
                      options.mode(),
                      List.of(
                          new HistoryRoutes(store, board, config.rollout(), config.zone(), clock, admin::calendar),
                          new AdminRoutes(
                              new AdminGate(
                                  config.http().adminToken(), AuthFailureLimiter.Settings.DEFAULT,
                                  clock, metrics::adminAuthFailure),
                              admin, board, config.zone(), clock),
                          new ReadinessRoutes(alerts::readinessView)));
              // Alerts first: no transition of the first checks may go unnoticed.
              return vertx
                  .deployVerticle(alerts)
                  .compose(
                      id -> {
                        deployments.add(0, id);
                        return vertx.deployVerticle(monitor);
                      })
                  .compose(
                      id -> {
                        deployments.add(0, id);
                        return vertx.deployVerticle(web);
                      })
                  .onSuccess(id -> deployments.add(0, id))
                  .mapEmpty();
            });
  }

  /**
   * Applies a valid reloaded config: the recorder learns the new parents first (transitions of new
   * sites may follow at once), then the monitor swaps sites and rules, then metrics, the config's
   * maintenance windows and the alert settings and meetings follow.
   */
  private Future<Void> apply(
      ReloadPlan plan, AgentAdmin admin, MonitorVerticle monitor, AlertVerticle alerts, AgentMetrics metrics) {
    AgentConfig next = plan.inForce();
    recorder.inventory(next.inventory());
    return monitor
        .reconfigure(next)
        .compose(
            v ->
                plan.added().isEmpty()
                    ? Future.<Void>succeededFuture()
                    : store.load().compose(r -> monitor.change(t -> remembered(t, plan.added(), r))))
        .compose(
            v -> {
              metrics.inventory(next.inventory());
              return admin.configWindows(configWindows(next));
            })
        .compose(v -> alerts.reconfigure(next));
  }

  /**
   * A site added by a reload may have been here before: it gets back what the store remembers of
   * it (first connection, a stage set through the API), as it would at a restart.
   */
  private static List<Transition> remembered(SiteTracker tracker, List<String> added, Store.Recovered r) {
    Map<String, Instant> firstConnected = new HashMap<>(r.firstConnected());
    firstConnected.keySet().retainAll(added);
    tracker.restore(firstConnected);
    List<Transition> out = new ArrayList<>();
    for (String id : added) {
      RolloutStage stage = r.stages().get(id);
      if (stage != null) {
        out.addAll(tracker.setStage(id, stage));
      }
    }
    return out;
  }

  /** Re-reads the config file now, as on SIGHUP. */
  public Future<ReloadResult> reload(String trigger) {
    return reloader.reload(trigger);
  }

  /** Command-line settings that win over the file's at every reload (as they did at start). */
  public Agent overrides(UnaryOperator<AgentConfig> overrides) {
    reloader.overrides(overrides);
    return this;
  }

  /**
   * The ICMP probe the config asks for: fping, or the in-process engine with fping for what it
   * does not ping (host names, IPv6) — and for everything when its socket cannot be opened.
   */
  private IcmpProbe icmpEngine() {
    if (config.probe().icmp().engine() != AgentConfig.IcmpEngine.SOCKET) {
      return fping;
    }
    try {
      echoes = EchoEngine.open(vertx, config.probe().icmp(), config.probe().timeout(), fping);
      return echoes;
    } catch (IOException e) {
      log.warn("ICMP engine socket unavailable, using fping reason=\"{}\"", e.getMessage());
      return fping;
    }
  }

  /** Config windows get negative ids, so they can never be mistaken for stored ones. */
  private static List<MaintenanceWindow> configWindows(AgentConfig config) {
    List<MaintenanceWindow> out = new ArrayList<>();
    long id = -1;
    for (AgentConfig.Maintenance m : config.maintenance()) {
      out.add(
          m.day() == null
              ? MaintenanceWindow.oneOff(id--, m.site(), m.start(), m.end(), m.note(), "config")
              : MaintenanceWindow.weekly(id--, m.site(), m.day(), m.from(), m.to(), m.note(), "config"));
    }
    return out;
  }

  public StateBoard board() {
    return board;
  }

  public int httpPort() {
    return web.actualPort();
  }

  /** Stops serving, then probing (newest first), then records the last heartbeat and closes. */
  public Future<Void> stop() {
    Future<Void> undeployed = Future.succeededFuture();
    for (String id : deployments) {
      undeployed = undeployed.eventually(() -> vertx.undeploy(id));
    }
    deployments.clear();
    return undeployed
        .eventually(() -> recorder == null ? Future.succeededFuture() : recorder.detach())
        .eventually(
            () -> {
              return Future.join(snmp.close(), echoes != null ? echoes.close() : fping.close());
            })
        .eventually(store::close)
        .mapEmpty();
  }
}
