package org.daitu.vcmon.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.history.OperatorOp;
import org.daitu.vcmon.inventory.RolloutStage;

/**
 * Writes asked for by an operator through the API, here or on another agent of the cluster. Each
 * is an {@link OperatorOp}, recorded in the op log in the same transaction as its effect, once by
 * id: a second delivery of an op is a {@link OpOutcome.Status#DUPLICATE} and changes nothing.
 * Which of several writes to one thing wins is decided by {@link
 * org.daitu.vcmon.history.OperatorWriteRules}, whatever order they arrive in.
 *
 * <p>Unlike the monitor's writes they are never held: while the disk refuses writes they fail at
 * once, with the cause (and an op from another agent is fetched again at the next catch-up).
 */
public interface AdminStore {

  /** Sets a site's rollout stage, unless a later stage write is in force. */
  Future<OpOutcome<Void>> setStage(OperatorOp op, String siteId, RolloutStage stage);

  /**
   * Stores a window (its {@code uid} set), unless a removal of that uid was seen before; returns
   * it with this store's id. Fails with IllegalArgumentException when it has no valid times.
   */
  Future<OpOutcome<MaintenanceWindow>> addMaintenance(OperatorOp op, MaintenanceWindow window);

  /**
   * Deletes the window with this uid; the value is the window deleted, null when there was none
   * here (the removal is kept: an add arriving later is not applied).
   */
  Future<OpOutcome<MaintenanceWindow>> removeMaintenance(OperatorOp op, String uid);

  /**
   * Acknowledges the site's incident that matches {@code openedAt} and {@code closedAt} ({@link
   * org.daitu.vcmon.history.OperatorWriteRules#incidentFor}), unless a later acknowledgement is in
   * force; {@link OpOutcome.Status#PENDING} when none matches (tried again by calling this with
   * the same op).
   */
  Future<OpOutcome<Incident>> acknowledge(
      OperatorOp op, String siteId, Instant openedAt, Instant closedAt, String note);

  /** Keeps an op this vcmon cannot apply (a kind it does not know), pending, to pass it on. */
  Future<OpOutcome<Void>> keep(OperatorOp op);

  /** One incident by this store's id. */
  Future<Optional<Incident>> incident(long id);

  /**
   * The pending ops, oldest first; {@code kind}, {@code subject} and the time they were stored here
   * ({@code receivedSince}) narrow them when not null.
   */
  Future<List<OperatorOp>> pendingOps(String kind, String subject, Instant receivedSince);

  /**
   * One page of the op log for another agent catching up, newest first: ops stored before the
   * cursor {@code before} (0: from the newest) that were made since {@code since}, or are older
   * but still in force (a window that stands, the stage or acknowledgement in force).
   */
  Future<OpPage> ops(long before, Instant since, int limit);

  /** A page of the op log; {@code next} is the cursor of the next page, 0 when there is none. */
  record OpPage(List<OperatorOp> ops, long next) {}
}
