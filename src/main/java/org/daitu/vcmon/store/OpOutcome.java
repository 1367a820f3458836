package org.daitu.vcmon.store;

/**
 * What storing one operator write did here.
 *
 * @param value what it wrote or found (the window added or removed, the incident acknowledged),
 *     or null
 */
public record OpOutcome<T>(Status status, T value) {

  /** How an op ended at this store. */
  public enum Status {
    /** New here, and its effect is stored: apply it to the running monitor. */
    APPLIED,
    /** New here, kept in the op log, but a later write wins (or the window was removed first). */
    SUPERSEDED,
    /** New here (or tried again), kept in the op log, not applied yet; see {@code pending}. */
    PENDING,
    /** Seen before: nothing done. */
    DUPLICATE;
  }

  public static <T> OpOutcome<T> of(Status status, T value) {
    return new OpOutcome<>(status, value);
  }

  public static <T> OpOutcome<T> of(Status status) {
    return new OpOutcome<>(status, null);
  }

  /** Whether the op was not in the log before (so the agent that made it tells the others). */
  public boolean isNew() {
    return status != Status.DUPLICATE;
  }
}
