package org.daitu.vcmon.testing;

import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.store.SqliteStore;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.Transition;

/**
 * A child process for the store's crash test: records batches in a loop and prints
 * {@code committed N} once batch N's future has completed, until the test kills it with SIGKILL.
 *
 * <p>Batch N moves every site to DOWN when N is even and back to UP when N is odd, at time
 * {@link #START} plus N seconds, with reason {@code batch N}; so the test can tell from the store
 * which batches landed and how many incidents there must be.
 */
public final class StoreCrashWriter {
  public static final Instant START = Instant.parse("2020-08-01T00:00:00Z");
  public static final int SITES = 10;
  /** A bound in case the test that should kill us is gone. */
  static final int MAX_BATCHES = 20_000;

  private StoreCrashWriter() {}

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    SqliteStore store = new SqliteStore(vertx, Path.of(args[0]));
    await(store.open());
    for (int n = 0; n < MAX_BATCHES; n++) {
      await(store.record(batch(n), Map.of()));
      System.out.println("committed " + n);
      System.out.flush();
    }
    await(store.close());
    vertx.close();
  }

  public static List<Transition> batch(int n) {
    boolean down = n % 2 == 0;
    List<Transition> batch = new ArrayList<>();
    for (int s = 0; s < SITES; s++) {
      batch.add(
          new Transition(
              "site-" + s,
              down ? SiteState.UP : SiteState.DOWN,
              down ? SiteState.DOWN : SiteState.UP,
              START.plusSeconds(n),
              "batch " + n,
              true,
              false));
    }
    return batch;
  }
}
