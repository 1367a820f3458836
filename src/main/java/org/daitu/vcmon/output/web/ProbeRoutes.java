package org.daitu.vcmon.output.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.daitu.vcmon.probe.IcmpMethod;
import org.daitu.vcmon.probe.IcmpProbe;

/**
 * {@code GET /api/v1/probes}: how vcmon pings (fping, a raw or a datagram ICMP socket, or none)
 * and why, and whether it can now; the same object is in {@code /readyz} as {@code icmp}.
 */
public final class ProbeRoutes implements WebVerticle.RouteGroup {
  private final IcmpProbe icmp;

  public ProbeRoutes(IcmpProbe icmp) {
    this.icmp = icmp;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/v1/probes").handler(ctx -> WebVerticle.json(ctx, 200, new JsonObject().put("icmp", icmp())));
  }

  @Override
  public JsonObject readinessFacts() {
    return new JsonObject().put("icmp", icmp());
  }

  /** {@code {"method", "why", "available", "unavailable"}}. */
  JsonObject icmp() {
    IcmpMethod m = icmp.method();
    String unavailable = icmp.unavailableReason();
    return new JsonObject()
        .put("method", m == null ? null : m.kind().label())
        .put("why", m == null ? null : m.why())
        .put("available", unavailable == null && (m == null || m.kind() != IcmpMethod.Kind.NONE))
        .put("unavailable", unavailable != null ? unavailable : m != null && m.kind() == IcmpMethod.Kind.NONE ? m.why() : null);
  }
}
