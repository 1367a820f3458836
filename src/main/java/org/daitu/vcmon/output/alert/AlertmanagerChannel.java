package org.daitu.vcmon.output.alert;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.daitu.vcmon.config.AgentConfig;

/**
 * Feeds an Alertmanager through {@code POST /api/v2/alerts}: one alert per site of a
 * notification, labelled {@code alertname} (VcmonSiteDown, VcmonSiteDegraded, ...), {@code site},
 * {@code severity} and {@code state}, so that Alertmanager's own grouping, inhibition and routing
 * apply. Alertmanager forgets an alert that is not re-sent within its resolve timeout, so the
 * firing ones are kept here and re-sent every {@code resend_interval}; a recovery sends the same
 * labels with {@code endsAt}, which resolves it. An agent that left the cluster ({@code cluster}
 * notifications) is one alert, {@code VcmonMemberLeft} labelled {@code vantage}, firing until the
 * agent is back.
 *
 * <p>Confined to the context that created it (the timer and the map of active alerts).
 */
public final class AlertmanagerChannel extends ConfiguredChannel {
  private final Vertx vertx;
  private final WebClient client;
  private final AgentConfig.AlertmanagerTarget config;
  private final Duration timeout;
  /** Firing alerts by site id, as last sent. */
  private final Map<String, JsonObject> active = new LinkedHashMap<>();
  private long timer = -1;

  public AlertmanagerChannel(
      String name,
      Vertx vertx,
      WebClient client,
      AgentConfig.AlertmanagerTarget config,
      Duration timeout) {
    super(name, config.minSeverity(), config.degraded());
    this.vertx = vertx;
    this.client = client;
    this.config = config;
    this.timeout = timeout;
  }



  /** The alert name for a site in a given state: VcmonSiteDown, VcmonSiteDegraded, ... */
  static String alertName(Notification.Kind kind, String state) {
    if (kind == Notification.Kind.READINESS) {
      return "VcmonMeetingReadiness";
    }
    if (kind == Notification.Kind.CLUSTER) {
      return "VcmonMemberLeft";
    }
    if (state == null || state.isEmpty()) {
      return "VcmonDigest";
    }
    String s = state.toLowerCase(Locale.ROOT);
    return "VcmonSite" + Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  @Override
  public Future<Void> send(Notification n) {
    startResending();
    if (n.kind() == Notification.Kind.CLUSTER && n.member() != null) {
      return sendMember(n);
    }
    JsonArray alerts = new JsonArray();
    List<String> fired = new ArrayList<>();
    List<String> ended = new ArrayList<>();
    for (Notification.SiteLine site : n.sites()) {
      boolean resolves = n.resolved() || "UP".equals(site.state());
      if (resolves) {
        JsonObject previous = active.get(site.id());
        JsonObject labels =
            previous != null
                ? previous.getJsonObject("labels").copy()
                : labels(n, site.id(), site.previousState(), guessSeverity(site.previousState()));
        alerts.add(alert(labels, n, site.since() == null ? n.at() : site.since()).put("endsAt", n.at().toString()));
        ended.add(site.id());
      } else {
        JsonObject labels = labels(n, site.id(), site.state(), NotificationJson.severityLabel(n.severity()));
        alerts.add(alert(labels, n, site.since() == null ? n.at() : site.since()));
        fired.add(site.id());
      }
    }
    if (n.sites().isEmpty()) {
      // A message about no site in particular still reaches Alertmanager, as info that ends by itself.
      alerts.add(
          alert(labels(n, "", null, NotificationJson.severityLabel(n.severity())), n, n.at())
              .put("endsAt", n.at().plus(config.resendInterval()).toString()));
    }
    return post(alerts)
        .onSuccess(
            ok -> {
              for (int i = 0; i < alerts.size(); i++) {
                JsonObject a = alerts.getJsonObject(i);
                String site = a.getJsonObject("labels").getString("site");
                if (fired.contains(site)) {
                  active.put(site, a);
                }
              }
              ended.forEach(active::remove);
            });
  }

  /** A member left (fires until it is back) or is back (resolves). */
  private Future<Void> sendMember(Notification n) {
    String id = "member:" + n.member().vantage();
    JsonObject previous = active.get(id);
    JsonObject labels =
        previous != null
            ? previous.getJsonObject("labels").copy()
            : new JsonObject()
                .put("alertname", alertName(n.kind(), null))
                .put("vantage", n.member().vantage())
                .put("severity", NotificationJson.severityLabel(n.severity()));
    JsonObject alert =
        new JsonObject()
            .put("labels", labels)
            .put("annotations", new JsonObject().put("summary", n.title()).put("description", n.text()))
            .put("startsAt", (previous != null ? Instant.parse(previous.getString("startsAt")) : n.at()).toString())
            .put("generatorURL", "/api/v1/cluster");
    if (n.resolved()) {
      alert.put("endsAt", n.at().toString());
    }
    return post(new JsonArray().add(alert))
        .onSuccess(
            ok -> {
              if (n.resolved()) {
                active.remove(id);
              } else {
                active.put(id, alert);
              }
            });
  }

  private static String guessSeverity(String state) {
    return "DEGRADED".equals(state) ? "warning" : "critical";
  }

  private JsonObject labels(Notification n, String site, String state, String severity) {
    return new JsonObject()
        .put("alertname", alertName(n.kind(), state))
        .put("site", site)
        .put("severity", severity)
        .put("state", state == null ? "" : state);
  }

  private static JsonObject alert(JsonObject labels, Notification n, Instant startsAt) {
    return new JsonObject()
        .put("labels", labels)
        .put(
            "annotations",
            new JsonObject().put("summary", n.title()).put("description", n.text()))
        .put("startsAt", startsAt.toString())
        // Alertmanager wants a URI here; the agent's own address is not known to the channel, so
        // the site's API path (relative to the agent) it is.
        .put(
            "generatorURL",
            labels.getString("site").isEmpty()
                ? "/api/v1/sites"
                : "/api/v1/sites/"
                    + java.net.URLEncoder.encode(labels.getString("site"), java.nio.charset.StandardCharsets.UTF_8));
  }

  private Future<Void> post(JsonArray alerts) {
    String url = config.url().replaceAll("/+$", "") + "/api/v2/alerts";
    String peer = DeliveryException.peer(config.url());
    return client
        .postAbs(url)
        .timeout(timeout.toMillis())
        .sendJson(alerts)
        .recover(
            e ->
                Future.failedFuture(
                    new DeliveryException(
                        name, "POST to " + peer + " failed: " + DeliveryException.describe(e), e)))
        .compose(
            r ->
                r.statusCode() / 100 == 2
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(
                        new DeliveryException(
                            name,
                            "Alertmanager at " + peer + " answered HTTP " + r.statusCode() + ": "
                                + r.bodyAsString())));
  }

  private void startResending() {
    if (timer >= 0 || config.resendInterval().isZero() || config.resendInterval().isNegative()) {
      return;
    }
    timer = vertx.setPeriodic(config.resendInterval().toMillis(), id -> resend());
  }

  /** Re-sends every firing alert so that Alertmanager keeps it; a failure waits for the next round. */
  Future<Void> resend() {
    if (active.isEmpty()) {
      return Future.succeededFuture();
    }
    return post(new JsonArray(new ArrayList<>(active.values())));
  }

  /** Sites (and {@code member:<vantage>}) with a firing alert here, for tests and the status of the channel. */
  public List<String> firing() {
    return List.copyOf(active.keySet());
  }

  /** Stops re-sending the firing alerts. */
  @Override
  public Future<Void> close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return Future.succeededFuture();
  }
}
