package org.daitu.vcmon.app.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.daitu.vcmon.cluster.VantageVerdict;
import org.daitu.vcmon.state.SiteState;

/**
 * How verdicts travel between agents: {@code {"verdicts":[{"site","state","since","reason"}]}},
 * the sender's vantage in the message's header. Pure. A verdict an agent cannot read (a state
 * this version does not know, a broken time) is skipped, never fatal: agents of two versions may
 * run side by side during an upgrade.
 */
final class VerdictWire {
  static final String VERDICTS = "verdicts";

  private VerdictWire() {}

  static JsonObject encode(Collection<VantageVerdict> verdicts) {
    JsonArray list = new JsonArray();
    for (VantageVerdict v : verdicts) {
      list.add(
          new JsonObject()
              .put("site", v.siteId())
              .put("state", v.state().name())
              .put("since", v.since().toString())
              .put("reason", v.reason()));
    }
    return new JsonObject().put(VERDICTS, list);
  }

  /** The verdicts of {@code vantage} in the message; unreadable entries are left out. */
  static List<VantageVerdict> decode(String vantage, JsonObject body) {
    List<VantageVerdict> out = new ArrayList<>();
    JsonArray list = body == null ? null : body.getJsonArray(VERDICTS);
    if (list == null) {
      return out;
    }
    for (Object o : list) {
      try {
        JsonObject v = (JsonObject) o;
        out.add(
            new VantageVerdict(
                v.getString("site"),
                vantage,
                SiteState.valueOf(v.getString("state")),
                Instant.parse(v.getString("since")),
                v.getString("reason", "")));
      } catch (RuntimeException e) {
        // Skipped: see the class comment.
      }
    }
    return out;
  }
}
