package org.daitu.vcmon.output.web;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.daitu.vcmon.config.ReloadResult;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.inventory.RolloutStage;

/**
 * The writes the admin API may make. Implemented where the state lives (the agent): each action
 * is stored durably, then applied to the running monitor. The web layer only checks the caller and
 * the input.
 */
public interface AdminActions {
  /** Sets a site's rollout stage; the site exists (checked by the caller). */
  Future<Void> setStage(String siteId, RolloutStage stage);

  /** Every maintenance window, from config and from the API. */
  List<MaintenanceWindow> maintenance();

  /**
   * Adds a window (validated by the caller); returns it with its id. Fails with
   * IllegalArgumentException carrying the reason when it clashes with another window.
   */
  Future<MaintenanceWindow> addMaintenance(MaintenanceWindow window);

  /** Removes a window added through the API; false when none has that id. */
  Future<Boolean> removeMaintenance(long id);

  /** Acknowledges an incident; empty when none has that id. */
  Future<Optional<Incident>> acknowledge(long incidentId, String note);

  /** Why this agent cannot reload its config (no file: the demo), or empty when it can. */
  default Optional<String> reloadUnavailable() {
    return Optional.of("config reload is not available here");
  }

  /** Re-reads the config file and applies it, or keeps the running config and says why. */
  default Future<ReloadResult> reload() {
    return Future.succeededFuture(ReloadResult.unavailable(reloadUnavailable().orElse("")));
  }
}
