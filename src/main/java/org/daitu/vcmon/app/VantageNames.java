package org.daitu.vcmon.app;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.daitu.vcmon.cluster.MemberView;
import org.daitu.vcmon.cluster.UnknownVantages;
import org.daitu.vcmon.cluster.WatchedSite;
import org.daitu.vcmon.inventory.Site;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when sites name a vantage no agent of the cluster has been seen as: the check of {@code
 * sites[].vantages} the config cannot make. It waits {@link #GRACE} after start (the other agents
 * may start later), then looks again whenever a member joins or leaves, and logs only when the
 * answer changes. Runs on the agent's context.
 */
final class VantageNames {
  private static final Logger log = LoggerFactory.getLogger(VantageNames.class);
  static final Duration GRACE = Duration.ofMinutes(1);

  private final MemberView members;
  private final Supplier<List<Site>> sites;
  private boolean armed;
  private Map<String, List<String>> reported = Map.of();

  VantageNames(MemberView members, Supplier<List<Site>> sites) {
    this.members = members;
    this.sites = sites;
  }

  void start(Vertx vertx) {
    vertx.setTimer(GRACE.toMillis(), t -> {
      armed = true;
      check();
    });
    members.onChange(m -> {
      if (armed) {
        check();
      }
    });
  }

  private void check() {
    List<WatchedSite> watched =
        sites.get().stream().map(s -> new WatchedSite(s.id(), java.util.Set.copyOf(s.vantages()))).toList();
    Map<String, List<String>> unknown = UnknownVantages.find(watched, members.members());
    if (unknown.equals(reported)) {
      return;
    }
    reported = unknown;
    unknown.forEach(
        (vantage, ids) ->
            log.warn(
                "Sites name a vantage no agent of the cluster has been seen as (a typo in"
                    + " sites[].vantages, or an agent not started yet) vantage={} sites={} known={}",
                vantage, ids, members.liveVantages()));
  }
}
