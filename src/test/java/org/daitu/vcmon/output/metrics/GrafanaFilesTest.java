package org.daitu.vcmon.output.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Grafana cannot be installed here, so the provisioning files are checked by construction: they
 * parse, the dashboards are well-formed and all point at the provisioned datasource, and every
 * PromQL expression uses only the metric names (and labels) of the Metrics table in
 * docs/metrics.md (the metric reference the README links to), read from that file itself so that
 * documentation and dashboards cannot drift apart. Whether each
 * expression also answers with data is PrometheusScrapeIT's job, against a real Prometheus.
 */
class GrafanaFilesTest {
  private static final Path GRAFANA = Path.of("grafana");
  private static final Path DASHBOARDS = GRAFANA.resolve("dashboards");
  private static final Path ALERTS = GRAFANA.resolve("provisioning/alerting/vcmon-alerts.yaml");
  /** The metric reference: its "## Metrics" table lists every documented name. */
  private static final Path METRIC_REFERENCE = Path.of("docs", "metrics.md");
  private static final String DATASOURCE_UID = "vcmon-prometheus";
  private static final String EXPRESSION_UID = "__expr__";

  /** The only variables PrometheusScrapeIT substitutes before it runs an expression. */
  private static final Set<String> SUBSTITUTED_VARIABLES =
      Set.of("$site", "$__rate_interval", "$__interval", "$__range");

  /** Labels Prometheus adds to every scraped series. */
  private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

  private static final Set<String> PROMQL_WORDS =
      Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
          "group_left", "group_right", "NaN", "Inf", "nan", "inf");

  private static Map<String, DocumentedMetric> documented;

  /** One row of the Metrics table in docs/metrics.md. */
  record DocumentedMetric(String name, String type, Set<String> labels) {}

  /** A PromQL expression and where it was found, for messages. */
  record Expression(Path file, String where, String expr) {
    @Override
    public String toString() {
      return file + " " + where;
    }
  }

  @BeforeAll
  static void readMetricReference() throws IOException {
    documented = readMetricsTable(METRIC_REFERENCE);
  }

  static Map<String, DocumentedMetric> readMetricsTable(Path doc) throws IOException {
    Map<String, DocumentedMetric> metrics = new LinkedHashMap<>();
    Pattern row = Pattern.compile("^\\|\\s*`([a-z_:][a-z0-9_:]*)(?:\\{([^}]*)})?`\\s*\\|\\s*([a-z]+)\\s*\\|");
    boolean inSection = false;
    for (String line : Files.readAllLines(doc, StandardCharsets.UTF_8)) {
      if (line.startsWith("## ")) {
        inSection = line.trim().equals("## Metrics");
        continue;
      }
      Matcher m = row.matcher(line);
      if (inSection && m.find()) {
        Set<String> labels = new LinkedHashSet<>();
        if (m.group(2) != null) {
          for (String label : m.group(2).split(",")) {
            labels.add(label.trim());
          }
        }
        metrics.put(m.group(1), new DocumentedMetric(m.group(1), m.group(3), labels));
      }
    }
    return metrics;
  }

  @Test
  void metricReferenceTableIsReadable() {
    // Guards the parser: an empty table would make every later check pass vacuously.
    assertThat(documented).hasSizeGreaterThanOrEqualTo(20);
    assertThat(documented.get("vcmon_site_state").labels()).containsExactly("site", "state");
    assertThat(documented.get("vcmon_probe_duration_seconds").type()).isEqualTo("summary");
    assertThat(documented.get("vcmon_vantage_up").labels()).containsExactly("vantage");
    assertThat(documented.get("vcmon_site_vantage_state").labels()).containsExactly("site", "state", "vantage");
  }

  // ------------------------------------------------------------------------------------ files

  static Stream<Path> jsonFiles() {
    return files(".json");
  }

  static Stream<Path> yamlFiles() {
    return Stream.concat(files(".yaml"), files(".yml"));
  }

  static Stream<Path> dashboards() {
    return files(".json").filter(p -> p.startsWith(DASHBOARDS));
  }

  private static Stream<Path> files(String suffix) {
    try (Stream<Path> walk = Files.walk(GRAFANA)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(suffix))
          .sorted()
          .collect(Collectors.toList())
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject json(Path file) {
    try {
      return new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object yaml(Path file) {
    try {
      return new Load(LoadSettings.builder().setLabel(file.toString()).build())
          .loadFromString(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theExpectedFilesArePresent() {
    assertThat(dashboards().map(p -> p.getFileName().toString()))
        .contains("vcmon-overview.json", "vcmon-site.json");
    assertThat(ALERTS).isRegularFile();
  }

  @ParameterizedTest
  @MethodSource("jsonFiles")
  void jsonFileParses(Path file) {
    assertThat(json(file).isEmpty()).as(file + " is empty").isFalse();
  }

  @ParameterizedTest
  @MethodSource("yamlFiles")
  void yamlFileParsesWithApiVersion1(Path file) {
    assertThat(yaml(file)).as(file.toString()).isInstanceOf(Map.class);
    assertThat(((Map<?, ?>) yaml(file)).get("apiVersion")).as(file + " apiVersion").isEqualTo(1);
  }

  @Test
  void datasourceKeepsTheUidTheDashboardsUse() {
    Map<?, ?> file = (Map<?, ?>) yaml(GRAFANA.resolve("provisioning/datasources/prometheus.yaml"));
    List<?> datasources = (List<?>) file.get("datasources");
    assertThat(datasources).hasSize(1);
    Map<?, ?> ds = (Map<?, ?>) datasources.get(0);
    assertThat(ds.get("uid")).isEqualTo(DATASOURCE_UID);
    assertThat(ds.get("type")).isEqualTo("prometheus");
  }

  // ------------------------------------------------------------------------------- dashboards

  @Nested
  class Dashboards {
    @ParameterizedTest
    @MethodSource("org.daitu.vcmon.output.metrics.GrafanaFilesTest#dashboards")
    void hasIdentityAndSchema(Path file) {
      JsonObject d = json(file);
      String expectedUid = file.getFileName().toString().replace(".json", "");
      assertThat(d.getString("uid")).as(file + " uid").isEqualTo(expectedUid);
      assertThat(d.getString("title")).as(file + " title").isNotBlank();
      assertThat(d.getInteger("schemaVersion")).as(file + " schemaVersion").isEqualTo(39);
      assertThat(d.getJsonArray("panels")).as(file + " panels").isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("org.daitu.vcmon.output.metrics.GrafanaFilesTest#dashboards")
    void panelIdsAreUniqueAndPanelsDoNotOverlap(Path file) {
      List<String> problems = new ArrayList<>();
      Set<Integer> ids = new HashSet<>();
      List<JsonObject> panels = panels(json(file));
      for (JsonObject p : panels) {
        Integer id = p.getInteger("id");
        if (id == null || !ids.add(id)) {
          problems.add("panel \"" + p.getString("title") + "\": id " + id + " missing or repeated");
        }
        if (p.getString("type") == null || p.getJsonObject("gridPos") == null) {
          problems.add("panel " + id + ": needs a type and a gridPos");
        }
      }
      for (int i = 0; i < panels.size(); i++) {
        for (int j = i + 1; j < panels.size(); j++) {
          if (overlap(panels.get(i).getJsonObject("gridPos"), panels.get(j).getJsonObject("gridPos"))) {
            problems.add("panels " + panels.get(i).getInteger("id") + " and " + panels.get(j).getInteger("id") + " overlap");
          }
        }
      }
      assertThat(problems).as(file.toString()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("org.daitu.vcmon.output.metrics.GrafanaFilesTest#dashboards")
    void everyQueryUsesTheVcmonDatasource(Path file) {
      JsonObject d = json(file);
      List<String> problems = new ArrayList<>();
      for (JsonObject p : panels(d)) {
        if ("row".equals(p.getString("type"))) {
          continue;
        }
        String where = "panel " + p.getInteger("id") + " \"" + p.getString("title") + "\"";
        if (!DATASOURCE_UID.equals(datasourceUid(d, p.getValue("datasource")))) {
          problems.add(where + ": datasource " + p.getValue("datasource"));
        }
        JsonArray targets = p.getJsonArray("targets", new JsonArray());
        if (targets.isEmpty()) {
          problems.add(where + ": no query");
        }
        Set<String> refIds = new HashSet<>();
        for (Object o : targets) {
          JsonObject t = (JsonObject) o;
          String ref = t.getString("refId");
          if (ref == null || !refIds.add(ref)) {
            problems.add(where + ": refId " + ref + " missing or repeated");
          }
          if (t.containsKey("datasource") && !DATASOURCE_UID.equals(datasourceUid(d, t.getValue("datasource")))) {
            problems.add(where + " query " + ref + ": datasource " + t.getValue("datasource"));
          }
          if (t.getString("expr", "").isBlank()) {
            problems.add(where + " query " + ref + ": empty expr");
          }
        }
        // An override for a query that does not exist silently does nothing.
        for (Object o : p.getJsonObject("fieldConfig", new JsonObject()).getJsonArray("overrides", new JsonArray())) {
          JsonObject matcher = ((JsonObject) o).getJsonObject("matcher");
          if ("byFrameRefID".equals(matcher.getString("id")) && !refIds.contains(matcher.getString("options"))) {
            problems.add(where + ": override for unknown refId " + matcher.getString("options"));
          }
        }
      }
      assertThat(problems).as(file.toString()).isEmpty();
    }

    @Test
    void siteDashboardHasTheSiteVariable() {
      JsonObject d = json(DASHBOARDS.resolve("vcmon-site.json"));
      JsonObject site = variable(d, "site");
      assertThat(site).as("templating variable \"site\" in vcmon-site.json").isNotNull();
      assertThat(site.getString("type")).isEqualTo("query");
      assertThat(datasourceUid(d, site.getValue("datasource"))).isEqualTo(DATASOURCE_UID);
      assertThat(site.getString("definition")).contains("vcmon_site_info");
      assertThat(site.getBoolean("includeAll", false)).isFalse();
      assertThat(site.getBoolean("multi", false)).isFalse();
    }

    @Test
    void siteVariableRegexTakesTheIdAsValueAndTheNameAsText() {
      // Grafana applies the regex to query_result's lines; this is what one looks like.
      String line =
          "vcmon_site_info{code=\"05815\", instance=\"127.0.0.1:8080\", job=\"vcmon\", lat=\"\", lon=\"\","
              + " name=\"La Bằng\", site=\"la-bang\", type=\"xã\"} 1 1596265200000";
      String regex = variable(json(DASHBOARDS.resolve("vcmon-site.json")), "site").getString("regex");
      Matcher m = Pattern.compile(regex.substring(1, regex.length() - 1)).matcher(line);
      assertThat(m.find()).as(regex).isTrue();
      assertThat(m.group("value")).isEqualTo("la-bang");
      assertThat(m.group("text")).isEqualTo("La Bằng");
    }

    @ParameterizedTest
    @MethodSource("org.daitu.vcmon.output.metrics.GrafanaFilesTest#dashboards")
    void expressionsUseOnlyVariablesTheyDefineAndTheScrapeTestSubstitutes(Path file) {
      JsonObject d = json(file);
      List<String> problems = new ArrayList<>();
      Pattern variable = Pattern.compile("\\$\\{?\\w+");
      for (Expression e : expressions(file)) {
        Matcher m = variable.matcher(e.expr());
        while (m.find()) {
          String v = m.group().replace("{", "");
          if (!SUBSTITUTED_VARIABLES.contains(v)) {
            problems.add(e + ": " + m.group() + " (write $site, $__rate_interval, $__interval or $__range)");
          } else if (v.equals("$site") && variable(d, "site") == null) {
            problems.add(e + ": uses $site but the dashboard has no variable \"site\"");
          }
        }
      }
      assertThat(problems).isEmpty();
    }

    @Test
    void linksPointAtProvisionedDashboards() {
      Set<String> uids = dashboards().map(p -> json(p).getString("uid")).collect(Collectors.toSet());
      Pattern link = Pattern.compile("/d/([\\w-]+)");
      List<String> problems = new ArrayList<>();
      int links = 0;
      for (Path file : dashboards().collect(Collectors.toList())) {
        for (String url : values(json(file).getMap(), "url")) {
          Matcher m = link.matcher(url);
          while (m.find()) {
            links++;
            if (!uids.contains(m.group(1))) {
              problems.add(file + ": link to unknown dashboard " + url);
            }
          }
        }
      }
      assertThat(problems).isEmpty();
      assertThat(links).as("links between the dashboards").isPositive();
    }

    @Test
    void theOverviewShowsTheClusterMembersVantagesAndOwnedSites() {
      List<String> exprs =
          expressions(DASHBOARDS.resolve("vcmon-overview.json")).stream().map(Expression::expr).toList();
      assertThat(exprs)
          .contains("max(vcmon_cluster_members)", "max(vcmon_cluster_members_configured)",
              "min by (vantage) (vcmon_vantage_up)", "vcmon_sites_owned");
      String overview = json(DASHBOARDS.resolve("vcmon-overview.json")).encode();
      assertThat(overview).contains("Mất liên lạc").contains("Trực tuyến");
    }

    @Test
    void communePanelsOfTheOverviewLinkToTheSitePage() {
      String overview = json(DASHBOARDS.resolve("vcmon-overview.json")).encode();
      assertThat(overview).contains("/d/vcmon-site/vcmon-site?var-site=${__field.labels.site}");
      assertThat(overview).contains("/d/vcmon-site/vcmon-site?var-site=${__data.fields.site}");
    }
  }

  // ----------------------------------------------------------------------------------- alerts

  @Nested
  class AlertRules {
    private List<Map<?, ?>> rules() {
      List<Map<?, ?>> rules = new ArrayList<>();
      for (Object g : (List<?>) ((Map<?, ?>) yaml(ALERTS)).get("groups")) {
        Map<?, ?> group = (Map<?, ?>) g;
        assertThat(group.get("folder")).as("group folder").isEqualTo("vcmon");
        assertThat(group.get("name")).as("group name").isNotNull();
        for (Object r : (List<?>) group.get("rules")) {
          rules.add((Map<?, ?>) r);
        }
      }
      return rules;
    }

    @Test
    void bothRulesArePresentWithUniqueUids() {
      List<Map<?, ?>> rules = rules();
      assertThat(rules.stream().map(r -> String.valueOf(r.get("title"))))
          .contains("Xã mất kết nối", "Mất đường truyền huyện");
      List<Object> uids = rules.stream().map(r -> r.get("uid")).collect(Collectors.toList());
      assertThat(uids).doesNotContainNull().doesNotHaveDuplicates();
    }

    @Test
    void everyRuleIsComplete() {
      List<String> problems = new ArrayList<>();
      for (Map<?, ?> rule : rules()) {
        String where = "rule " + rule.get("uid");
        Map<String, Map<?, ?>> byRef = new TreeMap<>();
        for (Object o : (List<?>) rule.get("data")) {
          Map<?, ?> q = (Map<?, ?>) o;
          byRef.put(String.valueOf(q.get("refId")), q);
        }
        if (!byRef.containsKey(String.valueOf(rule.get("condition")))) {
          problems.add(where + ": condition " + rule.get("condition") + " is not one of " + byRef.keySet());
        }
        int prometheusQueries = 0;
        for (Map.Entry<String, Map<?, ?>> e : byRef.entrySet()) {
          Map<?, ?> q = e.getValue();
          Map<?, ?> model = (Map<?, ?>) q.get("model");
          Object uid = q.get("datasourceUid");
          if (DATASOURCE_UID.equals(uid)) {
            prometheusQueries++;
            Map<?, ?> range = (Map<?, ?>) q.get("relativeTimeRange");
            if (range == null || !(range.get("from") instanceof Integer) || (Integer) range.get("from") <= 0) {
              problems.add(where + " " + e.getKey() + ": needs relativeTimeRange.from > 0");
            }
            if (model == null || model.get("expr") == null) {
              problems.add(where + " " + e.getKey() + ": no model.expr");
            }
          } else if (EXPRESSION_UID.equals(uid)) {
            Object input = model == null ? null : model.get("expression");
            String text = input == null ? "" : input.toString();
            // math writes $A, reduce and threshold name the refId alone.
            Set<String> inputs = new HashSet<>();
            Matcher m = Pattern.compile("\\$?\\{?([A-Za-z]\\w*)}?").matcher(text);
            while (m.find()) {
              inputs.add(m.group(1));
            }
            if (inputs.isEmpty() || inputs.stream().anyMatch(r -> !byRef.containsKey(r) || r.equals(e.getKey()))) {
              problems.add(where + " " + e.getKey() + ": expression \"" + text + "\" must name another refId");
            }
            if (!Set.of("math", "reduce", "threshold", "resample").contains(model.get("type"))) {
              problems.add(where + " " + e.getKey() + ": unknown expression type " + model.get("type"));
            }
          } else {
            problems.add(where + " " + e.getKey() + ": datasourceUid " + uid);
          }
        }
        if (prometheusQueries == 0) {
          problems.add(where + ": no query to " + DATASOURCE_UID);
        }
        if (rule.get("for") == null) {
          problems.add(where + ": no for");
        }
        Map<?, ?> labels = (Map<?, ?>) rule.get("labels");
        if (labels == null || !Set.of("critical", "warning", "info").contains(labels.get("severity"))) {
          problems.add(where + ": labels.severity must be critical, warning or info");
        }
        Map<?, ?> annotations = (Map<?, ?>) rule.get("annotations");
        if (annotations == null || annotations.get("summary") == null || annotations.get("description") == null) {
          problems.add(where + ": needs a summary and a description");
        }
      }
      assertThat(problems).isEmpty();
    }

    @Test
    void alertExpressionsUseNoVariables() {
      assertThat(expressions(ALERTS)).isNotEmpty().allSatisfy(e -> assertThat(e.expr()).doesNotContain("$"));
    }
  }

  // ------------------------------------------------------------------------------ metric names

  static Stream<Path> filesWithExpressions() {
    return Stream.concat(jsonFiles(), yamlFiles()).filter(p -> !expressions(p).isEmpty());
  }

  @Test
  void dashboardsAndAlertsHaveExpressions() {
    assertThat(filesWithExpressions().map(p -> p.getFileName().toString()))
        .contains("vcmon-overview.json", "vcmon-site.json", "vcmon-alerts.yaml");
  }

  @ParameterizedTest
  @MethodSource("filesWithExpressions")
  void expressionsUseOnlyDocumentedMetricsAndLabels(Path file) {
    List<String> problems = new ArrayList<>();
    for (Expression e : expressions(file)) {
      problems.addAll(check(e));
    }
    assertThat(problems).as("names must be in the Metrics table of " + METRIC_REFERENCE).isEmpty();
  }

  @Test
  void theCheckCatchesUndocumentedNames() {
    Expression bad =
        new Expression(Path.of("x"), "q",
            "sum by (sites) (rate(vcmon_site_down_total{site=\"a\"}[5m])) / node_load1"
                + " + vcmon_probe_duration_seconds_bucket + vcmon_site_up{state=\"UP\"}");
    assertThat(check(bad))
        .anyMatch(p -> p.contains("vcmon_site_down_total"))
        .anyMatch(p -> p.contains("node_load1"))
        .anyMatch(p -> p.contains("vcmon_probe_duration_seconds_bucket"))
        .anyMatch(p -> p.contains("label state of vcmon_site_up"))
        .anyMatch(p -> p.contains("sites"));
    Expression good =
        new Expression(Path.of("x"), "q",
            "rate(vcmon_probe_duration_seconds_sum[$__rate_interval]) / ignoring(job) up{job=\"vcmon\"}"
                + " or on(site) vcmon_site_info{name=\"vcmon_x\", lat!=\"\"} * NaN");
    assertThat(check(good)).isEmpty();
  }

  /** Every problem with one expression's metric and label names; empty when it is clean. */
  static List<String> check(Expression e) {
    List<String> problems = new ArrayList<>();
    Set<String> allLabels = new HashSet<>(TARGET_LABELS);
    documented.values().forEach(m -> allLabels.addAll(m.labels()));

    String noStrings = e.expr().replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`", "\"\"");
    // The plain rule first: every vcmon_ word outside label values is a documented name.
    Matcher vcmon = Pattern.compile("vcmon_[a-z_]+").matcher(noStrings);
    while (vcmon.find()) {
      if (metric(vcmon.group()) == null) {
        problems.add(e + ": " + vcmon.group() + " is not documented");
      }
    }
    // Label names in selectors belong to the metric they select.
    Matcher selector = Pattern.compile("([a-zA-Z_:][\\w:]*)?\\s*\\{([^}]*)}").matcher(noStrings);
    while (selector.find()) {
      DocumentedMetric m = selector.group(1) == null ? null : metric(selector.group(1));
      Set<String> allowed = new HashSet<>(TARGET_LABELS);
      if (m != null) {
        allowed.addAll(m.labels());
      } else if (selector.group(1) == null) {
        allowed = allLabels;
      }
      Matcher label = Pattern.compile("(\\w+)\\s*(?:=~|!~|!=|=)").matcher(selector.group(2));
      while (label.find()) {
        if (!allowed.contains(label.group(1))) {
          problems.add(e + ": label " + label.group(1) + " of " + selector.group(1) + " is not documented");
        }
      }
    }
    // Grouping and matching lists may name any documented label.
    Matcher grouping =
        Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)").matcher(noStrings);
    while (grouping.find()) {
      for (String label : grouping.group(1).split(",")) {
        if (!label.isBlank() && !allLabels.contains(label.trim())) {
          problems.add(e + ": label " + label.trim() + " is not on any documented metric");
        }
      }
    }
    // What is left after removing selectors, ranges, lists, variables, functions and keywords are
    // the metric names: each must be documented, or Prometheus's own `up`.
    String rest =
        noStrings
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
            .replaceAll("\\$\\{?\\w+}?", " ");
    Matcher word = Pattern.compile("(?<![\\w.])([a-zA-Z_:][\\w:]*)(\\s*\\()?").matcher(rest);
    while (word.find()) {
      String w = word.group(1);
      if (word.group(2) != null || PROMQL_WORDS.contains(w) || w.equals("up") || w.startsWith("vcmon_")) {
        continue; // functions, keywords, up; vcmon_ names were checked above
      }
      problems.add(e + ": " + w + " is not a documented metric");
    }
    return problems;
  }

  /** The documented metric for a series name, allowing a summary's _sum and _count. */
  private static DocumentedMetric metric(String series) {
    DocumentedMetric m = documented.get(series);
    if (m != null) {
      return m;
    }
    for (String suffix : List.of("_sum", "_count")) {
      if (series.endsWith(suffix)) {
        DocumentedMetric base = documented.get(series.substring(0, series.length() - suffix.length()));
        if (base != null && base.type().equals("summary")) {
          return base;
        }
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------- walking

  /** Every {@code expr} value in a JSON or YAML file, at any depth. */
  static List<Expression> expressions(Path file) {
    Object root = file.toString().endsWith(".json") ? json(file).getMap() : yaml(file);
    List<Expression> out = new ArrayList<>();
    for (String expr : values(root, "expr")) {
      out.add(new Expression(file, "expr \"" + expr.replaceAll("\\s+", " ") + "\"", expr));
    }
    return out;
  }

  private static List<String> values(Object node, String key) {
    List<String> out = new ArrayList<>();
    if (node instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
        if (key.equals(e.getKey()) && e.getValue() instanceof String) {
          out.add((String) e.getValue());
        } else {
          out.addAll(values(e.getValue(), key));
        }
      }
    } else if (node instanceof Collection) {
      for (Object o : (Collection<?>) node) {
        out.addAll(values(o, key));
      }
    } else if (node instanceof JsonObject) {
      out.addAll(values(((JsonObject) node).getMap(), key));
    } else if (node instanceof JsonArray) {
      out.addAll(values(((JsonArray) node).getList(), key));
    }
    return out;
  }

  /** Top-level panels and those nested in collapsed rows. */
  private static List<JsonObject> panels(JsonObject dashboard) {
    List<JsonObject> out = new ArrayList<>();
    for (Object o : dashboard.getJsonArray("panels", new JsonArray())) {
      JsonObject p = (JsonObject) o;
      out.add(p);
      for (Object nested : p.getJsonArray("panels", new JsonArray())) {
        out.add((JsonObject) nested);
      }
    }
    return out;
  }

  private static boolean overlap(JsonObject a, JsonObject b) {
    if (a == null || b == null) {
      return false;
    }
    return a.getInteger("x") < b.getInteger("x") + b.getInteger("w")
        && b.getInteger("x") < a.getInteger("x") + a.getInteger("w")
        && a.getInteger("y") < b.getInteger("y") + b.getInteger("h")
        && b.getInteger("y") < a.getInteger("y") + a.getInteger("h");
  }

  private static JsonObject variable(JsonObject dashboard, String name) {
    for (Object o : dashboard.getJsonObject("templating", new JsonObject()).getJsonArray("list", new JsonArray())) {
      JsonObject v = (JsonObject) o;
      if (name.equals(v.getString("name"))) {
        return v;
      }
    }
    return null;
  }

  /**
   * The datasource uid a panel or query refers to; a reference to a datasource variable
   * ({@code ${ds}}) resolves to that variable's current value.
   */
  private static String datasourceUid(JsonObject dashboard, Object ref) {
    String uid = ref instanceof JsonObject ? ((JsonObject) ref).getString("uid") : Objects.toString(ref, null);
    if (uid != null && uid.startsWith("$")) {
      JsonObject v = variable(dashboard, uid.replaceAll("[${}]", ""));
      if (v == null || !"datasource".equals(v.getString("type"))) {
        return null;
      }
      Object current = v.getJsonObject("current", new JsonObject()).getValue("value");
      return Objects.toString(current, null);
    }
    return uid;
  }
}
