package org.daitu.vcmon.output.web;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.Secret;
import org.daitu.vcmon.log.LogBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check in front of every API write: a bearer token of one of the operators ({@code
 * http.operators}, {@code http.admin_token_env}), or the cookie of a signed-in session ({@link
 * SessionBook}) with its CSRF token in {@code X-CSRF-Token}, from vcmon's own origin ({@link
 * SessionRules}). Tokens are compared in constant time ({@link OperatorTokens}). The operator who
 * passed is put in the request ({@link #operator}) for the audit log.
 *
 * <p>Failed token checks, on writes and at sign-in alike, are counted per client address by an
 * {@link AuthFailureLimiter}: a locked-out address gets 429 with {@code Retry-After}, whatever it
 * sends. Each failure is logged with address, method, path and whether the token was missing or
 * invalid — never the token — within a {@link LogBudget}, and reported to {@code failures} (the
 * metric) as {@code missing}, {@code invalid} or {@code locked}.
 *
 * <p>The operators may be replaced at any time from any thread (a reload, {@link #operators}); a
 * session whose operator is gone, or has another token now, ends at its next use. Everything else
 * runs on the web verticle's event loop.
 *
 * <p>Behind a reverse proxy every client has the proxy's address, so a lockout there applies to
 * everyone; vcmon is meant to be reached directly.
 */
public final class AdminGate {
  private static final Logger log = LoggerFactory.getLogger(AdminGate.class);
  private static final int LOG_LINES_PER_MINUTE = 20;
  /** The session cookie's name. */
  public static final String COOKIE = "vcmon_session";
  /** The header a write made with the cookie carries the session's CSRF token in. */
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String OPERATOR = "vcmon.operator";

  private volatile OperatorTokens operators;
  private final AuthFailureLimiter limiter;
  private final SessionBook sessions;
  private final LogBudget logBudget;
  private final Consumer<String> failures;
  private final boolean https;

  /**
   * @param operators who may write; empty when writes are disabled
   * @param https whether the server speaks HTTPS (the cookie is then {@code Secure})
   * @param failures told the reason of every refused request: missing, invalid or locked
   */
  public AdminGate(
      List<AgentConfig.Operator> operators,
      AuthFailureLimiter.Settings settings,
      SessionBook.Settings sessionSettings,
      boolean https,
      Clock clock,
      Consumer<String> failures) {
    this.operators = OperatorTokens.of(operators);
    this.limiter = new AuthFailureLimiter(settings, clock);
    this.sessions = new SessionBook(sessionSettings, clock);
    this.logBudget = new LogBudget(LOG_LINES_PER_MINUTE, Duration.ofMinutes(1), clock);
    this.failures = failures;
    this.https = https;
  }

  /** One operator, {@code admin}, with {@code token} (null: writes disabled); default limits. */
  public AdminGate(Secret token, Clock clock) {
    this(
        token == null ? List.of() : List.of(new AgentConfig.Operator(AgentConfig.Operator.ADMIN, token)),
        AuthFailureLimiter.Settings.DEFAULT, SessionBook.Settings.DEFAULT, false, clock, reason -> {});
  }

  /** Replaces the operators (a reload): sessions of removed ones end at their next use. */
  public void operators(List<AgentConfig.Operator> next) {
    operators = OperatorTokens.of(next);
  }

  /** The operator a request passed {@link #authorize} as. */
  public static String operator(RoutingContext ctx) {
    String name = ctx.get(OPERATOR);
    return name == null ? "unknown" : name;
  }

  /** Route handler: passes on to the next handler only for an operator. */
  public void authorize(RoutingContext ctx) {
    OperatorTokens ops = enabled();
    String address = notLockedOut(ctx);
    String presented = bearer(ctx);
    if (presented != null) {
      Optional<OperatorTokens.Entry> who = ops.match(presented);
      if (who.isPresent()) {
        limiter.success(address);
        ctx.put(OPERATOR, who.get().name());
        ctx.next();
        return;
      }
      throw failed(ctx, address, "invalid", "a valid bearer token is required for writes");
    }
    String cookie = cookie(ctx);
    if (cookie == null) {
      throw failed(ctx, address, "missing", "a valid bearer token or a signed-in session is required for writes");
    }
    SessionBook.Session s = live(cookie, ops);
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      // A read (the audit log): another origin cannot read the answer, nor send the cookie.
      ctx.put(OPERATOR, s.operator());
      ctx.next();
      return;
    }
    if (!sameOrigin(ctx)) {
      refused(ctx, address, "cross_origin");
      throw new ApiError(403, "refused: this request comes from another origin than vcmon's own pages");
    }
    if (!SessionRules.csrfMatches(s.csrf(), ctx.request().getHeader(CSRF_HEADER))) {
      refused(ctx, address, "csrf");
      throw new ApiError(
          403, "a write made with the session cookie needs the " + CSRF_HEADER
              + " header with the token given at sign-in");
    }
    ctx.put(OPERATOR, s.operator());
    ctx.next();
  }

  /**
   * Signs in with an operator's token: a new session (its id for the cookie, set here) or an
   * {@link ApiError}. Counted and locked out like a bearer token.
   */
  SessionBook.Session signIn(RoutingContext ctx, String token) {
    OperatorTokens ops = enabled();
    String address = notLockedOut(ctx);
    if (!sameOrigin(ctx)) {
      refused(ctx, address, "cross_origin");
      throw new ApiError(403, "refused: sign in from vcmon's own pages");
    }
    if (token == null || token.isBlank()) {
      throw failed(ctx, address, "missing", "token is required: {\"token\": \"...\"}");
    }
    OperatorTokens.Entry who =
        ops.match(token.strip())
            .orElseThrow(() -> failed(ctx, address, "invalid", "this token is not an operator's"));
    limiter.success(address);
    SessionBook.Session s = sessions.open(who.name(), who.digest());
    ctx.response().addCookie(cookie(s.id(), sessions.settings().absolute().toSeconds()));
    log.info("Operator signed in operator={} remote={} sessions={}", who.name(), address, sessions.size());
    return s;
  }

  /**
   * Who the request is from: a live session (with its CSRF token) or an operator's bearer token
   * (CSRF null); empty when neither. A wrong bearer token counts toward the lockout, as on a
   * write, so this cannot be used to guess tokens; a cookie that is no session's does not.
   */
  Optional<Signed> current(RoutingContext ctx) {
    OperatorTokens ops = operators;
    String presented = bearer(ctx);
    if (presented != null) {
      String address = notLockedOut(ctx);
      Optional<OperatorTokens.Entry> who = ops.match(presented);
      if (who.isEmpty()) {
        throw failed(ctx, address, "invalid", "this token is not an operator's");
      }
      limiter.success(address);
      return who.map(e -> new Signed(e.name(), null, null));
    }
    String cookie = cookie(ctx);
    if (cookie == null) {
      return Optional.empty();
    }
    return sessions
        .find(cookie)
        .filter(s -> keep(cookie, s, ops))
        .map(s -> new Signed(s.operator(), s.csrf(), sessions.expiresAt(s)));
  }

  /** Ends the request's session, if any, and clears its cookie; the operator, or null. */
  String signOut(RoutingContext ctx) {
    String cookie = cookie(ctx);
    ctx.response().addCookie(cookie("", 0));
    if (cookie == null) {
      return null;
    }
    Optional<SessionBook.Session> s = sessions.find(cookie);
    sessions.close(cookie);
    s.ifPresent(x -> log.info("Operator signed out operator={}", x.operator()));
    return s.map(SessionBook.Session::operator).orElse(null);
  }

  /** A signed-in operator: {@code csrf} and {@code expiresAt} null for a bearer token. */
  record Signed(String operator, String csrf, Instant expiresAt) {}

  private OperatorTokens enabled() {
    OperatorTokens ops = operators;
    if (ops.isEmpty()) {
      throw new ApiError(
          403,
          "writes are disabled: no operator is configured (list them in http.operators, each with"
              + " token_env naming an environment variable holding a token of 16+ characters, or set"
              + " http.admin_token_env)");
    }
    return ops;
  }

  private String notLockedOut(RoutingContext ctx) {
    String address = address(ctx.request().remoteAddress());
    Optional<Duration> locked = limiter.lockedFor(address);
    if (locked.isPresent()) {
      long seconds = Math.max(1, (locked.get().toMillis() + 999) / 1000);
      refused(ctx, address, "locked");
      ctx.response().putHeader("Retry-After", Long.toString(seconds));
      throw new ApiError(
          429,
          "too many failed authentications from this address: writes are refused for "
              + seconds + " s more");
    }
    return address;
  }

  /** The live session of this cookie, or a 401 (expired, signed out, operator removed). */
  private SessionBook.Session live(String cookie, OperatorTokens ops) {
    SessionBook.Session s = sessions.find(cookie).orElse(null);
    if (s == null || !keep(cookie, s, ops)) {
      throw new ApiError(401, "the session has ended (expired, signed out or its operator removed): sign in again");
    }
    return s;
  }

  /** False, and the session ended, when its operator is gone or has another token now. */
  private boolean keep(String cookie, SessionBook.Session s, OperatorTokens ops) {
    if (ops.holds(s.operator(), s.tokenDigest())) {
      return true;
    }
    sessions.close(cookie);
    log.info("Session ended: its operator is no longer configured operator={}", s.operator());
    return false;
  }

  private ApiError failed(RoutingContext ctx, String address, String reason, String message) {
    refused(ctx, address, reason);
    if (limiter.failure(address)) {
      log.warn(
          "Admin address locked out remote={} failures={} lockout_seconds={}",
          address,
          limiter.settings().maxFailures(),
          limiter.settings().lockout().toSeconds());
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"vcmon\"");
    return new ApiError(401, message);
  }

  private boolean sameOrigin(RoutingContext ctx) {
    return SessionRules.sameOrigin(
        ctx.request().getHeader("Origin"),
        ctx.request().getHeader("Sec-Fetch-Site"),
        ctx.request().getHeader("Host"),
        https);
  }

  private Cookie cookie(String value, long maxAgeSeconds) {
    return Cookie.cookie(COOKIE, value)
        .setPath("/")
        .setHttpOnly(true)
        .setSecure(https)
        .setSameSite(CookieSameSite.STRICT)
        .setMaxAge(maxAgeSeconds);
  }

  private static String cookie(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(COOKIE);
    return c == null || c.getValue().isEmpty() ? null : c.getValue();
  }

  private static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
  }

  private void refused(RoutingContext ctx, String address, String reason) {
    failures.accept(reason);
    OptionalLong budget = logBudget.take();
    if (budget.isEmpty()) {
      return;
    }
    if (budget.getAsLong() > 0) {
      log.warn("Admin refusals not logged (too many) count={}", budget.getAsLong());
    }
    log.warn(
        "Admin request refused remote={} method={} path={} reason={}",
        address,
        ctx.request().method(),
        ctx.request().path(),
        reason);
  }

  private static String address(SocketAddress remote) {
    return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
  }
}
