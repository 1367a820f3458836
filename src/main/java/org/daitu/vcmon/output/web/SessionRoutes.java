package org.daitu.vcmon.output.web;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import org.daitu.vcmon.history.AuditEntry;
import org.daitu.vcmon.store.AuditStore;

/**
 * Signing in and out ({@code /api/v1/session}) and the audit log ({@code GET /api/v1/audit},
 * operators only). The checks themselves are the {@link AdminGate}'s; the session's cookie is set
 * and cleared there.
 */
public final class SessionRoutes implements WebVerticle.RouteGroup {
  private static final int MAX_BODY_BYTES = 4 * 1024;
  static final int DEFAULT_AUDIT_LIMIT = 100;
  static final int MAX_AUDIT_LIMIT = 1_000;

  private final AdminGate gate;
  private final AuditStore store;
  private final AuditTrail audit;

  /** @param store null when the audit log is not kept (then {@code GET /api/v1/audit} is 404) */
  public SessionRoutes(AdminGate gate, AuditStore store, Clock clock) {
    this.gate = gate;
    this.store = store;
    this.audit = new AuditTrail(store, clock);
  }

  @Override
  public void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    router.post("/api/v1/session").handler(body).handler(this::signIn);
    router.get("/api/v1/session").handler(this::whoAmI);
    router.delete("/api/v1/session").handler(gate::authorize).handler(this::signOut);
    if (store != null) {
      router.get("/api/v1/audit").handler(gate::authorize).handler(this::audit);
    }
  }

  private void signIn(RoutingContext ctx) {
    String token;
    try {
      JsonObject o = ctx.body().asJsonObject();
      token = o != null && o.getValue("token") instanceof String s ? s : null;
    } catch (DecodeException | ClassCastException e) {
      token = null;
    }
    SessionBook.Session s = gate.signIn(ctx, token);
    JsonObject answer = new JsonObject().put("operator", s.operator()).put("csrf", s.csrf());
    audit
        .record(s.operator(), "session.sign_in", "", "")
        .onComplete(v -> WebVerticle.json(ctx, 200, answer));
  }

  private void whoAmI(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store");
    gate.current(ctx)
        .ifPresentOrElse(
            who -> {
              JsonObject o = new JsonObject().put("operator", who.operator());
              if (who.csrf() != null) {
                o.put("csrf", who.csrf()).put("expires_at", who.expiresAt().toString());
              }
              WebVerticle.json(ctx, 200, o);
            },
            () -> WebVerticle.error(ctx, 401, "not signed in"));
  }

  private void signOut(RoutingContext ctx) {
    String operator = gate.signOut(ctx);
    if (operator == null) {
      // A bearer token has no session to end.
      ctx.response().setStatusCode(204).end();
      return;
    }
    audit.record(operator, "session.sign_out", "", "").onComplete(v -> ctx.response().setStatusCode(204).end());
  }

  private void audit(RoutingContext ctx) {
    int limit = limit(ctx.queryParams().get("limit"));
    ctx.response().putHeader("Cache-Control", "no-store");
    store
        .audit(limit)
        .onSuccess(
            entries -> {
              JsonArray out = new JsonArray();
              for (AuditEntry e : entries) {
                out.add(
                    new JsonObject()
                        .put("at", e.at().toString())
                        .put("operator", e.operator())
                        .put("action", e.action())
                        .put("target", e.target())
                        .put("detail", e.detail()));
              }
              ctx.response()
                  .setStatusCode(200)
                  .putHeader("Content-Type", "application/json; charset=utf-8")
                  .end(out.encode());
            })
        .onFailure(ctx::fail);
  }

  static int limit(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT_AUDIT_LIMIT;
    }
    try {
      int n = Integer.parseInt(text.strip());
      if (n >= 1 && n <= MAX_AUDIT_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new ApiError(400, "limit must be a number from 1 to " + MAX_AUDIT_LIMIT + ", got \"" + text + "\"");
  }
}
