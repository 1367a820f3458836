package org.daitu.vcmon.output.alert;

import io.vertx.core.Future;

/**
 * Somewhere notifications go: a webhook, a Telegram chat, an e-mail list, an Alertmanager. A
 * channel only delivers; what to send and when is decided before (the policy), and retrying is
 * the outbox's job.
 */
public interface Channel {
  /** Stable name used as the outbox key part and in metrics, e.g. {@code webhook-1}. */
  String name();

  /** Whether this channel wants the notification (minimum severity, DEGRADED opt-in). */
  boolean accepts(Notification n);

  /**
   * Delivers one notification. Completes when the far end accepted it (2xx, SMTP 250); fails
   * otherwise, with a message that names the channel and the cause — never a secret. Bounded by a
   * timeout: a peer that hangs is a failure.
   */
  Future<Void> send(Notification n);

  /**
   * Called by the outbox on its context when it starts: a channel that keeps timers of its own
   * (token renewal) starts them here, on that context.
   */
  default void start() {}

  /** Releases the channel's timers and connections when the agent stops. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
