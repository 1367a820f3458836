package org.daitu.vcmon.app.cluster;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.function.Consumer;
import org.daitu.vcmon.history.OperatorOp;
import org.daitu.vcmon.store.AdminStore.OpPage;

/**
 * The operator writes of one agent, as {@link OperatorWritesVerticle} shares them: the ops made
 * here, to tell the others; ops from the others, to apply; and the op log, for a member that
 * catches up. Implemented by the agent's admin (its API writes), which applies a received op
 * through the same code as one of its own.
 */
public interface OperatorLog {

  /**
   * Applies an op made on another agent (store, then the running monitor), once by id; never
   * tells anyone. The future's value is true when the op was new here.
   */
  Future<Boolean> receive(OperatorOp op);

  /** A page of the op log, newest first: {@link org.daitu.vcmon.store.AdminStore#ops}. */
  Future<OpPage> ops(long before, Instant since, int limit);

  /** Tries again what was kept without being applied (an acknowledgement, an unknown kind). */
  Future<Void> retryPending();

  /** Calls {@code listener} with each op made here, once it is stored and applied here. */
  void onMade(Consumer<OperatorOp> listener);
}
