package org.daitu.vcmon.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.daitu.vcmon.inventory.Site;

/**
 * What reloading a config changes in a running agent, computed from the config in force and the
 * newly loaded one. Pure and immutable.
 *
 * <p>Sites are compared by id. Settings are named by their key and split in two: those the running
 * agent takes at once ({@code applied}) and those bound at start — the listening socket, the store
 * file, the probes' sockets and timeouts, the alert channels, the rollout goal the web server and
 * metrics were built with — which take effect after a restart
 * ({@code restart}). {@code inForce} is the new config with those restart-only parts kept as they
 * run now, so that the next reload compares against what really runs and reports them again.
 *
 * @param added ids of sites new in the file, in file order
 * @param removed ids of sites no longer in it
 * @param changed ids of kept sites with any field changed (address, credentials, parent, ...)
 */
public record ReloadPlan(
    AgentConfig inForce,
    List<String> added,
    List<String> removed,
    List<String> changed,
    List<String> applied,
    List<String> restart) {

  public ReloadPlan {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    changed = List.copyOf(changed);
    applied = List.copyOf(applied);
    restart = List.copyOf(restart);
  }

  /** The plan for replacing {@code running} by {@code next}. */
  public static ReloadPlan of(AgentConfig running, AgentConfig next) {
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (Site s : next.inventory().sites()) {
      running.inventory().site(s.id()).ifPresentOrElse(
          old -> {
            if (!old.equals(s)) {
              changed.add(s.id());
            }
          },
          () -> added.add(s.id()));
    }
    for (Site s : running.inventory().sites()) {
      if (next.inventory().site(s.id()).isEmpty()) {
        removed.add(s.id());
      }
    }
    List<String> applied = new ArrayList<>();
    if (!added.isEmpty() || !removed.isEmpty() || !changed.isEmpty()) {
      applied.add("sites");
    }
    List<String> restart = new ArrayList<>();
    AgentConfig.Probe rp = running.probe();
    AgentConfig.Probe np = next.probe();
    note(applied, "probe.interval", rp.interval(), np.interval());
    note(applied, "probe.recheck_interval", rp.recheckInterval(), np.recheckInterval());
    note(applied, "state", running.state(), next.state());
    note(applied, "maintenance", running.maintenance(), next.maintenance());
    Map<String, SnmpProfile> profiles = profiles(running.snmpProfiles(), next.snmpProfiles(), applied, restart);
    note(restart, "http.host", running.http().host(), next.http().host());
    note(restart, "http.port", running.http().port(), next.http().port());
    note(restart, "http.admin_token_env", running.http().adminToken(), next.http().adminToken());
    note(restart, "store.path", running.store().path(), next.store().path());
    note(restart, "timezone", running.zone(), next.zone());
    note(restart, "probe.timeout", rp.timeout(), np.timeout());
    note(restart, "probe.icmp", rp.icmp(), np.icmp());
    note(restart, "probe.snmp", rp.snmp(), np.snmp());
    note(restart, "self_check", running.selfCheck(), next.selfCheck());
    note(restart, "rollout", running.rollout(), next.rollout());
    AgentConfig.Alerts ra = running.alerts();
    AgentConfig.Alerts na = next.alerts();
    note(applied, "alerts.language", ra.language(), na.language());
    note(applied, "alerts.digest", List.of(ra.digestWindow(), ra.digestMinSites()), List.of(na.digestWindow(), na.digestMinSites()));
    note(applied, "alerts.degraded_after", ra.degradedAfter(), na.degradedAfter());
    note(applied, "alerts.reminder_interval", ra.reminderInterval(), na.reminderInterval());
    note(applied, "meetings", running.meetings(), next.meetings());
    // Channels hold connections and an outbox with deliveries in flight: they are built at start.
    note(restart, "alerts.webhooks", ra.webhooks(), na.webhooks());
    note(restart, "alerts.telegram", ra.telegram(), na.telegram());
    note(restart, "alerts.email", ra.email(), na.email());
    note(restart, "alerts.alertmanager", ra.alertmanager(), na.alertmanager());
    AgentConfig inForce =
        new AgentConfig(
            next.source(),
            running.http(),
            new AgentConfig.Probe(np.interval(), rp.timeout(), np.recheckInterval(), rp.icmp(), rp.snmp()),
            next.state(),
            profiles,
            running.rollout(),
            running.store(),
            new AgentConfig.Alerts(
                na.language(), na.digestWindow(), na.digestMinSites(), na.degradedAfter(), na.reminderInterval(),
                ra.webhooks(), ra.telegram(), ra.email(), ra.alertmanager()),
            next.inventory(),
            running.zone(),
            running.selfCheck(),
            next.maintenance(),
            next.meetings());
    return new ReloadPlan(inForce, added, removed, changed, applied, restart);
  }

  /** True when the file asks for nothing new. */
  public boolean unchanged() {
    return applied.isEmpty() && restart.isEmpty();
  }

  /**
   * v2c communities travel with each request, so any v2c change applies at once; SNMPv3 users are
   * registered in the SNMP session at start, so a new or changed v3 profile waits for a restart
   * (the running one stays in force; a site naming a v3 profile new to this run reports why it
   * cannot be polled).
   */
  private static Map<String, SnmpProfile> profiles(
      Map<String, SnmpProfile> running, Map<String, SnmpProfile> next, List<String> applied, List<String> restart) {
    Map<String, SnmpProfile> inForce = new LinkedHashMap<>();
    for (SnmpProfile p : next.values()) {
      SnmpProfile old = running.get(p.name());
      String key = "snmp_profiles." + p.name();
      if (p.equals(old)) {
        inForce.put(p.name(), p);
      } else if (p.version() == SnmpProfile.Version.V3 || (old != null && old.version() == SnmpProfile.Version.V3)) {
        restart.add(key);
        inForce.put(p.name(), old == null ? p : old);
      } else {
        applied.add(key);
        inForce.put(p.name(), p);
      }
    }
    for (String name : running.keySet()) {
      if (!next.containsKey(name)) {
        applied.add("snmp_profiles." + name);
      }
    }
    return Collections.unmodifiableMap(inForce);
  }

  private static void note(List<String> into, String key, Object running, Object next) {
    if (!Objects.equals(running, next)) {
      into.add(key);
    }
  }
}
