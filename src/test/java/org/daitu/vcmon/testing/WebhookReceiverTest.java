package org.daitu.vcmon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The receiver on loopback: what it records, what it answers, and for how long. */
class WebhookReceiverTest {
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  WebhookReceiver receiver;

  @BeforeEach
  void start() throws Exception {
    receiver = WebhookReceiver.start("127.0.0.1");
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  int post(String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(receiver.url()))
        .timeout(Duration.ofSeconds(5))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void recordsEveryBodyAndCountsDeliveriesPerKey() throws Exception {
    assertThat(receiver.url()).startsWith("http://127.0.0.1:").endsWith("/hook");
    assertThat(post("{\"key\":\"site:a:DOWN:1\",\"resolved\":false}")).isEqualTo(204);
    assertThat(post("{\"key\":\"site:a:DOWN:1\",\"resolved\":false}")).isEqualTo(204);
    assertThat(post("{\"key\":\"site:a:UP:2\",\"resolved\":true}")).isEqualTo(204);
    assertThat(receiver.requests()).hasSize(3).allSatisfy(r -> assertThat(r.path()).isEqualTo("/hook"));
    assertThat(receiver.deliveriesPerKey()).containsExactly(
        java.util.Map.entry("site:a:DOWN:1", 2L), java.util.Map.entry("site:a:UP:2", 1L));
    assertThat(receiver.awaitDelivered(n -> n.getBoolean("resolved"), Duration.ofSeconds(1), "a recovery")
        .getString("key")).isEqualTo("site:a:UP:2");
  }

  @Test
  void answers503ForAWhileThenDeliversAgain() throws Exception {
    receiver.unavailableFor(Duration.ofMillis(400));
    assertThat(post("{\"key\":\"k1\"}")).isEqualTo(503);
    Thread.sleep(500);
    assertThat(post("{\"key\":\"k1\"}")).isEqualTo(204);
    assertThat(receiver.requests()).extracting(WebhookReceiver.Request::status).containsExactly(503, 204);
    assertThat(receiver.deliveriesPerKey()).containsEntry("k1", 1L);
    receiver.answerWith(500);
    assertThat(post("{\"key\":\"k2\"}")).isEqualTo(500);
    assertThat(receiver.delivered()).hasSize(1);
  }

  @Test
  void waitingForWhatNeverComesFailsNamingIt() {
    assertThatThrownBy(() -> receiver.awaitDelivered(n -> false, Duration.ofMillis(200), "a DOWN of site007"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("a DOWN of site007");
  }
}
