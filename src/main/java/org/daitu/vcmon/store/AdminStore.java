package org.daitu.vcmon.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.inventory.RolloutStage;

/**
 * Writes asked for by an operator through the API. Unlike the monitor's writes they are never
 * held: while the disk refuses writes they fail at once, with the cause.
 */
public interface AdminStore {

  Future<Void> setStage(String siteId, RolloutStage stage, Instant at);

  /** Stores a window added through the API; returns it with its id. */
  Future<MaintenanceWindow> addMaintenance(MaintenanceWindow window);

  /** Deletes a window added through the API; false when there was none with that id. */
  Future<Boolean> removeMaintenance(long id);

  /** Acknowledges an incident with a note; empty when no incident has that id. */
  Future<Optional<Incident>> acknowledge(long incidentId, String note, Instant at);
}
