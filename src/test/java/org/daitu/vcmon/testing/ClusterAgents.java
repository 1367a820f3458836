package org.daitu.vcmon.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.daitu.vcmon.pki.ClusterCertificates;

/**
 * A cluster of vcmon agents for integration tests: one JVM of {@code target/vcmon.jar} per
 * vantage of a {@link NetnsFleet}, each inside its vantage's network namespace (so its pings and
 * SNMP take that vantage's path through the core), all watching the fleet's sites with the core
 * as their parent, in one cluster secured by certificates from one CA.
 *
 * <p>Agent {@code k} runs in {@code vcmt-vK} as vantage {@link #VANTAGE_IDS}{@code [k-1]} ("tinh",
 * "dai-tu", ...), with its HTTP API on {@code 198.19.2.(10+k):8080} and cluster traffic on ports
 * 7800-7802 of the same address; its home (config, store, log) is {@code dir/<vantage>-agent}, so a
 * {@link Agent#restart()} is a restart: same config, same history. Probing is fast (every 2 s,
 * DOWN after 2 failures), and when a webhook URL is given every agent sends to it.
 *
 * <pre>{@code
 * try (NetnsFleet fleet = NetnsFleet.up(30, 2);
 *     WebhookReceiver hooks = WebhookReceiver.start(fleet.rootAddress());
 *     ClusterAgents cluster = ClusterAgents.in(fleet, dir).webhook(hooks.url()).start()) {
 *   cluster.awaitMembers(Duration.ofSeconds(90));     // every agent lists every agent up
 *   cluster.agent(1).api().sites();                   // agent "tinh", in vcmt-v1
 *   cluster.agent(2).kill();                          // SIGKILL
 *   cluster.agent(2).restart();
 * }
 * }</pre>
 *
 * <p>Every wait has a limit; {@link #close()} stops the agents (SIGTERM, then SIGKILL after
 * {@link #STOP_LIMIT}). Call from the test thread: the methods block on processes and HTTP.
 */
public final class ClusterAgents implements AutoCloseable {
  public static final String CLUSTER_NAME = "thai-nguyen";
  /** The vantage ids by fleet vantage index (1 first): the province first, then districts. */
  public static final List<String> VANTAGE_IDS = List.of("tinh", "dai-tu", "phu-luong", "vo-nhai");
  /** Each agent's API port, on its own vantage address (each namespace has its own ports). */
  public static final int HTTP_PORT = 8080;
  /** JGroups; the event bus on the next port and the key exchange on the one after. */
  public static final int CLUSTER_PORT = 7800;
  /** How long an agent has to stop after SIGTERM before it is killed. */
  public static final Duration STOP_LIMIT = Duration.ofSeconds(20);

  /** The vantage id of the agent whose certificate comes from another CA. */
  public static final String FOREIGN_VANTAGE = "xa-la";

  private final List<Agent> agents;
  private final Agent foreign;

  private ClusterAgents(List<Agent> agents, Agent foreign) {
    this.agents = List.copyOf(agents);
    this.foreign = foreign;
  }

  /** A cluster of agents in {@code fleet}'s vantages, with homes under {@code dir}. */
  public static Builder in(NetnsFleet fleet, Path dir) {
    return new Builder(fleet, dir);
  }

  /** Agent {@code k} (1-based, as the fleet's vantage it runs in). */
  public Agent agent(int k) {
    if (k < 1 || k > agents.size()) {
      throw new IllegalArgumentException("no agent " + k + ": agents are numbered 1.." + agents.size());
    }
    return agents.get(k - 1);
  }

  public List<Agent> agents() {
    return agents;
  }

  /**
   * The agent that must not get in ({@link Builder#withForeignAgent()}): vantage {@value
   * #FOREIGN_VANTAGE} in the fleet vantage after the members, same cluster name and member list,
   * its certificate from another CA. Never started by {@link #startAll()}, never counted by
   * {@link #awaitMembers}.
   */
  public Agent foreign() {
    if (foreign == null) {
      throw new IllegalStateException("no foreign agent: ask for it with withForeignAgent()");
    }
    return foreign;
  }

  /** Starts every agent that is not running; returns at once (the JVMs take seconds to serve). */
  public ClusterAgents startAll() throws IOException {
    for (Agent a : agents) {
      if (!a.running()) {
        a.start();
      }
    }
    return this;
  }

  /**
   * Waits until every running agent lists exactly the running agents' vantages as up in {@code
   * GET /api/v1/cluster}; returns the seconds it took. Fails at once when an agent's JVM has exited.
   */
  public double awaitMembers(Duration limit) throws InterruptedException {
    long start = System.nanoTime();
    Poll.until(
        () -> {
          agents.forEach(Agent::checkNotDead);
          return views();
        },
        views -> {
          List<String> expected = views.keySet().stream().sorted().toList();
          return views.values().stream().allMatch(expected::equals);
        },
        limit,
        Duration.ofMillis(250),
        "every running agent lists every running agent up (running agent -> members it lists up)");
    return (System.nanoTime() - start) / 1e9;
  }

  /** Each running agent's vantage and the vantages it lists up. */
  public Map<String, List<String>> views() {
    Map<String, List<String>> views = new LinkedHashMap<>();
    agents.stream().filter(Agent::running).forEach(a -> views.put(a.vantage(), a.upMembers()));
    return views;
  }

  /** Stops every running agent: SIGTERM to all, then SIGKILL to those not gone after {@link #STOP_LIMIT}. */
  @Override
  public void close() {
    List<Agent> all = new ArrayList<>(agents);
    if (foreign != null) {
      all.add(foreign);
    }
    all.forEach(Agent::signalStop);
    all.forEach(a -> a.awaitExit(STOP_LIMIT));
  }

  /** What the cluster's agents are given; {@link #start()} or {@link #prepare()} makes them. */
  public static final class Builder {
    private final NetnsFleet fleet;
    private final Path dir;
    private int count;
    private String webhookUrl;
    private final Map<String, String> sections = new LinkedHashMap<>();
    private Function<FleetSite, String> siteFields = s -> "";
    private boolean foreign;

    private Builder(NetnsFleet fleet, Path dir) {
      this.fleet = fleet;
      this.dir = dir;
      this.count = Math.min(fleet.vantages().size(), VANTAGE_IDS.size());
    }

    /**
     * How many agents (the first {@code count} vantages; default: all): the members of the
     * cluster. Vantages beyond them stay free, e.g. for an agent that must not get in.
     */
    public Builder agents(int count) {
      if (count < 1 || count > fleet.vantages().size() || count > VANTAGE_IDS.size()) {
        throw new IllegalArgumentException(
            "agents must be 1.." + fleet.vantages().size() + " (the fleet's vantages), got " + count);
      }
      this.count = count;
      return this;
    }

    /** Every agent sends its notifications to {@code url}, digests gathered for 2 s. */
    public Builder webhook(String url) {
      this.webhookUrl = url;
      return this;
    }

    /** A top-level config section for every agent, as YAML after {@code name:}; replaces a default. */
    public Builder section(String name, String yaml) {
      sections.put(name, yaml);
      return this;
    }

    /** Extra flow-mapping fields of each fleet site (e.g. {@code vantages: [tinh]}). */
    public Builder siteFields(Function<FleetSite, String> fields) {
      this.siteFields = Objects.requireNonNull(fields);
      return this;
    }

    /**
     * Also prepares an agent with a certificate from another CA in the fleet vantage after the
     * members (see {@link ClusterAgents#foreign()}); the fleet needs that one more vantage.
     */
    public Builder withForeignAgent() {
      this.foreign = true;
      return this;
    }

    /** Writes the certificates and every agent's config; starts nothing. */
    public ClusterAgents prepare() throws IOException {
      List<String> vantages = VANTAGE_IDS.subList(0, count);
      Path certs = dir.resolve("cluster-certs");
      // The code of `vcmon cluster-certs`, in this JVM: a second JVM start saved.
      ClusterCertificates.write(certs, vantages, Instant.now());
      Layout layout = new Layout(fleet.sites(), fleet.vantages().subList(0, count),
          fleet.coreAddress(), fleet.community(), certs, sections, webhookUrl, siteFields);
      List<Agent> agents = new ArrayList<>();
      for (FleetVantage v : layout.members()) {
        // "tinh-agent/vcmon.yaml", not "tinh/vcmon.yaml": a stop by command line pattern of
        // agents someone runs by hand on this machine (README layout) must not match these.
        Path home = Files.createDirectories(dir.resolve(vantageId(v) + "-agent"));
        Path cfg = layout.config(home, v).write();
        agents.add(new Agent(vantageId(v), v, fleet.inVantage(v.index()), cfg, home.resolve("vcmon.log")));
      }
      Agent intruder = null;
      if (foreign) {
        if (fleet.vantages().size() <= count) {
          throw new IllegalArgumentException("a foreign agent needs a vantage of its own: make the"
              + " fleet with " + (count + 1) + " vantages, not " + fleet.vantages().size());
        }
        FleetVantage v = fleet.vantages().get(count);
        Path otherCa = dir.resolve("foreign-certs");
        ClusterCertificates.write(otherCa, List.of(FOREIGN_VANTAGE), Instant.now());
        Path home = Files.createDirectories(dir.resolve(FOREIGN_VANTAGE + "-agent"));
        Path cfg = layout.foreignConfig(home, v, FOREIGN_VANTAGE, otherCa).write();
        intruder = new Agent(FOREIGN_VANTAGE, v, fleet.inVantage(v.index()), cfg, home.resolve("vcmon.log"));
      }
      return new ClusterAgents(agents, intruder);
    }

    /** {@link #prepare()}, then starts every agent. */
    public ClusterAgents start() throws IOException {
      return prepare().startAll();
    }
  }

  /** The vantage id of the agent in fleet vantage {@code v}. */
  static String vantageId(FleetVantage v) {
    return VANTAGE_IDS.get(v.index() - 1);
  }

  /**
   * What every agent's config is made of: the fleet's sites below the core, the members and
   * their certificates, and the test's sections. Pure: writes nothing until asked.
   */
  record Layout(
      List<FleetSite> sites,
      List<FleetVantage> members,
      String coreAddress,
      String community,
      Path certs,
      Map<String, String> sections,
      String webhookUrl,
      Function<FleetSite, String> siteFields) {

    /** The default sections: fast probing, so that a test waits seconds, not minutes. */
    static Map<String, String> defaults(String community) {
      Map<String, String> sections = new LinkedHashMap<>();
      sections.put("probe",
          "{ interval: 2s, timeout: 500ms, recheck_interval: 1s, icmp: { packets: 2, period: 100ms } }");
      sections.put("state", "{ down_after: 2, up_after: 2 }");
      sections.put("snmp_profiles", "\n  v2c: { version: 2c, community: " + community + " }");
      return sections;
    }

    /** The config of the agent in vantage {@code v}, its store and file in {@code home}. */
    TestConfig config(Path home, FleetVantage v) {
      return config(home, v, vantageId(v), certs, members);
    }

    /** The config of an agent of this cluster's name but another CA, naming the members and itself. */
    TestConfig foreignConfig(Path home, FleetVantage v, String vantage, Path otherCerts) {
      List<FleetVantage> all = new ArrayList<>(members);
      all.add(v);
      return config(home, v, vantage, otherCerts, all);
    }

    private TestConfig config(
        Path home, FleetVantage v, String vantage, Path certs, List<FleetVantage> members) {
      TestConfig cfg = TestConfig.in(home)
          .section("http", "{ host: " + v.address() + ", port: " + HTTP_PORT
              + ", admin_token_env: " + PackagedAgent.ADMIN_TOKEN_ENV + " }")
          // What PackagedAgent puts in the agent's environment, for the loader in unit tests.
          .env(PackagedAgent.ADMIN_TOKEN_ENV, PackagedAgent.ADMIN_TOKEN);
      defaults(community).forEach(cfg::section);
      sections.forEach(cfg::section);
      if (webhookUrl != null && !sections.containsKey("alerts")) {
        cfg.section("alerts", "{ digest: { window: 2s, min_sites: 3 }, webhooks: [ { url: \""
            + webhookUrl + "\" } ] }");
      }
      String memberList = members.stream()
          .map(m -> m.address() + ":" + CLUSTER_PORT)
          .collect(Collectors.joining(", "));
      cfg.section("cluster", "\n  name: " + CLUSTER_NAME
          + "\n  vantage: " + vantage
          + "\n  listen: " + v.address() + ":" + CLUSTER_PORT
          + "\n  members: [" + memberList + "]"
          + "\n  tls: { ca_file: " + certs.resolve("ca.pem") + ", cert_file: "
          + certs.resolve(vantage + ".pem") + ", key_file: " + certs.resolve(vantage + ".key") + " }");
      // Sites as the single-agent fleet tests have them: the core polled too, parent of all.
      cfg.site(NetnsFleet.CORE_ID, "name: Core, type: district, address: " + coreAddress
          + ", snmp: { profile: v2c }");
      cfg.fleet(sites, s -> {
        String more = siteFields.apply(s);
        return "parent: " + NetnsFleet.CORE_ID + ", snmp: { profile: v2c }"
            + (more.isBlank() ? "" : ", " + more);
      });
      return cfg;
    }
  }

  /**
   * One agent of the cluster: a JVM in its vantage's namespace, started, killed, stopped and
   * restarted by the test. Its log file keeps every run, each after a line naming it.
   */
  public static final class Agent {
    private final String vantage;
    private final FleetVantage point;
    private final List<String> commandPrefix;
    private final Path config;
    private final Path log;
    private final ApiClient api;
    private volatile Process process;
    /** Set when the test stops or kills it: its exit is then no failure. */
    private volatile boolean endedByTest;
    private int runs;

    Agent(String vantage, FleetVantage point, List<String> commandPrefix, Path config, Path log) {
      this.vantage = vantage;
      this.point = point;
      this.commandPrefix = List.copyOf(commandPrefix);
      this.config = config;
      this.log = log;
      this.api = new ApiClient(point.address(), HTTP_PORT);
    }

    /** The vantage id ("tinh", "dai-tu", ...). */
    public String vantage() {
      return vantage;
    }

    /** The fleet vantage it runs in: namespace and address. */
    public FleetVantage point() {
      return point;
    }

    /** The cluster address members name it by: {@code 198.19.2.1K:7800}. */
    public String clusterAddress() {
      return point.address() + ":" + CLUSTER_PORT;
    }

    public ApiClient api() {
      return api;
    }

    public Path config() {
      return config;
    }

    /** Starts the JVM (it serves its API a few seconds later). */
    public synchronized void start() throws IOException {
      if (running()) {
        throw new IllegalStateException(vantage + " is already running (pid " + process.pid() + ")");
      }
      runs++;
      Files.writeString(log, "---- vcmon " + vantage + " run " + runs + " at " + Instant.now() + " ----\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      endedByTest = false;
      process = PackagedAgent.start(commandPrefix, config, log);
    }

    /** SIGKILL, as a machine losing power: no goodbye to the cluster. Returns once it is gone. */
    public synchronized void kill() {
      Process p = process;
      if (p != null && p.isAlive()) {
        endedByTest = true;
        p.destroyForcibly(); // SIGKILL on Linux
        awaitExit(Duration.ofSeconds(10));
      }
    }

    /** SIGTERM, then SIGKILL after {@link #STOP_LIMIT}; returns the exit code (-1: never ran). */
    public synchronized int stop() {
      signalStop();
      return awaitExit(STOP_LIMIT);
    }

    /** Stops it if it runs, then starts it again with the same config and store. */
    public synchronized void restart() throws IOException {
      stop();
      start();
    }

    public boolean running() {
      Process p = process;
      return p != null && p.isAlive();
    }

    /** The JVM's pid (the {@code ip netns exec} prefix execs it, so this is java itself). */
    public long pid() {
      Process p = process;
      if (p == null) {
        throw new IllegalStateException(vantage + " was never started");
      }
      return p.pid();
    }

    /** Everything every run wrote. */
    public String log() {
      try {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** What the latest run wrote. */
    public String lastRunLog() {
      String all = log();
      int at = all.lastIndexOf("---- vcmon " + vantage + " run ");
      return at < 0 ? all : all.substring(at);
    }

    /** {@code GET /api/v1/cluster}, or null while the agent does not answer 200. */
    public JsonObject cluster() {
      try {
        HttpResponse<String> r = api.get("/api/v1/cluster");
        return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
      } catch (IOException | RuntimeException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    /** The vantages this agent lists as up, sorted; empty while it does not answer. */
    public List<String> upMembers() {
      JsonObject body = cluster();
      if (body == null) {
        return List.of();
      }
      JsonArray members = body.getJsonArray("members", new JsonArray());
      return members.stream()
          .map(JsonObject.class::cast)
          .filter(m -> m.getBoolean("up", false))
          // a member that has not told its vantage yet shows as "?"
          .map(m -> Objects.requireNonNullElse(m.getString("vantage"), "?"))
          .sorted()
          .toList();
    }

    /** Throws, with the end of the log, when the agent was started and has exited. */
    void checkNotDead() {
      Process p = process;
      if (p != null && !p.isAlive() && !endedByTest) {
        throw new AssertionError("agent " + vantage + " exited with code " + p.exitValue()
            + "; the end of its log:\n" + tail(lastRunLog(), 40));
      }
    }

    void signalStop() {
      Process p = process;
      if (p != null && p.isAlive()) {
        endedByTest = true;
        p.destroy(); // SIGTERM
      }
    }

    int awaitExit(Duration limit) {
      Process p = process;
      if (p == null) {
        return -1;
      }
      try {
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      return p.isAlive() ? -1 : p.exitValue();
    }

    @Override
    public String toString() {
      return "agent " + vantage + " in " + point.namespace() + " at " + point.address();
    }
  }

  static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
