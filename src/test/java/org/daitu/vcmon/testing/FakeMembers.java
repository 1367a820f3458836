package org.daitu.vcmon.testing;

import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.daitu.vcmon.cluster.Member;
import org.daitu.vcmon.cluster.MemberView;

/**
 * A cluster's membership that the test decides: which vantages are up, and when one comes up or
 * leaves. Each agent of the test gets its {@link #view}; {@link #up} and {@link #down} change
 * every view at once and call their listeners on a Vert.x context, as the engine's view does.
 * With several {@code EventBusPeers} on one plain Vert.x it makes a cluster for tests.
 */
public final class FakeMembers {
  private final Vertx vertx;
  private final String clusterName;
  /** Vantage to whether it is up now, in the order they were first named. */
  private final Map<String, Boolean> up = new ConcurrentHashMap<>();
  private final List<View> views = new CopyOnWriteArrayList<>();

  public FakeMembers(Vertx vertx, String clusterName) {
    this.vertx = vertx;
    this.clusterName = clusterName;
  }

  /** The membership as the agent {@code self} sees it; {@code self} is up from now on. */
  public MemberView view(String self) {
    up.put(self, true);
    View v = new View(self);
    views.add(v);
    return v;
  }

  /** Marks {@code vantage} up and tells every view's listeners. */
  public void up(String vantage) {
    change(vantage, true);
  }

  /** Marks {@code vantage} gone and tells every view's listeners. */
  public void down(String vantage) {
    change(vantage, false);
  }

  private void change(String vantage, boolean isUp) {
    up.put(vantage, isUp);
    Member m = member(vantage);
    for (View v : views) {
      v.listeners.forEach(l -> vertx.runOnContext(x -> l.accept(m)));
    }
  }

  private Member member(String vantage) {
    return new Member(vantage, "node-" + vantage, vantage + ":7800", up.getOrDefault(vantage, false), Instant.EPOCH);
  }

  private final class View implements MemberView {
    final String self;
    final List<Consumer<Member>> listeners = new CopyOnWriteArrayList<>();

    View(String self) {
      this.self = self;
    }

    @Override
    public String clusterName() {
      return clusterName;
    }

    @Override
    public String self() {
      return self;
    }

    @Override
    public List<Member> members() {
      List<Member> out = new ArrayList<>();
      up.keySet().stream().sorted().forEach(v -> out.add(member(v)));
      return List.copyOf(out);
    }

    @Override
    public void onChange(Consumer<Member> listener) {
      listeners.add(listener);
    }
  }
}
