package org.daitu.vcmon.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The integration tests' view of a running vcmon: plain HTTP calls from the test thread (never an
 * event loop), and polling until the API shows what a test waits for.
 */
public final class ApiClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String host;
  private final int port;

  /** A client of the agent's API on loopback. */
  public ApiClient(int port) {
    this("127.0.0.1", port);
  }

  /** A client of an agent listening elsewhere (a fleet vantage's address). */
  public ApiClient(String host, int port) {
    this.host = host;
    this.port = port;
  }

  public HttpResponse<String> send(String method, String path, String token, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send("GET", path, null, null);
  }

  /** GET a JSON object; fails unless the answer is 200. */
  public JsonObject json(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = get(path);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  public JsonObject sites() throws IOException, InterruptedException {
    return json("/api/v1/sites");
  }

  /** The seconds until /api/v1/sites satisfied the condition; fails after the limit. */
  public double waitFor(String what, Duration limit, Predicate<JsonObject> condition) throws InterruptedException {
    long start = System.nanoTime();
    JsonObject last = null;
    while (System.nanoTime() - start < limit.toNanos()) {
      try {
        last = sites();
        if (condition.test(last)) {
          return (System.nanoTime() - start) / 1e9;
        }
      } catch (IOException e) {
        // not listening (yet, or again)
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not within " + limit.toSeconds() + "s: " + what + "; last answer: " + last);
  }

  public static Optional<JsonObject> site(JsonObject body, String id) {
    return body.getJsonArray("sites").stream()
        .map(JsonObject.class::cast)
        .filter(s -> s.getString("id").equals(id))
        .findFirst();
  }

  public static Predicate<JsonObject> state(String id, String state) {
    return body -> site(body, id).map(s -> s.getString("state").equals(state)).orElse(false);
  }

  public static long count(JsonObject body, String state) {
    JsonArray sites = body.getJsonArray("sites");
    return sites.stream().map(JsonObject.class::cast).filter(s -> s.getString("state").equals(state)).count();
  }

  /** Sleeps in small steps; for tests that watch the API over a fixed period. */
  public static void pause(long millis) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(millis);
  }
}
