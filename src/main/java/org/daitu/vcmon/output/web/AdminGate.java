package org.daitu.vcmon.output.web;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.daitu.vcmon.log.LogBudget;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.daitu.vcmon.config.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer-token check in front of every API write. Tokens are compared in constant time
 * (digests of equal length, compared whole). Failures are counted per client address by an {@link
 * AuthFailureLimiter}: a locked-out address gets 429 with {@code Retry-After}, whatever it sends.
 * Each failure is logged with address, method, path and whether the token was missing or invalid —
 * never the token — within a {@link LogBudget}, and reported to {@code failures} (the metric) as
 * {@code missing}, {@code invalid} or {@code locked}.
 *
 * <p>Behind a reverse proxy every client has the proxy's address, so a lockout there applies to
 * everyone; vcmon is meant to be reached directly.
 */
public final class AdminGate {
  private static final Logger log = LoggerFactory.getLogger(AdminGate.class);
  private static final int LOG_LINES_PER_MINUTE = 20;

  private final byte[] tokenDigest;
  private final AuthFailureLimiter limiter;
  private final LogBudget logBudget;
  private final Consumer<String> failures;

  /**
   * @param token null when writes are disabled
   * @param failures told the reason of every refused request: missing, invalid or locked
   */
  public AdminGate(
      Secret token, AuthFailureLimiter.Settings settings, Clock clock, Consumer<String> failures) {
    this.tokenDigest = token == null ? null : digest(token.reveal());
    this.limiter = new AuthFailureLimiter(settings, clock);
    this.logBudget = new LogBudget(LOG_LINES_PER_MINUTE, Duration.ofMinutes(1), clock);
    this.failures = failures;
  }

  /** Default limits, failures not counted anywhere (tests). */
  public AdminGate(Secret token, Clock clock) {
    this(token, AuthFailureLimiter.Settings.DEFAULT, clock, reason -> {});
  }

  /** Route handler: passes on to the next handler only with the right token. */
  public void authorize(RoutingContext ctx) {
    if (tokenDigest == null) {
      throw new ApiError(
          403,
          "writes are disabled: no admin token is configured (set http.admin_token_env to the name"
              + " of an environment variable holding a token of 16+ characters)");
    }
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
    String header = ctx.request().getHeader("Authorization");
    String presented =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
    if (presented != null && MessageDigest.isEqual(tokenDigest, digest(presented))) {
      limiter.success(address);
      ctx.next();
      return;
    }
    refused(ctx, address, presented == null ? "missing" : "invalid");
    if (limiter.failure(address)) {
      log.warn(
          "Admin address locked out remote={} failures={} lockout_seconds={}",
          address,
          limiter.settings().maxFailures(),
          limiter.settings().lockout().toSeconds());
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"vcmon\"");
    throw new ApiError(401, "a valid bearer token is required for writes");
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

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
