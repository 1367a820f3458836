package org.daitu.vcmon.config;

import static org.daitu.vcmon.config.YamlFile.child;
import static org.daitu.vcmon.config.YamlFile.isNull;
import static org.daitu.vcmon.config.YamlFile.item;
import static org.daitu.vcmon.config.YamlFile.line;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.daitu.vcmon.inventory.IpLiteral;
import org.daitu.vcmon.inventory.Location;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.SeedLoader.Seeds;
import org.daitu.vcmon.inventory.SeedUnit;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteSnmp;
import org.daitu.vcmon.inventory.SiteType;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Binds the {@code sites:} list: each site on its own, filled from the seeds, then the checks
 * across sites (unique ids and addresses, known parents, no parent cycles) that {@link
 * org.daitu.vcmon.inventory.Inventory} relies on.
 */
final class SiteBinder {
  private static final List<String> SITE = ConfigKeys.children("sites[]");

  /** Letters, digits and the punctuation of IPv4, IPv6 and host names; no spaces or schemes. */
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._:%-]+");

  /** The fix for an example address left in place (the example config's are all placeholders). */
  static final String PLACEHOLDER_FIX =
      "replace it with the real address of the room's endpoint (codec), or remove the site";

  /** Ids are the {@code site} label everywhere: URL- and Prometheus-safe, short on a page. */
  private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  private static final int SLUG_MAX = 64;

  /** The list items and the file they were read from. */
  record SiteList(YamlFile yaml, List<Node> items, Node listNode) {}

  /** One site as read, with the nodes needed to point at it from checks across sites. */
  private record Draft(
      YamlFile yaml,
      String path,
      Node node,
      Node idNode,
      Node addressNode,
      Node parentNode,
      Site site) {}

  private final Map<String, SnmpProfile> profiles;
  private final Seeds seeds;
  private final boolean seedsBroken;
  private final int maxInterfaces;

  /**
   * @param seeds null when the config names no seeds file
   * @param seedsBroken the seeds file could not be fully read: a missing name or type may be a
   *     consequence, so it is not reported on top
   * @param maxInterfaces probe.snmp.max_interfaces: with 0 no interface is read, so none can be
   *     named
   */
  SiteBinder(
      Map<String, SnmpProfile> profiles, Seeds seeds, boolean seedsBroken, int maxInterfaces) {
    this.profiles = profiles;
    this.seeds = seeds;
    this.seedsBroken = seedsBroken;
    this.maxInterfaces = maxInterfaces;
  }

  /**
   * @return the sites in file order; only meaningful when no problem was recorded
   */
  List<Site> bind(SiteList list) {
    if (list == null) {
      return List.of();
    }
    if (list.items().isEmpty()) {
      list.yaml().problem("sites", list.listNode(), "no sites", null, "the list is empty");
      return List.of();
    }
    List<Draft> drafts = new ArrayList<>();
    for (int i = 0; i < list.items().size(); i++) {
      Draft d = site(list.yaml(), item("sites", i), list.items().get(i));
      if (d != null) {
        drafts.add(d);
      }
    }
    Map<String, Draft> byId = uniqueIds(drafts);
    uniqueAddresses(drafts);
    parents(drafts, byId);
    return drafts.stream().map(Draft::site).toList();
  }

  private Draft site(YamlFile yaml, String p, Node node) {
    Map<String, Node> m = yaml.map(node, p, SITE);
    if (m == null) {
      return null;
    }
    String id = yaml.required(m, p, "id", node, false);
    if (id != null) {
      id = id.strip();
      if (!SLUG.matcher(id).matches()) {
        yaml.problem(
            child(p, "id"),
            m.get("id"),
            "must be a slug: lower-case letters and digits, words joined by \"-\"",
            id,
            "e.g. ha-thuong");
      } else if (id.length() > SLUG_MAX) {
        yaml.problem(
            child(p, "id"), m.get("id"), "must be at most " + SLUG_MAX + " characters", id, null);
      }
    }
    Optional<SeedUnit> seed = seeds == null || id == null ? Optional.empty() : seeds.bySlug(id);

    String name = yaml.optional(m, p, "name", false);
    if (name == null && !isNull(m.get("name"))) {
      name = ""; // reported by optional(); keeps "missing name" from being reported too
    }
    if (name == null && seed.isPresent()) {
      name = seed.get().name();
    }
    SiteType type = null;
    String typeText = yaml.optional(m, p, "type", false);
    if (typeText != null) {
      type = SiteType.fromLabel(typeText.strip()).orElse(null);
      if (type == null) {
        yaml.problem(
            child(p, "type"),
            m.get("type"),
            "unknown site type",
            typeText,
            "allowed: " + ConfigLoader.typeLabels());
      }
    } else if (isNull(m.get("type")) && seed.isPresent()) {
      type = seed.get().type();
    }
    // Without an id, a seeds row cannot fill the name and type in; without seeds, none could.
    if ((id != null || seeds == null) && !seedsBroken) {
      if (name == null) {
        yaml.problem(child(p, "name"), node, "is required", null, fromSeedsHint(id));
      }
      if (type == null && isNull(m.get("type"))) {
        yaml.problem(
            child(p, "type"),
            node,
            "is required",
            null,
            "one of " + ConfigLoader.typeLabels() + "; " + fromSeedsHint(id));
      }
    }
    String code = yaml.optional(m, p, "code", false);
    if (code == null) {
      code = seed.map(SeedUnit::code).orElse("");
    }

    String address = yaml.required(m, p, "address", node, false);
    if (address != null) {
      address = address.strip();
      if (!ADDRESS.matcher(address).matches()) {
        yaml.problem(
            child(p, "address"),
            m.get("address"),
            "must be an IP address or a host name",
            address,
            "e.g. 10.171.1.10");
        address = null;
      } else if (IpLiteral.isDocumentation(address)) {
        yaml.problem(
            child(p, "address"),
            m.get("address"),
            "is a placeholder (a documentation address, RFC 5737), never probed",
            address,
            PLACEHOLDER_FIX);
        address = null;
      }
    }

    SiteSnmp snmp = snmp(yaml, child(p, "snmp"), m.get("snmp"));
    String parent = yaml.optional(m, p, "parent", false);
    parent = parent == null ? null : parent.strip();

    String rp = child(p, "rollout");
    Map<String, Node> r = yaml.optionalMap(m.get("rollout"), rp, ConfigKeys.children("sites[].rollout"));
    RolloutStage stage = Defaults.ROLLOUT_STAGE;
    String stageText = yaml.optional(r, rp, "stage", false);
    if (stageText != null) {
      stage = RolloutStage.fromLabel(stageText.strip()).orElse(null);
      if (stage == null) {
        yaml.problem(
            child(rp, "stage"),
            r.get("stage"),
            "unknown rollout stage",
            stageText,
            "allowed: planned, installed, connected, commissioned");
      }
    }

    Location location = seed.map(SeedUnit::location).orElse(null);
    if (!isNull(m.get("location"))) {
      String lp = child(p, "location");
      Map<String, Node> l = yaml.map(m.get("location"), lp, ConfigKeys.children("sites[].location"));
      location = null;
      if (l != null) {
        Double lat = yaml.decimal(l, lp, "lat", null, -90, 90);
        Double lon = yaml.decimal(l, lp, "lon", null, -180, 180);
        for (String k : List.of("lat", "lon")) {
          if (isNull(l.get(k))) {
            yaml.problem(
                child(lp, k),
                m.get("location"),
                "is required",
                null,
                "decimal degrees, e.g. lat: 21.64, lon: 105.62");
          }
        }
        if (lat != null && lon != null) {
          location = new Location(lat, lon);
        }
      }
    }

    List<String> vantages = vantages(yaml, child(p, "vantages"), m.get("vantages"));
    Site site = new Site(id, code, name, type, address, snmp, parent, stage, location, vantages);
    return new Draft(yaml, p, node, m.get("id"), m.get("address"), m.get("parent"), site);
  }

  /**
   * {@code sites[].vantages}: the vantage ids that watch the site. Only their form is checked
   * here: which vantages exist is learnt from the members at run time.
   */
  private static List<String> vantages(YamlFile yaml, String p, Node node) {
    if (isNull(node)) {
      return List.of();
    }
    List<Node> items = yaml.list(node, p);
    if (items == null) {
      return List.of();
    }
    if (items.isEmpty()) {
      yaml.problem(p, node, "is empty", null, "leave it out and every vantage watches the site");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String v = yaml.text(items.get(i), item(p, i));
      if (v == null) {
        continue;
      }
      v = v.strip();
      if (!SLUG.matcher(v).matches() || v.length() > SLUG_MAX) {
        yaml.problem(
            item(p, i), items.get(i),
            "must be a vantage id: a slug of lower-case letters and digits, words joined by \"-\"",
            v, "the cluster.vantage of an agent, e.g. tinh");
      } else if (out.contains(v)) {
        yaml.problem(item(p, i), items.get(i), "vantage named twice", v, "keep one");
      } else {
        out.add(v);
      }
    }
    return List.copyOf(out);
  }

  private String fromSeedsHint(String id) {
    if (id == null) {
      return "write it here";
    }
    return seeds == null
        ? "write it here, or name a seeds file with a row whose slug is \"" + id + "\""
        : "write it here; no row of the seeds file has slug \"" + id + "\"";
  }

  private SiteSnmp snmp(YamlFile yaml, String p, Node node) {
    if (isNull(node)) {
      return null; // a ping-only site
    }
    Map<String, Node> m = yaml.map(node, p, ConfigKeys.children("sites[].snmp"));
    if (m == null) {
      return null;
    }
    String profile = yaml.required(m, p, "profile", node, false);
    Integer port = yaml.integer(m, p, ConfigKeys.SITE_SNMP_PORT);
    if (profile != null && !profiles.containsKey(profile.strip())) {
      String known =
          profiles.isEmpty()
              ? "no snmp_profiles are defined"
              : "known: " + String.join(", ", profiles.keySet());
      String hint =
          Spelling.closest(profile.strip(), profiles.keySet())
              .map(s -> "did you mean \"" + s + "\"? " + known)
              .orElse(known);
      yaml.problem(child(p, "profile"), m.get("profile"), "unknown snmp profile", profile, hint);
    }
    List<String> interfaces = interfaces(yaml, child(p, "interfaces"), m.get("interfaces"));
    if (profile == null || port == null || interfaces == null) {
      return null;
    }
    return new SiteSnmp(profile.strip(), port, interfaces);
  }

  /**
   * {@code snmp.interfaces}: names, aliases or indexes, each once; empty when left out. YAML reads
   * {@code [3, ether4]} as a number and a text: both are kept as written.
   */
  private List<String> interfaces(YamlFile yaml, String p, Node node) {
    if (isNull(node)) {
      return List.of();
    }
    List<Node> items = yaml.list(node, p);
    if (items == null) {
      return null;
    }
    if (!items.isEmpty() && maxInterfaces == 0) {
      yaml.problem(p, node, "no interface is read while probe.snmp.max_interfaces is 0", null,
          "raise probe.snmp.max_interfaces, or leave interfaces out");
      return null;
    }
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      String t = yaml.text(items.get(i), item(p, i));
      if (t == null) {
        ok = false;
      } else if (t.isBlank()) {
        yaml.problem(item(p, i), items.get(i), "must not be empty", t,
            "an interface name (ifName), alias (ifAlias) or index, e.g. ether3 or 3");
        ok = false;
      } else if (!seen.add(t.strip().toLowerCase(Locale.ROOT))) {
        // names match regardless of case, so Ether3 and ether3 are one interface
        yaml.problem(item(p, i), items.get(i), "listed twice", t, null);
        ok = false;
      } else {
        out.add(t.strip());
      }
    }
    return ok ? List.copyOf(out) : null;
  }

  private static String where(Draft d) {
    String id = d.site().id() == null ? "" : " (" + d.site().id() + ")";
    return d.path() + id + " on line " + line(d.node());
  }

  private Map<String, Draft> uniqueIds(List<Draft> drafts) {
    Map<String, Draft> byId = new LinkedHashMap<>();
    for (Draft d : drafts) {
      String id = d.site().id();
      if (id == null) {
        continue;
      }
      Draft first = byId.putIfAbsent(id, d);
      if (first != null) {
        d.yaml()
            .problem(
                child(d.path(), "id"),
                d.idNode(),
                "duplicate id",
                id,
                "also the id of " + first.path() + " on line " + line(first.node()));
      }
    }
    return byId;
  }

  /**
   * The same address twice is a copy-paste slip, except behind NAT: one public address with a
   * distinct SNMP port per site is legitimate, so the key is address and port together.
   */
  private void uniqueAddresses(List<Draft> drafts) {
    Map<String, Draft> seen = new HashMap<>();
    for (Draft d : drafts) {
      Site s = d.site();
      if (s.address() == null) {
        continue;
      }
      String key =
          s.address().toLowerCase(Locale.ROOT) + "/" + (s.snmp() == null ? "-" : s.snmp().port());
      Draft first = seen.putIfAbsent(key, d);
      if (first != null) {
        String what = s.snmp() == null ? "address" : "address and SNMP port " + s.snmp().port();
        d.yaml()
            .problem(
                child(d.path(), "address"),
                d.addressNode(),
                "duplicate " + what,
                s.address(),
                "same as " + where(first));
      }
    }
  }

  private void parents(List<Draft> drafts, Map<String, Draft> byId) {
    Map<String, String> parentOf = new HashMap<>();
    for (Draft d : drafts) {
      Site s = d.site();
      if (s.parent() == null) {
        continue;
      }
      // A duplicate or a site without an id still names a parent that must exist; only the
      // first site of an id takes part in the chains walked for cycles.
      boolean first = s.id() != null && byId.get(s.id()) == d;
      String pp = child(d.path(), "parent");
      if (s.parent().equals(s.id())) {
        d.yaml()
            .problem(
                pp,
                d.parentNode(),
                "a site cannot be its own parent",
                s.parent(),
                "remove parent, or name the site it depends on");
      } else if (!byId.containsKey(s.parent())) {
        String hint =
            Spelling.closest(s.parent(), byId.keySet())
                .map(x -> "did you mean \"" + x + "\"?")
                .orElse("parent must be the id of another site");
        d.yaml().problem(pp, d.parentNode(), "unknown parent", s.parent(), hint);
      } else if (first) {
        parentOf.put(s.id(), s.parent());
      }
    }
    // Walk each chain once; a chain that comes back to a site on itself is a cycle.
    List<String> order = new ArrayList<>(byId.keySet());
    Set<String> done = new HashSet<>();
    for (String start : order) {
      List<String> chain = new ArrayList<>();
      String cur = start;
      while (cur != null && !done.contains(cur) && !chain.contains(cur)) {
        chain.add(cur);
        cur = parentOf.get(cur);
      }
      if (cur != null && chain.contains(cur)) {
        reportCycle(chain.subList(chain.indexOf(cur), chain.size()), order, parentOf, byId);
      }
      done.addAll(chain);
    }
  }

  private void reportCycle(
      List<String> members,
      List<String> order,
      Map<String, String> parentOf,
      Map<String, Draft> byId) {
    String first = order.stream().filter(members::contains).findFirst().orElseThrow();
    StringBuilder text = new StringBuilder(first);
    String cur = first;
    do {
      cur = parentOf.get(cur);
      text.append(" -> ").append(cur);
    } while (!cur.equals(first));
    Draft d = byId.get(first);
    d.yaml()
        .problem(
            child(d.path(), "parent"),
            d.parentNode(),
            "parents form a cycle: " + text,
            null,
            "remove the parent of one of these sites");
  }
}
