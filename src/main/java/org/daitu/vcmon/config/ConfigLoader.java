package org.daitu.vcmon.config;

import static org.daitu.vcmon.config.YamlFile.child;
import static org.daitu.vcmon.config.YamlFile.isNull;
import static org.daitu.vcmon.config.YamlFile.line;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.daitu.vcmon.config.SnmpProfile.AuthProtocol;
import org.daitu.vcmon.config.SnmpProfile.PrivProtocol;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.inventory.SeedLoader;
import org.daitu.vcmon.inventory.SeedLoader.Seeds;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteType;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Turns a YAML config file into an {@link AgentConfig}, or into one {@link ConfigException} that
 * lists every problem at once, each with its key path and line. An operator fixing a config should
 * see all mistakes in one run of {@code check-config}, not one per restart; and bad input never
 * shows a stack trace.
 *
 * <p>Strict on purpose: unknown keys are problems (a misspelt {@code intervall} would otherwise
 * silently keep the default), and so are duplicate keys. Defaults come from {@link Defaults}.
 * Relative paths ({@code sites_file}, {@code seeds}, {@code store.path}) are relative to the config
 * file's directory, so a config works the same from any working directory.
 *
 * <p>Not thread-confined and free of Vert.x: it reads files, so call it at start-up or from a
 * worker, never on an event loop.
 */
public final class ConfigLoader {
  private static final List<String> TOP = ConfigKeys.children("");
  private static final List<String> PROFILE = ConfigKeys.children("snmp_profiles.*");
  /** The keys of v1 and v2c profiles besides the version. */
  private static final List<String> COMMUNITY_ONLY =
      List.of(ConfigKeys.PROFILE_COMMUNITY.name(), ConfigKeys.PROFILE_COMMUNITY_ENV.name());
  private static final List<String> V3_ONLY =
      PROFILE.stream()
          .filter(k -> !k.equals(ConfigKeys.PROFILE_VERSION.name()) && !COMMUNITY_ONLY.contains(k))
          .toList();


  /** USM derives keys from passwords of 8 characters or more; agents refuse shorter ones. */
  private static final int USM_PASSWORD_MIN = 8;

  private final Path file;
  private final Path baseDir;
  private final EnvSecrets env;
  private final Problems problems = new Problems();
  private final YamlFile yaml;
  private int nextRank = Problems.CONFIG_FILE + 1;

  private ConfigLoader(Path file, Map<String, String> env) {
    this.file = file;
    Path parent = file.getParent();
    this.baseDir = parent == null ? Path.of("") : parent;
    this.yaml = new YamlFile("", Problems.CONFIG_FILE, problems);
    this.env = new EnvSecrets(yaml, env);
  }

  /**
   * Loads {@code file}, taking secrets named by {@code *_env} keys from the process environment.
   */
  public static AgentConfig load(Path file) throws ConfigException {
    return load(file, System.getenv());
  }

  /**
   * Loads {@code file}, taking secrets named by {@code *_env} keys from {@code env}.
   *
   * @throws ConfigException with every problem found; its file is {@code file} as given
   */
  public static AgentConfig load(Path file, Map<String, String> env) throws ConfigException {
    return new ConfigLoader(file, env).load();
  }

  private AgentConfig load() throws ConfigException {
    Optional<Node> root = yaml.parse(file, "", 0, Problems.CONFIG_FILE);
    if (root.isEmpty() || isNull(root.get())) {
      if (problems.isEmpty()) {
        yaml.problem("", 0, "the file is empty", null, "a config needs at least a sites: list");
      }
      throw failure();
    }
    Map<String, Node> top = yaml.map(root.get(), "", TOP);
    if (top == null) {
      throw failure();
    }
    OperationsBinder ops = new OperationsBinder(yaml, env);
    Map<String, Node> httpKeys =
        yaml.optionalMap(
            top.get("http"), "http", ConfigKeys.children("http"));
    AgentConfig.Http http =
        http(httpKeys, ops.adminToken(httpKeys), ops, new HttpSecurityBinder(yaml, baseDir));
    ZoneId zone = ops.zone(top.get("timezone"));
    AgentConfig.SelfCheck selfCheck = ops.selfCheck(top.get("self_check"));
    AgentConfig.Probe probe = probe(top.get("probe"));
    AgentConfig.State state = state(top.get("state"));
    Map<String, SnmpProfile> profiles = profiles(top.get("snmp_profiles"));
    SeedsRead seeds = seeds(top.get("seeds"));
    SiteBinder.SiteList siteList = sitesSource(top);
    List<Site> sites =
        new SiteBinder(profiles, seeds.seeds(), seeds.broken(), probe.snmp().maxInterfaces())
            .bind(siteList);
    AgentConfig.Rollout rollout = rollout(top.get("rollout"), sites);
    AgentConfig.Store store = store(top.get("store"));
    AlertsBinder alertsBinder = new AlertsBinder(yaml, env);
    AgentConfig.Alerts alerts = alertsBinder.alerts(top.get("alerts"));
    // When the site list itself could not be read, no site id can be called unknown.
    Set<String> ids = null;
    if (siteList != null) {
      ids = new HashSet<>();
      for (Site site : sites) {
        ids.add(site.id());
      }
    }
    List<AgentConfig.Maintenance> maintenance = ops.maintenance(top.get("maintenance"), ids, zone);
    List<AgentConfig.Meeting> meetings = alertsBinder.meetings(top.get("meetings"), ids, zone);
    AgentConfig.Cluster cluster =
        new ClusterBinder(yaml, baseDir, Instant.now()).cluster(top.get("cluster"));
    AgentConfig.Traps traps = new TrapsBinder(yaml, env).traps(top.get("traps"), profiles);
    if (!problems.isEmpty()) {
      throw failure();
    }
    Inventory inventory = new Inventory(sites);
    return new AgentConfig(
        file,
        http,
        probe,
        state,
        Collections.unmodifiableMap(new LinkedHashMap<>(profiles)),
        rollout,
        store,
        alerts,
        inventory,
        zone,
        selfCheck,
        List.copyOf(maintenance),
        List.copyOf(meetings),
        cluster,
        traps);
  }

  private ConfigException failure() {
    return new ConfigException(file.toString(), problems.sorted());
  }

  private AgentConfig.Http http(
      Map<String, Node> m, Secret adminToken, OperationsBinder ops, HttpSecurityBinder security) {
    String host = yaml.optional(m, "http", "host", false);
    Integer port = yaml.integer(m, "http", ConfigKeys.HTTP_PORT);
    return new AgentConfig.Http(
        orElse(host, Defaults.HTTP_HOST),
        orElse(port, Defaults.HTTP_PORT),
        adminToken,
        security.corsOrigins(m),
        security.tls(m),
        ops.operators(m, adminToken));
  }

  private AgentConfig.Probe probe(Node node) {
    String p = "probe";
    Map<String, Node> m =
        yaml.optionalMap(node, p, ConfigKeys.children(p));
    Duration interval = yaml.duration(m, p, ConfigKeys.PROBE_INTERVAL);
    Duration timeout = yaml.duration(m, p, ConfigKeys.PROBE_TIMEOUT);
    Duration recheck = yaml.duration(m, p, ConfigKeys.PROBE_RECHECK_INTERVAL);
    if (interval != null && timeout != null && timeout.compareTo(interval) >= 0) {
      relationProblem(
          m,
          p,
          "timeout",
          timeout,
          "interval",
          "must be shorter than probe.interval (" + Durations.format(interval) + ")");
    }
    if (interval != null && recheck != null && recheck.compareTo(interval) > 0) {
      relationProblem(
          m,
          p,
          "recheck_interval",
          recheck,
          "interval",
          "must be between 500ms and probe.interval (" + Durations.format(interval) + ")");
    }

    String ip = child(p, "icmp");
    Map<String, Node> icmp =
        yaml.optionalMap(m.get("icmp"), ip, ConfigKeys.children(ip));
    Integer packets = yaml.integer(icmp, ip, ConfigKeys.ICMP_PACKETS);
    Duration period = yaml.duration(icmp, ip, ConfigKeys.ICMP_PERIOD);
    String fping = yaml.optional(icmp, ip, "fping", false);
    Integer batch = yaml.integer(icmp, ip, ConfigKeys.ICMP_BATCH_SIZE);
    String engineText = yaml.optional(icmp, ip, "engine", false);
    AgentConfig.IcmpEngine engine = AgentConfig.IcmpEngine.FPING;
    if (engineText != null) {
      try {
        engine = AgentConfig.IcmpEngine.valueOf(engineText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        yaml.problem(child(ip, "engine"), icmp.get("engine"), "unknown ICMP engine", engineText, "allowed: fping, socket");
      }
    }
    if (interval != null && timeout != null && packets != null && period != null) {
      // fping sends the last echo (packets-1) periods after the first, then waits up to the
      // timeout for it: a check longer than the interval would overlap the next one.
      Duration check = period.multipliedBy(packets - 1L).plus(timeout);
      if (check.compareTo(interval) >= 0) {
        Node at =
            icmp.containsKey("packets")
                ? icmp.get("packets")
                : icmp.containsKey("period") ? icmp.get("period") : m.get("interval");
        yaml.problem(
            child(ip, "packets"),
            at,
            "one check ("
                + packets
                + " echoes "
                + Durations.format(period)
                + " apart, then the "
                + Durations.format(timeout)
                + " timeout) must be shorter than probe.interval ("
                + Durations.format(interval)
                + ")",
            null,
            "send fewer echoes, shorten probe.icmp.period or lengthen probe.interval");
      }
    }

    String sp = child(p, "snmp");
    Map<String, Node> snmp =
        yaml.optionalMap(m.get("snmp"), sp, ConfigKeys.children(sp));
    Integer retries = yaml.integer(snmp, sp, ConfigKeys.SNMP_RETRIES);
    Integer maxIf = yaml.integer(snmp, sp, ConfigKeys.SNMP_MAX_INTERFACES);
    Duration snmpInterval = yaml.duration(snmp, sp, ConfigKeys.SNMP_INTERVAL);

    return new AgentConfig.Probe(
        orElse(interval, Defaults.INTERVAL),
        orElse(timeout, Defaults.TIMEOUT),
        orElse(recheck, Defaults.RECHECK_INTERVAL),
        new AgentConfig.Icmp(
            orElse(packets, Defaults.ICMP_PACKETS),
            orElse(period, Defaults.ICMP_PERIOD),
            orElse(fping, Defaults.FPING),
            orElse(batch, Defaults.ICMP_BATCH_SIZE),
            engine),
        new AgentConfig.Snmp(
            orElse(retries, Defaults.SNMP_RETRIES),
            orElse(maxIf, Defaults.SNMP_MAX_INTERFACES),
            orElse(snmpInterval, Defaults.SNMP_INTERVAL)));
  }

  /**
   * A value that is fine alone but not next to another (timeout vs interval). It is reported at the
   * key, or, when the key was left at its default, at the other key that made it wrong.
   */
  private void relationProblem(
      Map<String, Node> m, String path, String key, Duration value, String other, String rule) {
    Node at = m.get(key);
    if (isNull(at)) {
      yaml.problem(
          child(path, key),
          m.get(other),
          rule,
          Durations.format(value),
          "that is the default; set " + child(path, key) + " explicitly");
    } else {
      yaml.problem(child(path, key), at, rule, Durations.format(value), null);
    }
  }

  private AgentConfig.State state(Node node) {
    String p = "state";
    Map<String, Node> m =
        yaml.optionalMap(node, p, ConfigKeys.children(p));
    Integer down = yaml.integer(m, p, ConfigKeys.STATE_DOWN_AFTER);
    Integer up = yaml.integer(m, p, ConfigKeys.STATE_UP_AFTER);
    String dp = child(p, "degraded");
    Map<String, Node> deg = yaml.optionalMap(m.get("degraded"), dp, ConfigKeys.children(dp));
    Double loss = yaml.decimal(deg, dp, ConfigKeys.DEGRADED_LOSS_RATIO);
    Duration rtt = yaml.duration(deg, dp, ConfigKeys.DEGRADED_RTT);
    String fp = child(p, "flapping");
    Map<String, Node> flap = yaml.optionalMap(m.get("flapping"), fp, ConfigKeys.children(fp));
    Integer changes = yaml.integer(flap, fp, ConfigKeys.FLAP_CHANGES);
    Duration window = yaml.duration(flap, fp, ConfigKeys.FLAP_WINDOW);
    return new AgentConfig.State(
        orElse(down, Defaults.DOWN_AFTER),
        orElse(up, Defaults.UP_AFTER),
        orElse(loss, Defaults.DEGRADED_LOSS_RATIO),
        orElse(rtt, Defaults.DEGRADED_RTT),
        orElse(changes, Defaults.FLAP_CHANGES),
        orElse(window, Defaults.FLAP_WINDOW));
  }

  private Map<String, SnmpProfile> profiles(Node node) {
    Map<String, SnmpProfile> out = new LinkedHashMap<>();
    if (isNull(node)) {
      return out;
    }
    Map<String, Node> all = yaml.map(node, "snmp_profiles", null);
    if (all == null) {
      return out;
    }
    for (Map.Entry<String, Node> e : all.entrySet()) {
      String name = e.getKey();
      SnmpProfile profile = profile(name, e.getValue(), child("snmp_profiles", name));
      // A broken profile is still known by name, so sites using it are not reported twice.
      out.put(name, profile);
    }
    return out;
  }

  private SnmpProfile profile(String name, Node node, String p) {
    if (node instanceof ScalarNode && !isNull(node)) {
      // "district-v2c: public" is a natural slip, and that text is a community: never echo it.
      yaml.problem(
          p,
          node,
          "must be a map of keys (version, community_env, ...)",
          YamlFile.SECRET,
          "e.g. { version: 2c, community_env: VCMON_SNMP_COMMUNITY }");
      return null;
    }
    Map<String, Node> m = yaml.map(node, p, PROFILE);
    if (m == null) {
      return null;
    }
    String text = yaml.required(m, p, "version", node, false);
    if (text == null) {
      checkEnvNames(m, p);
      return null;
    }
    // YAML gives "version: 1" as an integer and "version: '1'" as a string: the same text here
    SnmpProfile.Version version = SnmpProfile.Version.of(text.strip()).orElse(null);
    if (version == null) {
      yaml.problem(
          child(p, "version"),
          m.get("version"),
          "must be one of " + SnmpProfile.Version.labels(),
          text,
          versionHint(text));
      checkEnvNames(m, p);
      return null;
    }
    if (version.communityBased()) {
      rejectKeys(m, p, V3_ONLY, "only for version 3 profiles");
      Secret community = secret(m, p, "community", "community_env", node, true);
      if (community == null) {
        return null;
      }
      return version == SnmpProfile.Version.V1
          ? SnmpProfile.v1(name, community)
          : SnmpProfile.v2c(name, community);
    }
    rejectKeys(m, p, COMMUNITY_ONLY, "only for version 1 and 2c profiles");
    String user = yaml.required(m, p, "user", node, false);
    AuthProtocol auth = protocol(m, p, "auth_protocol", AuthProtocol.class, node, true);
    Secret authPassword = secret(m, p, "auth_password", "auth_password_env", node, true);
    PrivProtocol priv = protocol(m, p, "priv_protocol", PrivProtocol.class, node, false);
    boolean privWanted =
        priv != null || !isNull(m.get("priv_password")) || !isNull(m.get("priv_password_env"));
    Secret privPassword = null;
    if (privWanted) {
      privPassword = secret(m, p, "priv_password", "priv_password_env", node, true);
      if (isNull(m.get("priv_protocol"))) {
        yaml.problem(
            child(p, "priv_protocol"),
            node,
            "is required when a privacy password is set",
            null,
            "allowed: " + names(PrivProtocol.class));
      }
    }
    if (user == null
        || auth == null
        || authPassword == null
        || (privWanted && (priv == null || privPassword == null))) {
      return null;
    }
    return SnmpProfile.v3(name, user, auth, authPassword, priv, privPassword);
  }

  /** What a version that is not one of ours most likely meant: "v2c" or "2" for 2c, "v1" for 1. */
  private static String versionHint(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.startsWith("v") || t.startsWith("snmpv")) {
      t = t.substring(t.indexOf('v') + 1);
    }
    return SnmpProfile.Version.of(t.equals("2") ? "2c" : t)
        .map(v -> "did you mean \"" + v.label() + "\"?")
        .orElse(null);
  }

  /**
   * Without a valid version the keys that apply are not known, but an environment variable that is
   * not set is wrong whatever the version: reported now rather than after the version is fixed.
   */
  private void checkEnvNames(Map<String, Node> m, String p) {
    for (String key : PROFILE) {
      if (key.endsWith("_env") && !isNull(m.get(key))) {
        String var = yaml.optional(m, p, key, false);
        if (var != null) {
          env.secret(child(p, key), m.get(key), var, "VCMON_SNMP_COMMUNITY", "...");
        }
      }
    }
  }

  private void rejectKeys(Map<String, Node> m, String p, List<String> keys, String rule) {
    for (String k : keys) {
      if (m.containsKey(k)) {
        yaml.problem(child(p, k), m.get(k), "is " + rule, null, null);
      }
    }
  }

  private <E extends Enum<E>> E protocol(
      Map<String, Node> m, String p, String key, Class<E> type, Node owner, boolean required) {
    String text =
        required ? yaml.required(m, p, key, owner, false) : yaml.optional(m, p, key, false);
    if (text == null) {
      return null;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(text.strip())) {
        return e;
      }
    }
    yaml.problem(child(p, key), m.get(key), "unknown protocol", text, "allowed: " + names(type));
    return null;
  }

  private static <E extends Enum<E>> String names(Class<E> type) {
    return String.join(", ", Arrays.stream(type.getEnumConstants()).map(Enum::name).toList());
  }

  /**
   * A credential written either literally ({@code literalKey}) or as the name of an environment
   * variable ({@code envKey}, the better choice: the file can then be shared and committed).
   */
  private Secret secret(
      Map<String, Node> m, String p, String literalKey, String envKey, Node owner, boolean usm) {
    boolean hasLiteral = !isNull(m.get(literalKey));
    boolean hasEnv = !isNull(m.get(envKey));
    boolean password = !literalKey.equals("community");
    if (hasLiteral && hasEnv) {
      yaml.problem(
          child(p, envKey),
          m.get(envKey),
          "set either " + literalKey + " or " + envKey + ", not both",
          null,
          null);
      return null;
    }
    if (!hasLiteral && !hasEnv) {
      yaml.problem(
          child(p, envKey),
          owner,
          "is required",
          null,
          "name an environment variable holding the "
              + (password ? "password" : "community")
              + ", or write it as "
              + literalKey
              + ": TEXT");
      return null;
    }
    String value;
    String where;
    String envVar = null;
    if (hasLiteral) {
      value = yaml.optional(m, p, literalKey, true);
      where = literalKey;
    } else {
      String var = yaml.optional(m, p, envKey, false);
      if (var == null) {
        return null;
      }
      Secret fromEnv = env.secret(child(p, envKey), m.get(envKey), var, "VCMON_SNMP_COMMUNITY", "...");
      if (fromEnv == null) {
        return null;
      }
      envVar = var;
      value = fromEnv.reveal();
      where = envKey;
    }
    if (value == null) {
      return null;
    }
    if (password && usm && value.length() < USM_PASSWORD_MIN) {
      yaml.problem(
          child(p, where),
          m.get(where),
          "must be at least " + USM_PASSWORD_MIN + " characters (SNMPv3 USM rule)",
          YamlFile.SECRET,
          envVar == null ? null : "the value of " + envVar + " is too short");
      return null;
    }
    return Secret.of(value);
  }

  /** The seeds, or none; {@code broken} when the file named could not be fully read. */
  private record SeedsRead(Seeds seeds, boolean broken) {}

  private SeedsRead seeds(Node node) {
    if (isNull(node)) {
      return new SeedsRead(null, false);
    }
    String text = yaml.text(node, "seeds");
    Path path = text == null ? null : resolve(text, "seeds", node);
    if (path == null) {
      return new SeedsRead(null, true);
    }
    Seeds seeds;
    try {
      seeds = SeedLoader.load(path);
    } catch (NoSuchFileException e) {
      yaml.problem(
          "seeds",
          node,
          "file not found",
          path.toString(),
          "the path is relative to the config file");
      return new SeedsRead(null, true);
    } catch (CharacterCodingException e) {
      yaml.problem("seeds", node, "file is not UTF-8 text", path.toString(), "save it as UTF-8");
      return new SeedsRead(null, true);
    } catch (IOException e) {
      yaml.problem(
          "seeds", node, "cannot read file", path.toString(), YamlFile.unreadable(path, e));
      return new SeedsRead(null, true);
    }
    int rank = nextRank++;
    seeds.problems().forEach(pr -> problems.add(rank, ConfigProblem.of(pr)));
    return new SeedsRead(seeds, !seeds.problems().isEmpty());
  }

  /** A path from the config, relative to the config file's directory. */
  private Path resolve(String text, String path, Node node) {
    try {
      return baseDir.resolve(text.strip()).normalize();
    } catch (InvalidPathException e) {
      yaml.problem(path, node, "not a valid path", text, null);
      return null;
    }
  }

  /** Where the site list is: in this file, or in the file {@code sites_file} names. */
  private SiteBinder.SiteList sitesSource(Map<String, Node> top) {
    Node inline = top.get("sites");
    Node fileNode = top.get("sites_file");
    boolean both = !isNull(inline) && !isNull(fileNode);
    if (both) {
      // The inline list is still checked: it is this file's own text, and may be the one kept.
      yaml.problem("sites_file", fileNode, "use either sites or sites_file, not both", null, null);
    }
    if (!isNull(inline)) {
      List<Node> items = yaml.list(inline, "sites");
      return items == null ? null : new SiteBinder.SiteList(yaml, items, inline);
    }
    if (isNull(fileNode)) {
      yaml.problem("sites", 0, "no sites", null, "add a sites: list, or sites_file: FILE");
      return null;
    }
    String text = yaml.text(fileNode, "sites_file");
    Path path = text == null ? null : resolve(text, "sites_file", fileNode);
    if (path == null) {
      return null;
    }
    YamlFile sitesYaml = new YamlFile(path + ": ", nextRank++, problems);
    Optional<Node> root = sitesYaml.parse(path, "sites_file", line(fileNode), Problems.CONFIG_FILE);
    if (root.isEmpty()) {
      return null;
    }
    Node list = root.get();
    if (!(list instanceof SequenceNode) && !isNull(list)) {
      Map<String, Node> m = sitesYaml.map(list, "", List.of("sites"));
      if (m == null) {
        return null;
      }
      list = m.get("sites");
    }
    if (isNull(list)) {
      sitesYaml.problem(
          "sites",
          root.get(),
          "no sites",
          null,
          "the file holds a list of sites, or sites: followed by one");
      return null;
    }
    List<Node> items = sitesYaml.list(list, "sites");
    return items == null ? null : new SiteBinder.SiteList(sitesYaml, items, list);
  }

  private AgentConfig.Rollout rollout(Node node, List<Site> sites) {
    String p = "rollout";
    Map<String, Node> m = yaml.optionalMap(node, p, ConfigKeys.children(p));
    // Sites with a bad type are null here; the config fails anyway, so they need not count.
    int units = (int) sites.stream().filter(s -> s.type() != null && s.type().isUnit()).count();
    ConfigKeys.Key t = ConfigKeys.ROLLOUT_TARGET;
    Integer target = yaml.integer(m, p, t.name(), units, t.intMin(), t.intMax());
    String deadlineText = yaml.optional(m, p, "deadline", false);
    LocalDate deadline = null;
    if (deadlineText != null) {
      deadline = TimeText.date(deadlineText.strip()).orElse(null);
      if (deadline == null) {
        yaml.problem(
            child(p, "deadline"),
            m.get("deadline"),
            "must be a date written YYYY-MM-DD",
            deadlineText,
            "e.g. 2020-08-31");
      }
    }
    return new AgentConfig.Rollout(orElse(target, units), deadline);
  }

  private AgentConfig.Store store(Node node) {
    Map<String, Node> m = yaml.optionalMap(node, "store", ConfigKeys.children("store"));
    String text = yaml.optional(m, "store", "path", false);
    Path path = resolve(text == null ? Defaults.STORE_PATH : text, "store.path", m.get("path"));
    return new AgentConfig.Store(path);
  }

  private static <T> T orElse(T value, T def) {
    return value == null ? def : value;
  }

  static String typeLabels() {
    return String.join(", ", Arrays.stream(SiteType.values()).map(SiteType::label).toList());
  }
}
