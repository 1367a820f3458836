package org.daitu.vcmon.config;

import static org.daitu.vcmon.config.YamlFile.child;
import static org.daitu.vcmon.config.YamlFile.isNull;
import static org.daitu.vcmon.config.YamlFile.item;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The keys about telling people: {@code alerts} (language, digest, DEGRADED delay, reminders and
 * the channels) and {@code meetings}. Same rules as the rest of the loader: every problem reported
 * with its line and a hint; secrets come from the environment and are never echoed.
 */
final class AlertsBinder {
  /** RFC 7230 token: what an HTTP header name may contain. */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s<>]+@[^@\\s<>]+\\.[^@\\s<>]+");
  /** A numeric chat id (negative for groups) or a public channel's @name. */
  private static final Pattern CHAT_ID = Pattern.compile("-?\\d+|@[A-Za-z][A-Za-z0-9_]{4,}");
  /** A Zalo Bot chat id: opaque, but never blank or spaced. */
  private static final Pattern ZALO_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final List<String> SEVERITIES = List.of("info", "warning", "critical");
  private static final List<String> LANGUAGES = List.of("vi", "en");

  private final YamlFile yaml;
  private final EnvSecrets env;

  AlertsBinder(YamlFile yaml, EnvSecrets env) {
    this.yaml = yaml;
    this.env = env;
  }

  AgentConfig.Alerts alerts(Node node) {
    String p = "alerts";
    Map<String, Node> m =
        yaml.optionalMap(
            node,
            p,
            ConfigKeys.children(p));
    String language = yaml.optional(m, p, "language", false);
    if (language != null && !LANGUAGES.contains(language.strip())) {
      yaml.problem(child(p, "language"), m.get("language"), "must be vi or en", language, null);
      language = null;
    }
    String dp = child(p, "digest");
    Map<String, Node> digest = yaml.optionalMap(m.get("digest"), dp, ConfigKeys.children(dp));
    Duration window = yaml.duration(digest, dp, ConfigKeys.DIGEST_WINDOW);
    Integer minSites = yaml.integer(digest, dp, ConfigKeys.DIGEST_MIN_SITES);
    Duration degradedAfter = yaml.duration(m, p, ConfigKeys.ALERTS_DEGRADED_AFTER);
    Duration reminder = yaml.duration(m, p, ConfigKeys.ALERTS_REMINDER_INTERVAL);
    if (reminder != null && !reminder.isZero() && reminder.compareTo(Duration.ofMinutes(1)) < 0) {
      yaml.problem(
          child(p, "reminder_interval"), m.get("reminder_interval"),
          "must be 0s (no reminders) or at least 1m", Durations.format(reminder), null);
    }
    return new AgentConfig.Alerts(
        language == null ? Defaults.ALERT_LANGUAGE : language.strip(),
        window == null ? Defaults.DIGEST_WINDOW : window,
        minSites == null ? Defaults.DIGEST_MIN_SITES : minSites,
        degradedAfter == null ? Defaults.DEGRADED_AFTER : degradedAfter,
        reminder == null ? Defaults.REMINDER_INTERVAL : reminder,
        webhooks(m.get("webhooks"), child(p, "webhooks")),
        telegram(m.get("telegram"), child(p, "telegram")),
        email(m.get("email"), child(p, "email")),
        alertmanager(m.get("alertmanager"), child(p, "alertmanager")),
        zaloBot(m.get("zalo_bot"), child(p, "zalo_bot")),
        zaloOa(m.get("zalo_oa"), child(p, "zalo_oa")));
  }

  /** The items of a channel list, each a checked map; empty when the key is left out. */
  private List<Map.Entry<Node, Map<String, Node>>> items(Node node, String p, List<String> keys) {
    List<Map.Entry<Node, Map<String, Node>>> out = new ArrayList<>();
    if (isNull(node)) {
      return out;
    }
    List<Node> items = yaml.list(node, p);
    for (int i = 0; items != null && i < items.size(); i++) {
      Map<String, Node> m = yaml.map(items.get(i), item(p, i), keys);
      out.add(m == null ? null : Map.entry(items.get(i), m));
    }
    return out;
  }

  private List<AgentConfig.Webhook> webhooks(Node node, String path) {
    List<AgentConfig.Webhook> out = new ArrayList<>();
    var items = items(node, path, ConfigKeys.children("alerts.webhooks[]"));
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) == null) {
        continue;
      }
      String p = item(path, i);
      Node owner = items.get(i).getKey();
      Map<String, Node> m = items.get(i).getValue();
      String url = url(m, p, owner, "e.g. http://127.0.0.1:9099/hook");
      Map<String, Secret> headers = headers(m, p);
      String severity = severity(m, p);
      Boolean degraded = bool(m, p, "degraded", false);
      if (url != null && headers != null && severity != null && degraded != null) {
        out.add(new AgentConfig.Webhook(url, headers, severity, degraded));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Headers written as values ({@code headers}) or as environment variable names ({@code
   * headers_env}, for tokens). Values are kept as secrets either way: an Authorization header
   * written inline is still a credential.
   */
  private Map<String, Secret> headers(Map<String, Node> m, String p) {
    Map<String, Secret> out = new LinkedHashMap<>();
    boolean ok = true;
    for (String key : List.of("headers", "headers_env")) {
      Node n = m.get(key);
      if (isNull(n)) {
        continue;
      }
      String hp = child(p, key);
      Map<String, Node> h = yaml.map(n, hp, null);
      if (h == null) {
        ok = false;
        continue;
      }
      for (Map.Entry<String, Node> e : h.entrySet()) {
        String name = e.getKey();
        String np = child(hp, name);
        if (!HEADER_NAME.matcher(name).matches()) {
          yaml.problem(np, e.getValue(), "not a valid HTTP header name", name, "letters, digits and -, e.g. Authorization");
          ok = false;
          continue;
        }
        if (out.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(name))) {
          yaml.problem(np, e.getValue(), "header set twice (in headers and headers_env)", name, "keep one");
          ok = false;
          continue;
        }
        Secret value =
            key.equals("headers") ? literal(e.getValue(), np) : fromEnv(e.getValue(), np, "the header value");
        if (value == null) {
          ok = false;
        } else {
          out.put(name, value);
        }
      }
    }
    return ok ? Map.copyOf(out) : null;
  }

  private Secret literal(Node n, String path) {
    if (isNull(n)) {
      yaml.problem(path, n, "must not be empty", null, null);
      return null;
    }
    String t = yaml.text(n, path);
    return t == null ? null : Secret.of(t);
  }

  /** The secret in the environment variable named by {@code n}; never shows its value. */
  private Secret fromEnv(Node n, String path, String what) {
    return fromEnv(n, path, what, "VCMON_TELEGRAM_TOKEN");
  }

  private Secret fromEnv(Node n, String path, String what, String exampleVar) {
    if (isNull(n)) {
      yaml.problem(path, n, "is required", null, "name an environment variable holding " + what);
      return null;
    }
    String var = yaml.text(n, path);
    if (var == null) {
      return null;
    }
    return env.secret(path, n, var, exampleVar, "...");
  }

  private Secret requiredEnv(Map<String, Node> m, String p, String key, Node owner, String what) {
    return requiredEnv(m, p, key, owner, what, "VCMON_TELEGRAM_TOKEN");
  }

  private Secret requiredEnv(
      Map<String, Node> m, String p, String key, Node owner, String what, String exampleVar) {
    if (!m.containsKey(key) || isNull(m.get(key))) {
      yaml.problem(
          child(p, key), m.containsKey(key) ? m.get(key) : owner, "is required", null,
          "name an environment variable holding " + what);
      return null;
    }
    return fromEnv(m.get(key), child(p, key), what, exampleVar);
  }

  private String url(Map<String, Node> m, String p, Node owner, String example) {
    String url = yaml.required(m, p, "url", owner, false);
    return checkUrl(url, m.get("url"), child(p, "url"), example);
  }

  private String checkUrl(String url, Node at, String path, String example) {
    if (url == null) {
      return null;
    }
    if (!isHttpUrl(url.strip())) {
      yaml.problem(path, at, "must be an http:// or https:// URL with a host", url, example);
      return null;
    }
    return url.strip();
  }

  static boolean isHttpUrl(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private String severity(Map<String, Node> m, String p) {
    String s = yaml.optional(m, p, "min_severity", false);
    if (s == null) {
      return isNull(m.get("min_severity")) ? Defaults.MIN_SEVERITY : null;
    }
    String v = s.strip().toLowerCase(Locale.ROOT);
    if (!SEVERITIES.contains(v)) {
      yaml.problem(
          child(p, "min_severity"), m.get("min_severity"), "unknown severity", s,
          "info, warning or critical");
      return null;
    }
    return v;
  }

  private Boolean bool(Map<String, Node> m, String p, String key, boolean def) {
    Node n = m.get(key);
    if (isNull(n)) {
      return def;
    }
    String t = yaml.text(n, child(p, key));
    if (t == null) {
      return null;
    }
    switch (t.strip().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        yaml.problem(child(p, key), n, "must be true or false", t, null);
        return null;
    }
  }

  private List<AgentConfig.Telegram> telegram(Node node, String path) {
    List<AgentConfig.Telegram> out = new ArrayList<>();
    var items =
        items(node, path, ConfigKeys.children("alerts.telegram[]"));
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) == null) {
        continue;
      }
      String p = item(path, i);
      Node owner = items.get(i).getKey();
      Map<String, Node> m = items.get(i).getValue();
      Secret token = requiredEnv(m, p, "bot_token_env", owner, "the bot token from @BotFather");
      String chat = yaml.required(m, p, "chat_id", owner, false);
      if (chat != null && !CHAT_ID.matcher(chat.strip()).matches()) {
        yaml.problem(
            child(p, "chat_id"), m.get("chat_id"), "must be a numeric chat id or @channel name", chat,
            "e.g. -1001234567890 (a group) or @daitu_vcmon");
        chat = null;
      }
      String base = yaml.optional(m, p, "api_base", false);
      base =
          base == null
              ? (isNull(m.get("api_base")) ? Defaults.TELEGRAM_API_BASE : null)
              : checkUrl(base, m.get("api_base"), child(p, "api_base"), "e.g. " + Defaults.TELEGRAM_API_BASE);
      String severity = severity(m, p);
      Boolean degraded = bool(m, p, "degraded", false);
      if (token != null && chat != null && base != null && severity != null && degraded != null) {
        out.add(new AgentConfig.Telegram(token, chat.strip(), stripSlash(base), severity, degraded));
      }
    }
    return List.copyOf(out);
  }

  /** An optional base URL: the default when left out, null after reporting a bad one. */
  private String base(Map<String, Node> m, String p, String key, String def) {
    String base = yaml.optional(m, p, key, false);
    if (base == null) {
      return isNull(m.get(key)) ? def : null;
    }
    String checked = checkUrl(base, m.get(key), child(p, key), "e.g. " + def);
    return checked == null ? null : stripSlash(checked);
  }

  private List<AgentConfig.ZaloBot> zaloBot(Node node, String path) {
    List<AgentConfig.ZaloBot> out = new ArrayList<>();
    var items = items(node, path, ConfigKeys.children("alerts.zalo_bot[]"));
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) == null) {
        continue;
      }
      String p = item(path, i);
      Node owner = items.get(i).getKey();
      Map<String, Node> m = items.get(i).getValue();
      Secret token =
          requiredEnv(m, p, "bot_token_env", owner, "the bot token from the Zalo Bot Manager", "VCMON_ZALO_BOT_TOKEN");
      String chat = yaml.required(m, p, "chat_id", owner, false);
      if (chat != null && !ZALO_ID.matcher(chat.strip()).matches()) {
        yaml.problem(
            child(p, "chat_id"), m.get("chat_id"), "must be a Zalo chat id (letters, digits, . _ -)", chat,
            "the chat.id of a message the bot received in the group, from getUpdates or the webhook");
        chat = null;
      }
      String base = base(m, p, "api_base", Defaults.ZALO_BOT_API_BASE);
      String severity = severity(m, p);
      Boolean degraded = bool(m, p, "degraded", false);
      if (token != null && chat != null && base != null && severity != null && degraded != null) {
        out.add(new AgentConfig.ZaloBot(token, chat.strip(), base, severity, degraded));
      }
    }
    return List.copyOf(out);
  }

  private List<AgentConfig.ZaloOa> zaloOa(Node node, String path) {
    List<AgentConfig.ZaloOa> out = new ArrayList<>();
    Set<String> apps = new HashSet<>();
    var items = items(node, path, ConfigKeys.children("alerts.zalo_oa[]"));
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) == null) {
        continue;
      }
      String p = item(path, i);
      Node owner = items.get(i).getKey();
      Map<String, Node> m = items.get(i).getValue();
      String app = yaml.required(m, p, "app_id", owner, false);
      if (app != null && !app.strip().matches("\\d{1,30}")) {
        yaml.problem(
            child(p, "app_id"), m.get("app_id"), "must be the numeric ID of the Zalo app", app,
            "the App ID on developers.zalo.me, e.g. \"1234567890123456789\"");
        app = null;
      } else if (app != null && !apps.add(app.strip())) {
        // Its refresh token can be used once: two entries would spend each other's.
        yaml.problem(
            child(p, "app_id"), m.get("app_id"), "another zalo_oa entry uses this app", app,
            "list every user in the user_ids of one entry");
        app = null;
      }
      Secret secret =
          requiredEnv(m, p, "secret_key_env", owner, "the app's secret key", "VCMON_ZALO_SECRET_KEY");
      Secret refresh =
          requiredEnv(
              m, p, "refresh_token_env", owner, "the OA's first refresh token, from authorizing the app",
              "VCMON_ZALO_REFRESH_TOKEN");
      List<String> users = userIds(m, p, owner);
      String api = base(m, p, "api_base", Defaults.ZALO_OA_API_BASE);
      String oauth = base(m, p, "oauth_base", Defaults.ZALO_OA_OAUTH_BASE);
      String severity = severity(m, p);
      Boolean degraded = bool(m, p, "degraded", false);
      if (app != null && secret != null && refresh != null && users != null && api != null
          && oauth != null && severity != null && degraded != null) {
        out.add(
            new AgentConfig.ZaloOa(app.strip(), secret, refresh, users, api, oauth, severity, degraded));
      }
    }
    return List.copyOf(out);
  }

  private List<String> userIds(Map<String, Node> m, String p, Node owner) {
    String up = child(p, "user_ids");
    Node n = m.get("user_ids");
    String hint = "the user_id of each follower of the OA to notify, e.g. [\"2468458835296197922\"]";
    if (isNull(n)) {
      yaml.problem(up, n == null ? owner : n, "is required", null, hint);
      return null;
    }
    List<Node> items = yaml.list(n, up);
    if (items == null) {
      return null;
    }
    if (items.isEmpty()) {
      yaml.problem(up, n, "is empty", null, hint);
      return null;
    }
    List<String> out = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      String t = yaml.text(items.get(i), item(up, i));
      if (t == null) {
        ok = false;
      } else if (!t.strip().matches("\\d{1,30}")) {
        yaml.problem(item(up, i), items.get(i), "must be a numeric Zalo user_id", t, hint);
        ok = false;
      } else if (out.contains(t.strip())) {
        yaml.problem(item(up, i), items.get(i), "listed twice", t, null);
        ok = false;
      } else {
        out.add(t.strip());
      }
    }
    return ok ? List.copyOf(out) : null;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private List<AgentConfig.Email> email(Node node, String path) {
    List<AgentConfig.Email> out = new ArrayList<>();
    var items =
        items(
            node, path,
            ConfigKeys.children("alerts.email[]"));
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) == null) {
        continue;
      }
      String p = item(path, i);
      Node owner = items.get(i).getKey();
      Map<String, Node> m = items.get(i).getValue();
      String host = yaml.required(m, p, "host", owner, false);
      if (host != null && !host.strip().matches("[A-Za-z0-9.:-]+")) {
        yaml.problem(child(p, "host"), m.get("host"), "must be a host name or IP address", host, "e.g. smtp.example.vn");
        host = null;
      }
      Integer port = yaml.integer(m, p, ConfigKeys.EMAIL_PORT);
      Boolean starttls = bool(m, p, "starttls", Defaults.SMTP_STARTTLS);
      String username = yaml.optional(m, p, "username", false);
      Secret password = null;
      boolean passwordOk = true;
      if (username != null) {
        password = requiredEnv(m, p, "password_env", owner, "the SMTP password");
        passwordOk = password != null;
      } else if (!isNull(m.get("password_env"))) {
        yaml.problem(
            child(p, "password_env"), m.get("password_env"), "is only used with a username", null,
            "add username:, or leave password_env out for a relay without login");
        passwordOk = false;
      }
      String from = yaml.required(m, p, "from", owner, false);
      if (from != null && !EMAIL.matcher(from.strip()).matches()) {
        yaml.problem(child(p, "from"), m.get("from"), "must be an e-mail address", from, "e.g. vcmon@daitu.gov.vn");
        from = null;
      }
      List<String> to = recipients(m, p, owner);
      String severity = severity(m, p);
      Boolean degraded = bool(m, p, "degraded", false);
      if (host != null && port != null && starttls != null && passwordOk && from != null
          && to != null && severity != null && degraded != null) {
        out.add(
            new AgentConfig.Email(
                host.strip(), port, starttls, username, password, from.strip(), to, severity, degraded));
      }
    }
    return List.copyOf(out);
  }

  private List<String> recipients(Map<String, Node> m, String p, Node owner) {
    String tp = child(p, "to");
    Node n = m.get("to");
    if (isNull(n)) {
      yaml.problem(tp, n == null ? owner : n, "is required", null, "a list of e-mail addresses, e.g. [it@daitu.gov.vn]");
      return null;
    }
    List<Node> items = yaml.list(n, tp);
    if (items == null) {
      return null;
    }
    if (items.isEmpty()) {
      yaml.problem(tp, n, "is empty", null, "a list of e-mail addresses, e.g. [it@daitu.gov.vn]");
      return null;
    }
    List<String> out = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      String t = yaml.text(items.get(i), item(tp, i));
      if (t == null) {
        ok = false;
      } else if (!EMAIL.matcher(t.strip()).matches()) {
        yaml.problem(item(tp, i), items.get(i), "must be an e-mail address", t, "e.g. it@daitu.gov.vn");
        ok = false;
      } else {
        out.add(t.strip());
      }
    }
    return ok ? List.copyOf(out) : null;
  }

  private List<AgentConfig.AlertmanagerTarget> alertmanager(Node node, String path) {
    List<AgentConfig.AlertmanagerTarget> out = new ArrayList<>();
    var items = items(node, path, ConfigKeys.children("alerts.alertmanager[]"));
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) == null) {
        continue;
      }
      String p = item(path, i);
      Node owner = items.get(i).getKey();
      Map<String, Node> m = items.get(i).getValue();
      String url = url(m, p, owner, "e.g. http://127.0.0.1:9093");
      Duration resend =
          yaml.duration(m, p, ConfigKeys.ALERTMANAGER_RESEND_INTERVAL);
      String severity = severity(m, p);
      Boolean degraded = bool(m, p, "degraded", false);
      if (url != null && resend != null && severity != null && degraded != null) {
        out.add(new AgentConfig.AlertmanagerTarget(stripSlash(url), resend, severity, degraded));
      }
    }
    return List.copyOf(out);
  }

  /** @param siteIds the ids of the sites, or null when the site list could not be read */
  List<AgentConfig.Meeting> meetings(Node node, Set<String> siteIds, ZoneId zone) {
    List<AgentConfig.Meeting> out = new ArrayList<>();
    if (isNull(node)) {
      return out;
    }
    List<Node> items = yaml.list(node, "meetings");
    Set<String> names = new HashSet<>();
    for (int i = 0; items != null && i < items.size(); i++) {
      String p = item("meetings", i);
      Node owner = items.get(i);
      Map<String, Node> m = yaml.map(owner, p, ConfigKeys.children("meetings[]"));
      if (m == null) {
        continue;
      }
      String name = yaml.required(m, p, "name", owner, false);
      if (name != null && !names.add(name.strip())) {
        yaml.problem(child(p, "name"), m.get("name"), "another meeting has this name", name, "names must be unique");
        name = null;
      }
      boolean weekly = !isNull(m.get("weekly"));
      boolean oneOff = !isNull(m.get("start"));
      Instant start = null;
      DayOfWeek day = null;
      LocalTime time = null;
      boolean whenOk = false;
      if (weekly == oneOff) {
        yaml.problem(
            p, owner, "give either start or weekly", null,
            "e.g. start: \"2020-08-20 08:00\", or weekly: { day: monday, time: \"08:00\" }");
      } else if (oneOff) {
        start = localDateTime(m, p, zone);
        whenOk = start != null;
      } else {
        String wp = child(p, "weekly");
        Map<String, Node> w = yaml.map(m.get("weekly"), wp, ConfigKeys.children("meetings[].weekly"));
        if (w != null) {
          day = day(w, wp, m.get("weekly"));
          time = clock(w, wp, m.get("weekly"));
          whenOk = day != null && time != null;
        }
      }
      List<String> rooms = rooms(m.get("rooms"), child(p, "rooms"), siteIds);
      Duration lead =
          yaml.duration(m, p, ConfigKeys.MEETING_LEAD);
      if (name != null && whenOk && rooms != null && lead != null) {
        out.add(new AgentConfig.Meeting(name.strip(), start, day, time, rooms, lead));
      }
    }
    return out;
  }

  private Instant localDateTime(Map<String, Node> m, String p, ZoneId zone) {
    String text = yaml.text(m.get("start"), child(p, "start"));
    if (text == null) {
      return null;
    }
    Optional<LocalDateTime> local = TimeText.dateTime(text.strip());
    if (local.isEmpty()) {
      yaml.problem(
          child(p, "start"), m.get("start"), "must be a local date and time written YYYY-MM-DD HH:MM",
          text, "in the district's time zone (timezone:), e.g. \"2020-08-20 08:00\"");
      return null;
    }
    return local.get().atZone(zone).toInstant();
  }

  private DayOfWeek day(Map<String, Node> w, String wp, Node owner) {
    String text = yaml.required(w, wp, "day", owner, false);
    if (text == null) {
      return null;
    }
    Optional<DayOfWeek> day = TimeText.day(text.strip());
    if (day.isEmpty()) {
      yaml.problem(child(wp, "day"), w.get("day"), "unknown day", text, TimeText.DAYS);
    }
    return day.orElse(null);
  }

  private LocalTime clock(Map<String, Node> w, String wp, Node owner) {
    String text = yaml.required(w, wp, "time", owner, false);
    if (text == null) {
      return null;
    }
    Optional<LocalTime> time = TimeText.clock(text.strip());
    if (time.isEmpty()) {
      yaml.problem(child(wp, "time"), w.get("time"), "must be a time written HH:MM", text, "quote it in YAML: \"08:00\"");
    }
    return time.orElse(null);
  }

  /** The room ids, checked against the inventory; empty when left out (every commune and town). */
  private List<String> rooms(Node node, String p, Set<String> siteIds) {
    if (isNull(node)) {
      return List.of();
    }
    List<Node> items = yaml.list(node, p);
    if (items == null) {
      return null;
    }
    if (items.isEmpty()) {
      yaml.problem(p, node, "is empty", null, "list site ids, or leave rooms out for every commune and town");
      return null;
    }
    List<String> out = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      String id = yaml.text(items.get(i), item(p, i));
      if (id == null) {
        ok = false;
      } else if (siteIds != null && !siteIds.contains(id.strip())) {
        yaml.problem(item(p, i), items.get(i), "unknown site", id, "the id of a site in sites:");
        ok = false;
      } else if (out.contains(id.strip())) {
        yaml.problem(item(p, i), items.get(i), "listed twice", id, null);
        ok = false;
      } else {
        out.add(id.strip());
      }
    }
    return ok ? List.copyOf(out) : null;
  }
}
