package org.daitu.vcmon.cluster;

import java.util.Objects;
import java.util.Set;

/**
 * A site as the cluster sees it: its id and the vantages that watch it ({@code sites[].vantages}).
 *
 * @param vantages the vantages that watch the site; empty means every vantage
 */
public record WatchedSite(String id, Set<String> vantages) {

  public WatchedSite {
    Objects.requireNonNull(id, "id");
    vantages = Set.copyOf(vantages);
  }

  /** A site without a {@code vantages} list: every vantage watches it. */
  public static WatchedSite byEveryVantage(String id) {
    return new WatchedSite(id, Set.of());
  }

  public boolean watchedBy(String vantage) {
    return vantages.isEmpty() || vantages.contains(vantage);
  }
}
