package org.daitu.vcmon.app.cluster;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.daitu.vcmon.history.OperatorOp;

/**
 * An {@link OperatorOp} on the event bus: {@code {"id", "at" (epoch ms), "kind", "origin",
 * "body" (object)}}.
 */
final class OpJson {
  private OpJson() {}

  static JsonObject of(OperatorOp op) {
    return new JsonObject()
        .put("id", op.id())
        .put("at", op.at().toEpochMilli())
        .put("kind", op.kind())
        .put("origin", op.origin())
        .put("body", new JsonObject(op.body()));
  }

  /** The op, or IllegalArgumentException saying what is missing. */
  static OperatorOp parse(JsonObject o) {
    try {
      String id = o.getString("id");
      Long at = o.getLong("at");
      String kind = o.getString("kind");
      String origin = o.getString("origin");
      JsonObject body = o.getJsonObject("body");
      if (id == null || id.isBlank() || at == null || kind == null || origin == null || body == null) {
        throw new IllegalArgumentException("an op needs id, at, kind, origin and body");
      }
      return new OperatorOp(id, Instant.ofEpochMilli(at), kind, origin, body.encode());
    } catch (ClassCastException | DecodeException e) {
      throw new IllegalArgumentException("malformed op: " + e.getMessage(), e);
    }
  }
}
