package org.daitu.vcmon.app;

import java.time.Clock;
import java.util.List;
import org.daitu.vcmon.cluster.MemberView;
import org.daitu.vcmon.output.alert.Channel;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.SnmpProbe;
import org.daitu.vcmon.store.Store;

/**
 * What an agent is built from. The composition root ({@code org.daitu.vcmon.Assembly}) makes the
 * real ones from the config; tests hand in fakes. The agent opens and closes them with itself:
 * the store and the SNMP probe are started before the first check, and everything is closed when
 * the agent stops.
 *
 * @param clock the wall clock that stamps states, history and notifications
 * @param channels where notifications go; the outbox delivers to each
 * @param cluster the members of this agent's cluster; null for a single agent
 */
public record AgentParts(
    Clock clock, Store store, IcmpProbe icmp, SnmpProbe snmp, List<Channel> channels, MemberView cluster) {
  public AgentParts {
    channels = List.copyOf(channels);
  }

  /** The parts of a single agent. */
  public AgentParts(Clock clock, Store store, IcmpProbe icmp, SnmpProbe snmp, List<Channel> channels) {
    this(clock, store, icmp, snmp, channels, null);
  }

  public AgentParts withClock(Clock other) {
    return new AgentParts(other, store, icmp, snmp, channels, cluster);
  }
}
