package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin and history API of a real agent (real fping on loopback, real SQLite store): the
 * bearer token, every write, and the 4xx answers to bad input, with nothing stored for them.
 */
class AdminApiIT {
  static final String TOKEN = "it-admin-token-0123456789abcdef";
  static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
  static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");

  static Vertx vertx;
  static Agent agent;
  static WebClient client;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    HostTools.require(Path.of("/usr/bin/fping"));
    AgentConfig cfg = TestConfig.in(dir)
        .section("http", "{ host: 127.0.0.1, port: 0, admin_token_env: IT_TOKEN }")
        .section("probe", "{ interval: 2s, timeout: 500ms, recheck_interval: 1s }")
        .site("ha-thuong", "name: Hà Thượng, type: xã, address: 127.0.0.11")
        .site("cat-ne", "name: Cát Nê, type: xã, address: 127.0.0.12, rollout: { stage: planned }")
        .env("IT_TOKEN", TOKEN)
        .load();
    vertx = Vertx.vertx();
    agent = TestAgent.start(vertx, cfg).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
    waitFor("ha-thuong UP", s -> s.getString("state").equals("UP"), "ha-thuong");
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      agent.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  static HttpResponse<Buffer> send(HttpMethod method, String path, String token, Object body) throws Exception {
    HttpRequest<Buffer> req = client.request(method, agent.httpPort(), "127.0.0.1", path);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    var f = body == null ? req.send() : body instanceof JsonObject j ? req.sendJsonObject(j) : req.sendBuffer(Buffer.buffer(body.toString()));
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static HttpResponse<Buffer> get(String path) throws Exception {
    return send(HttpMethod.GET, path, null, null);
  }

  static JsonObject waitFor(String what, Predicate<JsonObject> condition, String site) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    JsonObject s = null;
    while (System.nanoTime() < end) {
      s = get("/api/v1/sites/" + site).bodyAsJsonObject();
      if (condition.test(s)) {
        return s;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not within 20s: " + what + "; last: " + s);
  }

  static String local(Duration fromNow) {
    return LocalDateTime.now(ZONE).plus(fromNow).format(LOCAL);
  }

  @Nested
  class Auth {
    @Test
    void writesNeedTheToken() throws Exception {
      JsonObject body = new JsonObject().put("stage", "commissioned");
      HttpResponse<Buffer> none = send(HttpMethod.PUT, "/api/v1/sites/ha-thuong/rollout", null, body);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.getHeader("WWW-Authenticate")).startsWith("Bearer");
      assertThat(none.bodyAsJsonObject().getString("error")).isEqualTo("a valid bearer token or a signed-in session is required for writes");
      HttpResponse<Buffer> wrong = send(HttpMethod.PUT, "/api/v1/sites/ha-thuong/rollout", TOKEN + "x", body);
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(get("/api/v1/sites/ha-thuong").bodyAsJsonObject().getJsonObject("rollout").getString("stage"))
          .as("nothing changed").isNotEqualTo("commissioned");
      assertThat(wrong.bodyAsString()).doesNotContain(TOKEN);
    }
  }

  @Test
  void stageChangesApplyAtOnceAndPlannedSitesComeAlive() throws Exception {
    HttpResponse<Buffer> ok =
        send(HttpMethod.PUT, "/api/v1/sites/cat-ne/rollout", TOKEN, new JsonObject().put("stage", "installed"));
    assertThat(ok.statusCode()).isEqualTo(200);
    waitFor("cat-ne judged once installed", s -> s.getString("state").equals("UP"), "cat-ne");
    JsonObject rollout = get("/api/v1/rollout").bodyAsJsonObject();
    assertThat(rollout.getJsonObject("stages").getInteger("planned")).isZero();
    assertThat(rollout.getInteger("connected")).isEqualTo(2);
    HttpResponse<Buffer> bad =
        send(HttpMethod.PUT, "/api/v1/sites/cat-ne/rollout", TOKEN, new JsonObject().put("stage", "done"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("error")).contains("planned, installed, connected or commissioned");
    assertThat(send(HttpMethod.PUT, "/api/v1/sites/nowhere/rollout", TOKEN, new JsonObject().put("stage", "installed")).statusCode())
        .isEqualTo(404);
    HttpResponse<Buffer> malformed = send(HttpMethod.PUT, "/api/v1/sites/cat-ne/rollout", TOKEN, "{not json");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.bodyAsJsonObject().getString("error")).startsWith("the body must be a JSON object");
  }

  @Test
  void maintenanceWindowsFromTheApi() throws Exception {
    JsonObject inverted =
        new JsonObject().put("site", "ha-thuong").put("start", local(Duration.ofHours(2))).put("end", local(Duration.ofHours(1)));
    HttpResponse<Buffer> r = send(HttpMethod.POST, "/api/v1/maintenance", TOKEN, inverted);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("end must be after start");
    assertThat(get("/api/v1/maintenance").bodyAsJsonObject().getJsonArray("windows")).isEmpty();

    JsonObject now =
        new JsonObject().put("site", "ha-thuong").put("start", local(Duration.ofMinutes(-5))).put("end", local(Duration.ofHours(1))).put("note", "thay codec");
    HttpResponse<Buffer> created = send(HttpMethod.POST, "/api/v1/maintenance", TOKEN, now);
    assertThat(created.statusCode()).isEqualTo(201);
    long id = created.bodyAsJsonObject().getLong("id");
    JsonObject site = waitFor("ha-thuong in MAINTENANCE", s -> s.getString("state").equals("MAINTENANCE"), "ha-thuong");
    assertThat(site.getString("reason")).isEqualTo("maintenance window " + id + ": thay codec");

    HttpResponse<Buffer> overlap = send(HttpMethod.POST, "/api/v1/maintenance", TOKEN, now.copy().put("note", "again"));
    assertThat(overlap.statusCode()).isEqualTo(400);
    assertThat(overlap.bodyAsJsonObject().getString("error")).contains("overlaps");
    assertThat(get("/api/v1/maintenance").bodyAsJsonObject().getJsonArray("windows")).hasSize(1);

    assertThat(send(HttpMethod.DELETE, "/api/v1/maintenance/" + id, TOKEN, null).statusCode()).isEqualTo(204);
    waitFor("ha-thuong back UP", s -> s.getString("state").equals("UP"), "ha-thuong");
    assertThat(send(HttpMethod.DELETE, "/api/v1/maintenance/" + id, TOKEN, null).statusCode()).isEqualTo(404);
  }

  @Test
  void acknowledgingAnUnknownIncidentIs404() throws Exception {
    HttpResponse<Buffer> r = send(HttpMethod.POST, "/api/v1/incidents/999/ack", TOKEN, new JsonObject().put("note", "đang xử lý"));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(send(HttpMethod.POST, "/api/v1/incidents/1/ack", TOKEN, new JsonObject()).statusCode()).isEqualTo(400);
  }

  @Test
  void readsAnswerBadInputWithJson4xx() throws Exception {
    assertThat(get("/api/v1/incidents?site=nowhere").statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/incidents?from=yesterday").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/incidents?open=maybe").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/incidents?limit=0").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/availability?month=2020-13").statusCode()).isEqualTo(400);
    HttpResponse<Buffer> noData = get("/api/v1/availability?month=2019-01");
    assertThat(noData.statusCode()).isEqualTo(404);
    assertThat(noData.bodyAsJsonObject().getString("error")).startsWith("no data for 2019-01");
    assertThat(get("/api/v1/availability?month=2999-01").statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/report.csv").statusCode()).isEqualTo(400);
  }

  @Test
  void theMonthlyReportOpensInASpreadsheet() throws Exception {
    String month = LocalDateTime.now(ZONE).format(DateTimeFormatter.ofPattern("yyyy-MM"));
    HttpResponse<Buffer> r = get("/api/v1/report.csv?month=" + month);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).isEqualTo("text/csv; charset=utf-8");
    assertThat(r.getHeader("Content-Disposition")).contains("vcmon-report-" + month + ".csv");
    byte[] bytes = r.body().getBytes();
    assertThat(bytes[0]).isEqualTo((byte) 0xEF);
    String text = r.bodyAsString("UTF-8");
    assertThat(text).contains("\r\n").contains(",ha-thuong,Hà Thượng,xã,");
    JsonObject availability = get("/api/v1/availability?month=" + month).bodyAsJsonObject();
    assertThat(availability.getJsonArray("sites").getJsonObject(0).getString("id")).isEqualTo("ha-thuong");
  }
}
