package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.Secret;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.store.SqliteStore;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web layer with a real history store for the audit log: an acknowledgement made from a
 * session and a stage set with a bearer token are each recorded under their operator, the note as
 * the text it was.
 */
class AuditedWritesTest {
  static final String ADMIN = "audited-writes-admin-0123456789";
  static final String LAN = "audited-writes-lan-0123456789";

  @TempDir Path dir;
  Vertx vertx;
  SqliteStore store;
  int port;
  final HttpClient client = HttpClient.newHttpClient();

  /** Acknowledges incident 7 of ha-thuong; no other. */
  static final class AckSeven extends HttpHardeningTest.NoActions {
    @Override
    public Future<Optional<Incident>> acknowledge(long incidentId, String note) {
      if (incidentId != 7) {
        return Future.succeededFuture(Optional.empty());
      }
      Instant opened = Instant.parse("2020-08-01T06:00:00Z");
      return Future.succeededFuture(
          Optional.of(new Incident(7, "ha-thuong", SiteState.DOWN, opened, null, "no answer", null, opened, note)));
    }
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    store = new SqliteStore(vertx, dir.resolve("vcmon.db"));
    await(store.open());
    Clock clock = new ManualClock(Instant.parse("2020-08-01T07:00:00Z"));
    StateBoard board = HttpHardeningTest.oneSite(clock);
    AdminGate gate =
        new AdminGate(
            List.of(
                new AgentConfig.Operator("admin", Secret.of(ADMIN)),
                new AgentConfig.Operator("lan", Secret.of(LAN))),
            AuthFailureLimiter.Settings.DEFAULT, SessionBook.Settings.DEFAULT, false, clock, reason -> {});
    WebVerticle web =
        new WebVerticle(
            new AgentConfig.Http("127.0.0.1", 0), board, List::of, 30, "agent",
            List.of(
                new AdminRoutes(gate, store, new AckSeven(), board, ZoneId.of("Asia/Ho_Chi_Minh"), clock),
                new SessionRoutes(gate, store, clock)));
    await(vertx.deployVerticle(web));
    port = web.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    await(store.close());
    await(vertx.close());
  }

  HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void eachWriteIsAuditedUnderItsOperator() throws Exception {
    HttpResponse<String> in = send("POST", "/api/v1/session", "{\"token\": \"" + LAN + "\"}");
    assertThat(in.statusCode()).isEqualTo(200);
    String cookie = in.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    String csrf = new JsonObject(in.body()).getString("csrf");

    String note = "<img src=x onerror=alert(1)> đã báo VNPT";
    HttpResponse<String> ack =
        send("POST", "/api/v1/incidents/7/ack", new JsonObject().put("note", note).encode(),
            "Cookie", cookie, "X-CSRF-Token", csrf, "Origin", "http://127.0.0.1:" + port);
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
    HttpResponse<String> unknown =
        send("POST", "/api/v1/incidents/8/ack", new JsonObject().put("note", "x").encode(),
            "Cookie", cookie, "X-CSRF-Token", csrf);
    assertThat(unknown.statusCode()).as("not made: not audited").isEqualTo(404);
    HttpResponse<String> stage =
        send("PUT", "/api/v1/sites/ha-thuong/rollout", "{\"stage\": \"commissioned\"}", "Authorization", "Bearer " + ADMIN);
    assertThat(stage.statusCode()).isEqualTo(200);
    HttpResponse<String> refused =
        send("PUT", "/api/v1/sites/ha-thuong/rollout", "{\"stage\": \"planned\"}", "Cookie", cookie);
    assertThat(refused.statusCode()).as("no CSRF token").isEqualTo(403);

    HttpResponse<String> audit = send("GET", "/api/v1/audit", null, "Authorization", "Bearer " + LAN);
    assertThat(audit.statusCode()).isEqualTo(200);
    assertThat(audit.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
    JsonArray log = new JsonArray(audit.body());
    assertThat(log).hasSize(3);
    JsonObject first = log.getJsonObject(0);
    assertThat(first.getString("operator")).isEqualTo("admin");
    assertThat(first.getString("action")).isEqualTo("rollout.set");
    JsonObject second = log.getJsonObject(1);
    assertThat(second.getString("operator")).isEqualTo("lan");
    assertThat(second.getString("action")).isEqualTo("incident.ack");
    assertThat(second.getString("target")).isEqualTo("incident 7");
    assertThat(second.getString("detail")).isEqualTo("ha-thuong: " + note);
    assertThat(log.getJsonObject(2).getString("action")).isEqualTo("session.sign_in");
    assertThat(audit.body()).doesNotContain(LAN).doesNotContain(ADMIN).doesNotContain(csrf);
  }
}
