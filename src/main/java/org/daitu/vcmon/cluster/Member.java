package org.daitu.vcmon.cluster;

import java.time.Instant;
import java.util.Objects;

/**
 * One agent of the cluster as this agent knows it.
 *
 * @param vantage its vantage id; null for a configured member never seen
 * @param nodeId the cluster engine's id of its node; null for a configured member never seen
 * @param address its {@code cluster.listen}, e.g. {@code 10.0.0.5:7800}
 * @param up whether it is a member now
 * @param since when up: when it joined, by its own clock (the same on every agent); when it left:
 *     when this agent saw it leave; null for a configured member never seen
 */
public record Member(String vantage, String nodeId, String address, boolean up, Instant since) {
  public Member {
    Objects.requireNonNull(address, "address");
  }
}
