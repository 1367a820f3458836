package org.daitu.vcmon.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.ConfigLoader;
import org.daitu.vcmon.config.ConfigException;

/**
 * A test's config file, written as a user would write it and read by the real loader, so every
 * test also goes through parsing and validation. Defaults: the API on a free loopback port and the
 * history store in the test's directory; every section can be replaced. A {@code probe} section
 * (a flow map) polls SNMP at every check with one retry unless it says otherwise ({@link
 * #everyCheckSnmp}): tests time SNMP faults in checks.
 *
 * <pre>
 * AgentConfig cfg = TestConfig.in(dir)
 *     .section("probe", "{ interval: 1s, timeout: 300ms }")
 *     .fleet(fleet.sites())
 *     .load();
 * </pre>
 */
public final class TestConfig {
  private final Path dir;
  private final Map<String, String> sections = new LinkedHashMap<>();
  private final StringBuilder sites = new StringBuilder();
  private final Map<String, String> env = new LinkedHashMap<>();

  private TestConfig(Path dir) {
    this.dir = dir;
    sections.put("http", "{ host: 127.0.0.1, port: 0 }");
    sections.put("store", "{ path: " + dir.resolve("vcmon.db") + " }");
  }

  /**
   * The text of the shipped example config/vcmon.yaml with its placeholder addresses (192.0.2.N,
   * which the loader refuses) replaced by 10.171.0.N, for tests of the example's other parts.
   */
  public static String exampleWithAddresses() {
    try {
      return Files.readString(Path.of("config", "vcmon.yaml"))
          .replaceAll("192\\.0\\.2\\.(\\d+)", "10.171.0.$1");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@link #exampleWithAddresses()} as {@code dir/config/vcmon.yaml} with the seeds beside
   * it as in the repository ({@code dir/seeds}), and returns the config's path.
   */
  public static Path example(Path dir) {
    try {
      Files.createDirectories(dir.resolve("config"));
      Files.createDirectories(dir.resolve("seeds"));
      Files.copy(Path.of("seeds", "dai-tu-2020-units.csv"), dir.resolve("seeds/dai-tu-2020-units.csv"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return Files.writeString(dir.resolve("config/vcmon.yaml"), exampleWithAddresses());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A config whose file and history store live in {@code dir}. */
  public static TestConfig in(Path dir) {
    return new TestConfig(dir);
  }

  /** A top-level section, as the YAML after {@code name:} (flow or block); replaces a default. */
  public TestConfig section(String name, String yaml) {
    sections.put(name, yaml);
    return this;
  }

  /**
   * Leaves a default section out, so the loader's own default applies: without "store" the history
   * goes to data/vcmon.db beside the file.
   */
  public TestConfig without(String name) {
    sections.remove(name);
    return this;
  }

  /** One site: {@code fields} are the flow-mapping fields after the id (name, type, address, …). */
  public TestConfig site(String id, String fields) {
    sites.append("  - { id: ").append(id).append(", ").append(fields).append(" }\n");
    return this;
  }

  /** A commune per fleet host ("Xã N", type xã), each with the fields {@code extra} gives it if not blank. */
  public TestConfig fleet(List<FleetSite> fleet, Function<FleetSite, String> extra) {
    for (FleetSite s : fleet) {
      String more = extra.apply(s);
      site(
          s.id(),
          "name: \"Xã " + s.index() + "\", type: xã, address: " + s.address()
              + (more.isBlank() ? "" : ", " + more));
    }
    return this;
  }

  /** A commune per fleet host ("Xã N", type xã), each with {@code extra} fields if not blank. */
  public TestConfig fleet(List<FleetSite> fleet, String extra) {
    return fleet(fleet, s -> extra);
  }

  public TestConfig fleet(List<FleetSite> fleet) {
    return fleet(fleet, "");
  }

  /** An environment variable the loader sees (secrets named by {@code *_env} keys). */
  public TestConfig env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public String yaml() {
    StringBuilder out = new StringBuilder();
    sections.forEach((name, given) -> {
      String body = name.equals("probe") ? everyCheckSnmp(given) : given;
      out.append(name).append(':');
      out.append(body.startsWith("\n") ? body : " " + body).append('\n');
    });
    if (!sites.isEmpty()) {
      out.append("sites:\n").append(sites);
    }
    return out.toString();
  }

  /**
   * A flow-map probe section with {@code snmp.interval: 0s} and {@code snmp.retries: 1} added where
   * it does not set them: SNMP polled at every check, retried once, as the tests were written for.
   */
  static String everyCheckSnmp(String probe) {
    String p = probe.strip();
    if (!p.startsWith("{") || !p.endsWith("}")) {
      return probe;
    }
    int at = p.indexOf("snmp: {");
    if (at < 0) {
      return p.substring(0, p.length() - 1).stripTrailing() + ", snmp: { retries: 1, interval: 0s } }";
    }
    int open = at + "snmp: {".length();
    String map = p.substring(open, p.indexOf('}', open));
    String added = (map.contains("interval:") ? "" : " interval: 0s,") + (map.contains("retries:") ? "" : " retries: 1,");
    return p.substring(0, open) + added + p.substring(open);
  }

  /** Writes {@code vcmon.yaml} in the directory and returns its path. */
  public Path write() {
    Path file = dir.resolve("vcmon.yaml");
    try {
      Files.writeString(file, yaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  public Map<String, String> environment() {
    return Map.copyOf(env);
  }

  /** Writes the file and reads it with the real loader; a rejected file fails the test. */
  public AgentConfig load() {
    Path file = write();
    try {
      return ConfigLoader.load(file, environment());
    } catch (ConfigException e) {
      throw new AssertionError("test config rejected:\n" + yaml() + "\n" + e.getMessage(), e);
    }
  }
}
