package org.daitu.vcmon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {
  @Test
  void returnsTheFirstValueThatIsDone() throws Exception {
    AtomicInteger n = new AtomicInteger();
    int seen = Poll.until(n::incrementAndGet, v -> v >= 3, Duration.ofSeconds(5), Duration.ofMillis(1), "three");
    assertThat(seen).isEqualTo(3);
  }

  @Test
  void aTimeoutNamesWhatWasAwaitedAndTheLastValue() {
    assertThatThrownBy(
            () -> Poll.until(() -> "DOWN", "UP"::equals, Duration.ofMillis(50), Duration.ofMillis(5), "alpha UP"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("not within 50 ms: alpha UP; last seen: DOWN");
    assertThatThrownBy(() -> Poll.until(() -> false, Duration.ofSeconds(0), "never"))
        .hasMessage("not within 0 s: never; last seen: false");
  }

  @Test
  void awaitReturnsTheResultAndRethrowsTheCause() throws Exception {
    assertThat(Await.await(Future.succeededFuture("ok"))).isEqualTo("ok");
    IOException cause = new IOException("boom");
    assertThatThrownBy(() -> Await.await(Future.failedFuture(cause))).isSameAs(cause);
    assertThatThrownBy(() -> Await.await(Promise.promise().future(), Duration.ofMillis(20)))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("future not complete within 20 ms");
  }
}
