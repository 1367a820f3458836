package org.daitu.vcmon.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
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
    Map<String, SnmpProfile> profiles = Map.of();
    if (!added.isEmpty() || !removed.isEmpty() || !changed.isEmpty()) {
      applied.add("sites");
    }
    List<String> restart = new ArrayList<>();
    for (Setting s : SETTINGS) {
      if (s.key().reload() == ConfigKeys.Reload.BY_SNMP_VERSION) {
        profiles = profiles(running.snmpProfiles(), next.snmpProfiles(), applied, restart);
      } else if (!Objects.equals(s.value().apply(running), s.value().apply(next))) {
        (s.key().reload() == ConfigKeys.Reload.NEEDS_RESTART ? restart : applied).add(s.key().path());
      }
    }
    AgentConfig inForce =
        next.withHttp(running.http().withOperatorsOf(next.http()))
            .withProbe(next.probe().withSocketsOf(running.probe()))
            .withSnmpProfiles(profiles)
            .withRollout(running.rollout())
            .withStore(running.store())
            .withAlerts(next.alerts().withChannelsOf(running.alerts()))
            .withZone(running.zone())
            .withSelfCheck(running.selfCheck())
            .withCluster(running.cluster())
            .withTraps(running.traps());
    return new ReloadPlan(inForce, added, removed, changed, applied, restart);
  }

  /**
   * A setting compared between the running and the new config, reported under its key's path; the
   * key's {@link ConfigKeys.Reload} says whether it is applied or waits for a restart. In report
   * order. The SNMP profiles are compared one by one, in their place here.
   */
  record Setting(ConfigKeys.Key key, Function<AgentConfig, Object> value) {}

  static final List<Setting> SETTINGS =
      List.of(
          new Setting(ConfigKeys.PROBE_INTERVAL, c -> c.probe().interval()),
          new Setting(ConfigKeys.PROBE_RECHECK_INTERVAL, c -> c.probe().recheckInterval()),
          new Setting(ConfigKeys.STATE, AgentConfig::state),
          new Setting(ConfigKeys.MAINTENANCE, AgentConfig::maintenance),
          new Setting(ConfigKeys.SNMP_PROFILES, AgentConfig::snmpProfiles),
          new Setting(ConfigKeys.HTTP_HOST, c -> c.http().host()),
          new Setting(ConfigKeys.HTTP_PORT, c -> c.http().port()),
          new Setting(ConfigKeys.HTTP_ADMIN_TOKEN_ENV, c -> c.http().adminToken()),
          new Setting(ConfigKeys.HTTP_OPERATORS, c -> c.http().operators()),
          new Setting(ConfigKeys.HTTP_CORS, c -> c.http().corsOrigins()),
          new Setting(ConfigKeys.HTTP_TLS, c -> c.http().tls()),
          new Setting(ConfigKeys.STORE_PATH, c -> c.store().path()),
          new Setting(ConfigKeys.TIMEZONE, AgentConfig::zone),
          new Setting(ConfigKeys.PROBE_TIMEOUT, c -> c.probe().timeout()),
          new Setting(ConfigKeys.PROBE_ICMP, c -> c.probe().icmp()),
          new Setting(ConfigKeys.PROBE_SNMP, c -> c.probe().snmp()),
          new Setting(ConfigKeys.SELF_CHECK, AgentConfig::selfCheck),
          new Setting(ConfigKeys.CLUSTER, AgentConfig::cluster),
          new Setting(ConfigKeys.TRAPS, AgentConfig::traps),
          new Setting(ConfigKeys.ROLLOUT, AgentConfig::rollout),
          new Setting(ConfigKeys.ALERTS_LANGUAGE, c -> c.alerts().language()),
          new Setting(
              ConfigKeys.ALERTS_DIGEST,
              c -> List.of(c.alerts().digestWindow(), c.alerts().digestMinSites())),
          new Setting(ConfigKeys.ALERTS_DEGRADED_AFTER, c -> c.alerts().degradedAfter()),
          new Setting(ConfigKeys.ALERTS_REMINDER_INTERVAL, c -> c.alerts().reminderInterval()),
          new Setting(ConfigKeys.MEETINGS, AgentConfig::meetings),
          // Channels hold connections and an outbox with deliveries in flight: built at start.
          new Setting(ConfigKeys.ALERTS_ZALO_BOT, c -> c.alerts().zaloBot()),
          new Setting(ConfigKeys.ALERTS_ZALO_OA, c -> c.alerts().zaloOa()),
          new Setting(ConfigKeys.ALERTS_WEBHOOKS, c -> c.alerts().webhooks()),
          new Setting(ConfigKeys.ALERTS_TELEGRAM, c -> c.alerts().telegram()),
          new Setting(ConfigKeys.ALERTS_EMAIL, c -> c.alerts().email()),
          new Setting(ConfigKeys.ALERTS_ALERTMANAGER, c -> c.alerts().alertmanager()));

  /** True when the file asks for nothing new. */
  public boolean unchanged() {
    return applied.isEmpty() && restart.isEmpty();
  }

  /**
   * v1 and v2c communities travel with each request, so any such change applies at once (v1 to
   * 2c and back too); SNMPv3 users are
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

}
