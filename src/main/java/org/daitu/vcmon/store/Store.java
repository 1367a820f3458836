package org.daitu.vcmon.store;

import io.vertx.core.Future;

/**
 * Where vcmon keeps its history: state changes, incidents, first-connected dates, rollout stages
 * set through the API, maintenance windows, gaps, the daily rollout burn-up and the notification
 * outbox. Every method runs off the event loop and completes on the caller's context. A write's
 * future completes only once the write is durable (committed and synced), so "recorded" means it
 * survives a crash.
 *
 * <p>The whole store, for the composition root, which opens and closes it. Each consumer takes
 * the narrowest part it needs: {@link HistoryLog} (the monitor's history and what a restart
 * reads back), {@link HistoryReads} (the API and reports), {@link AdminStore} (operator writes),
 * {@link OutboxStore} (notifications), {@link TokenStore} (channel tokens), {@link AuditStore} (the audit log). An interface so that
 * another database can be added; {@link SqliteStore} is the embedded default.
 */
public interface Store extends HistoryLog, HistoryReads, AdminStore, OutboxStore, TokenStore, AuditStore {

  /**
   * Opens the database and applies pending schema migrations. Fails with the path and the cause
   * when the file cannot be opened, is not a vcmon store, or was written by a newer vcmon.
   */
  Future<Void> open();

  Future<Void> close();

  @Override
  StoreHealth health();
}
