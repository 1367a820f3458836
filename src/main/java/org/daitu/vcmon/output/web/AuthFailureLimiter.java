package org.daitu.vcmon.output.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed admin authentications per client address and locks an address out once it has
 * failed {@link Settings#maxFailures} times within {@link Settings#window}. While locked out, every
 * admin request from that address is refused, with the right token or not, so guessing gains
 * nothing. Pure: no I/O, an injected clock.
 *
 * <p>The table holds at most {@link Settings#maxAddresses} addresses, least recently seen evicted
 * first, so a flood from many source addresses costs bounded memory. Not thread-safe: owned by the
 * web verticle's event loop.
 */
public final class AuthFailureLimiter {
  /**
   * @param maxFailures failures within {@code window} that lock an address out
   * @param window how far back failures count
   * @param lockout how long a locked-out address is refused
   * @param maxAddresses most addresses remembered at once
   */
  public record Settings(int maxFailures, Duration window, Duration lockout, int maxAddresses) {
    public static final Settings DEFAULT =
        new Settings(5, Duration.ofMinutes(1), Duration.ofMinutes(5), 10_000);
  }

  private static final class Entry {
    Instant windowStart;
    int failures;
    Instant lockedUntil;
  }

  private final Settings settings;
  private final Clock clock;
  private final Map<String, Entry> entries;

  public AuthFailureLimiter(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > settings.maxAddresses();
          }
        };
  }

  /** How much longer {@code address} is locked out; empty when it may try. */
  public Optional<Duration> lockedFor(String address) {
    Entry e = entries.get(address);
    Instant now = clock.instant();
    if (e == null || e.lockedUntil == null) {
      return Optional.empty();
    }
    if (!now.isBefore(e.lockedUntil)) {
      entries.remove(address);
      return Optional.empty();
    }
    return Optional.of(Duration.between(now, e.lockedUntil));
  }

  /** Records a failure; true when it locked the address out. */
  public boolean failure(String address) {
    Instant now = clock.instant();
    Entry e = entries.computeIfAbsent(address, a -> new Entry());
    if (e.windowStart == null || !now.isBefore(e.windowStart.plus(settings.window()))) {
      e.windowStart = now;
      e.failures = 0;
    }
    e.failures++;
    if (e.failures >= settings.maxFailures() && e.lockedUntil == null) {
      e.lockedUntil = now.plus(settings.lockout());
      return true;
    }
    return false;
  }

  /** A request with the right token: earlier failures from the address are forgotten. */
  public void success(String address) {
    entries.remove(address);
  }

  /** Addresses remembered now (bounded by {@link Settings#maxAddresses}). */
  public int size() {
    return entries.size();
  }

  public Settings settings() {
    return settings;
  }
}
