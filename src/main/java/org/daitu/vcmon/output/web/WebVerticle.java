package org.daitu.vcmon.output.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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

  /**
   * Bounds on what one client may cost. A browser, Prometheus and curl stay far inside them; a
   * broken or hostile client is refused with a JSON reason instead of holding memory or sockets.
   *
   * @param maxHeaderBytes all request headers together (431 beyond)
   * @param maxInitialLineBytes the request line, i.e. the URL (414 beyond)
   * @param idleTimeout a connection with no traffic either way is closed
   * @param headerTimeout time to send a complete request head; the idle timeout alone would let a
   *     client that sends one byte at a time ("slowloris") keep a connection forever
   * @param maxConnections open connections; requests on the ones beyond get 503
   */
  record Limits(
      int maxHeaderBytes,
      int maxInitialLineBytes,
      Duration idleTimeout,
      Duration headerTimeout,
      int maxConnections) {
    static final Limits DEFAULT =
        new Limits(16 * 1024, 8 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(10), 256);
  }

  private final AgentConfig.Http http;
  private final Limits limits;
  /** Connections still waiting for a complete request head, with their deadline timer. */
  private final Map<HttpConnection, Long> awaitingHead = new HashMap<>();
  /** Connections opened while {@link Limits#maxConnections} were already open. */
  private final Set<HttpConnection> excess = new HashSet<>();
  private int openConnections;
  private final StateBoard board;
  /** The {@code /metrics} text in pieces (AgentMetrics::scrape); CPU work, called on a worker. */
  private final Supplier<List<byte[]>> metrics;
  private final SitesBody sitesBody;
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

    /** Why what these routes depend on makes the agent not ready; empty when nothing does. */
    default List<String> readinessProblems() {
      return List.of();
    }

    /** Facts /readyz shows besides the problems (how vcmon pings); empty when none. */
    default JsonObject readinessFacts() {
      return new JsonObject();
    }
  }

  /**
   * @param mode "agent" or "demo": shown by the API and the page so a demo is never mistaken
   *     for the real district
   */
  public WebVerticle(
      AgentConfig.Http http, StateBoard board, Supplier<List<byte[]>> metrics, int target, String mode) {
    this(http, board, metrics, target, mode, List.of());
  }

  public WebVerticle(
      AgentConfig.Http http,
      StateBoard board,
      Supplier<List<byte[]>> metrics,
      int target,
      String mode,
      List<RouteGroup> groups) {
    this(http, board, metrics, target, mode, groups, SiteEvents.MAX_STREAMS, SiteEvents.HEARTBEAT, Limits.DEFAULT);
  }

  /** With other bounds for the event streams and connections than the defaults (tests). */
  WebVerticle(
      AgentConfig.Http http,
      StateBoard board,
      Supplier<List<byte[]>> metrics,
      int target,
      String mode,
      List<RouteGroup> groups,
      int maxEventStreams,
      Duration heartbeat,
      Limits limits) {
    this.limits = limits;
    this.maxEventStreams = maxEventStreams;
    this.heartbeat = heartbeat;
    this.groups = List.copyOf(groups);
    this.http = http;
    this.board = board;
    this.metrics = metrics;
    this.sitesBody = new SitesBody(target, mode);
    this.target = target;
    this.mode = mode;
  }

  @Override
  public Future<?> start() {
    events = new SiteEvents(context, board, target, mode, maxEventStreams, heartbeat);
    Router router = Router.router(vertx);
    router.route().handler(this::securityHeaders);
    if (!http.corsOrigins().isEmpty()) {
      router.route().handler(new CorsPolicy(http.corsOrigins())::handle);
    }
    router.get("/api/v1/events").handler(events::open);
    router.get("/api/v1/sites").handler(this::sites);
    router.get("/api/v1/sites/:id").handler(this::site);
    router.get("/metrics").handler(this::metrics);
    router.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
    router.get("/readyz").handler(this::readyz);
    groups.forEach(g -> g.mount(router));
    // The chart library comes from its WebJar (META-INF/resources/webjars/NAME/VERSION/...).
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    // Browsers ask for /favicon.ico on pages without an icon link (an API answer opened in a tab).
    router.get("/favicon.ico").handler(ctx -> ctx.reroute("/favicon.svg"));
    // One commune's page: the same file for every site, which reads its id from the address.
    router.get("/site/:id").handler(this::sitePage);
    router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
    router.route().last().handler(this::unrouted);
    router.errorHandler(404, ctx -> error(ctx, 404, "not found"));
    router.errorHandler(405, ctx -> error(ctx, 405, "method not allowed"));
    router.errorHandler(400, ctx -> error(ctx, 400, bodyProblem(ctx)));
    router.errorHandler(413, ctx -> error(ctx, 413, "the body is too large"));
    router.errorHandler(
        500,
        ctx -> {
          if (ctx.failure() instanceof ApiError bad) {
            error(ctx, bad.status, bad.getMessage());
            return;
          }
          log.error("Request failed path={}", ctx.request().path(), ctx.failure());
          error(ctx, 500, "internal error");
        });
    // CORS only for the configured origins, and only for reads (CorsPolicy): the page is
    // same-origin and the admin API must not be callable from another site's scripts.
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(http.host())
            .setPort(http.port())
            .setMaxHeaderSize(limits.maxHeaderBytes())
            .setMaxInitialLineLength(limits.maxInitialLineBytes())
            .setIdleTimeout((int) limits.idleTimeout().toMillis())
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            // Without h2c, a connection is set up on accept rather than on its first bytes, so a
            // client that connects and sends nothing is counted and timed too.
            .setHttp2ClearTextEnabled(false);
    return TlsKeys.apply(vertx, http.tls(), options)
        .compose(tlsReady -> vertx.createHttpServer(options)
        .connectionHandler(this::opened)
        .invalidRequestHandler(this::invalid)
        .requestHandler(
            req -> {
              HttpConnection conn = req.connection();
              headArrived(conn);
              if (excess.contains(conn)) {
                tooMany(req);
                return;
              }
              // Keep-alive: the next request head on this connection gets the same deadline.
              req.response().endHandler(v -> awaitHead(conn));
              router.handle(req);
            })
        .listen()
        .recover(
            err ->
                Future.failedFuture(
                    "cannot listen on " + http.host() + ":" + http.port() + ": " + err.getMessage()
                        + " (is another vcmon running? change http.port)")))
        .onSuccess(s -> server = s)
        .onSuccess(
            s ->
                log.info(
                    "HTTP server listening host={} port={} mode={} tls={} cors_origins={} operators={}",
                    http.host(), s.actualPort(), mode, http.tls() != null, http.corsOrigins().size(),
                    http.operators().size()));
  }

  @Override
  public Future<?> stop() {
    if (events != null) {
      // Open streams would otherwise hold the server's shutdown; the pages reconnect by themselves.
      events.close();
    }
    return Future.succeededFuture();
  }

  /**
   * Nothing matched: reading an unknown path is 404; any other method on a path that is not a
   * write route is 405, since everything outside the admin routes is read-only.
   */
  private void unrouted(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      error(ctx, 404, "not found");
    } else {
      ctx.response().putHeader("Allow", "GET, HEAD");
      error(ctx, 405, "method not allowed: " + method.name() + " (this path is read-only)");
    }
  }

  private void sitePage(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (board.snapshot().site(id).isEmpty()) {
      error(ctx, 404, "no site with id \"" + id + "\"");
      return;
    }
    ctx.reroute("/site.html");
  }

  private void securityHeaders(RoutingContext ctx) {
    securityHeaders(ctx.response());
    ctx.next();
  }

  private void securityHeaders(HttpServerResponse response) {
    response
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer");
    if (http.tls() != null) {
      // Browsers that once saw vcmon over HTTPS never fall back to plain HTTP for it.
      response.putHeader("Strict-Transport-Security", "max-age=31536000");
    }
  }

  private void opened(HttpConnection conn) {
    openConnections++;
    if (openConnections > limits.maxConnections()) {
      excess.add(conn);
    }
    awaitHead(conn);
    conn.closeHandler(
        v -> {
          openConnections--;
          excess.remove(conn);
          headArrived(conn);
        });
  }

  private void awaitHead(HttpConnection conn) {
    headArrived(conn);
    long timer =
        vertx.setTimer(
            limits.headerTimeout().toMillis(),
            t -> {
              awaitingHead.remove(conn);
              log.warn(
                  "Closing connection that sent no complete request in time remote={} timeout={}",
                  conn.remoteAddress(),
                  limits.headerTimeout());
              conn.close();
            });
    awaitingHead.put(conn, timer);
  }

  private void headArrived(HttpConnection conn) {
    Long timer = awaitingHead.remove(conn);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  private void tooMany(HttpServerRequest req) {
    log.warn("Refusing request: too many connections open max={}", limits.maxConnections());
    HttpServerResponse response = req.response();
    securityHeaders(response);
    response
        .setStatusCode(503)
        .putHeader("Content-Type", JSON)
        .putHeader("Connection", "close")
        .putHeader("Retry-After", "10")
        .end(
            new JsonObject()
                .put("error", "too many connections: at most " + limits.maxConnections())
                .put("path", req.path())
                .encode());
  }

  /**
   * Requests Netty could not decode never reach the router: answer them as JSON too (the default
   * is an empty body) and close, since the rest of the stream cannot be trusted.
   */
  private void invalid(HttpServerRequest req) {
    Throwable cause = req.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "the request headers are too large: at most " + limits.maxHeaderBytes() + " bytes";
    } else if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message =
          "the request line (URL) is too long: at most " + limits.maxInitialLineBytes() + " bytes";
    } else {
      status = 400;
      message = "malformed HTTP request";
    }
    HttpServerResponse response = req.response();
    securityHeaders(response);
    response
        .setStatusCode(status)
        .putHeader("Content-Type", JSON)
        .putHeader("Connection", "close")
        .end(new JsonObject().put("error", message).encode())
        .onComplete(v -> req.connection().close());
  }

  /** The bound port (useful when the config asks for port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void sites(RoutingContext ctx) {
    // Encoding 10,000 sites takes a while: off the event loop, re-encoding only changed sites.
    StateSnapshot snap = board.snapshot();
    vertx
        .executeBlocking(() -> sitesBody.render(snap), false)
        .onSuccess(body -> ctx.response().setStatusCode(200).putHeader("Content-Type", JSON).end(body))
        .onFailure(ctx::fail);
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
        .executeBlocking(metrics::get, false)
        .onSuccess(
            pieces -> {
              // megabytes at 10,000 sites: sent piece by piece, never copied into one buffer
              long length = 0;
              for (byte[] p : pieces) {
                length += p.length;
              }
              HttpServerResponse response =
                  ctx.response()
                      .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                      .putHeader("Content-Length", Long.toString(length));
              for (byte[] p : pieces) {
                if (p.length > 0) {
                  response.write(Buffer.buffer(p));
                }
              }
              response.end();
            })
        .onFailure(ctx::fail);
  }

  private void readyz(RoutingContext ctx) {
    List<String> reasons = new ArrayList<>(readinessProblems(board.snapshot()));
    groups.forEach(g -> reasons.addAll(g.readinessProblems()));
    JsonObject body = new JsonObject().put("ready", reasons.isEmpty()).put("reasons", new JsonArray(reasons));
    groups.forEach(g -> body.mergeIn(g.readinessFacts()));
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
