package org.daitu.vcmon.store;

import java.time.Instant;

/**
 * One notification waiting in the outbox for one channel. The payload is the notification as
 * JSON, so that what is delivered after a restart is exactly what was submitted.
 *
 * @param key the notification's idempotency key; (channel, key) is unique, so an event is queued,
 *     and so delivered, at most once per channel
 * @param attempts deliveries tried so far (all failed, or the item would not be pending)
 * @param nextAttemptAt not sent before this (backoff after a failure)
 */
public record OutboxItem(
    long id,
    String channel,
    String key,
    String payload,
    Instant createdAt,
    int attempts,
    Instant nextAttemptAt) {

  /** An item to enqueue: the store gives it its id; due at once. */
  public static OutboxItem fresh(String channel, String key, String payload, Instant createdAt) {
    return new OutboxItem(0, channel, key, payload, createdAt, 0, createdAt);
  }
}
