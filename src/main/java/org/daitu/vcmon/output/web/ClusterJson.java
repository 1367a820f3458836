package org.daitu.vcmon.output.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.daitu.vcmon.cluster.Member;
import org.daitu.vcmon.cluster.Ownership;

/**
 * {@code GET /api/v1/cluster}: {@code {"name","self","members":[{"vantage","address","up","since",
 * "owned_sites"}]}}. {@code owned_sites} counts the sites whose notifications the member sends
 * ({@link Ownership} over the live members); a member not up owns none. Pure.
 */
final class ClusterJson {
  private ClusterJson() {}

  static JsonObject of(String name, String self, List<Member> members, Collection<String> siteIds) {
    Set<String> live = new java.util.TreeSet<>();
    for (Member m : members) {
      if (m.up() && m.vantage() != null) {
        live.add(m.vantage());
      }
    }
    Map<String, Integer> owned = new HashMap<>();
    for (String id : siteIds) {
      Ownership.owner(id, live).ifPresent(v -> owned.merge(v, 1, Integer::sum));
    }
    JsonArray list = new JsonArray();
    for (Member m : members) {
      list.add(
          new JsonObject()
              .put("vantage", m.vantage())
              .put("address", m.address())
              .put("up", m.up())
              .put("since", m.since() == null ? null : m.since().toString())
              .put("owned_sites", m.up() && m.vantage() != null ? owned.getOrDefault(m.vantage(), 0) : 0));
    }
    return new JsonObject().put("name", name).put("self", self).put("members", list);
  }
}
