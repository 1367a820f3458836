package org.daitu.vcmon.config;

import static org.daitu.vcmon.config.YamlFile.child;
import static org.daitu.vcmon.config.YamlFile.isNull;
import static org.daitu.vcmon.config.YamlFile.item;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.daitu.vcmon.inventory.IpLiteral;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The keys about running vcmon in a district rather than about its sites: {@code timezone},
 * {@code http.admin_token_env}, {@code self_check} and {@code maintenance}. Same rules as the rest
 * of the loader: every problem reported, with its line, a hint, and never a secret.
 */
final class OperationsBinder {
  private static final Duration LONGEST_ONE_OFF = Duration.ofDays(31);

  private final YamlFile yaml;
  private final EnvSecrets env;

  OperationsBinder(YamlFile yaml, EnvSecrets env) {
    this.yaml = yaml;
    this.env = env;
  }

  ZoneId zone(Node node) {
    if (isNull(node)) {
      return ZoneId.of(Defaults.TIMEZONE);
    }
    String text = yaml.text(node, "timezone");
    if (text == null) {
      return ZoneId.of(Defaults.TIMEZONE);
    }
    try {
      return ZoneId.of(text.strip());
    } catch (DateTimeException e) {
      yaml.problem("timezone", node, "unknown time zone", text, "e.g. " + Defaults.TIMEZONE);
      return ZoneId.of(Defaults.TIMEZONE);
    }
  }

  /** The admin token named by {@code http.admin_token_env}, or null when writes stay disabled. */
  Secret adminToken(Map<String, Node> http) {
    String key = "admin_token_env";
    String var = yaml.optional(http, "http", key, false);
    if (var == null) {
      return null;
    }
    Node at = http.get(key);
    Secret token =
        env.secret(child("http", key), at, var, "VCMON_ADMIN_TOKEN", "$(openssl rand -hex 24)");
    if (token == null) {
      return null;
    }
    String value = token.reveal();
    if (value.length() < Defaults.ADMIN_TOKEN_MIN_LENGTH) {
      yaml.problem(
          child("http", key), at,
          "the token must be at least " + Defaults.ADMIN_TOKEN_MIN_LENGTH + " characters",
          YamlFile.SECRET, "e.g. export " + var + "=$(openssl rand -hex 24)");
      return null;
    }
    return token;
  }

  /**
   * {@code http.operators}, after {@code admin} when {@code http.admin_token_env} gave a token.
   * Names are unique slugs, tokens 16+ characters and different from one another (a token names its
   * operator).
   */
  List<AgentConfig.Operator> operators(Map<String, Node> http, Secret adminToken) {
    List<AgentConfig.Operator> out = new ArrayList<>();
    if (adminToken != null) {
      out.add(new AgentConfig.Operator(AgentConfig.Operator.ADMIN, adminToken));
    }
    String p = child("http", "operators");
    Node list = http.get("operators");
    if (isNull(list)) {
      return out;
    }
    List<Node> items = yaml.list(list, p);
    if (items == null) {
      return out;
    }
    if (items.isEmpty()) {
      yaml.problem(p, list, "is empty", null, "list operators as - { name: lan, token_env: VCMON_TOKEN_LAN }, or leave it out");
    }
    for (int i = 0; i < items.size(); i++) {
      String at = item(p, i);
      Node owner = items.get(i);
      Map<String, Node> m = yaml.map(owner, at, ConfigKeys.children("http.operators[]"));
      if (m == null) {
        continue;
      }
      String given = yaml.required(m, at, "name", owner, false);
      String var = yaml.required(m, at, "token_env", owner, false);
      if (given != null && !given.matches("[a-z0-9]+([._-][a-z0-9]+)*")) {
        yaml.problem(
            child(at, "name"), m.get("name"), "must be lower-case letters and digits, joined by . _ or -",
            given, "e.g. lan or nguyen.van.a");
        continue;
      }
      String name = given;
      if (name != null && out.stream().anyMatch(o -> o.name().equals(name))) {
        yaml.problem(
            child(at, "name"), m.get("name"),
            AgentConfig.Operator.ADMIN.equals(name) && adminToken != null
                ? "is taken by http.admin_token_env's operator"
                : "is given to another operator too",
            name, "give each operator a name of its own");
        continue;
      }
      if (name == null || var == null) {
        continue;
      }
      Secret token =
          env.secret(child(at, "token_env"), m.get("token_env"), var, "VCMON_TOKEN_LAN", "$(openssl rand -hex 24)");
      if (token == null) {
        continue;
      }
      if (token.reveal().length() < Defaults.ADMIN_TOKEN_MIN_LENGTH) {
        yaml.problem(
            child(at, "token_env"), m.get("token_env"),
            "the token must be at least " + Defaults.ADMIN_TOKEN_MIN_LENGTH + " characters",
            YamlFile.SECRET, "e.g. export " + var + "=$(openssl rand -hex 24)");
        continue;
      }
      String other =
          out.stream().filter(o -> o.token().equals(token)).map(AgentConfig.Operator::name).findFirst().orElse(null);
      if (other != null) {
        yaml.problem(
            child(at, "token_env"), m.get("token_env"),
            "holds the same token as operator " + other, YamlFile.SECRET,
            "give each operator a token of its own: export " + var + "=$(openssl rand -hex 24)");
        continue;
      }
      out.add(new AgentConfig.Operator(name, token));
    }
    return out;
  }

  AgentConfig.SelfCheck selfCheck(Node node) {
    String p = "self_check";
    Map<String, Node> m = yaml.optionalMap(node, p, ConfigKeys.children(p));
    Integer downAfter = yaml.integer(m, p, ConfigKeys.SELF_CHECK_DOWN_AFTER);
    List<String> targets = new ArrayList<>();
    Node list = m.get("targets");
    if (!isNull(list)) {
      List<Node> items = yaml.list(list, child(p, "targets"));
      for (int i = 0; items != null && i < items.size(); i++) {
        String t = yaml.text(items.get(i), item(child(p, "targets"), i));
        if (t == null) {
          continue;
        }
        if (t.isBlank() || !t.strip().matches("[A-Za-z0-9.:-]+")) {
          yaml.problem(
              item(child(p, "targets"), i), items.get(i), "must be an IP address or host name", t,
              "e.g. the district core router's address");
        } else if (IpLiteral.isDocumentation(t.strip())) {
          yaml.problem(
              item(child(p, "targets"), i), items.get(i),
              "is a placeholder (a documentation address, RFC 5737), never probed", t,
              "replace it with the address of the district core router or gateway, or leave self_check out");
        } else {
          targets.add(t.strip());
        }
      }
      if (items != null && items.isEmpty()) {
        yaml.problem(
            child(p, "targets"), list, "is empty", null,
            "list the addresses of the district core router or gateway, or leave self_check out");
      }
    }
    return new AgentConfig.SelfCheck(
        List.copyOf(targets), downAfter == null ? Defaults.SELF_CHECK_DOWN_AFTER : downAfter);
  }

  /** @param siteIds the ids of the sites, or null when the site list could not be read */
  List<AgentConfig.Maintenance> maintenance(Node node, Set<String> siteIds, ZoneId zone) {
    List<AgentConfig.Maintenance> out = new ArrayList<>();
    if (isNull(node)) {
      return out;
    }
    List<Node> items = yaml.list(node, "maintenance");
    for (int i = 0; items != null && i < items.size(); i++) {
      String p = item("maintenance", i);
      Node owner = items.get(i);
      Map<String, Node> m = yaml.map(owner, p, ConfigKeys.children("maintenance[]"));
      if (m == null) {
        continue;
      }
      String site = yaml.required(m, p, "site", owner, false);
      if (site != null && !site.equals("all") && siteIds != null && !siteIds.contains(site)) {
        yaml.problem(
            child(p, "site"), m.get("site"), "unknown site", site,
            "the id of a site in sites:, or all");
        site = null;
      }
      String note = yaml.optional(m, p, "note", false);
      boolean weekly = !isNull(m.get("weekly"));
      boolean oneOff = !isNull(m.get("start")) || !isNull(m.get("end"));
      if (weekly == oneOff) {
        yaml.problem(
            p, owner, "give either start and end, or weekly", null,
            "e.g. { site: all, weekly: { day: sunday, from: \"22:00\", to: \"23:30\" } }");
        continue;
      }
      String siteOrAll = site == null || site.equals("all") ? null : site;
      AgentConfig.Maintenance w =
          weekly
              ? weekly(m.get("weekly"), child(p, "weekly"), siteOrAll, note)
              : oneOff(m, p, owner, siteOrAll, note, zone);
      if (w != null && site != null) {
        out.add(w);
      }
    }
    return out;
  }

  private AgentConfig.Maintenance oneOff(
      Map<String, Node> m, String p, Node owner, String site, String note, ZoneId zone) {
    Instant start = localTime(m, p, "start", owner, zone);
    Instant end = localTime(m, p, "end", owner, zone);
    if (start == null || end == null) {
      return null;
    }
    if (!end.isAfter(start)) {
      yaml.problem(
          child(p, "end"), m.get("end"), "must be after start (the window is inverted or empty)",
          yaml.text(m.get("end"), child(p, "end")), null);
      return null;
    }
    if (Duration.between(start, end).compareTo(LONGEST_ONE_OFF) > 0) {
      yaml.problem(
          child(p, "end"), m.get("end"), "a one-off window may last at most 31 days",
          yaml.text(m.get("end"), child(p, "end")), "use a weekly window for regular work");
      return null;
    }
    return new AgentConfig.Maintenance(site, start, end, null, null, null, note);
  }

  private Instant localTime(Map<String, Node> m, String p, String key, Node owner, ZoneId zone) {
    String text = yaml.required(m, p, key, owner, false);
    if (text == null) {
      return null;
    }
    Optional<LocalDateTime> local = TimeText.dateTime(text.strip());
    if (local.isEmpty()) {
      yaml.problem(
          child(p, key), m.get(key), "must be a local date and time written YYYY-MM-DD HH:MM",
          text, "in the district's time zone (timezone:), e.g. 2020-08-10 22:00");
      return null;
    }
    return local.get().atZone(zone).toInstant();
  }

  private AgentConfig.Maintenance weekly(Node node, String p, String site, String note) {
    Map<String, Node> m = yaml.map(node, p, ConfigKeys.children("maintenance[].weekly"));
    if (m == null) {
      return null;
    }
    String dayText = yaml.required(m, p, "day", node, false);
    DayOfWeek day = null;
    if (dayText != null) {
      day = TimeText.day(dayText.strip()).orElse(null);
      if (day == null) {
        yaml.problem(child(p, "day"), m.get("day"), "unknown day", dayText, TimeText.DAYS);
      }
    }
    LocalTime from = clock(m, p, "from", node);
    LocalTime to = clock(m, p, "to", node);
    if (from != null && to != null && from.equals(to)) {
      yaml.problem(
          child(p, "to"), m.get("to"), "must differ from from (the window would be empty)",
          yaml.text(m.get("to"), child(p, "to")), "a to before from runs past midnight");
      return null;
    }
    if (day == null || from == null || to == null) {
      return null;
    }
    return new AgentConfig.Maintenance(site, null, null, day, from, to, note);
  }

  private LocalTime clock(Map<String, Node> m, String p, String key, Node owner) {
    String text = yaml.required(m, p, key, owner, false);
    if (text == null) {
      return null;
    }
    LocalTime time = TimeText.clock(text.strip()).orElse(null);
    if (time == null) {
      yaml.problem(
          child(p, key), m.get(key), "must be a time written HH:MM", text,
          "quote it in YAML: \"22:00\"");
    }
    return time;
  }
}
