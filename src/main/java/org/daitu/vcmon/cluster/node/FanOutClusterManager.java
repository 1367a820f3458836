package org.daitu.vcmon.cluster.node;

import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.ext.cluster.infinispan.InfinispanClusterManager;
import org.infinispan.manager.DefaultCacheManager;

/**
 * Vert.x's Infinispan cluster manager, with room for our own {@link NodeListener} beside the one
 * Vert.x installs: the manager holds a single listener, and Vert.x's HA manager (when enabled)
 * would otherwise replace ours. Both hear every node that joins and leaves.
 */
final class FanOutClusterManager extends InfinispanClusterManager {
  private final NodeListener ours;

  /** @param cacheManager started and stopped by {@link ClusterNode}, not by Vert.x */
  FanOutClusterManager(DefaultCacheManager cacheManager, NodeListener ours) {
    super(cacheManager);
    this.ours = ours;
    super.nodeListener(ours);
  }

  @Override
  public synchronized void nodeListener(NodeListener vertxOwn) {
    super.nodeListener(
        new NodeListener() {
          @Override
          public void nodeAdded(String nodeId) {
            vertxOwn.nodeAdded(nodeId);
            ours.nodeAdded(nodeId);
          }

          @Override
          public void nodeLeft(String nodeId) {
            vertxOwn.nodeLeft(nodeId);
            ours.nodeLeft(nodeId);
          }
        });
  }
}
