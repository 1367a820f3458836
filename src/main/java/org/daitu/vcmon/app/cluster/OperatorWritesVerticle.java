package org.daitu.vcmon.app.cluster;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.daitu.vcmon.cluster.Member;
import org.daitu.vcmon.history.OperatorOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares operator writes (maintenance windows, acknowledgements, rollout stages) between the
 * agents of a cluster, so that a write through the API of any agent applies on all of them.
 *
 * <ul>
 *   <li>Each op made here is published on {@value #TOPIC} once it is stored and applied here.
 *   <li>Each op published by another agent is applied here, once by id ({@link
 *       OperatorLog#receive}), and not published again.
 *   <li>Catch-up: publishing is best effort (a member cut off or restarting misses what is sent
 *       meanwhile), so whenever a member comes up, and for every member already up when this
 *       starts, this agent asks it for its op log ({@value #SINCE}) and applies what it misses.
 *       The member does the same the other way, so after a partition the writes of each side
 *       reach the other. The ask is repeated once {@link #SECOND_CATCH_UP} later, after the
 *       event-bus consumers were registered again following a merge ({@link EventBusPeers}),
 *       and retried while it fails and the member stays up.
 * </ul>
 *
 * <p>The catch-up is bounded: the ops made in the last {@link #HISTORY} days plus older ones still
 * in force (a window that stands, the stage or acknowledgement in force), at most {@link #MAX_OPS},
 * newest first, in pages of {@link #PAGE}. Messages: docs/cluster.md, "Operator writes".
 */
public final class OperatorWritesVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(OperatorWritesVerticle.class);

  /** Published: one op, {@code {"id", "at", "kind", "origin", "body"}}. */
  public static final String TOPIC = "ops";
  /**
   * Asked: {@code {"before": cursor (0: newest), "since": epoch ms, "limit": n}}; answered with
   * {@code {"ops": [op...], "next": cursor (0: no more)}}.
   */
  public static final String SINCE = "ops.since";
  public static final Duration HISTORY = Duration.ofDays(90);
  public static final int MAX_OPS = 10_000;
  public static final int PAGE = 500;
  /** After EventBusPeers' last re-registration following a member up (6 s), with a margin. */
  static final Duration SECOND_CATCH_UP = Duration.ofSeconds(10);
  /** Waits before the next try of a catch-up that failed (the member's consumers may be late). */
  static final List<Duration> RETRY_AFTER =
      List.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30));

  private final Peers peers;
  private final OperatorLog ops;
  private final Clock clock;
  /** Catch-ups running, by vantage: one at a time per member. */
  private final Map<String, Future<Integer>> running = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  public OperatorWritesVerticle(Peers peers, OperatorLog ops, Clock clock) {
    this.peers = peers;
    this.ops = ops;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    peers.onPublished(TOPIC, this::received);
    peers.onAsked(SINCE, this::answer);
    ops.onMade(op -> {
      if (!stopped) {
        peers.publish(TOPIC, OpJson.of(op));
      }
    });
    peers.members().onChange(this::memberChanged);
    for (Member m : peers.members().members()) {
      memberChanged(m);
    }
    return ops.retryPending()
        .onFailure(err -> log.warn("Could not apply kept operator writes error=\"{}\"", err.toString()))
        .otherwiseEmpty();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return Future.succeededFuture();
  }

  private void received(String from, JsonObject body) {
    if (stopped) {
      return;
    }
    OperatorOp op;
    try {
      op = OpJson.parse(body);
    } catch (IllegalArgumentException e) {
      log.warn("Operator write refused from={} error=\"{}\"", from, e.getMessage());
      return;
    }
    ops.receive(op)
        .onFailure(
            err -> log.warn("Could not apply an operator write op={} from={} error=\"{}\"",
                op.id(), from, err.toString()));
  }

  private Future<JsonObject> answer(JsonObject ask) {
    long before = ask.getLong("before", 0L);
    int limit = Math.max(1, Math.min(PAGE, ask.getInteger("limit", PAGE)));
    Instant since = Instant.ofEpochMilli(ask.getLong("since", clock.instant().minus(HISTORY).toEpochMilli()));
    return ops.ops(before, since, limit)
        .map(
            page -> {
              JsonArray list = new JsonArray();
              page.ops().forEach(op -> list.add(OpJson.of(op)));
              return new JsonObject().put("ops", list).put("next", page.next());
            });
  }

  private void memberChanged(Member m) {
    if (stopped || !m.up() || m.vantage() == null || m.vantage().equals(peers.self())) {
      return;
    }
    String vantage = m.vantage();
    catchUp(vantage, 0);
    vertx.setTimer(SECOND_CATCH_UP.toMillis(), t -> catchUp(vantage, 0));
  }

  /** Catches up from one member, unless a catch-up from it runs; tries again while it fails. */
  private void catchUp(String vantage, int failures) {
    if (stopped || !peers.members().liveVantages().contains(vantage) || running.containsKey(vantage)) {
      return;
    }
    Future<Integer> f = catchUp(vantage);
    running.put(vantage, f);
    f.onComplete(ar -> running.remove(vantage, f))
        .onSuccess(
            applied -> log.info("Caught up on operator writes from={} new_ops={}", vantage, applied))
        .onFailure(
            err -> {
              boolean again = failures < RETRY_AFTER.size();
              // A member that has just joined answers only once its agent has started: the
              // first miss is expected, not worth a warning.
              boolean starting = failures == 0 && again && err instanceof ReplyException re
                  && re.failureType() == ReplyFailure.NO_HANDLERS;
              if (starting) {
                log.info("Operator writes of a member not readable yet, it is starting from={} retry=true",
                    vantage);
              } else {
                log.warn("Could not catch up on operator writes from={} error=\"{}\" retry={}",
                    vantage, err.toString(), again);
              }
              if (again) {
                vertx.setTimer(RETRY_AFTER.get(failures).toMillis(), t -> catchUp(vantage, failures + 1));
              }
            });
  }

  /** Reads the member's op log page by page and applies each op; the count of ops new here. */
  Future<Integer> catchUp(String vantage) {
    long since = clock.instant().minus(HISTORY).toEpochMilli();
    return page(vantage, 0, since, 0, 0);
  }

  private Future<Integer> page(String vantage, long before, long since, int read, int applied) {
    JsonObject ask = new JsonObject().put("before", before).put("since", since).put("limit", PAGE);
    return peers
        .ask(vantage, SINCE, ask)
        .compose(
            answer -> {
              JsonArray list = answer.getJsonArray("ops", new JsonArray());
              long next = answer.getLong("next", 0L);
              Future<Integer> chain = Future.succeededFuture(applied);
              for (int i = 0; i < list.size(); i++) {
                JsonObject o = list.getJsonObject(i);
                chain = chain.compose(n -> apply(vantage, o).map(isNew -> isNew ? n + 1 : n));
              }
              int total = read + list.size();
              return chain.compose(
                  n -> next <= 0 || list.isEmpty() || total >= MAX_OPS || stopped
                      ? Future.succeededFuture(n)
                      : page(vantage, next, since, total, n));
            });
  }

  /** One op of a catch-up; one that cannot be applied is logged and skipped, not fatal. */
  private Future<Boolean> apply(String from, JsonObject o) {
    OperatorOp op;
    try {
      op = OpJson.parse(o);
    } catch (IllegalArgumentException e) {
      log.warn("Operator write refused from={} error=\"{}\"", from, e.getMessage());
      return Future.succeededFuture(false);
    }
    return ops.receive(op)
        .recover(
            err -> {
              log.warn("Could not apply an operator write op={} from={} error=\"{}\"",
                  op.id(), from, err.toString());
              return Future.succeededFuture(false);
            });
  }
}
