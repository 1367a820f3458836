package org.daitu.vcmon.cluster.node;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.daitu.vcmon.cluster.Member;
import org.daitu.vcmon.cluster.MemberView;
import org.daitu.vcmon.config.AgentConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live members, from the engine's own callbacks only ({@link NodeListener}: a node joined,
 * a node left); no heartbeat or membership logic of ours. Each node tells its vantage, listen
 * address and join time in its Vert.x node metadata ({@link #metadata}); a node's metadata is
 * written once its event bus is up, a moment after it joined, so it is asked again until it
 * comes (at most {@link #INFO_WAIT}).
 *
 * <p>Two agents with one vantage: both log an ERROR, and the one that joined later (later in the
 * engine's view, which every member sees in the same order) leaves: {@link #onDuplicate} is
 * called on it. Thread-safe: callbacks come from the engine's threads, reads from anywhere.
 */
final class Members implements NodeListener, MemberView {
  private static final Logger log = LoggerFactory.getLogger(Members.class);
  static final String VANTAGE = "vantage";
  static final String LISTEN = "listen";
  static final String SINCE = "since";
  /** How long a new node's metadata is waited for. */
  static final Duration INFO_WAIT = Duration.ofSeconds(20);

  static final Duration INFO_RETRY = Duration.ofMillis(200);
  /** When this node writes its metadata again after another node joined (see {@link #republish}). */
  static final List<Duration> REPUBLISH_AFTER = List.of(Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(6));

  private final AgentConfig.Cluster config;
  private final Instant started;
  private final Clock clock;
  private final List<Consumer<Member>> listeners = new CopyOnWriteArrayList<>();
  /** Node id → member, of nodes in the view now (the vantage may not be known yet). */
  private final Map<String, Member> live = new LinkedHashMap<>();
  /** Node id → member, of nodes that left since this agent started. */
  private final Map<String, Member> departed = new LinkedHashMap<>();

  private volatile List<Member> snapshot = List.of();
  private Vertx vertx;
  private Context context;
  private ClusterManager manager;
  private String selfId;
  private Runnable onDuplicate = () -> {};
  private boolean duplicate;

  Members(AgentConfig.Cluster config, Instant started, Clock clock) {
    this.config = config;
    this.started = started;
    this.clock = clock;
    publish();
  }

  /** What this node tells the others about itself. */
  static JsonObject metadata(AgentConfig.Cluster config, Instant started) {
    return new JsonObject()
        .put(VANTAGE, config.vantage())
        .put(LISTEN, config.listen().toString())
        .put(SINCE, started.toString());
  }

  /** Called on this node when another joined with its vantage and this one must leave. */
  synchronized void onDuplicate(Runnable action) {
    this.onDuplicate = action;
    if (duplicate) {
      action.run();
    }
  }

  /** Starts listening: takes the view as it is now, and asks each node for its metadata. */
  void attach(Vertx vertx, ClusterManager manager) {
    List<String> nodes;
    synchronized (this) {
      this.vertx = vertx;
      this.context = vertx.getOrCreateContext();
      this.manager = manager;
      this.selfId = manager.getNodeId();
      live.put(selfId, new Member(config.vantage(), selfId, config.listen().toString(), true, started));
      nodes = manager.getNodes();
      for (String id : nodes) {
        live.putIfAbsent(id, unknown(id));
      }
      publish();
    }
    log.info(
        "Joined the cluster cluster={} vantage={} node={} members_in_view={}",
        config.name(), config.vantage(), selfId, nodes.size());
    for (String id : nodes) {
      if (!id.equals(selfId)) {
        learn(id, Instant.now(clock).plus(INFO_WAIT));
      }
    }
  }

  @Override
  public void nodeAdded(String nodeId) {
    synchronized (this) {
      if (manager == null || live.containsKey(nodeId)) {
        return; // not attached yet: attach() reads the view
      }
      live.put(nodeId, unknown(nodeId));
      publish();
    }
    log.info("Cluster node joined; learning its vantage node={}", nodeId);
    republish();
    learn(nodeId, Instant.now(clock).plus(INFO_WAIT));
  }

  /**
   * Writes this node's metadata again. After a partition heals, the engine's shared copy has lost
   * the metadata of the nodes of the other side (its coordinator removed them when they left, and
   * the merge keeps one side's data), and no one else would write it back: the members of the
   * other side could then never learn this node's vantage. Written now and twice more, as the
   * merge of the shared data may land after the first write.
   */
  private void republish() {
    for (Duration after : REPUBLISH_AFTER) {
      Runnable write =
          () -> {
            NodeInfo own = manager.getNodeInfo();
            if (own != null) {
              Promise<Void> p = Promise.promise();
              manager.setNodeInfo(own, p);
              p.future().onFailure(err -> log.debug("Writing this node's metadata again failed error=\"{}\"", err.toString()));
            }
          };
      if (after.isZero()) {
        write.run();
      } else {
        vertx.setTimer(after.toMillis(), t -> write.run());
      }
    }
  }

  @Override
  public void nodeLeft(String nodeId) {
    Member gone;
    synchronized (this) {
      if (manager == null) {
        return;
      }
      Member was = live.remove(nodeId);
      if (was == null) {
        return;
      }
      gone = new Member(was.vantage(), nodeId, was.address(), false, Instant.now(clock));
      departed.values().removeIf(d -> d.address().equals(gone.address()));
      departed.put(nodeId, gone);
      publish();
    }
    log.warn(
        "Cluster member left vantage={} node={} address={} members_up={}",
        gone.vantage(), nodeId, gone.address(), liveCount());
    notifyListeners(gone);
  }

  /** Asks for a node's metadata until it comes, the node leaves, or {@code until} passes. */
  private void learn(String nodeId, Instant until) {
    Promise<NodeInfo> p = Promise.promise();
    manager.getNodeInfo(nodeId, p);
    p.future()
        .onSuccess(info -> learned(nodeId, info))
        .onFailure(
            err -> {
              synchronized (this) {
                if (!live.containsKey(nodeId)) {
                  return;
                }
              }
              if (Instant.now(clock).isAfter(until)) {
                log.warn(
                    "Cluster node is in the view but tells no vantage: not a vcmon agent, or not"
                        + " started fully node={} waited_seconds={} error=\"{}\"",
                    nodeId, INFO_WAIT.toSeconds(), err.getMessage());
              } else {
                vertx.setTimer(INFO_RETRY.toMillis(), t -> learn(nodeId, until));
              }
            });
  }

  private void learned(String nodeId, NodeInfo info) {
    JsonObject meta = info.metadata() == null ? new JsonObject() : info.metadata();
    String vantage = meta.getString(VANTAGE);
    String listen = meta.getString(LISTEN, info.host() + ":" + info.port());
    Instant since = parse(meta.getString(SINCE));
    Member m = new Member(vantage, nodeId, listen, true, since);
    Member twin = null;
    synchronized (this) {
      if (!live.containsKey(nodeId)) {
        return; // it left meanwhile
      }
      live.put(nodeId, m);
      departed.values().removeIf(d -> d.address().equals(m.address()) || Objects.equals(d.vantage(), vantage));
      for (Member other : live.values()) {
        if (!other.nodeId().equals(nodeId) && vantage != null && vantage.equals(other.vantage())) {
          twin = other;
        }
      }
      publish();
    }
    log.info(
        "Cluster member up vantage={} node={} address={} since={} members_up={}",
        vantage, nodeId, listen, since, liveCount());
    if (twin != null) {
      duplicate(m, twin);
    }
    notifyListeners(m);
  }

  /** Two live nodes with one vantage: the later one in the view leaves. */
  private void duplicate(Member a, Member b) {
    List<String> order = manager.getNodes();
    int ia = order.indexOf(a.nodeId());
    int ib = order.indexOf(b.nodeId());
    Member newer = ia < 0 || ia > ib ? a : b;
    Member older = newer == a ? b : a;
    if (newer.nodeId().equals(selfId)) {
      log.error(
          "Vantage already taken: the agent at {} has been running as vantage \"{}\" in cluster {}"
              + " since {}; this agent leaves the cluster and stops (exit 2). Give every agent its"
              + " own cluster.vantage and certificate vantage={} other_node={} other_address={}",
          older.address(), config.vantage(), config.name(), older.since(),
          config.vantage(), older.nodeId(), older.address());
      Runnable action;
      synchronized (this) {
        duplicate = true;
        action = onDuplicate;
      }
      action.run();
    } else if (older.nodeId().equals(selfId)) {
      log.error(
          "Vantage taken twice: the agent at {} joined as vantage \"{}\", which this agent is; it"
              + " leaves the cluster and stops, this one carries on. Give every agent its own"
              + " cluster.vantage and certificate vantage={} other_node={} other_address={}",
          newer.address(), config.vantage(), config.vantage(), newer.nodeId(), newer.address());
    } else {
      log.warn(
          "Vantage taken twice in the cluster: the later agent leaves vantage={} staying={} leaving={}",
          a.vantage(), older.address(), newer.address());
    }
  }

  /** Whether this node found, by now, that its vantage was taken before it joined. */
  synchronized boolean duplicate() {
    return duplicate;
  }

  /** Whether every node in the view has told its vantage (or was given up on). */
  synchronized boolean settled() {
    return live.values().stream().allMatch(m -> m.vantage() != null);
  }

  @Override
  public String clusterName() {
    return config.name();
  }

  @Override
  public String self() {
    return config.vantage();
  }

  @Override
  public List<Member> members() {
    return snapshot;
  }

  @Override
  public void onChange(Consumer<Member> listener) {
    listeners.add(listener);
  }

  /** How many nodes are in the view now, this one included. */
  synchronized int liveCount() {
    return live.size();
  }

  private void notifyListeners(Member m) {
    Context ctx = context;
    for (Consumer<Member> l : listeners) {
      ctx.runOnContext(v -> l.accept(m));
    }
  }

  /** Live members, those that left, and configured addresses never seen; by vantage, then address. */
  private void publish() {
    List<Member> out = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (Member m : live.values()) {
      out.add(m);
      seen.add(m.address());
    }
    for (Member m : departed.values()) {
      out.add(m);
      seen.add(m.address());
    }
    for (AgentConfig.HostPort hp : config.members()) {
      if (!seen.contains(hp.toString())) {
        out.add(new Member(null, null, hp.toString(), false, null));
      }
    }
    out.sort(
        Comparator.comparing(Member::vantage, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Member::address));
    snapshot = List.copyOf(out);
  }

  private static Member unknown(String nodeId) {
    return new Member(null, nodeId, "unknown", true, null);
  }

  private static Instant parse(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
