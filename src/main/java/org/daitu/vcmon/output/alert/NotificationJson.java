package org.daitu.vcmon.output.alert;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link Notification} as JSON: the webhook contract ({@code kind}, {@code text}, {@code
 * sites[]}) plus {@code key}, {@code severity}, {@code resolved}, {@code title} and {@code at};
 * a {@code cluster} notification also has {@code member: {vantage, address, since}}.
 * The same document is what the outbox stores, so {@link #parse} reads back exactly what {@link
 * #toJson} wrote. Instants are ISO-8601 UTC; severities lower case (info|warning|critical).
 */
public final class NotificationJson {
  private NotificationJson() {}

  public static JsonObject toJson(Notification n) {
    JsonArray sites = new JsonArray();
    for (Notification.SiteLine s : n.sites()) {
      sites.add(
          new JsonObject()
              .put("id", s.id())
              .put("name", s.name())
              .put("state", s.state())
              .put("previous_state", s.previousState())
              .put("since", s.since() == null ? null : s.since().toString())
              .put("reason", s.reason()));
    }
    JsonObject o =
        new JsonObject()
            .put("kind", n.kind().label())
            .put("text", n.text())
            .put("sites", sites)
            .put("key", n.key())
            .put("severity", severityLabel(n.severity()))
            .put("resolved", n.resolved())
            .put("title", n.title())
            .put("at", n.at().toString());
    if (n.member() != null) {
      Notification.MemberLine m = n.member();
      o.put(
          "member",
          new JsonObject()
              .put("vantage", m.vantage())
              .put("address", m.address())
              .put("since", m.since() == null ? null : m.since().toString()));
    }
    return o;
  }

  /**
   * Reads a stored payload back.
   *
   * @throws IllegalArgumentException naming the field when the document is not a notification
   */
  public static Notification parse(String json) {
    JsonObject o;
    try {
      o = new JsonObject(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("notification payload is not a JSON object: " + e.getMessage(), e);
    }
    List<Notification.SiteLine> sites = new ArrayList<>();
    JsonArray array = o.getJsonArray("sites", new JsonArray());
    for (int i = 0; i < array.size(); i++) {
      JsonObject s = array.getJsonObject(i);
      sites.add(
          new Notification.SiteLine(
              s.getString("id"),
              s.getString("name"),
              s.getString("state"),
              s.getString("previous_state"),
              instant(s, "since", false),
              s.getString("reason")));
    }
    JsonObject m = o.getJsonObject("member");
    Notification.MemberLine member =
        m == null
            ? null
            : new Notification.MemberLine(m.getString("vantage"), m.getString("address"), instant(m, "since", false));
    return new Notification(
        required(o, "key"),
        kind(required(o, "kind")),
        severity(required(o, "severity")),
        o.getBoolean("resolved", false),
        instant(o, "at", true),
        o.getString("title", ""),
        o.getString("text", ""),
        sites,
        member);
  }

  /** The config and JSON spelling of a severity: info, warning, critical. */
  public static String severityLabel(Notification.Severity s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads info|warning|critical (any case).
   *
   * @throws IllegalArgumentException that lists the valid values
   */
  public static Notification.Severity severity(String label) {
    if (label != null) {
      for (Notification.Severity s : Notification.Severity.values()) {
        if (s.name().equalsIgnoreCase(label.trim())) {
          return s;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown severity \"" + label + "\": use info, warning or critical");
  }

  private static Notification.Kind kind(String label) {
    for (Notification.Kind k : Notification.Kind.values()) {
      if (k.label().equals(label)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "notification payload has unknown kind \"" + label + "\": expected site, digest, readiness or cluster");
  }

  private static String required(JsonObject o, String field) {
    String v = o.getString(field);
    if (v == null) {
      throw new IllegalArgumentException("notification payload has no \"" + field + "\"");
    }
    return v;
  }

  private static Instant instant(JsonObject o, String field, boolean required) {
    String v = required ? required(o, field) : o.getString(field);
    return v == null ? null : Instant.parse(v);
  }
}
