package org.daitu.vcmon.cluster.node;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.cluster.MemberView;
import org.daitu.vcmon.config.AgentConfig;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.parsing.ConfigurationBuilderHolder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.configuration.global.ShutdownHookBehavior;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.jgroups.JChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This agent as a member of its cluster: the JGroups channel ({@link JGroupsStack}) under an
 * Infinispan cache manager under Vert.x's clustered mode, and the {@link MemberView} fed by it.
 * Built only when the config has {@code cluster:}; the single agent never loads any of it.
 *
 * <p>Ports, all on {@code cluster.listen}'s address: the listen port (JGroups), the next one (the
 * Vert.x event bus, TLS with client certificates) and the one after (the key exchange, TLS with
 * client certificates, open on the coordinator).
 *
 * <p>Start with {@link #start}, stop with {@link #close} after the Vert.x instance is closed.
 */
public final class ClusterNode {
  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
  /** Vert.x's caches, as in vertx-infinispan's default-infinispan.xml. */
  private static final String DEFAULT_CACHE = "distributed-cache";

  private final AgentConfig.Cluster config;
  private final JChannel channel;
  private final DefaultCacheManager caches;
  private final Members members;
  private final Vertx vertx;

  private ClusterNode(
      AgentConfig.Cluster config, JChannel channel, DefaultCacheManager caches, Members members, Vertx vertx) {
    this.config = config;
    this.channel = channel;
    this.caches = caches;
    this.members = members;
    this.vertx = vertx;
  }

  /**
   * Joins the cluster and builds the clustered Vert.x on it; blocks the calling thread (run it in
   * {@code main}, never on an event loop). A failure leaves nothing running.
   *
   * @param options Vert.x's options; its event bus options are set here
   * @param timeout for the clustered Vert.x to start
   */
  public static ClusterNode start(AgentConfig.Cluster config, VertxOptions options, Duration timeout)
      throws Exception {
    Clock clock = Clock.systemUTC();
    ClusterTls tls = ClusterTls.read(config.tls());
    Instant expires = tls.notAfter();
    if (Duration.between(clock.instant(), expires).compareTo(ClusterTls.EXPIRY_WARNING) < 0) {
      log.warn(
          "The cluster certificate ends soon; make a new one with the cluster's CA file={} not_after={}",
          config.tls().certFile(), expires);
    }
    JChannel channel =
        new JChannel(
            JGroupsStack.protocols(config, tls.context("cluster transport", clock), tls.context("key exchange", clock)));
    // The node id Vert.x uses: the vantage and a random tail, so two agents with one vantage
    // (a mistake caught at join) still have two ids.
    channel.name(config.vantage() + "-" + Integer.toString(10_000 + new SecureRandom().nextInt(90_000)));
    Instant started = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Members members = new Members(config, started, clock);
    DefaultCacheManager caches = null;
    Vertx vertx = null;
    try {
      caches = cacheManager(config, channel);
      FanOutClusterManager manager = new FanOutClusterManager(caches, members);
      EventBusOptions bus =
          tls.eventBus(options.getEventBusOptions())
              .setHost(config.listen().host())
              .setPort(config.listen().port() + JGroupsStack.EVENT_BUS_PORT_OFFSET)
              .setClusterNodeMetadata(Members.metadata(config, started));
      vertx =
          Vertx.builder()
              .with(options.setEventBusOptions(bus))
              .withClusterManager(manager)
              .buildClustered()
              .toCompletionStage()
              .toCompletableFuture()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      members.attach(vertx, manager);
      return new ClusterNode(config, channel, caches, members, vertx);
    } catch (Exception | Error e) {
      if (vertx != null) {
        vertx.close();
      }
      if (caches != null) {
        caches.stop();
      }
      channel.close();
      throw e;
    }
  }

  /**
   * The cache manager Vert.x keeps its cluster state in (event bus subscriptions, node metadata),
   * on our channel. Infinispan registers no shutdown hook of its own: the agent's stop sequence
   * closes Vert.x, then this.
   */
  private static DefaultCacheManager cacheManager(AgentConfig.Cluster config, JChannel channel) {
    ConfigurationBuilderHolder holder = new ConfigurationBuilderHolder(ClusterNode.class.getClassLoader());
    GlobalConfigurationBuilder global = holder.getGlobalConfigurationBuilder();
    global.transport().transport(new JGroupsTransport(channel)).clusterName(config.name());
    global.shutdown().hookBehavior(ShutdownHookBehavior.DONT_REGISTER);
    global.jmx().disable();
    global.defaultCacheName(DEFAULT_CACHE);
    holder.newConfigurationBuilder(DEFAULT_CACHE).clustering().cacheMode(CacheMode.DIST_SYNC);
    for (String name : new String[] {"__vertx.subs", "__vertx.haInfo", "__vertx.nodeInfo"}) {
      holder.newConfigurationBuilder(name).clustering().cacheMode(CacheMode.REPL_SYNC);
    }
    holder.newConfigurationBuilder("__vertx.distributed.cache.configuration")
        .template(true)
        .clustering()
        .cacheMode(CacheMode.DIST_SYNC);
    return new DefaultCacheManager(holder, true);
  }

  public Vertx vertx() {
    return vertx;
  }

  public MemberView members() {
    return members;
  }

  public AgentConfig.Cluster config() {
    return config;
  }

  /**
   * Waits until every node in the view has told its vantage (at most {@code wait}) and says
   * whether this agent's vantage was taken before it joined: then it must not run.
   */
  public boolean vantageTaken(Duration wait) throws InterruptedException {
    long end = System.nanoTime() + wait.toNanos();
    while (!members.settled() && !members.duplicate() && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    return members.duplicate();
  }

  /** Called (once, on an engine thread) when another agent with this vantage joined first. */
  public void onVantageTaken(Runnable action) {
    members.onDuplicate(action);
  }

  /** How many agents are members now, this one included. */
  public int membersUp() {
    return members.liveCount();
  }

  /**
   * Leaves the cluster: stops the cache manager and closes the channel, so the others see this
   * agent leave at once rather than after the failure detection's delay. Blocks; call it after
   * Vert.x closed.
   */
  public void close() {
    try {
      caches.stop();
    } catch (RuntimeException e) {
      log.warn("Leaving the cluster was not clean error=\"{}\"", e.toString());
    } finally {
      channel.close();
    }
    log.info("Left the cluster cluster={} vantage={}", config.name(), config.vantage());
  }
}
