package org.daitu.vcmon.output.web;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.daitu.vcmon.config.ReloadResult;
import org.daitu.vcmon.config.Secret;
import org.daitu.vcmon.config.TimeText;
import org.daitu.vcmon.history.MaintenanceCalendar;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.store.AuditStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes of the API — rollout stage, maintenance windows, acknowledgements, reload — each
 * behind the {@link AdminGate} (an operator's bearer token, or a signed-in session with its CSRF
 * token). Without a configured operator every write is refused (403) and says how to enable it.
 * Reads stay open. Input is checked here; storing and applying it is the {@link AdminActions}'
 * job. Each write made is recorded in the audit log under the operator's name before it is
 * answered.
 */
public final class AdminRoutes implements WebVerticle.RouteGroup {
  private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
  private static final int MAX_BODY_BYTES = 16 * 1024;
  private static final int MAX_NOTE = 500;

  private final AdminGate gate;
  private final AdminActions actions;
  private final StateBoard board;
  private final ZoneId zone;
  private final Clock clock;
  private final AuditTrail audit;

  /** @param token null when writes are disabled; no audit log kept */
  public AdminRoutes(Secret token, AdminActions actions, StateBoard board, ZoneId zone, Clock clock) {
    this(new AdminGate(token, clock), null, actions, board, zone, clock);
  }

  /** @param auditStore where writes are recorded; null: nowhere */
  public AdminRoutes(
      AdminGate gate, AuditStore auditStore, AdminActions actions, StateBoard board, ZoneId zone, Clock clock) {
    this.audit = new AuditTrail(auditStore, clock);
    this.gate = gate;
    this.actions = actions;
    this.board = board;
    this.zone = zone;
    this.clock = clock;
  }

  @Override
  public void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    router.get("/api/v1/maintenance").handler(this::listMaintenance);
    router.put("/api/v1/sites/:id/rollout").handler(body).handler(this::authorize).handler(this::setStage);
    router.post("/api/v1/maintenance").handler(body).handler(this::authorize).handler(this::addMaintenance);
    router.delete("/api/v1/maintenance/:id").handler(this::authorize).handler(this::removeMaintenance);
    router.post("/api/v1/incidents/:id/ack").handler(body).handler(this::authorize).handler(this::acknowledge);
    router.post("/api/v1/admin/reload").handler(this::reloadable).handler(this::authorize).handler(this::reload);
  }

  /** The operator check, failure counting and lockout: {@link AdminGate}. */
  private void authorize(RoutingContext ctx) {
    gate.authorize(ctx);
  }

  private void setStage(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (board.snapshot().site(id).isEmpty()) {
      throw new ApiError(404, "no site with id \"" + id + "\"");
    }
    JsonObject body = body(ctx);
    var stage = HistoryRoutes.stage(body.getValue("stage") instanceof String s ? s : null);
    actions
        .setStage(id, stage)
        .onSuccess(
            v -> {
              log.info("Rollout stage set site={} stage={} operator={}", id, stage.label(), AdminGate.operator(ctx));
              audit
                  .record(ctx, "rollout.set", id, "stage " + stage.label())
                  .onComplete(
                      a -> WebVerticle.json(ctx, 200, new JsonObject().put("id", id).put("stage", stage.label())));
            })
        .onFailure(
            err -> {
              // Another agent's later write wins everywhere (docs/cluster.md, "Operator writes").
              if (err instanceof IllegalStateException) {
                ctx.fail(new ApiError(409, err.getMessage()));
              } else {
                ctx.fail(err);
              }
            });
  }

  private void listMaintenance(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    actions.maintenance().forEach(w -> out.add(window(w)));
    WebVerticle.json(ctx, 200, new JsonObject().put("windows", out));
  }

  private void addMaintenance(RoutingContext ctx) {
    JsonObject body = body(ctx);
    MaintenanceWindow w = parseWindow(body);
    List<String> problems = MaintenanceCalendar.problems(w, actions.maintenance(), zone);
    if (!problems.isEmpty()) {
      throw new ApiError(400, String.join("; ", problems));
    }
    actions
        .addMaintenance(w)
        .onSuccess(
            stored -> {
              String site = stored.siteId() == null ? "all" : stored.siteId();
              log.info("Maintenance window added id={} site={} operator={}", stored.id(), site, AdminGate.operator(ctx));
              audit
                  .record(ctx, "maintenance.add", site, describe(stored))
                  .onComplete(a -> WebVerticle.json(ctx, 201, window(stored)));
            })
        .onFailure(
            err -> {
              if (err instanceof IllegalArgumentException) {
                ctx.fail(new ApiError(409, err.getMessage()));
              } else {
                ctx.fail(err);
              }
            });
  }

  private void removeMaintenance(RoutingContext ctx) {
    long id = id(ctx);
    boolean fromConfig =
        actions.maintenance().stream().anyMatch(w -> w.id() == id && !"api".equals(w.source()));
    if (fromConfig || id <= 0) {
      throw new ApiError(409, "window " + id + " comes from the config file: remove it there");
    }
    actions
        .removeMaintenance(id)
        .onSuccess(
            removed -> {
              if (removed) {
                log.info("Maintenance window removed id={} operator={}", id, AdminGate.operator(ctx));
                audit
                    .record(ctx, "maintenance.remove", "window " + id, "")
                    .onComplete(a -> ctx.response().setStatusCode(204).end());
              } else {
                ctx.fail(new ApiError(404, "no maintenance window with id " + id));
              }
            })
        .onFailure(ctx::fail);
  }

  private void acknowledge(RoutingContext ctx) {
    long id = id(ctx);
    JsonObject body = body(ctx);
    Object noteValue = body.getValue("note");
    if (!(noteValue instanceof String note) || note.isBlank() || note.length() > MAX_NOTE) {
      throw new ApiError(400, "note must be a text of 1 to " + MAX_NOTE + " characters");
    }
    actions
        .acknowledge(id, note.strip())
        .onSuccess(
            found ->
                found.ifPresentOrElse(
                    i -> {
                      log.info("Incident acknowledged id={} site={} operator={}", id, i.siteId(), AdminGate.operator(ctx));
                      audit
                          .record(ctx, "incident.ack", "incident " + id, i.siteId() + ": " + note.strip())
                          .onComplete(
                              a -> WebVerticle.json(
                                  ctx, 200, HistoryRoutes.incident(i, clock.instant(), board.snapshot())));
                    },
                    () -> ctx.fail(new ApiError(404, "no incident with id " + id))))
        .onFailure(ctx::fail);
  }

  /** Without a file there is nothing to reload, token or not (the demo): say so first. */
  private void reloadable(RoutingContext ctx) {
    String reason = actions.reloadUnavailable().orElse(null);
    if (reason != null) {
      throw new ApiError(409, reason);
    }
    ctx.next();
  }

  private void reload(RoutingContext ctx) {
    actions
        .reload()
        .onSuccess(
            r -> {
              JsonObject answer = ReloadJson.of(r);
              audit
                  .record(ctx, "config.reload", "", reloadDetail(r))
                  .onComplete(a -> WebVerticle.json(ctx, ReloadJson.status(r), answer));
            })
        .onFailure(ctx::fail);
  }

  private static String reloadDetail(ReloadResult r) {
    return switch (r.outcome()) {
      case APPLIED ->
          r.plan().applied().isEmpty() && r.plan().restart().isEmpty()
              ? "applied: nothing changed"
              : "applied: " + String.join(", ", r.plan().applied())
                  + (r.plan().restart().isEmpty() ? "" : "; after a restart: " + String.join(", ", r.plan().restart()));
      case REJECTED -> "rejected: " + r.problems().size() + " problem(s) in the file";
      case UNAVAILABLE -> "unavailable";
    };
  }

  private static long id(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new ApiError(400, "id must be a number, got \"" + ctx.pathParam("id") + "\"");
    }
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject o = ctx.body().asJsonObject();
      if (o == null) {
        throw new ApiError(400, "the body must be a JSON object");
      }
      return o;
    } catch (DecodeException | ClassCastException e) {
      throw new ApiError(400, "the body must be a JSON object: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "malformed";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 120 ? line.substring(0, 120) : line;
  }

  private MaintenanceWindow parseWindow(JsonObject b) {
    String site = text(b, "site");
    if (site == null) {
      throw new ApiError(400, "site is required: a site id, or all");
    }
    if (!site.equals("all") && board.snapshot().site(site).isEmpty()) {
      throw new ApiError(404, "no site with id \"" + site + "\"");
    }
    String siteId = site.equals("all") ? null : site;
    String note = text(b, "note");
    if (note != null && note.length() > MAX_NOTE) {
      throw new ApiError(400, "note may have at most " + MAX_NOTE + " characters");
    }
    Object weekly = b.getValue("weekly");
    if (weekly != null && (b.containsKey("start") || b.containsKey("end"))) {
      throw new ApiError(400, "give either start and end, or weekly");
    }
    if (weekly instanceof JsonObject wk) {
      DayOfWeek day =
          TimeText.day(String.valueOf(wk.getValue("day")))
              .orElseThrow(
                  () -> new ApiError(
                      400, "weekly.day must be monday..sunday, got \"" + wk.getValue("day") + "\""));
      return MaintenanceWindow.weekly(0, siteId, day, clock(wk, "from"), clock(wk, "to"), note, "api");
    }
    if (weekly != null) {
      throw new ApiError(400, "weekly must be an object: {\"day\": \"sunday\", \"from\": \"22:00\", \"to\": \"23:30\"}");
    }
    return MaintenanceWindow.oneOff(0, siteId, local(b, "start"), local(b, "end"), note, "api");
  }

  private Instant local(JsonObject b, String key) {
    String text = text(b, key);
    if (text == null) {
      throw new ApiError(400, key + " is required, written YYYY-MM-DD HH:MM in " + zone);
    }
    return TimeText.dateTime(text)
        .orElseThrow(
            () -> new ApiError(
                400, key + " must be written YYYY-MM-DD HH:MM (local time, " + zone + "), got \"" + text + "\""))
        .atZone(zone)
        .toInstant();
  }

  private static LocalTime clock(JsonObject b, String key) {
    String text = text(b, key);
    return TimeText.clock(text)
        .orElseThrow(
            () -> new ApiError(
                400, "weekly." + key + " must be a time written HH:MM, got \"" + text + "\""));
  }

  private static String text(JsonObject b, String key) {
    Object v = b.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new ApiError(400, key + " must be a text");
    }
    return s.strip();
  }

  /** A window in a line of the audit log. */
  private String describe(MaintenanceWindow w) {
    String when =
        w.weekly()
            ? "weekly " + w.day().name().toLowerCase(Locale.ROOT) + " " + w.from() + "-" + w.to()
            : TimeText.DATE_TIME.format(w.start().atZone(zone)) + " - " + TimeText.DATE_TIME.format(w.end().atZone(zone));
    return "window " + w.id() + ", " + when + (w.note() == null || w.note().isEmpty() ? "" : ": " + w.note());
  }

  private JsonObject window(MaintenanceWindow w) {
    JsonObject o =
        new JsonObject()
            .put("id", w.id())
            .put("site", w.siteId() == null ? "all" : w.siteId())
            .put("note", w.note())
            .put("source", w.source())
            // The same on every agent of a cluster; ids are each agent's own.
            .put("uid", w.uid());
    if (w.weekly()) {
      o.put(
          "weekly",
          new JsonObject()
              .put("day", w.day().name().toLowerCase(Locale.ROOT))
              .put("from", w.from().toString())
              .put("to", w.to().toString()));
    } else {
      o.put("start", TimeText.DATE_TIME.format(w.start().atZone(zone))).put("end", TimeText.DATE_TIME.format(w.end().atZone(zone)));
      o.put("start_utc", w.start().toString()).put("end_utc", w.end().toString());
    }
    return o;
  }
}
