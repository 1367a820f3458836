package org.daitu.vcmon.state;

import java.time.Instant;
import java.util.List;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.SnmpResult;

/**
 * Everything known about one site at one moment. Immutable; part of a {@link StateSnapshot}.
 *
 * @param since when the site entered {@code state}
 * @param lastCheckAt start of the last completed check, null before the first
 * @param icmp result of the last check's ICMP probe, null before the first
 * @param snmp result of the last check's SNMP poll, null before the first or for ping-only sites
 * @param lastSnmpOk the last SNMP poll that answered (identity and uptime stay visible while the
 *     agent is silent), null if none yet
 * @param lastSnmpOkAt start of the check whose SNMP poll answered last: how old {@code lastSnmpOk}
 *     is; null if none yet
 * @param reboots reboots seen since vcmon started (sysUpTime went backwards)
 * @param firstConnected first time the site was seen UP, null if never
 * @param causes what makes a DEGRADED site DEGRADED, each with when it was confirmed; empty in
 *     every other state
 * @param vantages with several agents, each vantage's own verdict, in vantage order; empty for a
 *     single agent
 * @param owner with several agents, the vantage whose agent sends this site's notifications now;
 *     null for a single agent
 */
public record SiteStatus(
    Site site,
    SiteState state,
    Instant since,
    String reason,
    boolean flapping,
    Instant lastCheckAt,
    IcmpResult icmp,
    SnmpResult snmp,
    SnmpResult lastSnmpOk,
    Instant lastSnmpOkAt,
    int reboots,
    Instant lastRebootAt,
    Instant firstConnected,
    List<SiteCause> causes,
    List<VantageStatus> vantages,
    String owner) {

  public SiteStatus {
    causes = List.copyOf(causes);
    vantages = List.copyOf(vantages);
  }

  /** A site as a single agent sees it: no vantages, no owner. */
  public SiteStatus(
      Site site,
      SiteState state,
      Instant since,
      String reason,
      boolean flapping,
      Instant lastCheckAt,
      IcmpResult icmp,
      SnmpResult snmp,
      SnmpResult lastSnmpOk,
      Instant lastSnmpOkAt,
      int reboots,
      Instant lastRebootAt,
      Instant firstConnected,
      List<SiteCause> causes) {
    this(site, state, since, reason, flapping, lastCheckAt, icmp, snmp, lastSnmpOk, lastSnmpOkAt,
        reboots, lastRebootAt, firstConnected, causes, List.of(), null);
  }

  public String id() {
    return site.id();
  }
}
