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
 *   <li>something answered but SNMP is silent, loss or RTT is over its limit, an interface is
 *       down or the endpoint reports itself unregistered: IMPAIRED, with every such finding in the
 *       reason;
 *   <li>otherwise GOOD.
 * </ol>
 */
public final class CheckEvaluator {
  private final double degradedLossRatio;
  private final Duration degradedRtt;

  public CheckEvaluator(double degradedLossRatio, Duration degradedRtt) {
    this.degradedLossRatio = degradedLossRatio;
    this.degradedRtt = degradedRtt;
  }

  public Verdict evaluate(SiteCheck check) {
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
        if (i.isFaulty()) {
          findings.add("interface " + (i.name() == null ? "#" + i.index() : i.name()) + " down");
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
