package org.daitu.vcmon.config;

import static org.daitu.vcmon.config.YamlFile.child;
import static org.daitu.vcmon.config.YamlFile.isNull;
import static org.daitu.vcmon.config.YamlFile.item;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.daitu.vcmon.config.AgentConfig.HostPort;
import org.daitu.vcmon.config.AgentConfig.Traps;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * {@code traps:}: where SNMP notifications are received, the community v1 and v2c ones must carry,
 * and the v3 profiles whose users may send them (docs/traps.md). Problems name the key and say the
 * fix; the community never appears in them.
 */
final class TrapsBinder {
  private final YamlFile yaml;
  private final EnvSecrets env;

  TrapsBinder(YamlFile yaml, EnvSecrets env) {
    this.yaml = yaml;
    this.env = env;
  }

  /** The section; null when absent (no notifications taken) or invalid. */
  Traps traps(Node node, Map<String, SnmpProfile> profiles) {
    if (isNull(node)) {
      return null;
    }
    String p = "traps";
    Map<String, Node> m = yaml.map(node, p, ConfigKeys.children(p));
    if (m == null) {
      return null;
    }
    boolean ok = true;
    String listenText = yaml.optional(m, p, "listen", false);
    HostPort listen =
        ClusterBinder.hostPort(
            yaml, listenText == null ? (String) ConfigKeys.TRAPS_LISTEN.def() : listenText,
            child(p, "listen"), m.get("listen") == null ? node : m.get("listen"),
            "0.0.0.0:162", "[::]:162");
    ok &= listen != null;
    Secret community = null;
    String var = yaml.optional(m, p, "community_env", false);
    if (var != null) {
      community = env.secret(child(p, "community_env"), m.get("community_env"), var.strip(), "VCMON_TRAP_COMMUNITY", "...");
      ok &= community != null;
    }
    List<String> names = profiles(m, p, profiles);
    ok &= names != null;
    if (ok && community == null && names.isEmpty()) {
      yaml.problem(
          p, node, "takes no notification: neither community_env nor profiles is set", null,
          "set community_env: VAR for v1/v2c traps, or profiles: [NAME] naming v3 snmp_profiles");
      ok = false;
    }
    return ok ? new Traps(listen, community, names) : null;
  }

  private List<String> profiles(Map<String, Node> m, String p, Map<String, SnmpProfile> profiles) {
    Node node = m.get("profiles");
    if (isNull(node)) {
      return List.of();
    }
    String lp = child(p, "profiles");
    List<Node> items = yaml.list(node, lp);
    if (items == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      String name = yaml.text(items.get(i), item(lp, i));
      if (name == null) {
        ok = false;
        continue;
      }
      name = name.strip();
      SnmpProfile profile = profiles.get(name);
      if (profile == null) {
        String known = profiles.isEmpty() ? "no snmp_profiles are defined" : "known: " + String.join(", ", profiles.keySet());
        yaml.problem(
            item(lp, i), items.get(i), "unknown snmp profile", name,
            Spelling.closest(name, profiles.keySet()).map(s -> "did you mean \"" + s + "\"? " + known).orElse(known));
        ok = false;
      } else if (profile.version() != SnmpProfile.Version.V3) {
        yaml.problem(
            item(lp, i), items.get(i), "is a v" + profile.version().label() + " profile, not v3", name,
            "v1 and v2c notifications are checked against traps.community_env; list only v3 profiles here");
        ok = false;
      } else if (!out.contains(name)) {
        String clash = clash(profile, out, profiles);
        if (clash != null) {
          yaml.problem(
              item(lp, i), items.get(i), "names user \"" + profile.user() + "\" with other keys than " + clash, name,
              "the receiver holds one set of keys per v3 user: list one of the two, or give one another user");
          ok = false;
        } else {
          out.add(name);
        }
      }
    }
    return ok ? out : null;
  }

  /** The profile already listed with the same user and other credentials, or null. */
  private static String clash(SnmpProfile p, List<String> listed, Map<String, SnmpProfile> profiles) {
    for (String name : listed) {
      SnmpProfile q = profiles.get(name);
      if (q.user().equals(p.user())
          && (q.authProtocol() != p.authProtocol()
              || !Objects.equals(q.authPassword(), p.authPassword())
              || q.privProtocol() != p.privProtocol()
              || !Objects.equals(q.privPassword(), p.privPassword()))) {
        return name;
      }
    }
    return null;
  }
}
