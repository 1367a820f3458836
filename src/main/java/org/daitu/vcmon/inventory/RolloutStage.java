package org.daitu.vcmon.inventory;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where a site's meeting room stands in the rollout, in order. */
public enum RolloutStage {
  PLANNED,
  INSTALLED,
  CONNECTED,
  COMMISSIONED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<RolloutStage> fromLabel(String text) {
    return Arrays.stream(values()).filter(s -> s.label().equals(text)).findFirst();
  }

  /** A site is expected to answer once its endpoint is installed; before that it is PLANNED. */
  public boolean expectsEndpoint() {
    return this != PLANNED;
  }
}
