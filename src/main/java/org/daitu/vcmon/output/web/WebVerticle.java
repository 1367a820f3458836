package org.daitu.vcmon.output.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of vcmon: status page, JSON API, live events, Prometheus metrics, health and
 * readiness. Every handler reads the latest immutable snapshot; nothing here changes state.
 * Errors are JSON. The page and its assets (the chart library from its WebJar included) are
 * served from the classpath: the page loads nothing from outside vcmon, which its
 * Content-Security-Policy enforces.
 */
public final class WebVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(WebVerticle.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  /**
   * Only vcmon's own scripts, styles, images and API: site names and reasons are data, and even
   * if one slipped into the DOM as HTML, no inline script or outside request could run.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  private final AgentConfig.Http http;
  private final StateBoard board;
  private final PrometheusMeterRegistry registry;
  private final int target;
  private final String mode;
  private final List<RouteGroup> groups;
  private final int maxEventStreams;
  private final Duration heartbeat;
  private HttpServer server;
  private SiteEvents events;

  /** More routes, mounted before the catch-all 404 (history, admin). */
  public interface RouteGroup {
    void mount(Router router);
  }

  /**
   * @param mode "agent" or "demo": shown by the API and the page so a demo is never mistaken
   *     for the real district
   */
  public WebVerticle(
      AgentConfig.Http http, StateBoard board, PrometheusMeterRegistry registry, int target, String mode) {
    this(http, board, registry, target, mode, List.of());
  }

  public WebVerticle(
      AgentConfig.Http http,
      StateBoard board,
      PrometheusMeterRegistry registry,
      int target,
      String mode,
      List<RouteGroup> groups) {
    this(http, board, registry, target, mode, groups, SiteEvents.MAX_STREAMS, SiteEvents.HEARTBEAT);
  }

  /** With other bounds for the event streams than {@link SiteEvents}'s (tests). */
  WebVerticle(
      AgentConfig.Http http,
      StateBoard board,
      PrometheusMeterRegistry registry,
      int target,
      String mode,
      List<RouteGroup> groups,
      int maxEventStreams,
      Duration heartbeat) {
    this.maxEventStreams = maxEventStreams;
    this.heartbeat = heartbeat;
    this.groups = List.copyOf(groups);
    this.http = http;
    this.board = board;
    this.registry = registry;
    this.target = target;
    this.mode = mode;
  }

  @Override
  public Future<?> start() {
    events = new SiteEvents(context, board, target, mode, maxEventStreams, heartbeat);
    Router router = Router.router(vertx);
    router.route().handler(WebVerticle::securityHeaders);
    router.get("/api/v1/events").handler(events::open);
    router.get("/api/v1/sites").handler(this::sites);
    router.get("/api/v1/sites/:id").handler(this::site);
    router.get("/metrics").handler(this::metrics);
    router.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
    router.get("/readyz").handler(this::ready);
    groups.forEach(g -> g.mount(router));
    // The chart library comes from its WebJar (META-INF/resources/webjars/NAME/VERSION/...).
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
    router.route().last().handler(ctx -> error(ctx, 404, "not found"));
    router.errorHandler(404, ctx -> error(ctx, 404, "not found"));
    router.errorHandler(405, ctx -> error(ctx, 405, "method not allowed"));
    router.errorHandler(400, ctx -> error(ctx, 400, bodyProblem(ctx)));
    router.errorHandler(413, ctx -> error(ctx, 413, "the body is too large"));
    router.errorHandler(
        500,
        ctx -> {
          if (ctx.failure() instanceof HistoryRoutes.BadRequest bad) {
            error(ctx, bad.status, bad.getMessage());
            return;
          }
          log.error("Request failed path={}", ctx.request().path(), ctx.failure());
          error(ctx, 500, "internal error");
        });
    HttpServerOptions options = new HttpServerOptions().setHost(http.host()).setPort(http.port());
    return vertx
        .createHttpServer(options)
        .requestHandler(router)
        .listen()
        .recover(
            err ->
                Future.failedFuture(
                    "cannot listen on " + http.host() + ":" + http.port() + ": " + err.getMessage()
                        + " (is another vcmon running? change http.port)"))
        .onSuccess(s -> server = s)
        .onSuccess(
            s -> log.info("HTTP server listening host={} port={} mode={}", http.host(), s.actualPort(), mode));
  }

  @Override
  public Future<?> stop() {
    if (events != null) {
      // Open streams would otherwise hold the server's shutdown; the pages reconnect by themselves.
      events.close();
    }
    return Future.succeededFuture();
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }

  /** The bound port (useful when the config asks for port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void sites(RoutingContext ctx) {
    json(ctx, 200, SiteJson.sites(board.snapshot(), target, mode));
  }

  private void site(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!SLUG.matcher(id).matches()) {
      error(ctx, 400, "invalid site id \"" + id + "\": ids are lower-case letters and digits joined by \"-\"");
      return;
    }
    board.snapshot()
        .site(id)
        .ifPresentOrElse(
            s -> json(ctx, 200, SiteJson.site(s)),
            () -> error(ctx, 404, "no site with id \"" + id + "\""));
  }

  private void metrics(RoutingContext ctx) {
    // Rendering is CPU work proportional to the site count: keep it off the event loop.
    vertx
        .executeBlocking(registry::scrape, false)
        .onSuccess(
            text ->
                ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(text))
        .onFailure(ctx::fail);
  }

  private void ready(RoutingContext ctx) {
    List<String> reasons = readinessProblems(board.snapshot());
    JsonObject body = new JsonObject().put("ready", reasons.isEmpty()).put("reasons", new JsonArray(reasons));
    json(ctx, reasons.isEmpty() ? 200 : 503, body);
  }

  /** Ready once every expected site has been checked once and ICMP can run. */
  static List<String> readinessProblems(StateSnapshot snap) {
    List<String> reasons = new ArrayList<>();
    if (snap.blind() != null) {
      reasons.add(snap.blind());
    }
    long unchecked =
        snap.sites().stream()
            .filter(s -> s.site().stage() != RolloutStage.PLANNED && s.lastCheckAt() == null)
            .count();
    if (unchecked > 0) {
      reasons.add("first check cycle not finished: " + unchecked + " sites not checked yet");
    }
    snap.sites().stream()
        .map(SiteStatus::icmp)
        .filter(i -> i != null && !i.available())
        .map(i -> "ICMP probe unavailable: " + i.unavailableReason())
        .distinct()
        .forEach(reasons::add);
    return reasons;
  }

  private static String bodyProblem(RoutingContext ctx) {
    return ctx.failure() == null ? "bad request" : "bad request: " + ctx.failure().getMessage();
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(body.encode());
  }

  static void error(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) {
      return;
    }
    json(ctx, status, new JsonObject().put("error", message).put("path", ctx.request().path()));
  }
}
