package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.ConfigLoader;
import org.daitu.vcmon.config.ReloadPlan;
import org.daitu.vcmon.config.ReloadResult;
import org.daitu.vcmon.output.metrics.AgentMetrics;
import org.daitu.vcmon.state.StateSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reload sequence itself, with a recording apply step: one at a time, bad files change nothing. */
class ReloaderTest {
  static final String ONE_SITE = "sites:\n  - { id: a, name: A, type: xã, address: 127.0.0.2 }\n";
  static final String TWO_SITES = ONE_SITE + "  - { id: b, name: B, type: xã, address: 127.0.0.3 }\n";

  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final List<ReloadPlan> applied = new ArrayList<>();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger overlaps = new AtomicInteger();

  @AfterEach
  void close() {
    vertx.close();
  }

  Reloader reloader(Path file) throws Exception {
    AgentConfig initial = ConfigLoader.load(file, Map.of());
    AgentMetrics metrics =
        new AgentMetrics(
            registry,
            () -> new StateSnapshot(Clock.systemUTC().instant(), List.of(), 0, null),
            initial.rollout(),
            initial.zone(),
            "test");
    return new Reloader(vertx, file, initial, this::slowApply, metrics, Clock.systemUTC());
  }

  /** An apply step that takes a while and notes whether another one ran meanwhile. */
  Future<Void> slowApply(ReloadPlan plan) {
    if (running.incrementAndGet() > 1) {
      overlaps.incrementAndGet();
    }
    Promise<Void> done = Promise.promise();
    vertx.setTimer(50, id -> {
      applied.add(plan);
      running.decrementAndGet();
      done.complete();
    });
    return done.future();
  }

  @Test
  void reloadsRunOneAtATimeInTheOrderAsked() throws Exception {
    Path file = dir.resolve("vcmon.yaml");
    Files.writeString(file, ONE_SITE);
    Reloader reloader = reloader(file);
    Files.writeString(file, TWO_SITES);
    List<Future<ReloadResult>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(reloader.reload("test"));
    }
    for (Future<ReloadResult> r : results) {
      assertThat(await(r).outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
    }
    assertThat(overlaps.get()).as("apply steps that overlapped").isZero();
    assertThat(applied).hasSize(5);
    // Each plan is made against what the previous one put in force: only the first adds b.
    assertThat(applied.get(0).added()).containsExactly("b");
    assertThat(applied.subList(1, 5)).allSatisfy(p -> {
      assertThat(p.added()).isEmpty();
      assertThat(p.applied()).isEmpty();
    });
    assertThat(registry.scrape()).contains("vcmon_config_reloads_total{result=\"ok\"} 5.0");
  }

  @Test
  void aBadFileIsNotAppliedAndTheNextGoodOneIsPlannedAgainstTheOldConfig() throws Exception {
    Path file = dir.resolve("vcmon.yaml");
    Files.writeString(file, ONE_SITE);
    Reloader reloader = reloader(file);
    Files.writeString(file, "sites:\n  - { id: a, name: A, type: xã, address: 127.0.0.2, parent: nobody }\n");
    ReloadResult bad = await(reloader.reload("test"));
    assertThat(bad.outcome()).isEqualTo(ReloadResult.Outcome.REJECTED);
    assertThat(bad.problems()).singleElement().satisfies(p -> assertThat(p.render()).startsWith("sites[0].parent (line 2): unknown parent"));
    assertThat(applied).isEmpty();
    assertThat(registry.scrape())
        .contains("vcmon_config_reloads_total{result=\"failed\"} 1.0")
        .contains("vcmon_config_last_reload_success 0.0");
    Files.delete(file);
    assertThat(await(reloader.reload("test")).outcome()).as("an unreadable file").isEqualTo(ReloadResult.Outcome.REJECTED);
    Files.writeString(file, TWO_SITES);
    assertThat(await(reloader.reload("test")).outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
    assertThat(applied).singleElement().satisfies(p -> assertThat(p.added()).containsExactly("b"));
    assertThat(registry.scrape()).contains("vcmon_config_last_reload_success 1.0");
  }

  @Test
  void withoutAFileThereIsNothingToReload() throws Exception {
    Path file = dir.resolve("vcmon.yaml");
    Files.writeString(file, ONE_SITE);
    AgentConfig initial = ConfigLoader.load(file, Map.of());
    AgentMetrics metrics =
        new AgentMetrics(registry, () -> null, initial.rollout(), initial.zone(), "test");
    Reloader demo = new Reloader(vertx, null, initial, this::slowApply, metrics, Clock.systemUTC());
    assertThat(demo.unavailableReason()).hasValueSatisfying(r -> assertThat(r).contains("--demo"));
    assertThat(await(demo.reload("sighup")).outcome()).isEqualTo(ReloadResult.Outcome.UNAVAILABLE);
    assertThat(applied).isEmpty();
  }
}
