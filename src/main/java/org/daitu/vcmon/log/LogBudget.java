package org.daitu.vcmon.log;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * At most {@code perWindow} log lines per {@code window}, so a flood of bad requests cannot fill
 * the disk. The first line allowed after a quiet spell reports how many were left out. Pure: an
 * injected clock. Not thread-safe: owned by one event loop.
 */
public final class LogBudget {
  private final int perWindow;
  private final Duration window;
  private final Clock clock;
  private Instant windowStart;
  private int used;
  private long suppressed;

  public LogBudget(int perWindow, Duration window, Clock clock) {
    this.perWindow = perWindow;
    this.window = window;
    this.clock = clock;
  }

  /**
   * Asks to log one line. Empty: stay silent. Otherwise the number of lines left out since the
   * last one logged (usually 0), to be written with it.
   */
  public OptionalLong take() {
    Instant now = clock.instant();
    if (windowStart == null || !now.isBefore(windowStart.plus(window))) {
      windowStart = now;
      used = 0;
    }
    if (used >= perWindow) {
      suppressed++;
      return OptionalLong.empty();
    }
    used++;
    long left = suppressed;
    suppressed = 0;
    return OptionalLong.of(left);
  }
}
