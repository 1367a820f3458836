package org.daitu.vcmon.app;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.daitu.vcmon.config.ReloadResult;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceCalendar;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.store.AdminStore;
import org.daitu.vcmon.output.web.AdminActions;
import org.daitu.vcmon.state.MaintenanceSchedule;

/**
 * The admin API's writes, done for real: stored first (so an accepted write survives a crash),
 * then applied to the running monitor. Also the owner of the maintenance calendar, which the
 * tracker and the availability reports read.
 */
final class AgentAdmin implements AdminActions {
  private final AdminStore store;
  private final Clock clock;
  private final ZoneId zone;
  private final List<MaintenanceWindow> windows = new CopyOnWriteArrayList<>();
  private volatile MaintenanceCalendar calendar;
  private final MonitorVerticle monitor;
  private final Reloader reloader;

  /**
   * @param initial the maintenance windows in force at start: the config's and those stored
   * @param monitor where the tracker lives: stage and window changes apply there
   */
  AgentAdmin(
      AdminStore store,
      Clock clock,
      ZoneId zone,
      List<MaintenanceWindow> initial,
      MonitorVerticle monitor,
      Reloader reloader) {
    this.store = store;
    this.clock = clock;
    this.zone = zone;
    this.monitor = monitor;
    this.reloader = reloader;
    windows.addAll(initial);
    calendar = new MaintenanceCalendar(windows, zone);
  }

  @Override
  public Optional<String> reloadUnavailable() {
    return reloader.unavailableReason();
  }

  @Override
  public Future<ReloadResult> reload() {
    return reloader.reload("api");
  }

  MaintenanceCalendar calendar() {
    return calendar;
  }

  /** What the tracker asks: the window a site is in, as the reason it shows. */
  MaintenanceSchedule schedule() {
    return (site, at) ->
        calendar
            .activeAt(site, at)
            .map(w -> "maintenance window " + w.id() + (w.note() == null ? "" : ": " + w.note()));
  }

  @Override
  public Future<Void> setStage(String siteId, RolloutStage stage) {
    return store
        .setStage(siteId, stage, clock.instant())
        .compose(v -> monitor.change(tracker -> tracker.setStage(siteId, stage)));
  }

  @Override
  public List<MaintenanceWindow> maintenance() {
    return List.copyOf(windows);
  }

  @Override
  public Future<MaintenanceWindow> addMaintenance(MaintenanceWindow window) {
    return store
        .addMaintenance(window)
        .compose(stored -> {
          windows.add(stored);
          return apply().map(stored);
        });
  }

  @Override
  public Future<Boolean> removeMaintenance(long id) {
    return store
        .removeMaintenance(id)
        .compose(removed -> {
          if (!removed) {
            return Future.succeededFuture(false);
          }
          windows.removeIf(w -> w.id() == id && "api".equals(w.source()));
          return apply().map(true);
        });
  }

  /** Replaces the windows from the config file (a reload); those added through the API stay. */
  Future<Void> configWindows(List<MaintenanceWindow> fromConfig) {
    windows.removeIf(w -> !"api".equals(w.source()));
    windows.addAll(0, fromConfig);
    return apply();
  }

  /** A new calendar for everyone; the tracker enters or leaves windows at once. */
  private Future<Void> apply() {
    calendar = new MaintenanceCalendar(new ArrayList<>(windows), zone);
    return monitor.change(tracker -> tracker.tick());
  }

  @Override
  public Future<Optional<Incident>> acknowledge(long incidentId, String note) {
    return store.acknowledge(incidentId, note, clock.instant());
  }
}
