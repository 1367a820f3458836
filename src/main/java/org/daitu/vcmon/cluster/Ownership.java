package org.daitu.vcmon.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Optional;

/**
 * Which live agent speaks for a site (sends its notifications): rendezvous (highest random
 * weight) hashing. Each vantage gets a weight per site; the highest wins. When a member leaves,
 * only the sites it owned move (each to its runner-up); when one joins, only the sites it now
 * wins move, about 1/n of them. No coordination: every agent with the same member list picks the
 * same owner.
 *
 * <p>The weight is the first 64 bits of SHA-256 over {@code vantage + '\0' + siteId} in UTF-8:
 * the same on every JVM and version, unlike {@code String.hashCode}, which is specified but too
 * weak to spread similar ids; the NUL keeps "a"+"bc" apart from "ab"+"c". Stateless and
 * thread-safe.
 */
public final class Ownership {
  private Ownership() {}

  /**
   * @param liveVantages the vantages whose agents are members of the cluster now
   * @return the owner, or empty when there is no live vantage
   */
  public static Optional<String> owner(String siteId, Collection<String> liveVantages) {
    String owner = null;
    long best = 0;
    for (String vantage : liveVantages) {
      long w = weight(vantage, siteId);
      int c = owner == null ? 1 : Long.compareUnsigned(w, best);
      // On an equal weight (one chance in 2^64) the smaller id wins, so input order never matters.
      if (c > 0 || (c == 0 && vantage.compareTo(owner) < 0)) {
        owner = vantage;
        best = w;
      }
    }
    return Optional.ofNullable(owner);
  }

  /** The vantage's weight for the site, compared as an unsigned number. */
  static long weight(String vantage, String siteId) {
    byte[] hash = sha256().digest((vantage + '\0' + siteId).getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(hash).getLong();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
