package org.daitu.vcmon.output.web;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.TimeText;
import org.daitu.vcmon.history.Availability;
import org.daitu.vcmon.history.DailyAvailability;
import org.daitu.vcmon.history.DailyRollout;
import org.daitu.vcmon.history.Gap;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.Interval;
import org.daitu.vcmon.history.MaintenanceCalendar;
import org.daitu.vcmon.history.MonthlyReport;
import org.daitu.vcmon.history.OutageStats;
import org.daitu.vcmon.history.SampleBuckets;
import org.daitu.vcmon.history.SamplePoint;
import org.daitu.vcmon.history.StateChange;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.store.HistoryReads;
import org.daitu.vcmon.rollout.RolloutProgress;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.state.StateSnapshot;

/**
 * The history endpoints: rollout progress, incidents, availability and the monthly CSV. They read
 * the store and the latest snapshot and compute with the pure code of {@code history} and
 * {@code rollout}; nothing here writes. Bad parameters are 400, unknown sites and months without
 * data 404, always as JSON.
 */
public final class HistoryRoutes implements WebVerticle.RouteGroup {
  private static final Pattern MONTH = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])");
  private static final int MAX_INCIDENTS = 1000;
  private static final int MAX_DAYS = 366;
  /** The samples kept: 31 days. */
  private static final int MAX_SAMPLE_HOURS = (int) SampleBuckets.KEEP.toHours();

  private final HistoryReads store;
  private final StateBoard board;
  private final AgentConfig.Rollout rollout;
  private final ZoneId zone;
  private final Clock clock;
  private final Supplier<MaintenanceCalendar> calendar;

  public HistoryRoutes(
      HistoryReads store,
      StateBoard board,
      AgentConfig.Rollout rollout,
      ZoneId zone,
      Clock clock,
      Supplier<MaintenanceCalendar> calendar) {
    this.store = store;
    this.board = board;
    this.rollout = rollout;
    this.zone = zone;
    this.clock = clock;
    this.calendar = calendar;
  }

  /** The history is only as ready as its store: not while writes fail and are held in memory. */
  @Override
  public List<String> readinessProblems() {
    String problem = store.health().readinessProblem();
    return problem == null ? List.of() : List.of(problem);
  }

  @Override
  public void mount(Router router) {
    router.get("/api/v1/rollout").handler(this::rollout);
    router.get("/api/v1/incidents").handler(this::incidents);
    router.get("/api/v1/availability").handler(this::availability);
    router.get("/api/v1/report.csv").handler(this::report);
    router.get("/api/v1/sites/:id/history").handler(this::siteHistory);
    router.get("/api/v1/sites/:id/samples").handler(this::siteSamples);
  }

  /** One site's 5-minute points of the last {@code hours} hours, oldest first. */
  private void siteSamples(RoutingContext ctx) {
    String id = knownSite(ctx);
    int hours = bounded(ctx, "hours", 24, MAX_SAMPLE_HOURS);
    Instant now = clock.instant();
    store
        .samples(id, SampleBuckets.bucketStart(now.minus(Duration.ofHours(hours))), now)
        .map(
            points -> {
              JsonArray out = new JsonArray();
              for (SamplePoint p : points) {
                out.add(
                    new JsonObject()
                        .put("at", p.at().toString())
                        .put("rtt_ms_avg", p.rttAvgMs())
                        .put("rtt_ms_max", p.rttMax())
                        .put("loss_ratio", p.lossRatio())
                        .put("checks", p.checks()));
              }
              return out;
            })
        .onSuccess(body -> jsonArray(ctx, body))
        .onFailure(ctx::fail);
  }

  private String knownSite(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (board.snapshot().site(id).isEmpty()) {
      throw new ApiError(404, "no site with id \"" + id + "\"");
    }
    return id;
  }

  private static void jsonArray(RoutingContext ctx, JsonArray body) {
    ctx.response()
        .setStatusCode(200)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.encode());
  }

  /**
   * One site's last {@code days} local days (today included, counted up to now), oldest first:
   * the 90-day bar of its page.
   */
  private void siteHistory(RoutingContext ctx) {
    String id = knownSite(ctx);
    int days = bounded(ctx, "days", 90, MAX_DAYS);
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, zone);
    LocalDate first = today.minusDays(days - 1L);
    Interval range = new Interval(first.atStartOfDay(zone).toInstant(), today.plusDays(1).atStartOfDay(zone).toInstant());
    Future<Map<String, SiteState>> atStart = store.statesAt(range.from());
    Future<List<StateChange>> changes = store.changes(range.from(), range.to());
    Future<List<Gap>> gaps = store.gaps(range.from(), range.to());
    Future.all(atStart, changes, gaps)
        .map(
            done -> {
              List<Interval> gapIntervals = new ArrayList<>();
              for (Gap g : gaps.result()) {
                gapIntervals.add(new Interval(g.from(), g.to() == null ? now : g.to()));
              }
              List<StateChange> own = changes.result().stream().filter(c -> c.siteId().equals(id)).toList();
              List<DailyAvailability.Day> split =
                  DailyAvailability.split(
                      first, today, zone, atStart.result().get(id), own, calendar.get().windows(id, range),
                      gapIntervals, now);
              JsonArray out = new JsonArray();
              for (DailyAvailability.Day d : split) {
                out.add(
                    new JsonObject()
                        .put("day", d.day().toString())
                        .put("availability_ratio", d.ratio())
                        .put("down_seconds", d.down().toSeconds())
                        .put("maintenance_seconds", d.maintenance().toSeconds())
                        .put("gap_seconds", d.gap().toSeconds()));
              }
              return out;
            })
        .onSuccess(body -> jsonArray(ctx, body))
        .onFailure(ctx::fail);
  }

  /** The whole number {@code name} from 1 to {@code max}, {@code absent} when not given. */
  private static int bounded(RoutingContext ctx, String name, int absent, int max) {
    String text = ctx.queryParams().get(name);
    if (text == null) {
      return absent;
    }
    try {
      int n = Integer.parseInt(text);
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ApiError(400, name + " must be a number from 1 to " + max + "; got \"" + text + "\"");
  }

  private void rollout(RoutingContext ctx) {
    StateSnapshot snap = board.snapshot();
    LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
    LocalDate from = today.minusDays(400);
    store
        .days(from, today)
        .map(
            days -> {
              List<Site> sites = snap.sites().stream().map(HistoryRoutes::effectiveStage).toList();
              RolloutProgress p =
                  RolloutProgress.of(
                      rollout.target(),
                      rollout.deadline(),
                      today,
                      sites,
                      (int) snap.unitsConnected(),
                      (int) snap.unitsOnline(),
                      days);
              JsonObject stages = new JsonObject();
              p.stages().forEach((stage, n) -> stages.put(stage.label(), n));
              JsonArray history = new JsonArray();
              for (DailyRollout d : p.history()) {
                history.add(
                    new JsonObject()
                        .put("day", d.day().toString())
                        .put("connected", d.connected())
                        .put("online", d.onlineMax())
                        .put("online_min", d.onlineMin()));
              }
              return new JsonObject()
                  .put("target", p.target())
                  .put("connected", p.connected())
                  .put("online", p.online())
                  .put("deadline", p.deadline() == null ? null : p.deadline().toString())
                  .put("days_left", p.daysLeft())
                  .put("stages", stages)
                  .put("history", history);
            })
        .onSuccess(body -> WebVerticle.json(ctx, 200, body))
        .onFailure(ctx::fail);
  }

  /**
   * A site seen UP counts as at least "connected", whatever stage the config still gives it: the
   * stage counts then agree with the connected count. "commissioned" is only ever set by people.
   */
  static Site effectiveStage(SiteStatus s) {
    Site site = s.site();
    if (s.firstConnected() != null && site.stage().compareTo(RolloutStage.CONNECTED) < 0) {
      return site.withStage(RolloutStage.CONNECTED);
    }
    return site;
  }

  private void incidents(RoutingContext ctx) {
    String site = ctx.queryParams().get("site");
    if (site != null && board.snapshot().site(site).isEmpty()) {
      throw new ApiError(404, "no site with id \"" + site + "\"");
    }
    Instant from = time(ctx, "from", false);
    Instant to = time(ctx, "to", true);
    if (from != null && to != null && !to.isAfter(from)) {
      throw new ApiError(400, "to must be after from");
    }
    String openText = ctx.queryParams().get("open");
    Boolean open = null;
    if (openText != null) {
      if (!openText.equals("true") && !openText.equals("false")) {
        throw new ApiError(400, "open must be true or false, got \"" + openText + "\"");
      }
      open = Boolean.valueOf(openText);
    }
    int limit = bounded(ctx, "limit", 200, MAX_INCIDENTS);
    Instant now = clock.instant();
    store
        .incidents(site, from, to, open, limit)
        .map(
            list -> {
              JsonArray out = new JsonArray();
              for (Incident i : list) {
                out.add(incident(i, now, board.snapshot()));
              }
              return new JsonObject().put("incidents", out);
            })
        .onSuccess(body -> WebVerticle.json(ctx, 200, body))
        .onFailure(ctx::fail);
  }

  static JsonObject incident(Incident i, Instant now, StateSnapshot snap) {
    return new JsonObject()
        .put("id", i.id())
        .put("site", i.siteId())
        .put("name", snap.site(i.siteId()).map(s -> s.site().name()).orElse(null))
        .put("kind", i.kind().name())
        .put("opened_at", i.openedAt().toString())
        .put("closed_at", i.closedAt() == null ? null : i.closedAt().toString())
        .put("open", i.open())
        .put("duration_seconds", i.duration(now).toMillis() / 1000.0)
        .put("reason", i.reason())
        .put("parent_incident", i.parentIncidentId())
        .put("acknowledged_at", i.ackAt() == null ? null : i.ackAt().toString())
        .put("ack_note", i.ackNote());
  }

  private void availability(RoutingContext ctx) {
    String monthText = ctx.queryParams().get("month");
    Instant now = clock.instant();
    if (monthText != null) {
      YearMonth month = month(monthText, now);
      Interval range = MonthlyReport.range(month, zone);
      figures(range, now, month.toString())
          .map(
              f -> {
                JsonArray sites = new JsonArray();
                for (SiteStatus s : board.snapshot().sites()) {
                  sites.add(
                      figuresJson(s, f.availability.get(s.id()), f.outages.get(s.id()))
                          .put("month", month.toString()));
                }
                return new JsonObject()
                    .put("month", month.toString())
                    .put("from", range.from().toString())
                    .put("to", range.to().toString())
                    .put("sites", sites);
              })
          .onSuccess(body -> WebVerticle.json(ctx, 200, body))
          .onFailure(ctx::fail);
      return;
    }
    Map<String, Interval> windows = new LinkedHashMap<>();
    windows.put("24h", new Interval(now.minus(Duration.ofHours(24)), now));
    windows.put("7d", new Interval(now.minus(Duration.ofDays(7)), now));
    windows.put("30d", new Interval(now.minus(Duration.ofDays(30)), now));
    List<Future<Figures>> all = new ArrayList<>();
    // Rolling windows: no data is an empty answer, not an error (vcmon may have just started).
    windows.forEach((name, range) -> all.add(compute(range, now, name)));
    Future.all(all)
        .map(
            done -> {
              JsonArray sites = new JsonArray();
              for (SiteStatus s : board.snapshot().sites()) {
                JsonObject per = new JsonObject().put("id", s.id()).put("name", s.site().name());
                for (Future<Figures> f : all) {
                  Figures fig = f.result();
                  per.put(fig.name, figuresJson(s, fig.availability.get(s.id()), fig.outages.get(s.id())));
                }
                sites.add(per);
              }
              return new JsonObject().put("at", now.toString()).put("sites", sites);
            })
        .onSuccess(body -> WebVerticle.json(ctx, 200, body))
        .onFailure(ctx::fail);
  }

  private static JsonObject figuresJson(SiteStatus s, Availability.Result a, OutageStats o) {
    return new JsonObject()
        .put("id", s.id())
        .put("name", s.site().name())
        .put("availability_ratio", a == null ? null : a.ratio())
        .put("up_seconds", a == null ? 0 : a.upTime().toSeconds())
        .put("down_seconds", a == null ? 0 : a.downTime().toSeconds())
        .put("excluded_seconds", a == null ? 0 : a.excludedTime().toSeconds())
        .put("incidents", o == null ? 0 : o.incidents())
        .put("downtime_seconds", o == null ? 0 : o.downtime().toSeconds())
        .put("longest_outage_seconds", o == null ? 0 : o.longest().toSeconds());
  }

  private void report(RoutingContext ctx) {
    String monthText = ctx.queryParams().get("month");
    if (monthText == null) {
      throw new ApiError(400, "month is required, written YYYY-MM, e.g. ?month=2020-08");
    }
    Instant now = clock.instant();
    YearMonth month = month(monthText, now);
    Interval range = MonthlyReport.range(month, zone);
    figures(range, now, month.toString())
        .map(
            f -> {
              StateSnapshot snap = board.snapshot();
              List<Site> sites = snap.sites().stream().map(SiteStatus::site).toList();
              Map<String, Instant> first = new HashMap<>();
              snap.sites().forEach(s -> {
                if (s.firstConnected() != null) {
                  first.put(s.id(), s.firstConnected());
                }
              });
              return MonthlyReport.build(month, zone, sites, f.availability, f.outages, first).csvBytes();
            })
        .onSuccess(
            bytes ->
                ctx.response()
                    .putHeader("Content-Type", "text/csv; charset=utf-8")
                    .putHeader(
                        "Content-Disposition",
                        "attachment; filename=\"vcmon-report-" + month + ".csv\"")
                    .end(Buffer.buffer(bytes)))
        .onFailure(ctx::fail);
  }

  /** Availability and outage figures of every site over one range. */
  private record Figures(
      String name, Map<String, Availability.Result> availability, Map<String, OutageStats> outages) {}

  /** Figures for a range vcmon has data for; 404 when it saw nothing before the range ended. */
  private Future<Figures> figures(Interval range, Instant now, String name) {
    return store
        .statesAt(range.to())
        .compose(
            seen -> {
              if (seen.isEmpty()) {
                return Future.failedFuture(
                    new ApiError(404, "no data for " + name + ": vcmon recorded nothing before " + range.to()));
              }
              return compute(range, now, name);
            });
  }

  private Future<Figures> compute(Interval range, Instant now, String name) {
    Future<Map<String, SiteState>> atStart = store.statesAt(range.from());
    Future<List<StateChange>> changes = store.changes(range.from(), range.to());
    Future<List<Gap>> gaps = store.gaps(range.from(), range.to());
    Future<List<Incident>> incidents = store.incidents(null, range.from(), range.to(), null, Integer.MAX_VALUE);
    return Future.all(atStart, changes, gaps, incidents)
        .map(
            done -> {
              List<Interval> gapIntervals = new ArrayList<>();
              for (Gap g : gaps.result()) {
                gapIntervals.add(new Interval(g.from(), g.to() == null ? now : g.to()));
              }
              Map<String, List<StateChange>> bySite = new HashMap<>();
              for (StateChange c : changes.result()) {
                bySite.computeIfAbsent(c.siteId(), k -> new ArrayList<>()).add(c);
              }
              Map<String, List<Incident>> incidentsBySite = new HashMap<>();
              for (Incident i : incidents.result()) {
                incidentsBySite.computeIfAbsent(i.siteId(), k -> new ArrayList<>()).add(i);
              }
              MaintenanceCalendar cal = calendar.get();
              Map<String, Availability.Result> availability = new HashMap<>();
              Map<String, OutageStats> outages = new HashMap<>();
              for (SiteStatus s : board.snapshot().sites()) {
                List<Interval> excluded = new ArrayList<>(gapIntervals);
                excluded.addAll(cal.windows(s.id(), range));
                SiteState start = atStart.result().getOrDefault(s.id(), SiteState.UNKNOWN);
                availability.put(
                    s.id(),
                    Availability.compute(start, bySite.getOrDefault(s.id(), List.of()), range, excluded, now));
                outages.put(
                    s.id(),
                    Availability.outages(incidentsBySite.getOrDefault(s.id(), List.of()), range, excluded, now));
              }
              return new Figures(name, availability, outages);
            });
  }

  private YearMonth month(String text, Instant now) {
    if (!MONTH.matcher(text).matches()) {
      throw new ApiError(400, "month must be written YYYY-MM, e.g. 2020-08; got \"" + text + "\"");
    }
    YearMonth m = YearMonth.parse(text);
    if (m.isAfter(YearMonth.from(now.atZone(zone)))) {
      throw new ApiError(404, "no data for " + m + ": the month has not begun");
    }
    return m;
  }

  /** An ISO instant (2020-08-01T07:00:00Z) or a local date (2020-08-01, start or end of day). */
  private Instant time(RoutingContext ctx, String name, boolean endOfDay) {
    String text = ctx.queryParams().get(name);
    if (text == null) {
      return null;
    }
    try {
      Optional<LocalDate> day = TimeText.date(text);
      if (day.isPresent()) {
        LocalDate d = day.get();
        return (endOfDay ? d.plusDays(1) : d).atStartOfDay(zone).toInstant();
      }
      return Instant.parse(text);
    } catch (DateTimeException e) {
      throw new ApiError(
          400, name + " must be a date YYYY-MM-DD or a time like 2020-08-01T07:00:00Z; got \"" + text + "\"");
    }
  }

  static RolloutStage stage(String text) {
    return RolloutStage.fromLabel(text == null ? "" : text)
        .orElseThrow(
            () -> new ApiError(400, "stage must be planned, installed, connected or commissioned; got \"" + text + "\""));
  }
}
