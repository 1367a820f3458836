package org.daitu.vcmon.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A channel's newest refresh token. {@link #toString()} never shows the token.
 *
 * @param refreshToken the token to use next
 * @param seedDigest SHA-256 (hex) of the token the configuration gave when this chain started: a
 *     different one there means the operator authorized again
 * @param updatedAt when it was received
 */
public record ChannelToken(String refreshToken, String seedDigest, Instant updatedAt) {
  public ChannelToken {
    Objects.requireNonNull(refreshToken, "refreshToken");
    Objects.requireNonNull(seedDigest, "seedDigest");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  @Override
  public String toString() {
    return "ChannelToken[refreshToken=<secret>, seedDigest=" + seedDigest + ", updatedAt=" + updatedAt + "]";
  }
}
