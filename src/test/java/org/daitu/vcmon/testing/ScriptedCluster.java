package org.daitu.vcmon.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.daitu.vcmon.cluster.Member;
import org.daitu.vcmon.cluster.MemberView;

/**
 * The membership of a cluster as a test scripts it: which vantages are up. Each agent gets its
 * {@link #view}; {@link #up} and {@link #down} change what every view shows and tell their
 * listeners, as the engine's view changes would. With {@code EventBusPeers} on one plain Vert.x,
 * several real agents in one JVM then form a cluster without the engine. Thread-safe.
 */
public final class ScriptedCluster {
  private final String name;
  private final Set<String> up = new TreeSet<>();
  private final Map<String, Instant> since = new TreeMap<>();
  private final List<View> views = new CopyOnWriteArrayList<>();

  public ScriptedCluster(String name) {
    this.name = name;
  }

  /** What the agent of {@code vantage} sees; it is up from now. */
  public synchronized MemberView view(String vantage) {
    View v = new View(vantage);
    views.add(v);
    up(vantage);
    return v;
  }

  /** The vantage's agent joins (again): every view shows it up and tells its listeners. */
  public void up(String vantage) {
    Member m;
    synchronized (this) {
      if (!up.add(vantage)) {
        return;
      }
      since.put(vantage, Instant.now());
      m = member(vantage);
    }
    views.forEach(v -> v.tell(m));
  }

  /** The vantage's agent left (killed, or cut off). */
  public void down(String vantage) {
    Member m;
    synchronized (this) {
      if (!up.remove(vantage)) {
        return;
      }
      m = member(vantage);
    }
    views.forEach(v -> v.tell(m));
  }

  private Member member(String vantage) {
    return new Member(vantage, vantage + "-node", vantage + ":7800", up.contains(vantage), since.get(vantage));
  }

  private final class View implements MemberView {
    final String self;
    final List<Consumer<Member>> listeners = new CopyOnWriteArrayList<>();

    View(String self) {
      this.self = self;
    }

    void tell(Member m) {
      listeners.forEach(l -> l.accept(m));
    }

    @Override
    public String clusterName() {
      return name;
    }

    @Override
    public String self() {
      return self;
    }

    @Override
    public List<Member> members() {
      synchronized (ScriptedCluster.this) {
        List<Member> out = new ArrayList<>();
        since.keySet().forEach(v -> out.add(member(v)));
        return out;
      }
    }

    @Override
    public void onChange(Consumer<Member> listener) {
      listeners.add(listener);
    }
  }
}
