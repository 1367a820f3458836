package org.daitu.vcmon.output.alert;

import java.time.Instant;
import java.util.List;

/**
 * One message for people, ready for any channel: a site's alert or recovery, a parent alert that
 * names its unreachable children, a digest of many changes, a reminder, a meeting-readiness
 * summary, or an agent of the cluster lost or back. Immutable; what the outbox stores and the
 * channels send.
 *
 * @param key idempotency key: the same event always yields the same key, so a notification is
 *     never delivered twice (e.g. {@code site:cat-ne:DOWN:2020-08-12T00:42:10.115Z})
 * @param kind what the webhook contract calls {@code kind}
 * @param resolved true for a recovery (Alertmanager: the alert ends)
 * @param title one line: an e-mail subject, the first line of a chat message
 * @param text the whole message, in the configured language
 * @param sites the sites it is about, in the webhook contract's shape
 * @param member the agent a {@link Kind#CLUSTER} notification is about; null for every other kind
 */
public record Notification(
    String key,
    Kind kind,
    Severity severity,
    boolean resolved,
    Instant at,
    String title,
    String text,
    List<SiteLine> sites,
    MemberLine member) {

  public Notification {
    sites = List.copyOf(sites);
  }

  /** A notification about sites (every kind but {@link Kind#CLUSTER}). */
  public Notification(
      String key,
      Kind kind,
      Severity severity,
      boolean resolved,
      Instant at,
      String title,
      String text,
      List<SiteLine> sites) {
    this(key, kind, severity, resolved, at, title, text, sites, null);
  }

  public enum Kind {
    SITE("site"),
    DIGEST("digest"),
    READINESS("readiness"),
    /** An agent left the cluster, or came back ({@code resolved}). */
    CLUSTER("cluster");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The value of the webhook JSON's {@code kind}. */
    public String label() {
      return label;
    }
  }

  /** Ordered: a channel with a minimum severity gets that one and the ones above. */
  public enum Severity {
    INFO,
    WARNING,
    CRITICAL
  }

  /**
   * One site in a notification (the webhook contract's {@code sites[]} item).
   *
   * @param previousState the state before this change, or null (digests, readiness)
   */
  public record SiteLine(
      String id, String name, String state, String previousState, Instant since, String reason) {}

  /**
   * The agent a {@link Kind#CLUSTER} notification is about (the webhook contract's {@code member}).
   *
   * @param vantage its vantage id, e.g. {@code dai-tu}
   * @param address its {@code cluster.listen}
   * @param since when it joined the cluster (the same on every agent); for a leave, the join that
   *     ended
   */
  public record MemberLine(String vantage, String address, Instant since) {}
}
