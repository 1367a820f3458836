package org.daitu.vcmon.output.web;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.daitu.vcmon.history.AuditEntry;
import org.daitu.vcmon.store.AuditStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes operators' actions to the audit log. A write that was made is answered even when its
 * audit row could not be stored (the disk refusing writes): the failure is logged, never hidden
 * behind the write's own answer. Without a store (tests of the web layer alone) nothing is kept.
 */
final class AuditTrail {
  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

  private final AuditStore store;
  private final Clock clock;

  /** @param store null: nothing is kept */
  AuditTrail(AuditStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  boolean kept() {
    return store != null;
  }

  /** Records an action of the operator the request passed {@link AdminGate#authorize} as. */
  Future<Void> record(RoutingContext ctx, String action, String target, String detail) {
    return record(AdminGate.operator(ctx), action, target, detail);
  }

  /** Records an action; completes (never fails) once stored or refused by the store. */
  Future<Void> record(String operator, String action, String target, String detail) {
    if (store == null) {
      return Future.succeededFuture();
    }
    AuditEntry entry = new AuditEntry(clock.instant(), operator, action, target, detail);
    return store
        .audit(entry)
        .recover(
            err -> {
              log.error(
                  "Audit entry not stored operator={} action={} target={}: {}",
                  operator, action, target, err.getMessage());
              return Future.succeededFuture();
            });
  }
}
