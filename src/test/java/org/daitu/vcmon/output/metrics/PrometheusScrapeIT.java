package org.daitu.vcmon.output.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.daitu.vcmon.testing.Await.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.app.Agent;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.Snmpd;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The alert rules and the Grafana queries against what a real vcmon really exports, through a
 * real Prometheus (Debian's {@code prometheus}) scraping it every second.
 *
 * <p>The agent runs in-process with six sites on loopback, each in a known state: a DOWN commune
 * (its address dropped by this test's nftables table {@value #NFT_TABLE}), a DOWN district core
 * (dropped too) with one UNREACHABLE commune behind it (dropped) and one UP (answers), an UP town
 * polled over SNMP by a real snmpd, and a DEGRADED commune (answers ping, SNMP port closed). The
 * rollout deadline is in the past with 2 of 5 connected.
 *
 * <p>How expressions are judged:
 *
 * <ul>
 *   <li>Alert rules: every {@code expr} of config/alert-rules.yaml is run through
 *       /api/v1/query and must succeed. Alert conditions are meant to be empty most of the time,
 *       so instead of "returns something" each known rule must return exactly the sites this
 *       scenario makes it match (e.g. VcmonSiteDown = the DOWN commune only, VcmonDown = none):
 *       that proves the joins on vcmon_site_info and the label names against real series. Rules
 *       this test does not know (added later) are checked for success only. Prometheus's own
 *       evaluation of the loaded rule file must also report health "ok" for every rule.
 *   <li>Grafana: every {@code expr} in grafana/**&#47;*.json and
 *       grafana/provisioning/alerting/*.yaml (when present), with template variables substituted,
 *       must succeed; one without a filtering comparison ({@code == != > < >= <=} without {@code
 *       bool}) must also return at least one series, since a panel showing nothing here is a
 *       misspelt metric or label.
 * </ul>
 */
class PrometheusScrapeIT {
  private static final String NFT_TABLE = "vcmon_it_prom";
  private static final List<String> DROPPED = List.of("127.77.0.1", "127.77.0.2", "127.77.0.9");
  private static final Path PROJECT = Path.of("").toAbsolutePath();
  private static final Duration STATES_LIMIT = Duration.ofSeconds(90);
  /** The site Grafana's $site becomes: UP, pinged and polled over SNMP, so every panel has data. */
  private static final String GRAFANA_SITE = "hung-son";

  /**
   * What each rule's expression returns in this scenario, as the set of {@code site} labels of
   * the result ("" for a series without one), keyed by "alertname/severity".
   */
  private static final Map<String, Set<String>> EXPECTED =
      Map.of(
          "VcmonSiteDown/critical", Set.of("la-bang"),
          "VcmonSiteDegraded/warning", Set.of("ky-phu"),
          "VcmonUplinkDown/critical", Set.of("district-core"),
          "VcmonNetworkNodeDown/warning", Set.of(),
          "VcmonRolloutBehindSchedule/warning", Set.of(""),
          "VcmonRolloutBehindSchedule/info", Set.of(),
          "VcmonDown/critical", Set.of(),
          "VcmonNotProbing/critical", Set.of(),
          // a single agent has no cluster metrics
          "VcmonClusterMemberLost/warning", Set.of());

  @TempDir static Path dir;

  private static boolean tableAdded;
  private static Snmpd snmpd;
  private static Vertx vertx;
  private static Agent agent;
  private static Process prometheus;
  private static Path prometheusLog;
  private static int prometheusPort;
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    HostTools.require("prometheus");
    HostTools.require("fping");
    HostTools.requireAvailable(Snmpd.unavailableReason());
    HostTools.requireRoot("to make the DOWN sites' addresses silent with nft");
    HostTools.require("nft");
    dropAddresses();
    snmpd = Snmpd.builder(dir.resolve("snmpd")).sysName("hung-son").community("it-prom").start();
    vertx = Vertx.vertx();
    agent = await(TestAgent.start(vertx, agentConfig()));
    startPrometheus(agent.httpPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    if (agent != null) {
      await(agent.stop());
    }
    if (vertx != null) {
      await(vertx.close());
    }
    if (snmpd != null) {
      snmpd.close();
    }
    if (tableAdded) {
      ToolRun.of(dir, "nft", "delete", "table", "ip", NFT_TABLE);
    }
  }

  @Test
  void everyAlertRuleExpressionMatchesExactlyTheSitesOfTheScenario() throws Exception {
    awaitScenario();
    List<Map<String, Object>> rules = alertRules();
    assertThat(rules).as("rules in config/alert-rules.yaml").isNotEmpty();
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> rule : rules) {
      String key = rule.get("alert") + "/" + ((Map<?, ?>) rule.get("labels")).get("severity");
      String expr = (String) rule.get("expr");
      JsonObject answer = query(expr);
      if (!"success".equals(answer.getString("status"))) {
        problems.add(key + ": " + answer.encode() + "\n  expr: " + expr);
        continue;
      }
      Set<String> expected = EXPECTED.get(key);
      Set<String> sites = sites(answer.getJsonObject("data").getJsonArray("result"));
      if (expected != null && !expected.equals(sites)) {
        problems.add(key + ": expected sites " + expected + ", got " + sites + "\n  expr: " + expr);
      }
    }
    assertThat(problems).as("alert rule expressions against the live scenario").isEmpty();
  }

  @Test
  void uplinkAlertCountsTheSitesCutOffBehindIt() throws Exception {
    awaitScenario();
    Map<String, Object> uplink =
        alertRules().stream().filter(r -> "VcmonUplinkDown".equals(r.get("alert"))).findFirst().orElseThrow();
    JsonArray result = query((String) uplink.get("expr")).getJsonObject("data").getJsonArray("result");
    assertThat(result).hasSize(1);
    JsonObject series = result.getJsonObject(0);
    assertThat(series.getJsonObject("metric").getString("name")).isEqualTo("Trung tâm huyện");
    assertThat(series.getJsonArray("value").getString(1)).isEqualTo("1");
  }

  @Test
  void prometheusEvaluatesEveryLoadedRuleWithoutError() throws Exception {
    awaitScenario();
    JsonArray groups = null;
    List<String> unhealthy = List.of("not evaluated yet");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!unhealthy.isEmpty() && System.nanoTime() < deadline) {
      groups = get("/api/v1/rules?type=alert").getJsonObject("data").getJsonArray("groups");
      unhealthy = new ArrayList<>();
      for (JsonObject rule : rulesOf(groups)) {
        if (!"ok".equals(rule.getString("health"))) {
          unhealthy.add(rule.getString("name") + ": health " + rule.getString("health") + " " + rule.getString("lastError", ""));
        }
      }
      if (!unhealthy.isEmpty()) {
        Thread.sleep(500);
      }
    }
    assertThat(unhealthy).as("rules whose evaluation failed").isEmpty();
    assertThat(rulesOf(groups)).hasSize(alertRules().size());
  }

  @Test
  void everyGrafanaQueryRunsAndPanelsHaveData() throws Exception {
    awaitScenario();
    Map<String, String> exprs = grafanaExpressions();
    // Another part of the project ships the dashboards; nothing to check until it is there.
    assumeTrue(!exprs.isEmpty(), "no expr in grafana/ yet; nothing to check");
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : exprs.entrySet()) {
      String promql = substitute(e.getValue());
      JsonObject answer = query(promql);
      if (!"success".equals(answer.getString("status"))) {
        problems.add(e.getKey() + ": " + answer.encode() + "\n  expr: " + promql);
      } else if (!filters(promql) && !clusterOnly(promql) && answer.getJsonObject("data").getJsonArray("result").isEmpty()) {
        problems.add(e.getKey() + ": no series\n  expr: " + promql);
      }
    }
    assertThat(problems).as("Grafana expressions against the live scenario").isEmpty();
  }

  // --- the scenario ---------------------------------------------------------------------------

  private static void dropAddresses() throws Exception {
    StringBuilder rules = new StringBuilder();
    rules.append("add table ip ").append(NFT_TABLE).append(" ; ")
        .append("add chain ip ").append(NFT_TABLE)
        .append(" input { type filter hook input priority 0 ; policy accept ; } ; ");
    for (String address : DROPPED) {
      rules.append("add rule ip ").append(NFT_TABLE).append(" input ip daddr ").append(address).append(" drop ; ");
    }
    ToolRun.of(dir, "nft", "delete", "table", "ip", NFT_TABLE); // left over from a killed run
    ToolRun run = ToolRun.of(dir, "nft", rules.toString());
    assertThat(run.exitCode()).as(run.describe()).isZero();
    tableAdded = true;
  }

  private static AgentConfig agentConfig() throws IOException {
    int closedUdpPort;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      closedUdpPort = s.getLocalPort();
    }
    return TestConfig.in(dir)
        .section("probe", "{ interval: 1s, timeout: 300ms, recheck_interval: 500ms,"
            + " icmp: { packets: 2, period: 50ms }, snmp: { retries: 0 } }")
        .section("state", "{ down_after: 2, up_after: 1 }")
        .section("snmp_profiles", "{ v2c: { version: 2c, community: it-prom } }")
        .section("rollout", "{ target: 5, deadline: 2020-08-31 }")
        .site("district-core", "name: Trung tâm huyện, type: district, address: 127.77.0.1")
        .site("ha-thuong", "name: Hà Thượng, type: xã, address: 127.77.0.2, parent: district-core")
        .site("cat-ne", "name: Cát Nê, type: xã, address: 127.77.0.3, parent: district-core")
        .site("hung-son", "name: Hùng Sơn, type: thị trấn, address: " + snmpd.address()
            + ", snmp: { profile: v2c, port: " + snmpd.port() + " }")
        .site("ky-phu", "name: Ký Phú, type: xã, address: 127.77.0.5,"
            + " snmp: { profile: v2c, port: " + closedUdpPort + " }")
        .site("la-bang", "name: La Bằng, type: xã, address: 127.77.0.9")
        .load();
  }

  private static void startPrometheus(int vcmonPort) throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      prometheusPort = s.getLocalPort();
    }
    Path rules = dir.resolve("alert-rules.yaml");
    Files.copy(PROJECT.resolve("config/alert-rules.yaml"), rules);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "global: { scrape_interval: 1s, evaluation_interval: 1s }",
            "rule_files: ['" + rules + "']",
            "scrape_configs:",
            "  - job_name: vcmon",
            "    static_configs: [ { targets: ['127.0.0.1:" + vcmonPort + "'] } ]",
            ""));
    prometheusLog = dir.resolve("prometheus.log");
    prometheus =
        new ProcessBuilder(
                ToolRun.find("prometheus").orElseThrow().toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + prometheusPort)
            .redirectErrorStream(true)
            .redirectOutput(prometheusLog.toFile())
            .start();
    awaitQuery("up{job=\"vcmon\"} == 1", r -> r.size() == 1, Duration.ofSeconds(60), "vcmon scraped");
  }

  /** Waits until Prometheus has scraped every site in its scenario state. */
  private static void awaitScenario() throws Exception {
    awaitQuery(
        "vcmon_site_state == 1",
        r ->
            states(r).equals(
                Map.of(
                    "district-core", "DOWN",
                    "ha-thuong", "UNREACHABLE",
                    "cat-ne", "UP",
                    "hung-son", "UP",
                    "ky-phu", "DEGRADED",
                    "la-bang", "DOWN"))
                && rateKnown(),
        STATES_LIMIT,
        "sites in their scenario states");
  }

  /** rate() needs two samples of the check counter that differ. */
  private static boolean rateKnown() {
    try {
      JsonArray r = query("rate(vcmon_check_duration_seconds_count[1m]) > 0").getJsonObject("data").getJsonArray("result");
      return !r.isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  private static Map<String, String> states(JsonArray result) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < result.size(); i++) {
      JsonObject m = result.getJsonObject(i).getJsonObject("metric");
      out.put(m.getString("site"), m.getString("state"));
    }
    return out;
  }

  // --- what to query --------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> alertRules() throws IOException {
    Object doc =
        new Load(LoadSettings.builder().build())
            .loadFromString(Files.readString(PROJECT.resolve("config/alert-rules.yaml")));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object group : (List<Object>) ((Map<String, Object>) doc).get("groups")) {
      for (Object rule : (List<Object>) ((Map<String, Object>) group).get("rules")) {
        Map<String, Object> r = (Map<String, Object>) rule;
        if (r.containsKey("alert")) {
          out.add(r);
        }
      }
    }
    return out;
  }

  /** Every expr under grafana/, keyed by file and position, in a stable order. */
  private static Map<String, String> grafanaExpressions() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    Path grafana = PROJECT.resolve("grafana");
    if (!Files.isDirectory(grafana)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(grafana)) {
      files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
    Path alerting = grafana.resolve("provisioning/alerting");
    for (Path file : files) {
      String name = PROJECT.relativize(file).toString();
      String text = Files.readString(file, StandardCharsets.UTF_8);
      List<String> found = new ArrayList<>();
      if (name.endsWith(".json")) {
        collectExprs(new JsonObject(text).getMap(), found);
      } else if (file.getParent().equals(alerting) && (name.endsWith(".yaml") || name.endsWith(".yml"))) {
        for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(text)) {
          collectExprs(doc, found);
        }
      }
      for (int i = 0; i < found.size(); i++) {
        out.put(name + " expr #" + (i + 1), found.get(i));
      }
    }
    return out;
  }

  private static void collectExprs(Object node, List<String> out) {
    if (node instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
        if ("expr".equals(e.getKey()) && e.getValue() instanceof String && !((String) e.getValue()).isBlank()) {
          out.add((String) e.getValue());
        } else {
          collectExprs(e.getValue(), out);
        }
      }
    } else if (node instanceof JsonObject) {
      collectExprs(((JsonObject) node).getMap(), out);
    } else if (node instanceof Iterable) {
      for (Object item : (Iterable<?>) node) {
        collectExprs(item, out);
      }
    }
  }

  // $site, ${site}, ${site:regex}, [[site]]; "$1" in label_replace is not a variable.
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_]\\w*)(?::[^}]*)?\\}|\\$([A-Za-z_]\\w*)|\\[\\[([A-Za-z_]\\w*)\\]\\]");

  /**
   * Grafana's variables as a dashboard would fill them. Any other dashboard variable becomes
   * {@code .*}, which suits the {@code =~"$var"} matchers dashboards use for multi-value ones.
   */
  static String substitute(String expr) {
    Map<String, String> values =
        Map.of(
            "site", GRAFANA_SITE,
            "__rate_interval", "1m",
            "__interval", "15s",
            "__interval_ms", "15000",
            "__range", "1h",
            "__range_s", "3600",
            "__range_ms", "3600000");
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(name, ".*")));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static final Pattern COMPARISON = Pattern.compile("(==|!=|>=|<=|>|<)(?!\\s*bool\\b)");

  /** Metrics only an agent with {@code cluster:} exports; this scenario runs a single agent. */
  static final Set<String> CLUSTER_ONLY =
      Set.of("vcmon_cluster_members", "vcmon_cluster_members_configured", "vcmon_vantage_up", "vcmon_sites_owned",
          "vcmon_site_vantage_state");

  /** True when every vcmon metric of the expression is a cluster one: empty for a single agent. */
  static boolean clusterOnly(String expr) {
    Matcher m = Pattern.compile("vcmon_[a-z_]+").matcher(expr);
    boolean any = false;
    while (m.find()) {
      if (!CLUSTER_ONLY.contains(m.group())) {
        return false;
      }
      any = true;
    }
    return any;
  }

  /** True when the expression drops series by a comparison, so an empty answer can be right. */
  static boolean filters(String expr) {
    // Label matchers and strings hold = != =~ and any text; only operators outside them count.
    String outside = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"").replaceAll("\\{[^}]*\\}", "{}");
    return COMPARISON.matcher(outside).find();
  }

  // --- Prometheus HTTP API -------------------------------------------------------------------

  private static JsonObject query(String expr) throws Exception {
    return get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
  }

  private static JsonObject get(String pathAndQuery) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    // Bad queries answer 400 with status "error" and the reason in the body: keep it.
    return new JsonObject(response.body());
  }

  private static void awaitQuery(String expr, Predicate<JsonArray> done, Duration limit, String what)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!prometheus.isAlive()) {
        fail("prometheus exited with " + prometheus.exitValue() + ":\n" + Files.readString(prometheusLog));
      }
      try {
        JsonObject answer = query(expr);
        last = answer.encode();
        if ("success".equals(answer.getString("status"))
            && done.test(answer.getJsonObject("data").getJsonArray("result"))) {
          return;
        }
      } catch (IOException notListeningYet) {
        last = notListeningYet.toString();
      }
      Thread.sleep(500);
    }
    fail("timed out after " + limit + " waiting for " + what + "; last answer to `" + expr + "`: " + last
        + "\nprometheus log:\n" + Files.readString(prometheusLog));
  }

  private static Set<String> sites(JsonArray result) {
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < result.size(); i++) {
      out.add(result.getJsonObject(i).getJsonObject("metric").getString("site", ""));
    }
    return out;
  }

  private static List<JsonObject> rulesOf(JsonArray groups) {
    List<JsonObject> out = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      JsonArray rules = groups.getJsonObject(g).getJsonArray("rules");
      for (int r = 0; r < rules.size(); r++) {
        out.add(rules.getJsonObject(r));
      }
    }
    return out;
  }
}
