package org.daitu.vcmon.probe.snmp;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.InterfaceStatus.Judged;

/**
 * Which interfaces judge a site: the rule, in one place. Pure.
 *
 * <ol>
 *   <li>A row named in {@code sites[].snmp.interfaces} (by name, alias, description or index,
 *       see {@link InterfaceStatus#answersTo}) judges the site, whatever its type.
 *   <li>The row carrying the polled address judges it, unless it is a loopback, virtual, tunnel
 *       or VLAN interface, or an aggregate without members: those never go down on their own,
 *       or say nothing of the cable when they do.
 *   <li>Every other row is listed and never judges: an unused switch port or a codec's PC port
 *       being down is not the site's problem.
 * </ol>
 *
 * <p>When no row carries the polled address (an agent without IP-MIB, or polled through NAT)
 * only named rows judge. Guessing the uplink from the rows' states would alert on the wrong port
 * as readily as on the right one; naming it is one line of config.
 */
final class InterfaceSelection {
  private InterfaceSelection() {}

  /** IANAifType softwareLoopback. */
  static final int LOOPBACK = 24;
  /** IANAifType ieee8023adLag: an aggregate (port-channel, bond) of member ports. */
  static final int AGGREGATE = 161;
  /**
   * Types that are not a port: softwareLoopback, propVirtual, tunnel, l2vlan, l3ipvlan. A VLAN
   * interface follows its ports, and the ports are what to watch.
   */
  private static final Set<Integer> NOT_A_PORT = Set.of(LOOPBACK, 53, 131, 135, 136);

  /**
   * The rows with {@link InterfaceStatus#judged()} set by the rule, in the same order.
   *
   * @param rows as read, {@link InterfaceStatus#carriesPolledAddress()} already set
   * @param named the entries of {@code sites[].snmp.interfaces}
   * @param polledAggregateHasMembers whether the aggregate carrying the polled address is built
   *     on member ports (false when unknown or not asked: an aggregate never judges on a guess)
   */
  static List<InterfaceStatus> judge(
      List<InterfaceStatus> rows, List<String> named, boolean polledAggregateHasMembers) {
    List<InterfaceStatus> out = new ArrayList<>(rows.size());
    for (InterfaceStatus row : rows) {
      Judged why = null;
      if (isNamed(row, named)) {
        why = Judged.NAMED;
      } else if (row.carriesPolledAddress()
          && !NOT_A_PORT.contains(row.type())
          && (row.type() != AGGREGATE || polledAggregateHasMembers)) {
        why = Judged.POLLED_ADDRESS;
      }
      out.add(row.judgedFor(why));
    }
    return out;
  }

  /**
   * Whether the rule needs to know if this row (the one carrying the polled address) has member
   * ports: only for an aggregate nobody named.
   */
  static boolean needsMembers(InterfaceStatus polled, List<String> named) {
    return polled.type() == AGGREGATE && !isNamed(polled, named);
  }

  private static boolean isNamed(InterfaceStatus row, List<String> named) {
    for (String n : named) {
      if (row.answersTo(n)) {
        return true;
      }
    }
    return false;
  }
}
