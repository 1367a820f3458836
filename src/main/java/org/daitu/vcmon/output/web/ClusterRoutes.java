package org.daitu.vcmon.output.web;

import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.Supplier;
import org.daitu.vcmon.cluster.MemberView;

/**
 * {@code GET /api/v1/cluster}: the members of this agent's cluster ({@link ClusterJson}). A
 * single agent answers 404 and says why.
 */
public final class ClusterRoutes implements WebVerticle.RouteGroup {
  private final MemberView members;
  private final Supplier<List<String>> siteIds;

  /** @param members null for a single agent */
  public ClusterRoutes(MemberView members, Supplier<List<String>> siteIds) {
    this.members = members;
    this.siteIds = siteIds;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/v1/cluster").handler(ctx -> {
      if (members == null) {
        throw new ApiError(404, "this agent runs alone: its config has no cluster: section");
      }
      WebVerticle.json(
          ctx, 200, ClusterJson.of(members.clusterName(), members.self(), members.members(), siteIds.get()));
    });
  }
}
