package org.daitu.vcmon.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 *       or the endpoint reports itself unregistered: IMPAIRED, each such finding a {@link Cause},
 *       summarised in the reason;
 *   <li>otherwise GOOD.
 * </ol>
 *
 * <p>Which interfaces judge a site is the probe's to mark ({@link InterfaceStatus#judged()}: the
 * one carrying the polled address, and those the site names); every other row is only listed.
 */
public final class CheckEvaluator {
  // What a check could judge: shared, the same three sets serve every check.
  private static final Set<Cause.Source> PING_ONLY = Set.of(Cause.Source.ICMP);
  private static final Set<Cause.Source> PING_AND_REACH =
      Set.of(Cause.Source.ICMP, Cause.Source.SNMP_REACH);
  private static final Set<Cause.Source> ALL_SOURCES = Set.of(Cause.Source.values());

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
      return new Verdict(Verdict.Kind.FAILED, Reasons.cut(why));
    }
    List<Cause> causes = new ArrayList<>(2);
    if (!icmp.answered()) {
      causes.add(
          new Cause(
              "icmp-filtered",
              "no answer to " + icmp.sent() + " pings but SNMP answers (ICMP filtered?)",
              Cause.Source.ICMP));
    } else {
      double loss = icmp.lossRatio();
      if (loss >= degradedLossRatio) {
        causes.add(
            new Cause(
                "loss",
                String.format(
                    Locale.ROOT,
                    "packet loss %s (limit %s)",
                    percent(loss),
                    percent(degradedLossRatio)),
                Cause.Source.ICMP));
      }
      double rttMs = icmp.rttAvgSeconds() * 1000;
      if (rttMs >= degradedRtt.toMillis()) {
        causes.add(
            new Cause(
                "rtt",
                String.format(Locale.ROOT, "RTT %.0f ms (limit %d ms)", rttMs, degradedRtt.toMillis()),
                Cause.Source.ICMP));
      }
    }
    if (snmpCounts) {
      if (!snmp.ok()) {
        causes.add(new Cause("snmp-silent", "SNMP silent: " + snmp.reason(), Cause.Source.SNMP_REACH));
      }
    }
    if (snmpAnswered) {
      for (InterfaceStatus i : snmp.interfaces()) {
        if (i.judged() != null && i.isFaulty()) {
          causes.add(
              new Cause(
                  Reasons.INTERFACE_KEY + i.name(), "interface " + i.name() + " down", Cause.Source.SNMP_DATA));
        }
      }
      for (String named : namedInterfaces) {
        if (snmp.interfaces().stream().noneMatch(i -> i.answersTo(named))) {
          // in a partial table it may be among the rows not read: say that, not "not found"
          causes.add(
              new Cause(
                  "interface-missing:" + named,
                  "interface " + named + " named in config not "
                      + (snmp.interfacesPartial() ? "read (interface table partial)" : "found"),
                  Cause.Source.SNMP_DATA));
        }
      }
      for (String failure : snmp.registrationFailures()) {
        causes.add(new Cause("registration:" + failure, failure, Cause.Source.SNMP_DATA));
      }
    }
    Set<Cause.Source> judged = snmpAnswered ? ALL_SOURCES : snmpCounts ? PING_AND_REACH : PING_ONLY;
    if (causes.isEmpty()) {
      return new Verdict(
          Verdict.Kind.GOOD, snmpCounts ? "ping and SNMP answer" : "ping answers", List.of(), judged);
    }
    return new Verdict(Verdict.Kind.IMPAIRED, Reasons.summarise(causes), causes, judged);
  }

  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
  }
}
