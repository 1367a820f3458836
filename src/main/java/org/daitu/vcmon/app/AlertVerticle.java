package org.daitu.vcmon.app;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.app.cluster.OneVoice;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.output.alert.AlertPolicy;
import org.daitu.vcmon.output.alert.Channel;
import org.daitu.vcmon.output.alert.Messages;
import org.daitu.vcmon.output.alert.Notification;
import org.daitu.vcmon.output.alert.Outbox;
import org.daitu.vcmon.output.alert.MeetingReadiness;
import org.daitu.vcmon.output.metrics.AgentMetrics;
import org.daitu.vcmon.store.OutboxStore;
import org.daitu.vcmon.state.StateBoard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells people: the alert policy decides what to send from the monitor's transitions and the
 * passing time, and the durable outbox delivers it to every channel. Both live on this verticle's
 * context (the policy is single-threaded plain Java); transitions hop here from the monitor.
 *
 * <p>Stopping is two steps of the agent's stop: {@link #stopAlerting()} once the monitor
 * publishes nothing more (what it published before is still queued, in order), then undeploying
 * closes the channels once the store is closed.
 */
final class AlertVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(AlertVerticle.class);

  private final AgentConfig config;
  private final OutboxStore store;
  private final StateBoard board;
  private final AgentMetrics metrics;
  private final Clock clock;
  /** Replaced by a reload on this verticle's context; read by the web server too. */
  private volatile MeetingReadiness readiness;
  private final AlertPolicy policy;
  private Outbox outbox;
  private final List<Channel> channels;
  private long timer = -1;
  private boolean stopping;
  /** With several agents: sends what this agent owns, holds the rest; null for a single agent. */
  private final OneVoice voice;

  /**
   * @param channels where notifications go; closed when the verticle stops
   * @param openIncidents the outages an earlier run left open, and {@code lastHeartbeat} that
   *     run's last sign of life: the policy decides which were already announced
   */
  AlertVerticle(
      AgentConfig config,
      OutboxStore store,
      StateBoard board,
      AgentMetrics metrics,
      Clock clock,
      List<Channel> channels,
      List<Incident> openIncidents,
      Instant lastHeartbeat,
      OneVoice voice) {
    this.voice = voice;
    this.config = config;
    this.store = store;
    this.board = board;
    this.metrics = metrics;
    this.clock = clock;
    this.channels = channels;
    Messages messages = new Messages(config.alerts().language(), config.zone());
    this.readiness = new MeetingReadiness(config.meetings(), messages);
    this.policy = new AlertPolicy(config.alerts(), messages, readiness, clock);
    if (voice != null) {
      policy.severalAgents();
    }
    policy.restore(openIncidents, lastHeartbeat);
  }

  /**
   * Takes a reloaded config's alert settings and meetings ({@link
   * org.daitu.vcmon.config.ReloadPlan#inForce} keeps the channels as they run), on this
   * verticle's context where the policy lives.
   */
  Future<Void> reconfigure(AgentConfig next) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          Messages messages = new Messages(next.alerts().language(), next.zone());
          readiness = new MeetingReadiness(next.meetings(), messages);
          policy.reconfigure(next.alerts(), messages, readiness);
          done.complete();
        });
    return done.future();
  }

  /** What /api/v1/readiness shows: the next meeting and its rooms, now. */
  Map<String, Object> readinessView() {
    return readiness.view(clock.instant(), board.snapshot());
  }

  @Override
  public Future<?> start() {
    outbox = new Outbox(vertx, store, channels, metrics, clock);
    board.onTransitions(
        ts ->
            context.runOnContext(
                v -> {
                  if (!stopping) {
                    submit(policy.onTransitions(ts, board.snapshot()));
                  }
                }));
    // Held changes (the digest window), DEGRADED delays, reminders and meetings come with time.
    timer = vertx.setPeriodic(1000, id -> submit(policy.tick(clock.instant(), board.snapshot())));
    log.info("Alerting started channels={}", channels.stream().map(Channel::name).toList());
    if (voice == null) {
      return outbox.start();
    }
    // What this agent's outbox kept from its last run may have been sent by another agent
    // meanwhile: deliver once the members have told what they delivered.
    voice.attach(outbox).onComplete(ar -> {
      if (!stopping) {
        outbox.start();
      }
    });
    return Future.succeededFuture();
  }

  /**
   * Decides nothing more (no transition taken, no tick) and starts no delivery; completes once
   * the deliveries in flight have ended. Runs on this verticle's context, behind the transitions
   * the monitor published before it stopped: those are still queued in the outbox. What is queued
   * and not delivered stays there for the next start. The caller bounds the wait.
   */
  Future<Void> stopAlerting() {
    if (context == null) {
      return Future.succeededFuture(); // never deployed
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          stopping = true;
          if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
          }
          outbox.stop().onComplete(done);
        });
    return done.future();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    outbox.stop();
    return Future.join(channels.stream().map(Channel::close).toList()).mapEmpty();
  }

  /**
   * Sends notifications decided outside the policy (members of the cluster leaving and coming
   * back) through the same path as the policy's, on this verticle's context; completes once they
   * are queued durably (or at once when alerting stopped).
   */
  Future<Void> notify(List<Notification> notifications) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> (stopping ? Future.<Void>succeededFuture() : submit(notifications)).onComplete(done));
    return done.future();
  }

  private Future<Void> submit(List<Notification> notifications) {
    if (notifications.isEmpty()) {
      return Future.succeededFuture();
    }
    for (Notification n : notifications) {
      log.info("Notification kind={} severity={} key={} title=\"{}\"", n.kind(), n.severity(), n.key(), n.title());
    }
    return (voice == null ? outbox.submit(notifications) : voice.route(notifications))
        .onFailure(err -> log.error("Notifications not queued count={} error=\"{}\"", notifications.size(), err.getMessage()));
  }
}
