package org.daitu.vcmon.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;

/**
 * Turns one check into a {@link Verdict}. Pure. The rules, in order:
 *
 * <ol>
 *   <li>ICMP could not run: UNKNOWN (a local fault never makes a site DOWN);
 *   <li>no echo and no SNMP answer: FAILED;
 *   <li>something answered but SNMP is silent, loss or RTT is over its limit, an interface that
 *       judges the site is down, an interface named in the config is not in the agent's table,
 *       or the endpoint reports itself unregistered: IMPAIRED, with every such finding in the
 *       reason;
 *   <li>otherwise GOOD.
 * </ol>
 *
 * <p>Which interfaces judge a site is the probe's to mark ({@link InterfaceStatus#judged()}: the
 * one carrying the polled address, and those the site names); every other row is only listed.
 */
public final class CheckEvaluator {
  private final double degradedLossRatio;
  private final Duration degradedRtt;

  public CheckEvaluator(double degradedLossRatio, Duration degradedRtt) {
    this.degradedLossRatio = degradedLossRatio;
    this.degradedRtt = degradedRtt;
  }

  /** The verdict for a site that names no interface. */
  public Verdict evaluate(SiteCheck check) {
    return evaluate(check, List.of());
  }

  /**
   * @param namedInterfaces the site's {@code sites[].snmp.interfaces}: each must be among the rows
   *     the agent gave, or the site is told so
   */
  public Verdict evaluate(SiteCheck check, List<String> namedInterfaces) {
    IcmpResult icmp = check.icmp();
    SnmpResult snmp = check.snmp();
    if (!icmp.available()) {
      return new Verdict(Verdict.Kind.UNKNOWN, "ping unavailable: " + icmp.unavailableReason());
    }
    // A local SNMP fault (socket, address) says nothing about the site: judge on ping alone.
    boolean snmpCounts = snmp != null && snmp.status() != SnmpStatus.UNAVAILABLE;
    boolean snmpAnswered = snmpCounts && snmp.ok();
    if (!icmp.answered() && !snmpAnswered) {
      String why = "no answer to " + icmp.sent() + " pings";
      if (snmpCounts) {
        why += "; SNMP: " + snmp.reason();
      }
      return new Verdict(Verdict.Kind.FAILED, why);
    }
    List<String> findings = new ArrayList<>();
    if (!icmp.answered()) {
      findings.add("no answer to " + icmp.sent() + " pings but SNMP answers (ICMP filtered?)");
    } else {
      double loss = icmp.lossRatio();
      if (loss >= degradedLossRatio) {
        findings.add(
            String.format(
                Locale.ROOT,
                "packet loss %s (limit %s)",
                percent(loss),
                percent(degradedLossRatio)));
      }
      double rttMs = icmp.rttAvgSeconds() * 1000;
      if (rttMs >= degradedRtt.toMillis()) {
        findings.add(
            String.format(
                Locale.ROOT, "RTT %.0f ms (limit %d ms)", rttMs, degradedRtt.toMillis()));
      }
    }
    if (snmpCounts && !snmp.ok()) {
      findings.add("SNMP silent: " + snmp.reason());
    }
    if (snmpAnswered) {
      for (InterfaceStatus i : snmp.interfaces()) {
        if (i.judged() != null && i.isFaulty()) {
          findings.add("interface " + i.name() + " down");
        }
      }
      for (String named : namedInterfaces) {
        if (snmp.interfaces().stream().noneMatch(i -> i.answersTo(named))) {
          // in a partial table it may be among the rows not read: say that, not "not found"
          findings.add("interface " + named + " named in config not "
              + (snmp.interfacesPartial() ? "read (interface table partial)" : "found"));
        }
      }
      findings.addAll(snmp.registrationFailures());
    }
    if (findings.isEmpty()) {
      return new Verdict(Verdict.Kind.GOOD, snmpCounts ? "ping and SNMP answer" : "ping answers");
    }
    return new Verdict(Verdict.Kind.IMPAIRED, String.join("; ", findings));
  }

  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
  }
}
