package org.daitu.vcmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.daitu.vcmon.config.ConfigKeys.Key;
import org.daitu.vcmon.config.ConfigKeys.Kind;
import org.daitu.vcmon.config.ConfigKeys.Reload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract between the key table ({@link ConfigKeys}) and the code that reads it: every key
 * listed is accepted by the loader, every default and range listed is the one the loader applies,
 * and every change of a listed key is reported by {@link ReloadPlan} with the listed effect. All
 * cases come from the table, so a row that drifts from the binder fails here.
 */
class ConfigKeysTest {
  private static final Map<String, String> ENV = ConfigLoaderGoldenTest.ENV;

  @TempDir Path dir;

  /** Keys with one value, outside lists and user-chosen names. */
  static Stream<Key> plainValues() {
    return ConfigKeys.all().stream()
        .filter(k -> !k.templated())
        .filter(k -> k.kind() != Kind.MAP && k.kind() != Kind.LIST)
        .filter(k -> k.kind() != Kind.SECRET && k.kind() != Kind.SECRET_ENV);
  }

  static Stream<Key> withDefault() {
    return plainValues().filter(k -> k.def() != null);
  }

  static Stream<Key> withExample() {
    return plainValues().filter(k -> k.example() != null);
  }

  static Stream<Key> withIntegerRange() {
    return plainValues().filter(k -> k.kind() == Kind.INTEGER && k.min() != null);
  }

  static Stream<Key> withDurationRange() {
    return plainValues().filter(k -> k.kind() == Kind.DURATION && k.min() != null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.daitu.vcmon.config.ConfigKeys#all")
  void everyListedKeyIsKnownToTheLoader(Key key) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    put(doc, key.path(), "x");
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> load(doc));
    if (e != null) {
      assertThat(e.problems())
          .extracting(ConfigProblem::render)
          .noneMatch(p -> p.contains("unknown key"));
    }
  }

  @Test
  void aKeyNotListedIsRejectedWithTheListedOnesAsHint() {
    Map<String, Object> doc = base();
    put(doc, "probe.intervall", "30s");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(doc));
    assertThat(e.problems())
        .extracting(ConfigProblem::render)
        .containsExactly(
            "probe.intervall (line 1): unknown key, got \"intervall\" (did you mean \"interval\"?)");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withDefault")
  void theListedDefaultIsTheOneTheLoaderApplies(Key key) throws Exception {
    AgentConfig implicit = load(base());
    Map<String, Object> doc = base();
    put(doc, key.path(), yaml(key.def()));
    AgentConfig explicit = load(doc).withInventory(implicit.inventory());
    assertThat(explicit).isEqualTo(implicit);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withExample")
  void theLoaderReadsTheKey(Key key) throws Exception {
    AgentConfig implicit = load(base());
    Map<String, Object> doc = base();
    put(doc, key.path(), key.example());
    AgentConfig set = load(doc).withInventory(implicit.inventory());
    assertThat(set).isNotEqualTo(implicit);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withIntegerRange")
  void theListedIntegerRangeIsEnforced(Key key) {
    assertRejected(key, String.valueOf((long) (Integer) key.min() - 1));
    if ((Integer) key.max() < Integer.MAX_VALUE) {
      assertRejected(key, String.valueOf((Integer) key.max() + 1));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withDurationRange")
  void theListedDurationRangeIsEnforced(Key key) {
    Duration min = (Duration) key.min();
    if (!min.isZero()) {
      assertRejected(key, min.minusMillis(1).toMillis() + "ms");
    }
    assertRejected(key, ((Duration) key.max()).plusMillis(1).toMillis() + "ms");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withExample")
  void aReloadReportsTheChangeWithTheListedEffect(Key key) throws Exception {
    AgentConfig running = load(base());
    Map<String, Object> doc = base();
    put(doc, key.path(), key.example());
    AgentConfig next = load(doc);

    ReloadPlan plan = ReloadPlan.of(running, next);
    List<String> reported = key.reload() == Reload.NEEDS_RESTART ? plan.restart() : plan.applied();
    List<String> other = key.reload() == Reload.NEEDS_RESTART ? plan.applied() : plan.restart();
    assertThat(reported).as("reported").anyMatch(p -> covers(p, key));
    assertThat(other).as("the other list").noneMatch(p -> covers(p, key));

    // What waits for a restart is kept as it runs, so the next reload reports it again.
    ReloadPlan again = ReloadPlan.of(plan.inForce(), next);
    if (key.reload() == Reload.NEEDS_RESTART) {
      assertThat(again.restart()).anyMatch(p -> covers(p, key));
    } else {
      assertThat(again.unchanged()).isTrue();
    }
  }

  @Test
  void everySettingTheReloadPlanComparesIsAListedKeyWithItsChildrenAlike() {
    for (ReloadPlan.Setting s : ReloadPlan.SETTINGS) {
      assertThat(ConfigKeys.at(s.key().path())).contains(s.key());
      for (Key k : ConfigKeys.all()) {
        if (k.path().startsWith(s.key().path() + ".")) {
          assertThat(k.reload()).as(k.path()).isEqualTo(s.key().reload());
        }
        if (k.path().startsWith(s.key().path() + "[].")) {
          assertThat(k.reload()).as(k.path()).isEqualTo(s.key().reload());
        }
      }
    }
  }

  @Test
  void everyRestartOnlyKeyIsComparedByTheReloadPlan() {
    for (Key k : ConfigKeys.all()) {
      if (k.reload() == Reload.NEEDS_RESTART) {
        assertThat(ReloadPlan.SETTINGS)
            .as(k.path())
            .anyMatch(s -> covers(s.key().path(), k) || s.key().path().startsWith(k.path() + "."));
      }
    }
  }

  @Test
  void defaultsAreReadFromTheTable() {
    assertThat(Defaults.INTERVAL).isEqualTo(ConfigKeys.PROBE_INTERVAL.def());
    assertThat(Defaults.HTTP_PORT).isEqualTo(ConfigKeys.HTTP_PORT.def());
    assertThat(Defaults.ROLLOUT_STAGE.label()).isEqualTo(ConfigKeys.SITE_ROLLOUT_STAGE.def());
  }

  /** Whether reporting {@code reported} tells of a change of {@code key}: it or a parent map. */
  private static boolean covers(String reported, Key key) {
    String path = key.path().replace("[]", "");
    return path.equals(reported) || path.startsWith(reported + ".");
  }

  private void assertRejected(Key key, String value) {
    Map<String, Object> doc = base();
    put(doc, key.path(), value);
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(doc));
    assertThat(e).as("%s: %s", key.path(), value).isNotNull();
    assertThat(e.problems()).extracting(ConfigProblem::path).contains(key.path());
  }

  private static Map<String, Object> base() {
    Map<String, Object> site = new LinkedHashMap<>();
    site.put("id", "a");
    site.put("name", "A");
    site.put("type", "xã");
    site.put("address", "127.0.0.1");
    List<Object> sites = new ArrayList<>();
    sites.add(site);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("sites", sites);
    // traps: takes nothing without a community or a v3 profile; with one, its other keys can be set
    Map<String, Object> traps = new LinkedHashMap<>();
    traps.put("community_env", "VCMON_SNMP_COMMUNITY");
    doc.put("traps", traps);
    return doc;
  }

  /** Puts {@code value} at {@code path}, making the maps, one-item lists and names on the way. */
  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> doc, String path, Object value) {
    String[] parts = path.split("\\.");
    Map<String, Object> at = doc;
    for (int i = 0; i < parts.length; i++) {
      boolean list = parts[i].endsWith("[]");
      String name = parts[i].equals("*") ? "p" : parts[i].replace("[]", "");
      boolean last = i == parts.length - 1;
      if (last && !list) {
        at.put(name, value);
        return;
      }
      if (list) {
        Object existing = at.get(name);
        List<Object> items =
            existing instanceof List<?> l ? (List<Object>) l : new ArrayList<>();
        if (items.isEmpty()) {
          items.add(new LinkedHashMap<String, Object>());
        }
        at.put(name, last ? value : items);
        if (last) {
          return;
        }
        at = (Map<String, Object>) items.get(0);
      } else {
        Object existing = at.get(name);
        Map<String, Object> next =
            existing instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
        at.put(name, next);
        at = next;
      }
    }
  }

  private static String yaml(Object value) {
    if (value instanceof Duration d) {
      return Durations.format(d);
    }
    return String.valueOf(value);
  }

  /** Flow-style YAML on one line; scalars quoted unless plain words, numbers or paths. */
  private static String render(Object o) {
    if (o instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, v) -> parts.add(k + ": " + render(v)));
      return "{" + String.join(", ", parts) + "}";
    }
    if (o instanceof List<?> l) {
      return "[" + String.join(", ", l.stream().map(ConfigKeysTest::render).toList()) + "]";
    }
    String text = String.valueOf(o);
    if (text.matches("[A-Za-z0-9][A-Za-z0-9._/-]*")) {
      return text;
    }
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private AgentConfig load(Map<String, Object> doc) throws IOException, ConfigException {
    Path file = dir.resolve("vcmon.yaml");
    Files.writeString(file, render(doc) + "\n");
    return ConfigLoader.load(file, ENV);
  }
}
