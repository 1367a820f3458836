package org.daitu.vcmon.output.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.daitu.vcmon.cluster.MemberView;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.store.StoreHealth;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.daitu.vcmon.probe.trap.TrapResult;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateSnapshot;

/**
 * Every metric vcmon exports, declared in one place. Per-site series are written from the latest
 * {@link StateSnapshot} at scrape time ({@link SiteSeries}), so nothing is rebuilt per check and
 * nothing is registered per site; the agent's own health is recorded as it happens in Micrometer
 * meters. Code uses dotted Micrometer names; the Prometheus registry turns them
 * into {@code vcmon_*} names with base units (documented in docs/metrics.md).
 */
public final class AgentMetrics {
  /** A check that starts later than this after its due time counts as late (ticks are 250 ms). */
  static final long LATE_MILLIS = 1000;

  private final MeterRegistry registry;
  private final Supplier<StateSnapshot> snapshots;
  private final SiteSeries siteSeries;
  private final Timer icmpBatch;
  private final Timer snmpPoll;
  private final Map<SnmpStatus, Counter> snmpPolls = new EnumMap<>(SnmpStatus.class);
  private final Timer checkDuration;
  private final Timer checkDelay;
  private final Counter lateChecks;
  private final AtomicLong lagMillis = new AtomicLong();
  private final AtomicLong outboxQueued = new AtomicLong();
  private final AtomicLong outboxOldestMillis = new AtomicLong();
  private final Map<Boolean, Counter> reloads = new HashMap<>();
  /** By result; filled by {@link #traps()} when the agent takes notifications. */
  private final Map<TrapResult, Counter> traps = new EnumMap<>(TrapResult.class);
  private final AtomicLong lastReloadOk = new AtomicLong(1);
  private final AtomicLong lastReloadOkMillis = new AtomicLong(System.currentTimeMillis());
  /** Null for a single agent. */
  private volatile ClusterSeries clusterSeries;

  public AgentMetrics(
      MeterRegistry registry,
      Supplier<StateSnapshot> snapshots,
      AgentConfig.Rollout rollout,
      ZoneId zone,
      String version) {
    this.registry = registry;
    this.snapshots = snapshots;
    this.siteSeries = new SiteSeries(siteFamilies(), AgentMetrics::infoLabels);
    registerReloads();
    Gauge.builder("vcmon.sites.online", () -> snapshots.get().unitsOnline())
        .description("Communes and towns reachable now (UP or DEGRADED)")
        .register(registry);
    for (SiteState s : SiteState.values()) {
      Gauge.builder("vcmon.sites", () -> snapshots.get().count(s))
          .description("Sites per state")
          .tag("state", s.name())
          .register(registry);
    }
    Gauge.builder("vcmon.rollout.sites.connected", () -> snapshots.get().unitsConnected())
        .description("Communes and towns seen fully UP at least once")
        .register(registry);
    Gauge.builder("vcmon.rollout.sites.target", rollout::target)
        .description("Rollout target: communes and towns to connect")
        .register(registry);
    if (rollout.deadline() != null) {
      // Alert rules compare it with time(); a missing series (no deadline) keeps them silent.
      long deadline = rollout.deadline().atStartOfDay(zone).toEpochSecond();
      Gauge.builder("vcmon.rollout.deadline.timestamp", () -> deadline)
          .description("Start of the rollout deadline day in the district's time zone (Unix time)")
          .baseUnit("seconds")
          .register(registry);
    }
    Gauge.builder("vcmon.build.info", () -> 1)
        .description("Build information; value is always 1")
        .tag("version", version)
        .register(registry);
    icmpBatch =
        Timer.builder("vcmon.probe.duration")
            .description("Time of one probe run: one fping batch, or one SNMP poll")
            .tag("probe", "icmp")
            .register(registry);
    snmpPoll =
        Timer.builder("vcmon.probe.duration")
            .description("Time of one probe run: one fping batch, or one SNMP poll")
            .tag("probe", "snmp")
            .register(registry);
    for (SnmpStatus status : SnmpStatus.values()) {
      snmpPolls.put(
          status,
          Counter.builder("vcmon.snmp.polls")
              .description("SNMP polls by outcome")
              .tag("status", status.name())
              .register(registry));
    }
    checkDuration =
        Timer.builder("vcmon.check.duration")
            .description("Time of one site check, ICMP and SNMP together")
            .register(registry);
    checkDelay =
        Timer.builder("vcmon.check.delay")
            .description("How long after its due time a check started")
            .register(registry);
    lateChecks =
        Counter.builder("vcmon.checks.late")
            .description("Checks that started more than 1 s after their due time")
            .register(registry);
    Gauge.builder("vcmon.notifications.queued", outboxQueued, AtomicLong::get)
        .description("Notifications stored in the outbox and not delivered yet, all channels")
        .register(registry);
    Gauge.builder("vcmon.notifications.oldest.queued.age", outboxOldestMillis, l -> l.get() / 1000.0)
        .description("Age of the oldest undelivered notification; 0 when none is queued")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("vcmon.schedule.lag", lagMillis, l -> l.get() / 1000.0)
        .description("How late the most overdue check was at the last scheduler tick")
        .baseUnit("seconds")
        .register(registry);
  }

  /** The per-site families, in the order they are written; names as exported. */
  private static List<SiteSeries.Family> siteFamilies() {
    return List.of(
        gauge("vcmon_site_up", "1 when the site is reachable (UP or DEGRADED), else 0", s -> s.state().isOnline() ? 1 : 0),
        gauge("vcmon_site_state", "1 for the site's current state", SiteSeries.STATE),
        gauge("vcmon_site_info", "Site metadata for dashboards and maps; value is always 1", SiteSeries.INFO),
        gauge("vcmon_site_flapping", "1 while the site is flagged as flapping", s -> s.flapping() ? 1 : 0),
        gauge(
            "vcmon_site_last_change_timestamp_seconds",
            "When the site entered its current state (Unix time)",
            s -> s.since().toEpochMilli() / 1000.0),
        new SiteSeries.Family(
            "vcmon_site_reboots_total",
            "counter",
            "Reboots seen (sysUpTime went backwards) since vcmon started",
            false,
            SiteStatus::reboots),
        gauge("vcmon_icmp_packet_loss_ratio", "Packet loss of the last check, 0..1", s -> icmp(s, IcmpResult::lossRatio)),
        gauge("vcmon_icmp_rtt_seconds", "Average RTT of the last check", s -> icmp(s, IcmpResult::rttAvgSeconds)),
        gauge("vcmon_icmp_jitter_seconds", "RTT jitter of the last check", s -> icmp(s, IcmpResult::jitterSeconds)),
        new SiteSeries.Family(
            "vcmon_snmp_up", "gauge", "1 when the last SNMP poll answered", true,
            s -> s.snmp() != null && s.snmp().ok() ? 1 : 0),
        new SiteSeries.Family(
            "vcmon_snmp_uptime_seconds", "gauge", "sysUpTime of the last SNMP answer", true,
            s -> s.lastSnmpOk() == null ? Double.NaN : s.lastSnmpOk().uptimeSeconds()));
  }

  private static SiteSeries.Family gauge(String name, String help, ToDoubleFunction<SiteStatus> value) {
    return new SiteSeries.Family(name, "gauge", help, false, value);
  }

  /** Labels of vcmon_site_info, sorted by name like every other series. */
  private static String infoLabels(Site site) {
    StringBuilder b = new StringBuilder();
    label(b, "code", site.code());
    label(b, "lat", site.location() == null ? "" : format(site.location().lat()));
    label(b, "lon", site.location() == null ? "" : format(site.location().lon()));
    label(b, "name", site.name());
    // Lets alert routing silence the communes behind a DOWN uplink.
    label(b, "parent", site.parent() == null ? "" : site.parent());
    label(b, "site", site.id());
    label(b, "type", site.type().label());
    return b.substring(1);
  }

  private static void label(StringBuilder b, String name, String value) {
    b.append(',').append(name).append("=\"").append(SiteSeries.escape(value == null ? "" : value)).append('"');
  }

  /**
   * The whole {@code /metrics} text, in pieces to send one after the other: the registry's
   * meters, then the per-site series of the latest snapshot. CPU work proportional to the site
   * count: call it off the event loop.
   */
  public List<byte[]> scrape() {
    String text = registry instanceof PrometheusMeterRegistry p ? p.scrape() : "";
    List<byte[]> sites = siteSeries.render(snapshots.get());
    List<byte[]> all = new ArrayList<>(sites.size() + 2);
    all.add(text.getBytes(StandardCharsets.UTF_8));
    all.addAll(sites);
    ClusterSeries cluster = clusterSeries;
    if (cluster != null) {
      all.add(cluster.render());
    }
    return all;
  }

  private static double icmp(SiteStatus s, ToDoubleFunction<IcmpResult> f) {
    return s.icmp() == null ? Double.NaN : f.applyAsDouble(s.icmp());
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.5f", v);
  }

  public void recordIcmpBatch(Duration elapsed) {
    icmpBatch.record(elapsed);
  }

  public void recordSnmpPoll(Duration elapsed, SnmpResult result) {
    snmpPoll.record(elapsed);
    snmpPolls.get(result == null ? SnmpStatus.UNAVAILABLE : result.status()).increment();
  }

  public void recordCheck(Duration elapsed) {
    checkDuration.record(elapsed);
  }

  /** {@code vcmon_cluster_members}: agents in the cluster now, this one included (clustered agents only). */
  public void clusterMembers(Supplier<Integer> up) {
    Gauge.builder("vcmon.cluster.members", up, u -> u.get())
        .description("Agents that are members of the cluster now, this one included")
        .strongReference(true)
        .register(registry);
  }

  /**
   * The rest of a clustered agent's metrics: {@code vcmon_cluster_members_configured} (the size
   * of {@code cluster.members}), {@code vcmon_sites_owned}, {@code vcmon_vantage_up{vantage}} for
   * every member seen with a vantage, and {@code vcmon_site_vantage_state} once {@link
   * #siteVantageStates} is given. A configured member never seen has no vantage yet, hence no
   * {@code vcmon_vantage_up} series (an address is no vantage, and a label that changes from
   * address to vantage would break every rule over time): compare {@code vcmon_cluster_members}
   * with {@code vcmon_cluster_members_configured} to see it.
   */
  public void cluster(MemberView members, int configured) {
    ClusterSeries series = new ClusterSeries(members);
    Gauge.builder("vcmon.cluster.members.configured", () -> configured)
        .description("Agents listed in cluster.members, this one included")
        .register(registry);
    Gauge.builder("vcmon.sites.owned", series, s -> s.owned(siteIds()))
        .description("Sites whose notifications this agent sends now (their owner over the live members)")
        .strongReference(true)
        .register(registry);
    clusterSeries = series;
  }

  /**
   * Feeds {@code vcmon_site_vantage_state{site,vantage,state}}: site id → vantage → that vantage's
   * latest verdict. A supplier that hands the same map again costs nothing; null or empty writes
   * no series. Only for a clustered agent ({@link #cluster} first).
   */
  public void siteVantageStates(Supplier<Map<String, Map<String, SiteState>>> states) {
    ClusterSeries series = clusterSeries;
    if (series == null) {
      throw new IllegalStateException("siteVantageStates needs cluster(...) first: a single agent has no vantages");
    }
    series.states(states);
  }

  private List<String> siteIds() {
    List<SiteStatus> sites = snapshots.get().sites();
    List<String> ids = new ArrayList<>(sites.size());
    for (SiteStatus s : sites) {
      ids.add(s.id());
    }
    return ids;
  }

  /** Registers the history store's health: writable, writes held in memory, dropped, errors. */
  public void store(Supplier<StoreHealth> health) {
    Gauge.builder("vcmon.store.writable", health, h -> h.get().writable() ? 1 : 0)
        .description("1 while history writes succeed; 0 while they fail and are held in memory")
        .strongReference(true)
        .register(registry);
    Gauge.builder("vcmon.store.backlog", health, h -> h.get().backlogRecords())
        .description("History records held in memory until the store takes writes again")
        .baseUnit("records")
        .strongReference(true)
        .register(registry);
    FunctionCounter.builder("vcmon.store.dropped", health, h -> h.get().droppedRecords())
        .description("History records given up because the in-memory backlog was full")
        .baseUnit("records")
        .register(registry);
    FunctionCounter.builder("vcmon.store.errors", health, h -> h.get().failedWrites())
        .description("History write attempts that failed (disk full, read-only, I/O), retries included")
        .register(registry);
  }

  /** A check started {@code delayMillis} after it was due. */
  public void recordCheckDelay(long delayMillis) {
    checkDelay.record(delayMillis, TimeUnit.MILLISECONDS);
    if (delayMillis > LATE_MILLIS) {
      lateChecks.increment();
    }
  }

  /** A notification reached {@code channel}. */
  public void notificationSent(String channel) {
    notificationCounter("vcmon.notifications.sent", "Notifications delivered", channel).increment();
  }

  /** One delivery attempt to {@code channel} failed (it will be retried). */
  public void notificationFailed(String channel) {
    notificationCounter("vcmon.notifications.failed", "Notification delivery attempts that failed", channel)
        .increment();
  }

  /** A notification {@code channel} refused for good (not retried). */
  public void notificationAbandoned(String channel) {
    notificationCounter(
            "vcmon.notifications.abandoned",
            "Notifications a channel refused for good (unknown recipient, bot not in the chat), not retried",
            channel)
        .increment();
  }

  /** A delivery attempt to {@code channel} that repeats an earlier failed one. */
  public void notificationRetried(String channel) {
    notificationCounter("vcmon.notifications.retried", "Notification delivery attempts after a failure", channel)
        .increment();
  }

  /**
   * The agent takes SNMP notifications: {@code vcmon_traps_received_total{result}} starts at 0 for
   * every result, so a rate can be taken before the first one arrives.
   */
  public void traps() {
    for (TrapResult r : TrapResult.values()) {
      traps.computeIfAbsent(
          r,
          k ->
              Counter.builder("vcmon.traps.received")
                  .description("Datagrams on the trap port by what became of them")
                  .tag("result", k.label())
                  .register(registry));
    }
  }

  /** One datagram on the trap port; any thread. */
  public void trapReceived(TrapResult result) {
    Counter c = traps.get(result);
    if (c != null) {
      c.increment();
    }
  }

  /**
   * An API write or sign-in refused: {@code missing}, {@code invalid}, {@code locked} (address
   * locked out), {@code cross_origin} or {@code csrf} (a session cookie without its CSRF token).
   */
  public void adminAuthFailure(String reason) {
    Counter.builder("vcmon.admin.auth.failures")
        .description("API writes and sign-ins refused: no token, a wrong token, an address locked out, another origin or no CSRF token")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** The outbox's backlog, as last read from the store. */
  public void setOutbox(int queued, Duration oldestAge) {
    outboxQueued.set(queued);
    outboxOldestMillis.set(oldestAge.toMillis());
  }

  private Counter notificationCounter(String name, String help, String channel) {
    // Micrometer returns the registered counter when one with these tags exists.
    return Counter.builder(name).description(help).tag("channel", channel).register(registry);
  }

  public void setScheduleLag(long millis) {
    lagMillis.set(millis);
  }

  /** Registers {@code vcmon_probe_available{probe}}: 0 while a probe cannot run here at all. */
  public void probeAvailable(String probe, Supplier<Boolean> available) {
    Gauge.builder("vcmon.probe.available", available, a -> a.get() ? 1 : 0)
        .description("1 when the probe can run on this machine (e.g. fping present and permitted)")
        .tag("probe", probe)
        .strongReference(true)
        .register(registry);
  }

  /** Registers a counter function for checks that could not start on time. */
  public void skippedChecks(Supplier<Long> skipped) {
    FunctionCounter.builder("vcmon.checks.skipped", skipped, s -> s.get())
        .description("Checks that could not start on time because the previous one still ran")
        .register(registry);
  }

  /**
   * Follows a reloaded inventory. Per-site series come from each snapshot, so removed sites are
   * gone and new ones appear by themselves; only the metadata of sites no longer as they were is
   * forgotten.
   */
  public void inventory(Inventory next) {
    siteSeries.retain(next.sites());
  }

  private void registerReloads() {
    for (boolean ok : new boolean[] {true, false}) {
      reloads.put(
          ok,
          Counter.builder("vcmon.config.reloads")
              .description("Config reloads (SIGHUP or the admin API) by result")
              .tag("result", ok ? "ok" : "failed")
              .register(registry));
    }
    Gauge.builder("vcmon.config.last.reload.success", lastReloadOk, AtomicLong::get)
        .description("1 when the last config reload was applied (or none was tried), 0 when it was rejected")
        .register(registry);
    Gauge.builder("vcmon.config.last.reload.success.timestamp", lastReloadOkMillis, l -> l.get() / 1000.0)
        .description("When the config in force was last loaded successfully (start or reload; Unix time)")
        .baseUnit("seconds")
        .register(registry);
  }

  /** A config reload ended: applied ({@code ok}) or rejected. */
  public void configReload(boolean ok, Instant at) {
    reloads.get(ok).increment();
    lastReloadOk.set(ok ? 1 : 0);
    if (ok) {
      lastReloadOkMillis.set(at.toEpochMilli());
    }
  }
}
