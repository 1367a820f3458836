package org.daitu.vcmon.output.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import org.daitu.vcmon.config.AgentConfig;

/**
 * The operators' tokens as SHA-256 digests, looked up in constant time: the presented token's
 * digest is compared whole with every operator's, without stopping at a match, so neither the
 * comparison nor the number of operators tried tells anything about a token. Immutable; the tokens
 * themselves are not kept.
 */
final class OperatorTokens {
  /** One operator: its name and token digest. */
  record Entry(String name, byte[] digest) {}

  static final OperatorTokens NONE = new OperatorTokens(List.of());

  private final List<Entry> entries;

  private OperatorTokens(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  static OperatorTokens of(List<AgentConfig.Operator> operators) {
    return new OperatorTokens(
        operators.stream().map(o -> new Entry(o.name(), digest(o.token().reveal()))).toList());
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The operator whose token this is; empty when none. */
  Optional<Entry> match(String presented) {
    byte[] d = digest(presented);
    Entry found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.digest(), d) && found == null) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Whether {@code name} is still an operator, with the same token as when it signed in. */
  boolean holds(String name, byte[] digest) {
    boolean held = false;
    for (Entry e : entries) {
      held |= e.name().equals(name) & MessageDigest.isEqual(e.digest(), digest);
    }
    return held;
  }

  static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
