package org.daitu.vcmon.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The tests' one way to wait for a Vert.x future from a test thread. */
public final class Await {
  /** Long enough for an agent to start on a loaded machine; only a guard against a hang. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private Await() {}

  /** The future's result, waiting up to {@link #DEFAULT_TIMEOUT}. */
  public static <T> T await(Future<T> future) throws Exception {
    return await(future, DEFAULT_TIMEOUT);
  }

  /**
   * The future's result, waiting up to {@code timeout}. A failed future throws its cause as is
   * (an {@link Exception} or {@link Error}); one still pending at the limit fails the test.
   */
  public static <T> T await(Future<T> future, Duration timeout) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    } catch (TimeoutException e) {
      throw new AssertionError("future not complete within " + timeout.toMillis() + " ms: " + future, e);
    }
  }
}
