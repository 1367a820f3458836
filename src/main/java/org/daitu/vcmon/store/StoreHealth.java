package org.daitu.vcmon.store;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Whether the store takes writes now, for {@code /readyz}, metrics and the log. Immutable.
 *
 * @param file the database file
 * @param fault why writes fail, or null while they succeed
 * @param since when writes started failing, or null
 * @param backlogRecords records held in memory, waiting to be written
 * @param droppedRecords records given up because the backlog was full, since start
 * @param failedWrites write attempts that failed, retries included, since start
 */
public record StoreHealth(
    Path file,
    StoreFault fault,
    Instant since,
    int backlogRecords,
    long droppedRecords,
    long failedWrites) {

  public static StoreHealth ok(Path file) {
    return new StoreHealth(file, null, null, 0, 0, 0);
  }

  public boolean writable() {
    return fault == null;
  }

  /** Why the agent is not ready because of its store, or null when it is writable. */
  public String readinessProblem() {
    if (fault == null) {
      return null;
    }
    return "history store "
        + file
        + " not writable since "
        + since
        + ": "
        + fault.describe()
        + "; "
        + backlogRecords
        + " records held in memory"
        + (droppedRecords > 0 ? ", " + droppedRecords + " dropped" : "");
  }
}
