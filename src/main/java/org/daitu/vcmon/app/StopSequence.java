package org.daitu.vcmon.app;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stop as ordered steps, each bounded in time: a step that fails or does not end within its
 * limit is logged and left behind, and the next one starts, so that a hung peer (a disk, a
 * webhook, a probe) cannot keep vcmon from exiting. {@link #run()} never fails, and ends within
 * {@link #limit()}. Nothing blocks: each step is a future.
 */
final class StopSequence {
  private static final Logger log = LoggerFactory.getLogger(StopSequence.class);

  private record Step(String name, Duration limit, Supplier<Future<?>> action) {}

  private final Vertx vertx;
  private final List<Step> steps = new ArrayList<>();

  StopSequence(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Adds a step, run once the previous one ended or ran out of time. */
  StopSequence then(String name, Duration limit, Supplier<Future<?>> action) {
    steps.add(new Step(name, limit, action));
    return this;
  }

  /** The longest the whole sequence can take: the sum of the steps' limits. */
  Duration limit() {
    return steps.stream().map(Step::limit).reduce(Duration.ZERO, Duration::plus);
  }

  Future<Void> run() {
    Future<Void> chain = Future.succeededFuture();
    for (Step step : steps) {
      chain = chain.compose(v -> bounded(step));
    }
    return chain;
  }

  private Future<Void> bounded(Step step) {
    Promise<Void> ended = Promise.promise();
    long started = System.nanoTime();
    long timer =
        vertx.setTimer(
            Math.max(1, step.limit().toMillis()),
            id -> {
              if (ended.tryComplete()) {
                log.warn(
                    "Stop step did not end in time, going on step=\"{}\" limit_seconds={}",
                    step.name(),
                    step.limit().toMillis() / 1000.0);
              }
            });
    Future<?> action;
    try {
      action = step.action().get();
    } catch (RuntimeException e) {
      action = Future.failedFuture(e);
    }
    action.onComplete(
        ar -> {
          vertx.cancelTimer(timer);
          if (!ended.tryComplete()) {
            return; // already timed out and reported
          }
          if (ar.failed()) {
            log.warn("Stop step failed, going on step=\"{}\" error=\"{}\"", step.name(), ar.cause().toString());
          } else {
            log.debug("Stop step done step=\"{}\" seconds={}", step.name(), (System.nanoTime() - started) / 1e9);
          }
        });
    return ended.future();
  }
}
