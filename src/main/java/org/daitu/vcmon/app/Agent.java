package org.daitu.vcmon.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
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
import org.daitu.vcmon.output.web.AdminGate;
import org.daitu.vcmon.output.web.AdminRoutes;
import org.daitu.vcmon.output.web.AuthFailureLimiter;
import org.daitu.vcmon.output.web.HistoryRoutes;
import org.daitu.vcmon.output.web.MeetingRoutes;
import org.daitu.vcmon.output.web.WebVerticle;
import org.daitu.vcmon.state.SiteTracker;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.state.Transition;
import org.daitu.vcmon.store.HistoryLog;
import org.daitu.vcmon.store.Store;

/**
 * One running vcmon: wires the parts it is given ({@link AgentParts}: store, probes, clock,
 * channels) to the tracker and the outputs, in start order (the store and what it remembers, the
 * probes, alerts, the monitor, then the web server) and reverse stop order. It builds no part
 * itself: the composition root chooses them, tests hand in fakes.
 */
public final class Agent {

  /** How the agent runs: shown in the API and on the page; only an agent started from a file reloads it. */
  public enum Mode {
    AGENT("agent"),
    DEMO("demo");

    private final String label;

    Mode(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private final Vertx vertx;
  private final AgentConfig config;
  private final AgentParts parts;
  private final Mode mode;
  private final Store store;
  private final StateBoard board;
  private final SiteTracker tracker;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<String> deployments = new CopyOnWriteArrayList<>();
  private HistoryRecorder recorder;
  private WebVerticle web;
  private Reloader reloader;
  private AgentAdmin admin;
  private MonitorVerticle monitor;
  private AlertVerticle alerts;
  private AgentMetrics metrics;

  private Agent(Vertx vertx, AgentConfig config, AgentParts parts, Mode mode) {
    this.vertx = vertx;
    this.config = config;
    this.parts = parts;
    this.mode = mode;
    this.store = parts.store();
    this.tracker = new SiteTracker(config.inventory(), config.state(), parts.clock());
    this.board = new StateBoard(tracker.snapshot(0));
  }

  /** Starts everything; the future fails (and everything started is stopped) on any error. */
  public static Future<Agent> start(Vertx vertx, AgentConfig config, AgentParts parts, Mode mode) {
    Agent agent = new Agent(vertx, config, parts, mode);
    return agent.deploy()
        .map(v -> agent)
        .recover(err -> agent.stop().transform(x -> Future.failedFuture(err)));
  }

  private Future<Void> deploy() {
    Clock clock = parts.clock();
    return store
        .open()
        .compose(v -> store.load())
        .compose(
            recovered -> {
              // What earlier runs recorded comes back before the first check.
              tracker.restore(recovered.firstConnected(), recovered.stages());
              board.publish(tracker.snapshot(0), List.of());
              build(recovered);
              return store.startRun(clock.instant());
            })
        .compose(v -> parts.snmp().start())
        // Alerts first: no transition of the first checks may go unnoticed.
        .compose(v -> deploy(alerts))
        .compose(v -> deploy(monitor))
        .compose(v -> deploy(web));
  }

  /** Builds the verticles and what they share from the parts and what the store remembered. */
  private void build(HistoryLog.Recovered recovered) {
    Clock clock = parts.clock();
    metrics = new AgentMetrics(registry, board::snapshot, config.rollout(), config.zone(), Version.current());
    metrics.probeAvailable("icmp", () -> parts.icmp().unavailableReason() == null);
    metrics.store(store::health);
    recorder = new HistoryRecorder(vertx, store, config.inventory(), clock, config.zone());
    recorder.attach(board);
    monitor = new MonitorVerticle(config, parts.icmp(), parts.snmp(), clock, tracker, board, metrics);
    alerts =
        new AlertVerticle(
            config, store, board, metrics, clock, parts.channels(),
            recovered.openIncidents(), recovered.lastHeartbeat());
    // Only an agent started from a file can reload it; the demo has none.
    Path file = mode == Mode.AGENT ? config.source() : null;
    reloader = new Reloader(vertx, file, config, this::apply, metrics, clock);
    List<MaintenanceWindow> windows = new ArrayList<>(configWindows(config));
    windows.addAll(recovered.maintenance());
    admin = new AgentAdmin(store, clock, config.zone(), windows, monitor, reloader);
    tracker.maintenance(admin.schedule());
    web =
        new WebVerticle(
            config.http(),
            board,
            metrics::scrape,
            config.rollout().target(),
            mode.label(),
            List.of(
                new HistoryRoutes(store, board, config.rollout(), config.zone(), clock, admin::calendar),
                new AdminRoutes(
                    new AdminGate(
                        config.http().adminToken(), AuthFailureLimiter.Settings.DEFAULT,
                        clock, metrics::adminAuthFailure),
                    admin, board, config.zone(), clock),
                new MeetingRoutes(alerts::readinessView)));
  }

  private Future<Void> deploy(VerticleBase verticle) {
    return vertx.deployVerticle(verticle).onSuccess(id -> deployments.add(0, id)).mapEmpty();
  }

  /**
   * Applies a valid reloaded config: the recorder learns the new parents first (transitions of new
   * sites may follow at once), then the monitor swaps sites and rules, then metrics, the config's
   * maintenance windows and the alert settings and meetings follow.
   */
  private Future<Void> apply(ReloadPlan plan) {
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
  private static List<Transition> remembered(SiteTracker tracker, List<String> added, HistoryLog.Recovered r) {
    Map<String, java.time.Instant> firstConnected = new HashMap<>(r.firstConnected());
    firstConnected.keySet().retainAll(added);
    Map<String, RolloutStage> stages = new HashMap<>(r.stages());
    stages.keySet().retainAll(added);
    return tracker.restore(firstConnected, stages);
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
        .eventually(() -> Future.join(parts.snmp().close(), parts.icmp().close()))
        .eventually(store::close)
        .mapEmpty();
  }
}
