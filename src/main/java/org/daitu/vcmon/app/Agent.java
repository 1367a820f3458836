package org.daitu.vcmon.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.output.metrics.AgentMetrics;
import org.daitu.vcmon.output.web.WebVerticle;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.icmp.FpingProbe;
import org.daitu.vcmon.probe.snmp.Snmp4jProbe;
import org.daitu.vcmon.state.SiteTracker;
import org.daitu.vcmon.state.StateBoard;

/**
 * One running vcmon: the wiring of probes, tracker, outputs, in start order (probes, then the
 * monitor, then the web server) and reverse stop order. The only place that knows every part.
 */
public final class Agent {
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
  private final StateBoard board;
  private final FpingProbe fping;
  private final Snmp4jProbe snmp;
  private final PrometheusMeterRegistry registry;
  private final SiteTracker tracker;
  private WebVerticle web;
  private final List<String> deployments = new CopyOnWriteArrayList<>();

  private Agent(Vertx vertx, AgentConfig config, Options options) {
    this.vertx = vertx;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.fping = new FpingProbe(vertx, config.probe().icmp(), config.probe().timeout());
    this.snmp =
        new Snmp4jProbe(vertx, config.snmpProfiles(), config.probe().timeout(), config.probe().snmp());
    this.tracker = new SiteTracker(config.inventory(), config.state(), options.clock());
    this.board = new StateBoard(tracker.snapshot(0));
  }

  /** Starts everything; the future fails (and everything started is stopped) on any error. */
  public static Future<Agent> start(Vertx vertx, AgentConfig config, Options options) {
    Agent agent = new Agent(vertx, config, options);
    return agent.deploy(config, options)
        .map(v -> agent)
        .recover(err -> agent.stop().transform(x -> Future.failedFuture(err)));
  }

  private Future<Void> deploy(AgentConfig config, Options options) {
    AgentMetrics metrics =
        new AgentMetrics(
            registry, board::snapshot, config.inventory(), config.rollout().target(), Version.current());
    metrics.probeAvailable("icmp", () -> fping.unavailableReason() == null);
    IcmpProbe icmp = options.icmpLinks().apply(fping);
    web = new WebVerticle(config.http(), board, registry, config.rollout().target(), options.mode());
    return snmp.start()
        .compose(
            v ->
                vertx.deployVerticle(
                    new MonitorVerticle(config, icmp, snmp, options.clock(), tracker, board, metrics)))
        .compose(
            id -> {
              deployments.add(0, id);
              return vertx.deployVerticle(web);
            })
        .onSuccess(id -> deployments.add(0, id))
        .mapEmpty();
  }

  public StateBoard board() {
    return board;
  }

  public int httpPort() {
    return web.actualPort();
  }

  /** Stops serving, then probing (newest first), then closes sockets and worker pools. */
  public Future<Void> stop() {
    Future<Void> undeployed = Future.succeededFuture();
    for (String id : deployments) {
      undeployed = undeployed.eventually(() -> vertx.undeploy(id));
    }
    deployments.clear();
    return undeployed.eventually(() -> Future.join(snmp.close(), fping.close())).mapEmpty();
  }
}
