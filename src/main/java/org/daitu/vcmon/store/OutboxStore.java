package org.daitu.vcmon.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/** The durable notification outbox. Its writes are held while the disk refuses them. */
public interface OutboxStore {

  /**
   * Queues notifications durably. An item whose (channel, key) is already in the outbox, delivered
   * or not, is ignored: submitting the same event twice delivers it once.
   *
   * @return how many items were new
   */
  Future<Integer> enqueue(List<OutboxItem> items);

  /**
   * Undelivered items due at {@code now}, oldest first, at most {@code limit}. An item is left out
   * while an earlier undelivered item of its channel waits for its retry: a channel delivers in
   * creation order, so a failing item holds back its channel's later ones.
   */
  Future<List<OutboxItem>> pending(Instant now, int limit);

  /** The item reached its channel at {@code at}; it is never sent again. */
  Future<Void> delivered(long id, Instant at);

  /** A delivery failed: records the attempts so far, when to try again and why it failed. */
  Future<Void> failed(long id, int attempts, Instant nextAttempt, String error);

  /**
   * The channel refused the item for good (retrying cannot help: the recipient does not exist or
   * does not follow): it is never sent again and no longer holds its channel's later items back.
   */
  Future<Void> abandoned(long id, int attempts, Instant at, String error);

  /** Undelivered items (not abandoned) and the age of the oldest at {@code now}. */
  Future<OutboxStats> outboxStats(Instant now);
}
