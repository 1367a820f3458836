package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.Secret;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceCalendar;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteType;
import org.daitu.vcmon.store.SqliteStore;
import org.daitu.vcmon.state.SiteTracker;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Hostile and broken clients against the real server on a loopback port: oversized heads and
 * bodies, traversal, malformed input, slow and surplus connections. Raw sockets where a client
 * library would clean the request up first. Every refusal must be a 4xx/5xx with a JSON reason,
 * never a stack trace, never a file from outside the webroot.
 */
class HttpHardeningTest {
  private static final String TOKEN = "hardening-test-token-0123456789";
  private static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
  private static final WebVerticle.Limits LIMITS =
      new WebVerticle.Limits(16 * 1024, 8 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(2), 4);

  @TempDir Path dir;
  Vertx vertx;
  SqliteStore store;
  int port;
  final List<String> bodies = new ArrayList<>();

  /** What the admin routes would write; nothing here is under test, the input checks are. */
  static class NoActions implements AdminActions {
    @Override
    public Future<Void> setStage(String siteId, RolloutStage stage) {
      return Future.succeededFuture();
    }

    @Override
    public List<MaintenanceWindow> maintenance() {
      return List.of();
    }

    @Override
    public Future<MaintenanceWindow> addMaintenance(MaintenanceWindow window) {
      return Future.succeededFuture(window);
    }

    @Override
    public Future<Boolean> removeMaintenance(long id) {
      return Future.succeededFuture(false);
    }

    @Override
    public Future<Optional<Incident>> acknowledge(long incidentId, String note) {
      return Future.succeededFuture(Optional.empty());
    }
  }

  /** One commune, ha-thuong, not checked yet. */
  static StateBoard oneSite(Clock clock) {
    Site site =
        new Site("ha-thuong", "05812", "Hà Thượng", SiteType.COMMUNE, "198.18.1.10", null, null,
            RolloutStage.CONNECTED, null);
    SiteTracker tracker = new SiteTracker(new Inventory(List.of(site)), WebVerticleTest.STATE, clock);
    return new StateBoard(tracker.snapshot(0));
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Clock clock = new ManualClock(Instant.parse("2020-08-01T07:00:00Z"));
    StateBoard board = oneSite(clock);
    store = new SqliteStore(vertx, dir.resolve("vcmon.db"));
    await(store.open());
    HistoryRoutes history =
        new HistoryRoutes(
            store, board, new AgentConfig.Rollout(30, LocalDate.of(2020, 8, 31)), ZONE, clock,
            () -> new MaintenanceCalendar(List.of(), ZONE));
    AdminRoutes admin = new AdminRoutes(Secret.of(TOKEN), new NoActions(), board, ZONE, clock);
    WebVerticle web =
        new WebVerticle(
            new AgentConfig.Http("127.0.0.1", 0), board,
            List::of, 30, "agent",
            List.of(history, admin), SiteEvents.MAX_STREAMS, SiteEvents.HEARTBEAT, LIMITS);
    await(vertx.deployVerticle(web));
    port = web.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    await(store.close());
    await(vertx.close());
    for (String body : bodies) {
      assertThat(body).doesNotContain("at org.").doesNotContain("at io.").doesNotContain("Exception");
    }
  }

  record Reply(int status, String head, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** Sends the bytes as written and reads until the server closes. */
  Reply raw(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return parse(readAll(s.getInputStream()));
    }
  }

  private Reply parse(String text) {
    int split = text.indexOf("\r\n\r\n");
    String head = split < 0 ? text : text.substring(0, split);
    String body = split < 0 ? "" : text.substring(split + 4);
    bodies.add(body);
    int status = head.matches("(?s)HTTP/1\\.[01] \\d{3}.*") ? Integer.parseInt(head.substring(9, 12)) : -1;
    return new Reply(status, head, body);
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  Reply get(String path) throws IOException {
    return raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  }

  Reply post(String path, String body, boolean withToken) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return raw(
        "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + (withToken ? "Authorization: Bearer " + TOKEN + "\r\n" : "")
            + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n"
            + body);
  }

  private static void assertJsonError(Reply r, int status) {
    assertThat(r.status()).as(r.head()).isEqualTo(status);
    assertThat(r.head()).containsIgnoringCase("Content-Type: application/json");
    assertThat(r.json().getString("error")).isNotBlank();
    assertThat(r.head()).contains("X-Content-Type-Options: nosniff");
  }

  @Test
  void oversizedHeadersAre431AsJson() throws IOException {
    Reply r =
        raw("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    assertJsonError(r, 431);
    assertThat(r.json().getString("error")).contains("16384 bytes");
  }

  @Test
  void overlongUrlIs414AsJson() throws IOException {
    assertJsonError(get("/" + "a".repeat(10_000)), 414);
  }

  @Test
  void garbageInsteadOfHttpIs400AsJson() throws IOException {
    Reply r = raw("\u0001\u0002 not http at all\r\n\r\n");
    assertThat(r.status()).isIn(400, -1);
    if (r.status() == 400) {
      assertJsonError(r, 400);
    }
  }

  @Test
  void bodyOverTheLimitOnAnAdminEndpointIs413AsJson() throws IOException {
    String big = "{\"note\": \"" + "x".repeat(20_000) + "\"}";
    assertJsonError(post("/api/v1/maintenance", big, true), 413);
  }

  @Test
  void malformedJsonOnAdminEndpointsIs400AsJson() throws IOException {
    for (String body : List.of("{not json", "[1, 2]", "\"text\"", "", "{\"site\": ")) {
      Reply r = post("/api/v1/maintenance", body, true);
      assertJsonError(r, 400);
      assertThat(r.json().getString("error")).as(body).contains("JSON");
    }
    assertJsonError(post("/api/v1/maintenance", "{not json", false), 401);
  }

  Reply put(String path, String body, String authorization) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return raw(
        "PUT " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
            + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n"
            + body);
  }

  @Test
  void fiveFailedAuthenticationsLockTheAddressOutEvenForTheRightToken() throws IOException {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger gateLog = (Logger) LoggerFactory.getLogger(AdminGate.class);
    gateLog.addAppender(logs);
    try {
      String wrong = TOKEN.substring(0, TOKEN.length() - 4) + "zzzz";
      for (int i = 0; i < 5; i++) {
        Reply r = put("/api/v1/sites/ha-thuong/rollout", "{\"stage\":\"connected\"}", i % 2 == 0 ? null : "Bearer " + wrong);
        assertJsonError(r, 401);
      }
      Reply locked = put("/api/v1/sites/ha-thuong/rollout", "{\"stage\":\"connected\"}", "Bearer " + TOKEN);
      assertJsonError(locked, 429);
      assertThat(locked.head()).contains("Retry-After: 300");
      assertThat(locked.json().getString("error")).contains("too many failed authentications");
      assertThat(get("/api/v1/sites").status()).as("reads stay open").isEqualTo(200);
    } finally {
      gateLog.detachAppender(logs);
    }
    List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).filteredOn(l -> l.contains("reason=missing")).hasSize(3);
    assertThat(lines).filteredOn(l -> l.contains("reason=invalid")).hasSize(2);
    assertThat(lines).filteredOn(l -> l.contains("reason=locked")).hasSize(1);
    assertThat(lines).anyMatch(l -> l.startsWith("Admin address locked out remote=127.0.0.1"));
    assertThat(lines)
        .allSatisfy(l -> assertThat(l).contains("remote=127.0.0.1").doesNotContain(TOKEN.substring(0, 8)).doesNotContain("zzzz"));
  }

  @Test
  void badQueryParametersAre400AsJson() throws IOException {
    for (String path :
        List.of(
            "/api/v1/incidents?open=maybe",
            "/api/v1/incidents?limit=-1",
            "/api/v1/incidents?limit=abc",
            "/api/v1/incidents?limit=99999999999999999999",
            "/api/v1/incidents?from=yesterday",
            "/api/v1/report.csv?month=2020-13",
            "/api/v1/report.csv",
            "/api/v1/availability?month=%zz",
            "/api/v1/sites/..%2F..%2Fetc")) {
      Reply r = get(path);
      assertThat(r.status()).as(path).isEqualTo(400);
      assertJsonError(r, 400);
    }
  }

  @Test
  void traversalNeverLeavesTheWebroot() throws IOException {
    for (String path :
        List.of(
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
            "/..%2f..%2f..%2fetc%2fpasswd",
            "/%252e%252e/%252e%252e/etc/passwd",
            "/webjars/../../../etc/passwd",
            "/webjars/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "/index.html/../../../../etc/passwd",
            "/..\\..\\..\\etc\\passwd",
            "/%00/etc/passwd")) {
      Reply r = get(path);
      assertThat(r.status()).as(path).isIn(400, 404);
      assertThat(r.body()).as(path).doesNotContain("root:");
      assertJsonError(r, r.status());
    }
  }

  @Test
  void everyResponseCarriesTheSecurityHeadersAndNoCors() throws IOException {
    for (String path : List.of("/", "/api/v1/sites", "/nope", "/healthz")) {
      Reply r =
          raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nOrigin: http://evil.example\r\n"
              + "Connection: close\r\n\r\n");
      assertThat(r.head())
          .as(path)
          .contains("X-Content-Type-Options: nosniff")
          .contains("X-Frame-Options: DENY")
          .contains("Referrer-Policy: no-referrer")
          .contains("Content-Security-Policy: ")
          .doesNotContainIgnoringCase("Access-Control-Allow");
    }
  }

  @Test
  void aClientSendingOneByteAtATimeIsCutOff() throws Exception {
    String request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(100);
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      long start = System.nanoTime();
      boolean cut = false;
      // 400 ms a byte: the idle timeout alone (30 s) would never fire.
      for (byte b : request.getBytes(StandardCharsets.ISO_8859_1)) {
        try {
          out.write(b);
          out.flush();
        } catch (IOException e) {
          cut = true;
          break;
        }
        if (closedByServer(s, 400)) {
          cut = true;
          break;
        }
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(cut).as("connection closed by the server").isTrue();
      assertThat(millis)
          .isGreaterThanOrEqualTo(LIMITS.headerTimeout().toMillis() - 100)
          .isLessThan(LIMITS.headerTimeout().toMillis() + 3_000);
    }
  }

  /** Waits up to {@code millis} for end of stream; false when the connection is still open. */
  private static boolean closedByServer(Socket s, int millis) throws IOException {
    s.setSoTimeout(millis);
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void connectionsBeyondTheCapGet503AsJson() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < LIMITS.maxConnections(); i++) {
        idle.add(new Socket("127.0.0.1", port));
      }
      Thread.sleep(200);
      Reply r = get("/healthz");
      assertJsonError(r, 503);
      assertThat(r.json().getString("error")).contains("too many connections");
      idle.remove(0).close();
      Thread.sleep(200);
      assertThat(get("/healthz").status()).isEqualTo(200);
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }
}
