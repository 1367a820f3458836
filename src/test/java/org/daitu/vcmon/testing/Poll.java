package org.daitu.vcmon.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The tests' one way to wait for a condition that something else makes true: checks it every
 * {@code every} until it holds, and fails naming what was awaited and the last value seen.
 */
public final class Poll {
  public static final Duration DEFAULT_EVERY = Duration.ofMillis(100);

  private Poll() {}

  /** Waits until {@code condition} holds, checking every {@link #DEFAULT_EVERY}. */
  public static void until(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    until(condition, timeout, DEFAULT_EVERY, what);
  }

  public static void until(BooleanSupplier condition, Duration timeout, Duration every, String what)
      throws InterruptedException {
    until(condition::getAsBoolean, Boolean.TRUE::equals, timeout, every, what);
  }

  /**
   * Reads {@code value} every {@link #DEFAULT_EVERY} until {@code done} accepts it and returns
   * that value; the failure message holds the last value read.
   */
  public static <T> T until(Supplier<T> value, Predicate<? super T> done, Duration timeout, String what)
      throws InterruptedException {
    return until(value, done, timeout, DEFAULT_EVERY, what);
  }

  public static <T> T until(
      Supplier<T> value, Predicate<? super T> done, Duration timeout, Duration every, String what)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    T last;
    while (true) {
      last = value.get();
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() - end >= 0) {
        break;
      }
      Thread.sleep(Math.max(1, every.toMillis()));
    }
    throw new AssertionError(
        "not within " + describe(timeout) + ": " + what + "; last seen: " + Objects.toString(last));
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
