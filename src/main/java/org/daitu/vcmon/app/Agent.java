package org.daitu.vcmon.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.daitu.vcmon.app.cluster.CombinedVerticle;
import org.daitu.vcmon.app.cluster.EventBusPeers;
import org.daitu.vcmon.app.cluster.OneVoice;
import org.daitu.vcmon.app.cluster.OperatorWritesVerticle;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.ReloadPlan;
import org.daitu.vcmon.config.ReloadResult;
import org.daitu.vcmon.config.SnmpProfile;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.output.metrics.AgentMetrics;
import org.daitu.vcmon.output.web.AdminGate;
import org.daitu.vcmon.output.web.AdminRoutes;
import org.daitu.vcmon.output.web.SessionBook;
import org.daitu.vcmon.output.web.SessionRoutes;
import org.daitu.vcmon.output.web.AuthFailureLimiter;
import org.daitu.vcmon.output.web.ClusterRoutes;
import org.daitu.vcmon.output.web.HistoryRoutes;
import org.daitu.vcmon.output.web.MeetingRoutes;
import org.daitu.vcmon.output.web.ProbeRoutes;
import org.daitu.vcmon.output.web.WebVerticle;
import org.daitu.vcmon.probe.trap.Hint;
import org.daitu.vcmon.probe.trap.TrapReceiver;
import org.daitu.vcmon.probe.trap.TrapResult;
import org.daitu.vcmon.state.SiteTracker;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.state.Transition;
import org.daitu.vcmon.store.HistoryLog;
import org.daitu.vcmon.store.Store;

/**
 * One running vcmon: wires the parts it is given ({@link AgentParts}: store, probes, clock,
 * channels) to the tracker and the outputs, in start order (the store and what it remembers, the
 * probes, alerts, the monitor, then the web server). {@link #stop()} is the one stop sequence,
 * SIGTERM included. It builds no part itself: the composition root chooses them, tests hand in
 * fakes.
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
  /** What the outputs read: this agent's own verdicts, or with several agents the combined ones. */
  private final StateBoard board;
  /** What this agent's tracker decides: the same board as {@link #board} for a single agent. */
  private final StateBoard localBoard;
  private final SiteTracker tracker;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** Deployment ids of the verticles started. */
  private final Map<VerticleBase, String> deployed = new ConcurrentHashMap<>();
  private Future<Void> stopped;
  private HistoryRecorder recorder;
  private WebVerticle web;
  private Reloader reloader;
  private AdminGate gate;
  private AgentAdmin admin;
  private MonitorVerticle monitor;
  private AlertVerticle alerts;
  private AgentMetrics metrics;
  private EventBusPeers peers;
  private CombinedVerticle combiner;
  /** Shares operator writes with the other agents; null for a single agent. */
  private OperatorWritesVerticle operatorWrites;
  /** Null for a single agent. */
  private MemberAlerts memberAlerts;
  /** Null when the config has no {@code traps:}. */
  private TrapReceiver traps;

  private Agent(Vertx vertx, AgentConfig config, AgentParts parts, Mode mode) {
    this.vertx = vertx;
    this.config = config;
    this.parts = parts;
    this.mode = mode;
    this.store = parts.store();
    this.tracker = new SiteTracker(config.inventory(), config.state(), parts.clock());
    this.board = new StateBoard(tracker.snapshot(0));
    this.localBoard = parts.cluster() == null ? board : new StateBoard(tracker.snapshot(0));
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
              if (localBoard != board) {
                localBoard.publish(tracker.snapshot(0), List.of());
              }
              build(recovered);
              return store.startRun(clock.instant());
            })
        .compose(v -> parts.snmp().start())
        // Alerts first: no transition of the first checks may go unnoticed.
        .compose(v -> deploy(alerts).onSuccess(x -> watchMembers()))
        .compose(v -> combiner == null ? Future.succeededFuture() : deploy(combiner))
        .compose(v -> deploy(monitor))
        .compose(v -> openTraps())
        // Before the API: a restarted agent asks its peers for the writes it missed at once.
        .compose(v -> operatorWrites == null ? Future.<Void>succeededFuture() : deploy(operatorWrites))
        .compose(v -> deploy(web));
  }

  /** Builds the verticles and what they share from the parts and what the store remembered. */
  private void build(HistoryLog.Recovered recovered) {
    Clock clock = parts.clock();
    metrics = new AgentMetrics(registry, board::snapshot, config.rollout(), config.zone(), Version.current());
    metrics.probeAvailable("icmp", () -> parts.icmp().unavailableReason() == null);
    metrics.store(store::health);
    if (parts.cluster() != null) {
      metrics.clusterMembers(() -> (int) parts.cluster().members().stream().filter(m -> m.up()).count());
      metrics.cluster(parts.cluster(), config.cluster().members().size());
      new VantageNames(parts.cluster(), () -> board.snapshot().sites().stream().map(st -> st.site()).toList())
          .start(vertx);
      peers = new EventBusPeers(vertx, parts.cluster());
      combiner = new CombinedVerticle(peers, localBoard, board, clock, config.zone());
      metrics.siteVantageStates(combiner::vantageStates);
    }
    recorder = new HistoryRecorder(vertx, store, config.inventory(), clock, config.zone());
    recorder.attach(board);
    monitor = new MonitorVerticle(config, parts.icmp(), parts.snmp(), clock, tracker, localBoard, metrics);
    alerts =
        new AlertVerticle(
            config, store, board, metrics, clock, parts.channels(),
            recovered.openIncidents(), recovered.lastHeartbeat(),
            peers == null ? null : new OneVoice(vertx, peers, parts.channels(), clock));
    if (parts.cluster() != null) {
      memberAlerts = new MemberAlerts(parts.cluster(), config, clock, alerts);
    }
    // Only an agent started from a file can reload it; the demo has none.
    Path file = mode == Mode.AGENT ? config.source() : null;
    reloader = new Reloader(vertx, file, config, this::apply, metrics, clock);
    List<MaintenanceWindow> windows = new ArrayList<>(configWindows(config));
    windows.addAll(recovered.maintenance());
    String origin = parts.cluster() == null ? "local" : parts.cluster().self();
    admin = new AgentAdmin(store, clock, config.zone(), windows, monitor::change, reloader, origin);
    admin.retryAcksOn(board);
    tracker.maintenance(admin.schedule());
    if (parts.cluster() != null) {
      operatorWrites = new OperatorWritesVerticle(peers, admin, clock);
    }
    gate =
        new AdminGate(
            config.http().operators(), AuthFailureLimiter.Settings.DEFAULT, SessionBook.Settings.DEFAULT,
            config.http().tls() != null, clock, metrics::adminAuthFailure);
    web =
        new WebVerticle(
            config.http(),
            board,
            metrics::scrape,
            config.rollout().target(),
            mode.label(),
            List.of(
                new HistoryRoutes(store, board, config.rollout(), config.zone(), clock, admin::calendar),
                new AdminRoutes(gate, store, admin, board, config.zone(), clock),
                new SessionRoutes(gate, store, clock),
                new MeetingRoutes(alerts::readinessView),
                new ProbeRoutes(parts.icmp()),
                new ClusterRoutes(
                    parts.cluster(),
                    () -> board.snapshot().sites().stream().map(st -> st.site().id()).toList())));
  }

  /**
   * Opens the trap port when the config asks for it: notifications of known sites become hints
   * to the monitor. Binding is blocking I/O: on a worker.
   */
  private Future<Void> openTraps() {
    AgentConfig.Traps t = config.traps();
    if (t == null) {
      return Future.succeededFuture();
    }
    metrics.traps();
    List<SnmpProfile> users = t.profiles().stream().map(config.snmpProfiles()::get).toList();
    TrapReceiver receiver =
        new TrapReceiver(
            t.listen().host(), t.listen().port(), t.community(), users, config.inventory(),
            new TrapReceiver.Listener() {
              @Override
              public void received(TrapResult result) {
                metrics.trapReceived(result);
              }

              @Override
              public void hint(Hint hint) {
                monitor.hint(hint);
              }
            },
            parts.clock());
    return vertx.<Void>executeBlocking(
            () -> {
              receiver.open();
              return null;
            })
        .onSuccess(v -> traps = receiver);
  }

  /** Closes the trap port, if open; on a worker. */
  private Future<Void> closeTraps() {
    TrapReceiver receiver = traps;
    traps = null;
    if (receiver == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          receiver.close();
          return null;
        });
  }

  /** The port notifications are received on; -1 when the config has no {@code traps:}. */
  public int trapPort() {
    TrapReceiver receiver = traps;
    return receiver == null ? -1 : receiver.port();
  }

  private Future<Void> deploy(VerticleBase verticle) {
    return vertx.deployVerticle(verticle).onSuccess(id -> deployed.put(verticle, id)).mapEmpty();
  }

  private Future<Void> undeploy(VerticleBase verticle) {
    String id = verticle == null ? null : deployed.remove(verticle);
    return id == null ? Future.succeededFuture() : vertx.undeploy(id);
  }

  /**
   * Applies a valid reloaded config: the recorder learns the new parents first (transitions of new
   * sites may follow at once), then the monitor swaps sites and rules, then metrics, the config's
   * maintenance windows and the alert settings and meetings follow.
   */
  private Future<Void> apply(ReloadPlan plan) {
    AgentConfig next = plan.inForce();
    // Operators apply at once; sessions of removed ones end at their next use.
    gate.operators(next.http().operators());
    recorder.inventory(next.inventory());
    if (traps != null) {
      traps.inventory(next.inventory());
    }
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
        .compose(
            v -> {
              if (memberAlerts != null) {
                memberAlerts.reconfigure(next);
              }
              return alerts.reconfigure(next);
            });
  }

  /** Announces members of the cluster leaving and coming back, from the alert verticle's start on. */
  private void watchMembers() {
    if (memberAlerts != null) {
      memberAlerts.start();
    }
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

  /** Bounds of the stop steps; a step that has not ended by then is left behind. */
  static final Duration STOP_INTAKE = Duration.ofSeconds(2);
  static final Duration STOP_CHECKS = Duration.ofSeconds(2);
  /** A delivery in flight may take its channel's whole timeout; what is not marked is sent again. */
  static final Duration STOP_ALERTS = Duration.ofSeconds(5);
  static final Duration STOP_HISTORY = Duration.ofSeconds(5);
  static final Duration STOP_STORE = Duration.ofSeconds(5);
  static final Duration STOP_PARTS = Duration.ofSeconds(3);
  /**
   * The longest {@link #stop()} takes, whatever hangs: the sum of its steps' bounds, well inside
   * the 30 s systemd gives a service to stop (config/vcmon.service, TimeoutStopSec).
   */
  public static final Duration STOP_LIMIT =
      STOP_INTAKE.plus(STOP_CHECKS).plus(STOP_ALERTS).plus(STOP_HISTORY).plus(STOP_STORE).plus(STOP_PARTS);

  /**
   * Stops the agent so that stopping itself causes nothing: no transition, no notification, no
   * store error, nothing marked failed. Each step starts when the one before has ended or run out
   * of its time (see {@link StopSequence}); the whole ends within {@link #STOP_LIMIT} and never
   * fails. Idempotent: a second call gets the same future.
   *
   * <ol>
   *   <li>Intake: the web server stops (no API write can change the monitor or the store any
   *       more, no read finds the store closed), operator writes from other agents are no longer
   *       taken, and reloads are refused, a running one awaited.
   *   <li>Checks: the schedule stops; checks in flight are dropped when they end, unjudged, even
   *       when their probe closes under them (step 6) or fping was killed by the same SIGTERM.
   *       From here on the monitor publishes nothing.
   *   <li>Alerts: the policy takes no transition and no tick; what the monitor published before
   *       step 2 is queued in the outbox first (same context, in order). Deliveries in flight may
   *       end and be marked; what is not delivered stays queued, unmarked, for the next start.
   *   <li>History: the last heartbeat, and every history write asked for is waited for.
   *   <li>Store: closed; writes held for a failing disk get a last try there.
   *   <li>Parts: the monitor and alert verticles are undeployed (channels closed), the probes closed
   *       (fping processes killed, SNMP sockets closed).
   * </ol>
   */
  public synchronized Future<Void> stop() {
    if (stopped != null) {
      return stopped;
    }
    stopped =
        new StopSequence(vertx)
            .then(
                "stop serving and reloading",
                STOP_INTAKE,
                () -> Future.join(
                    undeploy(web),
                    undeploy(operatorWrites),
                    closeTraps(),
                    reloader == null ? Future.succeededFuture() : reloader.stop()))
            .then("stop checks", STOP_CHECKS, () -> monitor == null ? Future.succeededFuture() : monitor.stopChecks())
            .then("stop alerting", STOP_ALERTS, () -> alerts == null ? Future.succeededFuture() : alerts.stopAlerting())
            .then("flush history", STOP_HISTORY, () -> recorder == null ? Future.succeededFuture() : recorder.detach())
            .then("close store", STOP_STORE, store::close)
            .then(
                "close probes and channels",
                STOP_PARTS,
                () -> {
                  if (peers != null) {
                    peers.close();
                  }
                  return Future.join(undeploy(monitor), undeploy(combiner), undeploy(alerts), parts.snmp().close(), parts.icmp().close());
                })
            .run();
    return stopped;
  }
}
