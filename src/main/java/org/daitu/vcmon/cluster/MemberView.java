package org.daitu.vcmon.cluster;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The members of the cluster as this agent sees them now, fed by the cluster engine's view
 * changes. Implementations are thread-safe; what they return is immutable.
 */
public interface MemberView {
  /** {@code cluster.name}. */
  String clusterName();

  /** This agent's vantage id. */
  String self();

  /**
   * Every member known: those up now (this agent among them), those that left since this agent
   * started, and the configured addresses never seen; ordered by vantage, then address.
   */
  List<Member> members();

  /** The vantages of the members up now, this agent's included. */
  default Set<String> liveVantages() {
    Set<String> live = new TreeSet<>();
    for (Member m : members()) {
      if (m.up() && m.vantage() != null) {
        live.add(m.vantage());
      }
    }
    return live;
  }

  /**
   * Calls {@code listener} with each member that joins (up) or leaves (not up), after {@link
   * #members()} shows the change; on a Vert.x context, never on the engine's threads.
   */
  void onChange(Consumer<Member> listener);
}
