package org.daitu.vcmon.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every key of the agent config, in one table: its path, kind, default, range and what a reload
 * does with it. The loader takes its lists of known keys (unknown-key problems and "did you mean")
 * and the defaults and ranges of single values from here, {@link Defaults} reads its values from
 * here, and {@link ReloadPlan} reads which settings wait for a restart. Adding a key means one row
 * here and the line of the binder that reads it; {@code ConfigKeysTest} fails when the two drift.
 *
 * <p>Paths use {@code .} between keys, {@code []} for the items of a list ({@code sites[].id}) and
 * {@code *} for a name chosen by the user ({@code snmp_profiles.*.version}). The order of the rows
 * under one parent is the order in which known keys are listed in hints. Immutable.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** What a key holds; {@link #MAP} and {@link #LIST} hold further keys or items. */
  public enum Kind {
    MAP,
    LIST,
    TEXT,
    INTEGER,
    DECIMAL,
    DURATION,
    BOOLEAN,
    DATE,
    PATH,
    /** The name of an environment variable holding a secret. */
    SECRET_ENV,
    /** A secret written in the file (allowed, not advised). */
    SECRET
  }

  /** What reloading the config does when the key changed. */
  public enum Reload {
    /** The running agent takes the new value at once. */
    APPLIED,
    /** Bound at start (a socket, a file, a channel): the new value waits for a restart. */
    NEEDS_RESTART,
    /** SNMP profiles: a v1 or v2c change applies at once, a v3 change waits for a restart. */
    BY_SNMP_VERSION
  }

  /**
   * One key.
   *
   * @param path e.g. {@code probe.interval}
   * @param def the default when the key is left out, or null when there is none (or it is computed,
   *     as {@code rollout.target}, the number of communes and towns)
   * @param min the smallest value allowed, or null
   * @param max the largest value allowed, or null
   * @param example a valid value other than the default, as written in YAML, or null
   */
  public record Key(
      String path, Kind kind, Object def, Object min, Object max, Reload reload, String example) {

    /** The path of the map holding this key: {@code probe.icmp} for {@code probe.icmp.packets}. */
    public String parent() {
      int dot = path.lastIndexOf('.');
      return dot < 0 ? "" : path.substring(0, dot);
    }

    /** The key's own name: {@code packets} for {@code probe.icmp.packets}. */
    public String name() {
      return path.substring(path.lastIndexOf('.') + 1);
    }

    /** Whether the key sits in the items of a list or under a name of the user's choosing. */
    public boolean templated() {
      return path.contains("[]") || path.contains("*");
    }

    Integer intDefault() {
      return (Integer) def;
    }

    int intMin() {
      return (Integer) min;
    }

    int intMax() {
      return (Integer) max;
    }

    Duration durationDefault() {
      return (Duration) def;
    }

    Duration durationMin() {
      return (Duration) min;
    }

    Duration durationMax() {
      return (Duration) max;
    }
  }

  private static final List<Key> ALL = new ArrayList<>();

  private static final Reload APPLIED = Reload.APPLIED;
  private static final Reload RESTART = Reload.NEEDS_RESTART;

  private static Key key(String path, Kind kind, Reload reload) {
    return add(new Key(path, kind, null, null, null, reload, null));
  }

  private static Key text(String path, String def, Reload reload, String example) {
    return add(new Key(path, Kind.TEXT, def, null, null, reload, example));
  }

  private static Key integer(String path, Integer def, int min, int max, Reload reload) {
    String example = def == null ? null : String.valueOf(def + 1 <= max ? def + 1 : def - 1);
    return add(new Key(path, Kind.INTEGER, def, min, max, reload, example));
  }

  private static Key duration(
      String path, Duration def, Duration min, Duration max, Reload reload, String example) {
    return add(new Key(path, Kind.DURATION, def, min, max, reload, example));
  }

  private static Key add(Key k) {
    ALL.add(k);
    return k;
  }

  private static Duration ms(long n) {
    return Duration.ofMillis(n);
  }

  private static Duration s(long n) {
    return Duration.ofSeconds(n);
  }

  private static Duration m(long n) {
    return Duration.ofMinutes(n);
  }

  private static Duration h(long n) {
    return Duration.ofHours(n);
  }

  // The top level, in the order hints list them.
  public static final Key HTTP = key("http", Kind.MAP, RESTART);
  public static final Key PROBE = key("probe", Kind.MAP, APPLIED);
  public static final Key STATE = key("state", Kind.MAP, APPLIED);
  public static final Key SNMP_PROFILES = key("snmp_profiles", Kind.MAP, Reload.BY_SNMP_VERSION);
  public static final Key ROLLOUT = key("rollout", Kind.MAP, RESTART);
  public static final Key STORE = key("store", Kind.MAP, RESTART);
  public static final Key ALERTS = key("alerts", Kind.MAP, APPLIED);
  public static final Key SEEDS = key("seeds", Kind.PATH, APPLIED);
  public static final Key SITES = key("sites", Kind.LIST, APPLIED);
  public static final Key SITES_FILE = key("sites_file", Kind.PATH, APPLIED);
  public static final Key TIMEZONE = text("timezone", "Asia/Ho_Chi_Minh", RESTART, "UTC");
  public static final Key SELF_CHECK = key("self_check", Kind.MAP, RESTART);
  public static final Key MAINTENANCE = key("maintenance", Kind.LIST, APPLIED);
  public static final Key MEETINGS = key("meetings", Kind.LIST, APPLIED);
  /** Several agents (docs/cluster.md); without it the agent runs alone and starts no cluster code. */
  public static final Key CLUSTER = key("cluster", Kind.MAP, RESTART);
  /** SNMP notifications as hints (docs/traps.md); without it no port is opened. */
  public static final Key TRAPS = key("traps", Kind.MAP, RESTART);

  public static final Key HTTP_HOST = text("http.host", "0.0.0.0", RESTART, "127.0.0.1");
  public static final Key HTTP_PORT = integer("http.port", 8080, 0, 65535, RESTART);
  /** The operator {@code admin}; a reload applies it, as it does {@code http.operators}. */
  public static final Key HTTP_ADMIN_TOKEN_ENV = key("http.admin_token_env", Kind.SECRET_ENV, APPLIED);
  /** Who may write and sign in; a reload applies them, and ends the sessions of removed ones. */
  public static final Key HTTP_OPERATORS = key("http.operators", Kind.LIST, APPLIED);
  public static final Key HTTP_OPERATORS_NAME = key("http.operators[].name", Kind.TEXT, APPLIED);
  public static final Key HTTP_OPERATORS_TOKEN_ENV =
      key("http.operators[].token_env", Kind.SECRET_ENV, APPLIED);
  public static final Key HTTP_CORS = key("http.cors", Kind.MAP, RESTART);
  public static final Key HTTP_TLS = key("http.tls", Kind.MAP, RESTART);
  public static final Key HTTP_CORS_ALLOWED_ORIGINS = key("http.cors.allowed_origins", Kind.LIST, RESTART);
  public static final Key HTTP_TLS_CERT_FILE = key("http.tls.cert_file", Kind.PATH, RESTART);
  public static final Key HTTP_TLS_KEY_FILE = key("http.tls.key_file", Kind.PATH, RESTART);

  public static final Key PROBE_INTERVAL =
      duration("probe.interval", s(8), s(1), h(1), APPLIED, "31s");
  public static final Key PROBE_TIMEOUT =
      duration("probe.timeout", s(1), ms(100), s(30), RESTART, "3s");
  public static final Key PROBE_RECHECK_INTERVAL =
      duration("probe.recheck_interval", s(1), ms(500), h(1), APPLIED, "6s");
  public static final Key PROBE_ICMP = key("probe.icmp", Kind.MAP, RESTART);
  public static final Key PROBE_SNMP = key("probe.snmp", Kind.MAP, RESTART);
  public static final Key ICMP_PACKETS = integer("probe.icmp.packets", 4, 1, 20, RESTART);
  /**
   * 4 echoes 100 ms apart: a check that gets no answer ends 1.3 s after it began (with the 1 s
   * timeout), and a 20%-lossy link loses all four with p = 0.0016.
   */
  public static final Key ICMP_PERIOD =
      duration("probe.icmp.period", ms(100), ms(10), s(10), RESTART, "250ms");
  public static final Key ICMP_FPING = text("probe.icmp.fping", "fping", RESTART, "/usr/sbin/fping");
  public static final Key ICMP_BATCH_SIZE = integer("probe.icmp.batch_size", 500, 1, 10_000, RESTART);
  public static final Key ICMP_ENGINE = text("probe.icmp.engine", "fping", RESTART, "socket");
  public static final Key SNMP_RETRIES = integer("probe.snmp.retries", 0, 0, 5, RESTART);
  /**
   * SNMP is polled at most this often per site (0s: every check), and at every check after one
   * whose ping or SNMP went unanswered, so a site that filters ICMP is still judged by SNMP and a
   * silent agent is confirmed as fast as before. A poll (system group, interface table) costs
   * about 3 KB, the bytes of five checks' echoes: every minute it would lift a site over 1 kbit/s.
   * DEGRADED is a warning only after alerts.degraded_after (10 minutes), so 5 minutes costs no
   * warning its time.
   */
  public static final Key SNMP_INTERVAL =
      duration("probe.snmp.interval", m(5), Duration.ZERO, h(1), RESTART, "2m");
  /**
   * Interface (and vendor table) rows read per poll. A 48-port switch has over 100 rows (ports,
   * VLANs, stack ports); a codec a handful. The walk ends at the table's end, so a high bound
   * costs nothing where tables are short; a table longer than it is reported as partial.
   */
  public static final Key SNMP_MAX_INTERFACES =
      integer("probe.snmp.max_interfaces", 1000, 0, 10_000, RESTART);

  public static final Key STATE_DOWN_AFTER = integer("state.down_after", 3, 1, 20, APPLIED);
  public static final Key STATE_UP_AFTER = integer("state.up_after", 2, 1, 20, APPLIED);
  public static final Key STATE_DEGRADED = key("state.degraded", Kind.MAP, APPLIED);
  public static final Key STATE_FLAPPING = key("state.flapping", Kind.MAP, APPLIED);
  public static final Key DEGRADED_LOSS_RATIO =
      add(new Key("state.degraded.loss_ratio", Kind.DECIMAL, 0.5, 0.0, 1.0, APPLIED, "0.6"));
  public static final Key DEGRADED_RTT =
      duration("state.degraded.rtt", ms(500), ms(1), m(1), APPLIED, "600ms");
  public static final Key FLAP_CHANGES = integer("state.flapping.changes", 6, 2, 100, APPLIED);
  public static final Key FLAP_WINDOW =
      duration("state.flapping.window", m(15), m(1), h(24), APPLIED, "20m");

  public static final Key PROFILE = key("snmp_profiles.*", Kind.MAP, Reload.BY_SNMP_VERSION);
  public static final Key PROFILE_VERSION = text("snmp_profiles.*.version", null, Reload.BY_SNMP_VERSION, null);
  public static final Key PROFILE_COMMUNITY = key("snmp_profiles.*.community", Kind.SECRET, Reload.BY_SNMP_VERSION);
  public static final Key PROFILE_COMMUNITY_ENV = key("snmp_profiles.*.community_env", Kind.SECRET_ENV, Reload.BY_SNMP_VERSION);
  public static final Key PROFILE_USER = text("snmp_profiles.*.user", null, Reload.BY_SNMP_VERSION, null);
  public static final Key PROFILE_AUTH_PROTOCOL = text("snmp_profiles.*.auth_protocol", null, Reload.BY_SNMP_VERSION, null);
  public static final Key PROFILE_AUTH_PASSWORD = key("snmp_profiles.*.auth_password", Kind.SECRET, Reload.BY_SNMP_VERSION);
  public static final Key PROFILE_AUTH_PASSWORD_ENV = key("snmp_profiles.*.auth_password_env", Kind.SECRET_ENV, Reload.BY_SNMP_VERSION);
  public static final Key PROFILE_PRIV_PROTOCOL = text("snmp_profiles.*.priv_protocol", null, Reload.BY_SNMP_VERSION, null);
  public static final Key PROFILE_PRIV_PASSWORD = key("snmp_profiles.*.priv_password", Kind.SECRET, Reload.BY_SNMP_VERSION);
  public static final Key PROFILE_PRIV_PASSWORD_ENV = key("snmp_profiles.*.priv_password_env", Kind.SECRET_ENV, Reload.BY_SNMP_VERSION);

  /** Default: the number of communes and towns among the sites. */
  public static final Key ROLLOUT_TARGET =
      add(new Key("rollout.target", Kind.INTEGER, null, 1, Integer.MAX_VALUE, RESTART, null));
  public static final Key ROLLOUT_DEADLINE =
      add(new Key("rollout.deadline", Kind.DATE, null, null, null, RESTART, "2020-08-31"));

  public static final Key STORE_PATH =
      add(new Key("store.path", Kind.PATH, "data/vcmon.db", null, null, RESTART, "data/other.db"));

  public static final Key ALERTS_LANGUAGE = text("alerts.language", "vi", APPLIED, "en");
  public static final Key ALERTS_DIGEST = key("alerts.digest", Kind.MAP, APPLIED);
  public static final Key ALERTS_DEGRADED_AFTER =
      duration("alerts.degraded_after", m(10), Duration.ZERO, h(24), APPLIED, "11m");
  public static final Key ALERTS_REMINDER_INTERVAL =
      duration("alerts.reminder_interval", Duration.ZERO, Duration.ZERO, h(168), APPLIED, "1h");
  public static final Key ALERTS_ZALO_BOT = key("alerts.zalo_bot", Kind.LIST, RESTART);
  public static final Key ALERTS_ZALO_OA = key("alerts.zalo_oa", Kind.LIST, RESTART);
  public static final Key ALERTS_WEBHOOKS = key("alerts.webhooks", Kind.LIST, RESTART);
  public static final Key ALERTS_TELEGRAM = key("alerts.telegram", Kind.LIST, RESTART);
  public static final Key ALERTS_EMAIL = key("alerts.email", Kind.LIST, RESTART);
  public static final Key ALERTS_ALERTMANAGER = key("alerts.alertmanager", Kind.LIST, RESTART);
  /** Changes this close together are gathered, so a district link failure is one message. */
  public static final Key DIGEST_WINDOW =
      duration("alerts.digest.window", s(10), Duration.ZERO, m(10), APPLIED, "20s");
  public static final Key DIGEST_MIN_SITES =
      integer("alerts.digest.min_sites", 3, 2, 100_000, APPLIED);

  public static final Key ZALO_BOT_TOKEN_ENV = key("alerts.zalo_bot[].bot_token_env", Kind.SECRET_ENV, RESTART);
  public static final Key ZALO_BOT_CHAT_ID = key("alerts.zalo_bot[].chat_id", Kind.TEXT, RESTART);
  public static final Key ZALO_BOT_API_BASE =
      text("alerts.zalo_bot[].api_base", "https://bot-api.zaloplatforms.com", RESTART, null);
  public static final Key ZALO_BOT_MIN_SEVERITY = text("alerts.zalo_bot[].min_severity", "warning", RESTART, "critical");
  public static final Key ZALO_BOT_DEGRADED = key("alerts.zalo_bot[].degraded", Kind.BOOLEAN, RESTART);

  public static final Key ZALO_OA_APP_ID = key("alerts.zalo_oa[].app_id", Kind.TEXT, RESTART);
  public static final Key ZALO_OA_SECRET_KEY_ENV = key("alerts.zalo_oa[].secret_key_env", Kind.SECRET_ENV, RESTART);
  /** Only the first refresh token: each refresh returns the next one, kept in the store. */
  public static final Key ZALO_OA_REFRESH_TOKEN_ENV =
      key("alerts.zalo_oa[].refresh_token_env", Kind.SECRET_ENV, RESTART);
  public static final Key ZALO_OA_USER_IDS = key("alerts.zalo_oa[].user_ids", Kind.LIST, RESTART);
  public static final Key ZALO_OA_API_BASE =
      text("alerts.zalo_oa[].api_base", "https://openapi.zalo.me", RESTART, null);
  public static final Key ZALO_OA_OAUTH_BASE =
      text("alerts.zalo_oa[].oauth_base", "https://oauth.zaloapp.com", RESTART, null);
  public static final Key ZALO_OA_MIN_SEVERITY = text("alerts.zalo_oa[].min_severity", "warning", RESTART, "critical");
  public static final Key ZALO_OA_DEGRADED = key("alerts.zalo_oa[].degraded", Kind.BOOLEAN, RESTART);

  public static final Key WEBHOOK_URL = key("alerts.webhooks[].url", Kind.TEXT, RESTART);
  public static final Key WEBHOOK_HEADERS = key("alerts.webhooks[].headers", Kind.MAP, RESTART);
  public static final Key WEBHOOK_HEADERS_ENV = key("alerts.webhooks[].headers_env", Kind.MAP, RESTART);
  public static final Key WEBHOOK_MIN_SEVERITY = text("alerts.webhooks[].min_severity", "warning", RESTART, "critical");
  public static final Key WEBHOOK_DEGRADED = key("alerts.webhooks[].degraded", Kind.BOOLEAN, RESTART);

  public static final Key TELEGRAM_BOT_TOKEN_ENV = key("alerts.telegram[].bot_token_env", Kind.SECRET_ENV, RESTART);
  public static final Key TELEGRAM_CHAT_ID = key("alerts.telegram[].chat_id", Kind.TEXT, RESTART);
  public static final Key TELEGRAM_API_BASE =
      text("alerts.telegram[].api_base", "https://api.telegram.org", RESTART, null);
  public static final Key TELEGRAM_MIN_SEVERITY = text("alerts.telegram[].min_severity", "warning", RESTART, "critical");
  public static final Key TELEGRAM_DEGRADED = key("alerts.telegram[].degraded", Kind.BOOLEAN, RESTART);

  public static final Key EMAIL_HOST = key("alerts.email[].host", Kind.TEXT, RESTART);
  public static final Key EMAIL_PORT = integer("alerts.email[].port", 587, 1, 65535, RESTART);
  public static final Key EMAIL_STARTTLS =
      add(new Key("alerts.email[].starttls", Kind.BOOLEAN, true, null, null, RESTART, "false"));
  public static final Key EMAIL_USERNAME = key("alerts.email[].username", Kind.TEXT, RESTART);
  public static final Key EMAIL_PASSWORD_ENV = key("alerts.email[].password_env", Kind.SECRET_ENV, RESTART);
  public static final Key EMAIL_FROM = key("alerts.email[].from", Kind.TEXT, RESTART);
  public static final Key EMAIL_TO = key("alerts.email[].to", Kind.LIST, RESTART);
  public static final Key EMAIL_MIN_SEVERITY = text("alerts.email[].min_severity", "warning", RESTART, "critical");
  public static final Key EMAIL_DEGRADED = key("alerts.email[].degraded", Kind.BOOLEAN, RESTART);

  public static final Key ALERTMANAGER_URL = key("alerts.alertmanager[].url", Kind.TEXT, RESTART);
  public static final Key ALERTMANAGER_RESEND_INTERVAL =
      duration("alerts.alertmanager[].resend_interval", m(1), s(10), h(1), RESTART, "2m");
  public static final Key ALERTMANAGER_MIN_SEVERITY =
      text("alerts.alertmanager[].min_severity", "warning", RESTART, "critical");
  public static final Key ALERTMANAGER_DEGRADED = key("alerts.alertmanager[].degraded", Kind.BOOLEAN, RESTART);

  public static final Key SITE_ID = key("sites[].id", Kind.TEXT, APPLIED);
  public static final Key SITE_NAME = key("sites[].name", Kind.TEXT, APPLIED);
  public static final Key SITE_TYPE = key("sites[].type", Kind.TEXT, APPLIED);
  public static final Key SITE_CODE = key("sites[].code", Kind.TEXT, APPLIED);
  public static final Key SITE_ADDRESS = key("sites[].address", Kind.TEXT, APPLIED);
  public static final Key SITE_SNMP = key("sites[].snmp", Kind.MAP, APPLIED);
  public static final Key SITE_PARENT = key("sites[].parent", Kind.TEXT, APPLIED);
  public static final Key SITE_ROLLOUT = key("sites[].rollout", Kind.MAP, APPLIED);
  public static final Key SITE_LOCATION = key("sites[].location", Kind.MAP, APPLIED);
  public static final Key SITE_SNMP_PROFILE = key("sites[].snmp.profile", Kind.TEXT, APPLIED);
  public static final Key SITE_SNMP_PORT = integer("sites[].snmp.port", 161, 1, 65535, APPLIED);
  /** Interfaces that judge the site besides the one carrying its address: names, aliases, indexes. */
  public static final Key SITE_SNMP_INTERFACES = key("sites[].snmp.interfaces", Kind.LIST, APPLIED);
  /**
   * A site without a stage is installed: listed in the config, so its room is expected to answer.
   * Only sites marked {@code planned} are not.
   */
  public static final Key SITE_ROLLOUT_STAGE =
      text("sites[].rollout.stage", "installed", APPLIED, "connected");
  /** The vantages that watch the site (cluster.vantage ids); left out: every vantage. */
  public static final Key SITE_VANTAGES = key("sites[].vantages", Kind.LIST, APPLIED);
  public static final Key SITE_LAT = key("sites[].location.lat", Kind.DECIMAL, APPLIED);
  public static final Key SITE_LON = key("sites[].location.lon", Kind.DECIMAL, APPLIED);

  public static final Key SELF_CHECK_TARGETS = key("self_check.targets", Kind.LIST, RESTART);
  public static final Key SELF_CHECK_DOWN_AFTER = integer("self_check.down_after", 2, 1, 10, RESTART);

  public static final Key MAINTENANCE_SITE = key("maintenance[].site", Kind.TEXT, APPLIED);
  public static final Key MAINTENANCE_START = key("maintenance[].start", Kind.TEXT, APPLIED);
  public static final Key MAINTENANCE_END = key("maintenance[].end", Kind.TEXT, APPLIED);
  public static final Key MAINTENANCE_WEEKLY = key("maintenance[].weekly", Kind.MAP, APPLIED);
  public static final Key MAINTENANCE_NOTE = key("maintenance[].note", Kind.TEXT, APPLIED);
  public static final Key MAINTENANCE_WEEKLY_DAY = key("maintenance[].weekly.day", Kind.TEXT, APPLIED);
  public static final Key MAINTENANCE_WEEKLY_FROM = key("maintenance[].weekly.from", Kind.TEXT, APPLIED);
  public static final Key MAINTENANCE_WEEKLY_TO = key("maintenance[].weekly.to", Kind.TEXT, APPLIED);

  public static final Key MEETING_NAME = key("meetings[].name", Kind.TEXT, APPLIED);
  public static final Key MEETING_START = key("meetings[].start", Kind.TEXT, APPLIED);
  public static final Key MEETING_WEEKLY = key("meetings[].weekly", Kind.MAP, APPLIED);
  public static final Key MEETING_ROOMS = key("meetings[].rooms", Kind.LIST, APPLIED);
  /** The readiness summary goes out this long before a meeting: time to call a commune. */
  public static final Key MEETING_LEAD =
      duration("meetings[].lead", m(30), m(1), h(24), APPLIED, "45m");
  public static final Key MEETING_WEEKLY_DAY = key("meetings[].weekly.day", Kind.TEXT, APPLIED);
  public static final Key MEETING_WEEKLY_TIME = key("meetings[].weekly.time", Kind.TEXT, APPLIED);

  public static final Key CLUSTER_NAME = key("cluster.name", Kind.TEXT, RESTART);
  public static final Key CLUSTER_VANTAGE = key("cluster.vantage", Kind.TEXT, RESTART);
  /** The event bus listens on the next port and the key exchange on the one after: at most 65533. */
  public static final Key CLUSTER_LISTEN = key("cluster.listen", Kind.TEXT, RESTART);
  public static final Key CLUSTER_MEMBERS = key("cluster.members", Kind.LIST, RESTART);
  public static final Key CLUSTER_TLS = key("cluster.tls", Kind.MAP, RESTART);
  public static final Key CLUSTER_TLS_CA_FILE = key("cluster.tls.ca_file", Kind.PATH, RESTART);
  public static final Key CLUSTER_TLS_CERT_FILE = key("cluster.tls.cert_file", Kind.PATH, RESTART);
  public static final Key CLUSTER_TLS_KEY_FILE = key("cluster.tls.key_file", Kind.PATH, RESTART);

  /** Port 162 needs root or CAP_NET_BIND_SERVICE. */
  public static final Key TRAPS_LISTEN = text("traps.listen", "0.0.0.0:162", RESTART, "127.0.0.1:10162");
  public static final Key TRAPS_COMMUNITY_ENV = key("traps.community_env", Kind.SECRET_ENV, RESTART);
  /** Names of v3 snmp_profiles whose users may send notifications. */
  public static final Key TRAPS_PROFILES = key("traps.profiles", Kind.LIST, RESTART);

  private static final List<Key> KEYS = Collections.unmodifiableList(new ArrayList<>(ALL));
  private static final Map<String, Key> BY_PATH = byPath();

  private static Map<String, Key> byPath() {
    Map<String, Key> out = new LinkedHashMap<>();
    for (Key k : KEYS) {
      if (out.put(k.path(), k) != null) {
        throw new IllegalStateException("key listed twice: " + k.path());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Every key, parents before their children. */
  public static List<Key> all() {
    return KEYS;
  }

  /** The key at {@code path} ({@code sites[].id}, {@code snmp_profiles.*.user}), if listed. */
  public static Optional<Key> at(String path) {
    return Optional.ofNullable(BY_PATH.get(path));
  }

  /**
   * The names of the keys a map at {@code path} accepts, in table order: {@code ""} for the top
   * level, {@code probe.icmp}, {@code sites[]}, {@code snmp_profiles.*}.
   */
  public static List<String> children(String path) {
    List<String> out = new ArrayList<>();
    for (Key k : KEYS) {
      if (k.parent().equals(path)) {
        out.add(k.name());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no keys under " + path);
    }
    return List.copyOf(out);
  }
}
