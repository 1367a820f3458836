package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteType;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.state.SiteTracker;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.state.Transition;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live feed ({@code GET /api/v1/events}) and the page's security headers, over real HTTP:
 * transitions published on another thread arrive as one server-sent event with the changed
 * sites, heartbeats keep the stream alive, and the number of streams is bounded.
 */
class SiteEventsTest {
  final ManualClock clock = new ManualClock(Instant.parse("2020-08-01T07:00:00Z"));
  final Site hungSon =
      new Site("hung-son", "05761", "Hùng Sơn", SiteType.TOWN, "198.18.1.10", null, null,
          RolloutStage.CONNECTED, null);
  final Site catNe =
      new Site("cat-ne", "05848", "Cát Nê", SiteType.COMMUNE, "198.18.1.11", null, null,
          RolloutStage.CONNECTED, null);
  Vertx vertx;
  HttpClient http;
  WebVerticle web;
  SiteTracker tracker;
  StateBoard board;
  long version;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    tracker = new SiteTracker(new Inventory(List.of(hungSon, catNe)), WebVerticleTest.STATE, clock);
    board = new StateBoard(tracker.snapshot(0));
    web =
        new WebVerticle(
            new AgentConfig.Http("127.0.0.1", 0),
            board,
            List::of,
            30,
            "agent",
            List.of(),
            2,
            Duration.ofMillis(300),
            WebVerticle.Limits.DEFAULT);
    await(vertx.deployVerticle(web));
    http = vertx.createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void aStateChangeArrivesAsOneEventWithTheChangedSite() throws Exception {
    Received received = new Received();
    HttpClientResponse response = openStream(received);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("text/event-stream; charset=utf-8");
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-cache");
    assertThat(received.readUntil("\n\n")).startsWith("retry: 3000\n: connected");

    // Published from a thread of the test, as the monitor publishes from its own.
    List<Transition> up = checkBothUp();
    assertThat(up).hasSize(2);
    board.publish(tracker.snapshot(++version), up);

    String frame = received.readUntil("event: transitions");
    String event = frame + received.readUntil("\n\n");
    String data = event.lines().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow();
    JsonObject body = new JsonObject(data.substring("data: ".length()));
    assertThat(event).contains("id: " + version + "\n");
    assertThat(body.getJsonArray("transitions").getJsonObject(0).getString("to")).isEqualTo("UP");
    assertThat(body.getJsonArray("sites")).hasSize(2);
    JsonObject site = body.getJsonArray("sites").getJsonObject(0);
    assertThat(site.getString("name")).isEqualTo("Hùng Sơn");
    assertThat(site.getString("state")).isEqualTo("UP");
    assertThat(body.getJsonObject("summary").getInteger("online")).isEqualTo(2);
    assertThat(body.getJsonObject("summary").getInteger("target")).isEqualTo(30);
  }

  @Test
  void aSnapshotWithoutTransitionsSendsNothingButHeartbeatsFlow() throws Exception {
    Received received = new Received();
    openStream(received);
    received.readUntil(": connected");

    board.publish(tracker.snapshot(++version), List.of());

    String next = received.readUntil(": heartbeat\n\n");
    assertThat(next).doesNotContain("event:");
  }

  @Test
  void streamsBeyondTheBoundAre503() throws Exception {
    openStream(new Received());
    openStream(new Received());

    HttpResponse<Buffer> third =
        await(WebClient.create(vertx).get(web.actualPort(), "127.0.0.1", "/api/v1/events").send());

    assertThat(third.statusCode()).isEqualTo(503);
    assertThat(third.getHeader("Retry-After")).isEqualTo("30");
    assertThat(third.bodyAsJsonObject().getString("error"))
        .isEqualTo("too many open event streams (2); close other status pages or try again later");
  }

  @Test
  void thePageAndItsAssetsComeWithTheSecurityHeaders() throws Exception {
    WebClient client = WebClient.create(vertx);
    for (String path : List.of("/", "/app.js", "/text.js", "/site.js", "/favicon.svg", "/app.css", "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js")) {
      HttpResponse<Buffer> r = await(client.get(web.actualPort(), "127.0.0.1", path).send());
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.getHeader("Content-Security-Policy")).as(path).startsWith("default-src 'self';");
      assertThat(r.getHeader("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
    }
    String page = await(client.get(web.actualPort(), "127.0.0.1", "/").send()).bodyAsString();
    // No inline script or style: the policy would refuse them.
    assertThat(page).doesNotContain("<style").doesNotContain("style=").doesNotContain("onclick");
    assertThat(page.replace("<script src=", "")).doesNotContain("<script");
    assertThat(page).doesNotContain("http://").doesNotContain("https://");
  }

  private List<Transition> checkBothUp() {
    List<Transition> all = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      clock.advance(Duration.ofSeconds(10));
      IcmpResult r = IcmpResult.measured(5, new double[] {0.020, 0.022, 0.021, 0.020, 0.023});
      all.addAll(tracker.apply(new SiteCheck("hung-son", clock.instant(), Duration.ofSeconds(1), r, null)));
      all.addAll(tracker.apply(new SiteCheck("cat-ne", clock.instant(), Duration.ofSeconds(1), r, null)));
    }
    return all;
  }

  private HttpClientResponse openStream(Received received) throws Exception {
    return await(
        http.request(HttpMethod.GET, web.actualPort(), "127.0.0.1", "/api/v1/events")
            .compose(req -> req.send())
            .map(
                resp -> {
                  resp.handler(received::add);
                  return resp;
                }));
  }

  /** What one stream received; read in order, each read consuming up to its marker. */
  static final class Received {
    private final StringBuilder text = new StringBuilder();
    private int consumed;

    synchronized void add(Buffer chunk) {
      text.append(chunk.toString());
      notifyAll();
    }

    /** Everything not yet read, up to and including {@code marker}, waiting at most 5 s. */
    synchronized String readUntil(String marker) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      int at;
      while ((at = text.indexOf(marker, consumed)) < 0) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("not received within 5s: " + marker + "; got: " + text.substring(consumed));
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      String out = text.substring(consumed, at + marker.length());
      consumed = at + marker.length();
      return out;
    }
  }
}
