package org.daitu.vcmon.output.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cross-origin reads for the origins of {@code http.cors.allowed_origins}, nothing else: GET and
 * HEAD get {@code Access-Control-Allow-Origin} for an allowed origin, and only their preflights
 * are answered. Writes never get CORS headers and their preflights are not honoured, so a page of
 * another site cannot drive the admin API even with a token in hand; no credentials (cookies) are
 * ever allowed. Without configured origins the policy is not mounted at all.
 */
public final class CorsPolicy {
  private static final Set<String> READS = Set.of("GET", "HEAD");
  private static final String MAX_AGE_SECONDS = "600";

  private final Set<String> origins;

  public CorsPolicy(List<String> origins) {
    this.origins = Set.copyOf(origins);
  }

  /**
   * The CORS headers for one request; empty when it gets none.
   *
   * @param origin the request's {@code Origin}, or null
   * @param preflightMethod its {@code Access-Control-Request-Method} (OPTIONS only), or null
   */
  public Map<String, String> headers(String method, String origin, String preflightMethod) {
    Map<String, String> out = new LinkedHashMap<>();
    if (origin == null || !origins.contains(origin)) {
      return out;
    }
    boolean preflight = "OPTIONS".equals(method) && preflightMethod != null;
    if (preflight ? READS.contains(preflightMethod) : READS.contains(method)) {
      out.put("Access-Control-Allow-Origin", origin);
      if (preflight) {
        out.put("Access-Control-Allow-Methods", "GET, HEAD");
        out.put("Access-Control-Max-Age", MAX_AGE_SECONDS);
      }
    }
    return out;
  }

  /** Route handler: adds the headers; answers an allowed preflight itself (204). */
  public void handle(RoutingContext ctx) {
    // Answers differ by Origin: caches must keep them apart.
    ctx.response().putHeader("Vary", "Origin");
    HttpMethod method = ctx.request().method();
    String preflightMethod = ctx.request().getHeader("Access-Control-Request-Method");
    Map<String, String> headers =
        headers(method.name(), ctx.request().getHeader("Origin"), preflightMethod);
    headers.forEach(ctx.response()::putHeader);
    if (method == HttpMethod.OPTIONS && preflightMethod != null && !headers.isEmpty()) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    ctx.next();
  }
}
