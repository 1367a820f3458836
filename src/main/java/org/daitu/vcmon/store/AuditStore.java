package org.daitu.vcmon.store;

import io.vertx.core.Future;
import java.util.List;
import org.daitu.vcmon.history.AuditEntry;

/**
 * The audit log: every write an operator made, through a signed-in session or the bearer API.
 * Bounded: the newest {@link #RETAINED} rows are kept, older ones deleted as new ones come.
 */
public interface AuditStore {
  /** Rows kept; the oldest beyond it are deleted when a row is added. */
  int RETAINED = 10_000;

  /** Adds one entry; durable once completed. Never held: fails at once while the disk refuses. */
  Future<Void> audit(AuditEntry entry);

  /** The newest {@code limit} entries, newest first. */
  Future<List<AuditEntry>> audit(int limit);
}
