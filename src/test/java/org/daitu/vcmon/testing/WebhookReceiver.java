package org.daitu.vcmon.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real HTTP webhook receiver for integration tests (the JDK's server, no Vert.x, so it shares
 * nothing with the agents): records every request it gets, in order, and answers 204, or the
 * status a test set ({@link #answerWith}, {@link #unavailableFor}) so that deliveries fail and
 * queue in the agents' outboxes.
 *
 * <p>For agents in a {@link NetnsFleet}'s vantages, bind it to {@link NetnsFleet#rootAddress()}
 * while the fleet is up: the vantages reach that address through the core.
 *
 * <p>Thread-safe: requests are recorded from the server's threads and read from the test's.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** One request as received: its body (a notification, with its {@code key}) and the answer. */
  public record Request(Instant at, String path, String body, int status) {
    /** The body as JSON; an empty object when it is not JSON. */
    public JsonObject json() {
      try {
        return new JsonObject(body);
      } catch (RuntimeException e) {
        return new JsonObject();
      }
    }

    /** The notification's idempotency key, or null. */
    public String key() {
      return json().getString("key");
    }

    public boolean delivered() {
      return status / 100 == 2;
    }
  }

  private final HttpServer server;
  private final ExecutorService threads;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 204;
  /** 503 until System.nanoTime() passes this; "now" at the start means never. */
  private volatile long unavailableUntil = System.nanoTime();

  private WebhookReceiver(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** Listens on {@code host} at a free port; any path is accepted. */
  public static WebhookReceiver start(String host) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, 0), 50);
    ExecutorService threads =
        Executors.newFixedThreadPool(4, r -> {
          Thread t = new Thread(r, "webhook-receiver");
          t.setDaemon(true); // never keeps a test JVM alive
          return t;
        });
    WebhookReceiver receiver = new WebhookReceiver(server, threads);
    server.createContext("/", receiver::handle);
    server.setExecutor(threads);
    server.start();
    return receiver;
  }

  /** The URL to configure as a webhook: {@code http://host:port/hook}. */
  public String url() {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort()
        + "/hook";
  }

  /** Answers every request from now on with {@code httpStatus} (204 again: deliveries succeed). */
  public void answerWith(int httpStatus) {
    this.status = httpStatus;
    this.unavailableUntil = System.nanoTime();
  }

  /** Answers 503 for {@code period} from now, then its usual status again. */
  public void unavailableFor(Duration period) {
    this.unavailableUntil = System.nanoTime() + period.toNanos();
  }

  /** Every request so far, in arrival order, whatever it was answered. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The bodies of the requests answered 2xx, in order. */
  public List<JsonObject> delivered() {
    return requests.stream().filter(Request::delivered).map(Request::json).toList();
  }

  /** How many times each key was delivered (answered 2xx), in order of first delivery. */
  public Map<String, Long> deliveriesPerKey() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Request r : requests) {
      if (r.delivered()) {
        counts.merge(String.valueOf(r.key()), 1L, Long::sum);
      }
    }
    return counts;
  }

  /**
   * Waits for a delivered notification accepted by {@code what} and returns it; fails after
   * {@code limit} naming what was awaited and what did arrive.
   */
  public JsonObject awaitDelivered(Predicate<JsonObject> what, Duration limit, String description)
      throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (true) {
      for (JsonObject body : delivered()) {
        if (what.test(body)) {
          return body;
        }
      }
      if (System.nanoTime() - end >= 0) {
        throw new AssertionError("not delivered within " + limit.toSeconds() + " s: " + description
            + "; delivered so far: " + delivered());
      }
      Thread.sleep(100);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      int answer = System.nanoTime() - unavailableUntil < 0 ? 503 : status;
      requests.add(new Request(Instant.now(), exchange.getRequestURI().getPath(), body, answer));
      exchange.sendResponseHeaders(answer, -1);
    }
  }

  /** Stops listening, closing open connections at once. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
