package org.daitu.vcmon.output.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.function.Supplier;

/** {@code GET /api/v1/readiness}: the next scheduled meeting and whether its rooms are ready. */
public final class MeetingRoutes implements WebVerticle.RouteGroup {
  private final Supplier<Map<String, Object>> view;

  public MeetingRoutes(Supplier<Map<String, Object>> view) {
    this.view = view;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/v1/readiness").handler(ctx -> WebVerticle.json(ctx, 200, new JsonObject(view.get())));
  }
}
