package org.daitu.vcmon.config;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.inventory.Inventory;

/**
 * The whole validated agent configuration. Immutable. Defaults live in {@link Defaults}; the
 * loader ({@link ConfigLoader}) fills them in for every key the file leaves out.
 */
public record AgentConfig(
    Path source,
    Http http,
    Probe probe,
    State state,
    Map<String, SnmpProfile> snmpProfiles,
    Rollout rollout,
    Store store,
    Alerts alerts,
    Inventory inventory,
    ZoneId zone,
    SelfCheck selfCheck,
    List<Maintenance> maintenance,
    List<Meeting> meetings,
    Cluster cluster,
    Traps traps) {

  // A copy with one part replaced, so that callers need not repeat the other thirteen.

  public AgentConfig withSource(Path value) {
    return new AgentConfig(
        value, http, probe, state, snmpProfiles, rollout, store, alerts, inventory, zone, selfCheck, maintenance, meetings, cluster, traps);
  }

  public AgentConfig withHttp(Http value) {
    return new AgentConfig(
        source, value, probe, state, snmpProfiles, rollout, store, alerts, inventory, zone, selfCheck, maintenance, meetings, cluster, traps);
  }

  public AgentConfig withProbe(Probe value) {
    return new AgentConfig(
        source, http, value, state, snmpProfiles, rollout, store, alerts, inventory, zone, selfCheck, maintenance, meetings, cluster, traps);
  }

  public AgentConfig withState(State value) {
    return new AgentConfig(
        source, http, probe, value, snmpProfiles, rollout, store, alerts, inventory, zone, selfCheck, maintenance, meetings, cluster, traps);
  }

  public AgentConfig withSnmpProfiles(Map<String, SnmpProfile> value) {
    return new AgentConfig(
        source, http, probe, state, value, rollout, store, alerts, inventory, zone, selfCheck, maintenance, meetings, cluster, traps);
  }

  public AgentConfig withRollout(Rollout value) {
    return new AgentConfig(
        source, http, probe, state, snmpProfiles, value, store, alerts, inventory, zone, selfCheck, maintenance, meetings, cluster, traps);
  }

  public AgentConfig withStore(Store value) {
    return new AgentConfig(
        source, http, probe, state, snmpProfiles, rollout, value, alerts, inventory, zone, selfCheck, maintenance, meetings, cluster, traps);
  }

  public AgentConfig withAlerts(Alerts value) {
    return new AgentConfig(
        source, http, probe, state, snmpProfiles, rollout, store, value, inventory, zone, selfCheck, maintenance, meetings, cluster, traps);
  }

  public AgentConfig withInventory(Inventory value) {
    return new AgentConfig(
        source, http, probe, state, snmpProfiles, rollout, store, alerts, value, zone, selfCheck, maintenance, meetings, cluster, traps);
  }

  public AgentConfig withZone(ZoneId value) {
    return new AgentConfig(
        source, http, probe, state, snmpProfiles, rollout, store, alerts, inventory, value, selfCheck, maintenance, meetings, cluster, traps);
  }

  public AgentConfig withSelfCheck(SelfCheck value) {
    return new AgentConfig(
        source, http, probe, state, snmpProfiles, rollout, store, alerts, inventory, zone, value, maintenance, meetings, cluster, traps);
  }

  public AgentConfig withMaintenance(List<Maintenance> value) {
    return new AgentConfig(
        source, http, probe, state, snmpProfiles, rollout, store, alerts, inventory, zone, selfCheck, value, meetings, cluster, traps);
  }

  public AgentConfig withMeetings(List<Meeting> value) {
    return new AgentConfig(
        source, http, probe, state, snmpProfiles, rollout, store, alerts, inventory, zone, selfCheck, maintenance, value, cluster, traps);
  }

  public AgentConfig withCluster(Cluster value) {
    return new AgentConfig(
        source, http, probe, state, snmpProfiles, rollout, store, alerts, inventory, zone, selfCheck, maintenance, meetings, value, traps);
  }

  public AgentConfig withTraps(Traps value) {
    return new AgentConfig(
        source, http, probe, state, snmpProfiles, rollout, store, alerts, inventory, zone, selfCheck, maintenance, meetings, cluster, value);
  }

  /** Whether this agent is one of several ({@code cluster:} is set). */
  public boolean clustered() {
    return cluster != null;
  }

  /**
   * {@code http:} the web server (status page, API, metrics).
   *
   * @param adminToken bearer token every write through the API must carry; null when no token is
   *     configured, and then writes are disabled
   * @param corsOrigins origins whose scripts may read the API ({@code http.cors.allowed_origins});
   *     empty: CORS is off
   * @param tls certificate and key to serve HTTPS with; null: plain HTTP
   * @param operators everyone who may write ({@code http.operators}, and {@code admin} for {@code
   *     http.admin_token_env}), in file order; empty: writes are disabled
   */
  public record Http(
      String host, int port, Secret adminToken, List<String> corsOrigins, Tls tls, List<Operator> operators) {
    public Http {
      operators = List.copyOf(operators);
    }

    public Http(String host, int port) {
      this(host, port, null);
    }

    public Http(String host, int port, Secret adminToken) {
      this(host, port, adminToken, List.of(), null);
    }

    /** Only {@code http.admin_token_env}'s operator, if any. */
    public Http(String host, int port, Secret adminToken, List<String> corsOrigins, Tls tls) {
      this(
          host, port, adminToken, corsOrigins, tls,
          adminToken == null ? List.of() : List.of(new Operator(Operator.ADMIN, adminToken)));
    }

    public Http withPort(int newPort) {
      return new Http(host, newPort, adminToken, corsOrigins, tls, operators);
    }

    /** These settings with the operators (and admin token) of {@code other}: what a reload applies. */
    public Http withOperatorsOf(Http other) {
      return new Http(host, port, other.adminToken, corsOrigins, tls, other.operators);
    }
  }

  /**
   * One of {@code http.operators}: who may write through the API or sign in to a session.
   *
   * @param name shown in the audit log
   * @param token the bearer token, also what signing in takes
   */
  public record Operator(String name, Secret token) {
    /** The operator of {@code http.admin_token_env}. */
    public static final String ADMIN = "admin";
  }

  /** {@code http.tls:} PEM files, checked when the config is loaded. */
  public record Tls(Path certFile, Path keyFile) {}

  /**
   * {@code cluster:} this agent is one vantage of several that watch the same sites
   * (docs/cluster.md). Absent (null) for a single agent, which then runs no cluster code.
   *
   * @param name the cluster's name: agents of one name (and one CA) form one cluster
   * @param vantage this agent's vantage id (slug), the {@code vantage} label
   * @param listen where this agent takes cluster traffic; the event bus uses the next port, the
   *     key exchange the one after
   * @param members every agent's {@code listen}, this one's included: the same list on every agent
   */
  public record Cluster(
      String name, String vantage, HostPort listen, List<HostPort> members, ClusterTls tls) {
    public Cluster {
      members = List.copyOf(members);
    }
  }

  /**
   * {@code traps:} SNMP notifications taken as hints (docs/traps.md): a notification from a site
   * makes vcmon check it (and, for a link, the sites behind it) at once; it never sets a state.
   * Absent (null): no port is opened.
   *
   * @param listen where notifications are received, {@code 0.0.0.0:162} by default
   * @param community what v1 and v2c notifications must carry; null: only v3 ones are taken
   * @param profiles names of v3 {@code snmp_profiles} whose users may send notifications
   */
  public record Traps(HostPort listen, Secret community, List<String> profiles) {
    public Traps {
      profiles = List.copyOf(profiles);
    }
  }

  /** An IP address and a port, as {@code 10.0.0.5:7800} or {@code [fd00::5]:7800}. */
  public record HostPort(String host, int port) {
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /**
   * {@code cluster.tls:} PEM files, checked when the config is loaded: the cluster's CA, and this
   * agent's certificate (signed by it) and key.
   */
  public record ClusterTls(Path caFile, Path certFile, Path keyFile) {}

  /**
   * {@code self_check:} addresses vcmon pings to know its own uplink works (the district core
   * router, the gateway). When none answers {@code downAfter} rounds in a row, vcmon cannot see
   * its network: sites become UNKNOWN instead of DOWN and nothing alerts.
   */
  public record SelfCheck(List<String> targets, int downAfter) {
    public boolean enabled() {
      return !targets.isEmpty();
    }
  }

  /**
   * {@code maintenance:} a window from config: one-off ({@code start}..{@code end}) or weekly
   * ({@code day}, {@code from}..{@code to} in the district's time zone). {@code site} null means
   * every site.
   */
  public record Maintenance(
      String site,
      Instant start,
      Instant end,
      DayOfWeek day,
      LocalTime from,
      LocalTime to,
      String note) {}

  /**
   * {@code probe:} how often and how hard each site is checked.
   *
   * @param interval time between two regular checks of one site
   * @param timeout how long one SNMP request or one echo waits for its answer
   * @param recheckInterval time between checks of a site whose last check failed
   */
  public record Probe(
      Duration interval, Duration timeout, Duration recheckInterval, Icmp icmp, Snmp snmp) {

    /** This probe's interval and recheck interval with {@code other}'s timeout, ICMP and SNMP. */
    public Probe withSocketsOf(Probe other) {
      return new Probe(interval, other.timeout, recheckInterval, other.icmp, other.snmp);
    }
  }

  /**
   * {@code probe.icmp:} ICMP settings.
   *
   * @param packets echoes per site per check
   * @param period time between two echoes to the same site (fping -p)
   * @param fping path or name of the fping program
   * @param batchSize most sites handed to one fping process
   * @param engine who sends the echoes: fping processes, or vcmon's own raw socket
   */
  public record Icmp(int packets, Duration period, String fping, int batchSize, IcmpEngine engine) {
    /** With the default engine, fping. */
    public Icmp(int packets, Duration period, String fping, int batchSize) {
      this(packets, period, fping, batchSize, IcmpEngine.FPING);
    }
  }

  /** {@code probe.icmp.engine}: {@code fping} (default) or {@code socket} (in-process). */
  public enum IcmpEngine {
    FPING,
    SOCKET
  }

  /**
   * {@code probe.snmp:} SNMP settings shared by all profiles.
   *
   * @param retries resends of one request after a timeout
   * @param maxInterfaces most interface rows read per check (a bound against endless tables)
   * @param interval SNMP is polled at most this often per site, and at every check after one whose
   *     ping went unanswered; zero polls at every check
   */
  public record Snmp(int retries, int maxInterfaces, Duration interval) {
    /** Polled at every check. */
    public Snmp(int retries, int maxInterfaces) {
      this(retries, maxInterfaces, Duration.ZERO);
    }
  }

  /**
   * {@code state:} how check results become site states.
   *
   * @param downAfter failed checks in a row before a site is DOWN
   * @param upAfter good checks in a row before a site is UP again
   * @param degradedLossRatio packet loss at or above which a reachable site is DEGRADED
   * @param degradedRtt average RTT at or above which a reachable site is DEGRADED
   * @param flapChanges state changes within {@code flapWindow} that mark a site as flapping
   */
  public record State(
      int downAfter,
      int upAfter,
      double degradedLossRatio,
      Duration degradedRtt,
      int flapChanges,
      Duration flapWindow) {}

  /** {@code rollout:} the target (usually the number of communes and towns) and its deadline. */
  public record Rollout(int target, LocalDate deadline) {}

  /** {@code store:} where history is kept. */
  public record Store(Path path) {}

  /**
   * {@code alerts:} what is sent, and where. Severities are {@code info}, {@code warning},
   * {@code critical}; a channel gets its {@code min_severity} and above.
   *
   * @param language "vi" (default) or "en": the language of every message
   * @param digestWindow changes within this window are gathered; when at least {@code
   *     digestMinSites} sites changed, one digest goes out instead of one message each
   * @param degradedAfter a DEGRADED site is announced (to channels that opt in) once it has lasted
   *     this long
   * @param reminderInterval re-announce a site still DOWN this often; zero = never
   */
  public record Alerts(
      String language,
      Duration digestWindow,
      int digestMinSites,
      Duration degradedAfter,
      Duration reminderInterval,
      List<Webhook> webhooks,
      List<Telegram> telegram,
      List<Email> email,
      List<AlertmanagerTarget> alertmanager,
      List<ZaloBot> zaloBot,
      List<ZaloOa> zaloOa) {

    /** The same settings and channels without Zalo (the form written before Zalo existed). */
    public Alerts(
        String language,
        Duration digestWindow,
        int digestMinSites,
        Duration degradedAfter,
        Duration reminderInterval,
        List<Webhook> webhooks,
        List<Telegram> telegram,
        List<Email> email,
        List<AlertmanagerTarget> alertmanager) {
      this(language, digestWindow, digestMinSites, degradedAfter, reminderInterval,
          webhooks, telegram, email, alertmanager, List.of(), List.of());
    }

    /** These message settings with {@code other}'s channels. */
    public Alerts withChannelsOf(Alerts other) {
      return new Alerts(
          language, digestWindow, digestMinSites, degradedAfter, reminderInterval,
          other.webhooks, other.telegram, other.email, other.alertmanager, other.zaloBot, other.zaloOa);
    }

    /** No channels, every default. */
    public static Alerts none() {
      return new Alerts(
          Defaults.ALERT_LANGUAGE,
          Defaults.DIGEST_WINDOW,
          Defaults.DIGEST_MIN_SITES,
          Defaults.DEGRADED_AFTER,
          Defaults.REMINDER_INTERVAL,
          List.of(),
          List.of(),
          List.of(),
          List.of());
    }
  }

  /** A webhook: POST of the notification JSON; header values may be secrets (from env). */
  public record Webhook(String url, Map<String, Secret> headers, String minSeverity, boolean degraded) {}

  /** A Telegram chat through the Bot API's sendMessage; {@code apiBase} default https://api.telegram.org. */
  public record Telegram(
      Secret botToken, String chatId, String apiBase, String minSeverity, boolean degraded) {}

  /**
   * A Zalo group chat through the Zalo Bot Platform's sendMessage (a Telegram-like bot API);
   * {@code apiBase} default https://bot-api.zaloplatforms.com.
   */
  public record ZaloBot(
      Secret botToken, String chatId, String apiBase, String minSeverity, boolean degraded) {}

  /**
   * Consultation messages (API v3 {@code /v3.0/oa/message/cs}) from a Zalo Official Account to
   * each of {@code userIds} (users who follow the OA). The access token comes from {@code
   * refreshToken} (a seed: each refresh returns the next one, kept in the store) and {@code
   * secretKey} at {@code oauthBase}.
   */
  public record ZaloOa(
      String appId,
      Secret secretKey,
      Secret refreshToken,
      List<String> userIds,
      String apiBase,
      String oauthBase,
      String minSeverity,
      boolean degraded) {}

  /** E-mail over SMTP (STARTTLS when {@code starttls}; authentication when a username is set). */
  public record Email(
      String host,
      int port,
      boolean starttls,
      String username,
      Secret password,
      String from,
      List<String> to,
      String minSeverity,
      boolean degraded) {}

  /** An Alertmanager fed through POST /api/v2/alerts; active alerts are re-sent every resendInterval. */
  public record AlertmanagerTarget(
      String url, Duration resendInterval, String minSeverity, boolean degraded) {}

  /**
   * {@code meetings:} a scheduled district or province meeting: one-off ({@code start}) or weekly
   * ({@code day} at {@code time}, in the district's time zone); {@code rooms} are the site ids
   * expected (empty: every commune and town); a readiness summary goes out {@code lead} before.
   */
  public record Meeting(
      String name, Instant start, DayOfWeek day, LocalTime time, List<String> rooms, Duration lead) {}
}
