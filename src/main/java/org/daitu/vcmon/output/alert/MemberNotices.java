package org.daitu.vcmon.output.alert;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.daitu.vcmon.cluster.Member;
import org.daitu.vcmon.output.alert.Notification.Kind;
import org.daitu.vcmon.output.alert.Notification.MemberLine;
import org.daitu.vcmon.output.alert.Notification.Severity;

/**
 * Turns the cluster's member changes into notifications: an agent that leaves the cluster (a
 * WARNING) and, later, the same vantage back ({@code resolved}). Pure: no I/O, no clock; not
 * thread-safe (one caller at a time).
 *
 * <p>Keys are the same on every agent that sees the same change, so that the outbox (and the
 * one-voice rule) treats the notices of several agents as one: {@code
 * member:<vantage>:left:<join>} and {@code member:<vantage>:returned:<join>}, where {@code <join>}
 * is the epoch milliseconds of the member's join time ({@link Member#since} while it is up, which
 * every agent reads from the member's own metadata). A member that comes back from a partition
 * without restarting keeps its join time, so its next leave would repeat the first key and be
 * dropped as already delivered: the second and later episodes of one join get {@code :2}, {@code
 * :3}, ... appended. Two agents that saw a different number of those episodes (one started in
 * between) may then number them differently: that yields a duplicate, never a silence.
 *
 * <p>Not announced: this agent itself; members never seen with a vantage; members up when this
 * agent started (no "returned" for the first start of the cluster); the leave of a second node
 * with a vantage that a live node still has (an agent refused for a taken vantage).
 */
public final class MemberNotices {
  private final String self;
  private Messages messages;
  /** Node id → the member as it joined (since = its join time), of nodes seen up. */
  private final Map<String, Member> joined = new HashMap<>();
  /** Vantage → its notice of leaving, while it has not come back. */
  private final Map<String, Gone> gone = new HashMap<>();
  /** Keys given out, with how many times each base key was used. */
  private final Map<String, Integer> episodes = new HashMap<>();

  private record Gone(Instant leftAt, String address) {}

  /**
   * @param self this agent's vantage
   */
  public MemberNotices(String self, Messages messages) {
    this.self = self;
    this.messages = messages;
  }

  /** Texts in a reloaded language. */
  public void messages(Messages next) {
    this.messages = next;
  }

  /**
   * The members known when this agent starts watching: those up are remembered (their join time
   * names their leave later), nothing is announced.
   */
  public void seed(Collection<Member> members) {
    for (Member m : members) {
      if (m.up() && m.vantage() != null && m.nodeId() != null) {
        joined.put(m.nodeId(), m);
      }
    }
  }

  /**
   * One member change, as {@link org.daitu.vcmon.cluster.MemberView#onChange} gives it.
   *
   * @param membersNow every member known after the change ({@code MemberView.members()})
   * @param now when this agent handles the change
   * @return the notice to send: none or one
   */
  public List<Notification> onChange(Member change, Collection<Member> membersNow, Instant now) {
    String vantage = change.vantage();
    if (vantage == null || vantage.equals(self)) {
      return List.of();
    }
    if (change.up()) {
      if (change.nodeId() != null) {
        joined.put(change.nodeId(), change);
      }
      Gone left = gone.remove(vantage);
      if (left == null) {
        return List.of(); // first seen (a start of the cluster), or a second node with a live vantage
      }
      Instant since = change.since() == null ? now : change.since();
      String key = key("member:" + vantage + ":returned:" + since.toEpochMilli());
      return List.of(
          new Notification(
              key, Kind.CLUSTER, Severity.WARNING, true, now,
              messages.memberReturnedTitle(vantage),
              messages.memberReturnedText(vantage, change.address(), left.leftAt(), now, self),
              List.of(),
              new MemberLine(vantage, change.address(), since)));
    }
    Member was = change.nodeId() == null ? null : joined.remove(change.nodeId());
    if (liveVantages(membersNow).contains(vantage) || gone.containsKey(vantage)) {
      return List.of(); // another node still speaks as this vantage, or it was announced already
    }
    Instant leftAt = change.since() == null ? now : change.since();
    // Without the join time (never seen up by this agent's listener) the leave time stands in:
    // a notice from this agent alone rather than none.
    String join = was != null && was.since() != null ? Long.toString(was.since().toEpochMilli()) : "seen-" + leftAt.toEpochMilli();
    String key = key("member:" + vantage + ":left:" + join);
    gone.put(vantage, new Gone(leftAt, change.address()));
    return List.of(
        new Notification(
            key, Kind.CLUSTER, Severity.WARNING, false, leftAt,
            messages.memberLeftTitle(vantage),
            messages.memberLeftText(vantage, change.address(), leftAt, self),
            List.of(),
            new MemberLine(vantage, change.address(), was == null ? null : was.since())));
  }

  /** The base key the first time, then {@code base:2}, {@code base:3}, ... */
  private String key(String base) {
    int n = episodes.merge(base, 1, Integer::sum);
    return n == 1 ? base : base + ":" + n;
  }

  private static Set<String> liveVantages(Collection<Member> members) {
    Set<String> live = new HashSet<>();
    for (Member m : members) {
      if (m.up() && m.vantage() != null) {
        live.add(m.vantage());
      }
    }
    return live;
  }
}
