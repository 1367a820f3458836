package org.daitu.vcmon;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.PackagedAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operators signing in to the packaged agent, run as a process with their tokens in its
 * environment: the session cookie and what it may do, the CSRF token and the origin check, the
 * lockout, signing out, an operator removed by a reload, a restart, and the audit log of it all
 * (kept in the history store, so it outlives the restart that ends the sessions).
 */
class SessionIT {
  static final String ADMIN = "session-it-admin-token-0123456789";
  static final String LAN = "session-it-lan-token-0123456789";
  static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  @TempDir Path dir;
  Vertx vertx;
  WebClient client;
  Process vcmon;
  Path cfg;
  int port;

  @AfterEach
  void stop() throws Exception {
    if (vcmon != null) {
      vcmon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  String config(String operators) {
    return "http:\n"
        + "  host: 127.0.0.1\n"
        + "  port: " + port + "\n"
        + "  admin_token_env: VCMON_IT_ADMIN\n"
        + operators
        + "probe: { interval: 5s, timeout: 500ms }\n"
        + "store: { path: history.db }\n"
        + "sites:\n"
        + "  - { id: ha-thuong, name: Hà Thượng, type: xã, address: 127.0.94.2 }\n";
  }

  void startAgent() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(java, "-jar", PackagedAgent.JAR.toAbsolutePath().toString(), "--config", cfg.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("vcmon.log").toFile()));
    pb.environment().put("VCMON_IT_ADMIN", ADMIN);
    pb.environment().put("VCMON_IT_LAN", LAN);
    vcmon = pb.start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      try {
        if (send(HttpMethod.GET, "/healthz", Map.of(), null).statusCode() == 200) {
          return;
        }
      } catch (Exception notYet) {
        // not listening yet
      }
      assertThat(vcmon.isAlive()).as("vcmon runs; its log: %s", log()).isTrue();
      Thread.sleep(200);
    }
    throw new AssertionError("vcmon did not answer within 30 s; its log: " + log());
  }

  String log() throws Exception {
    return Files.readString(dir.resolve("vcmon.log"));
  }

  HttpResponse<Buffer> send(HttpMethod method, String path, Map<String, String> headers, JsonObject body)
      throws Exception {
    return send(client, method, path, headers, body);
  }

  HttpResponse<Buffer> send(
      WebClient with, HttpMethod method, String path, Map<String, String> headers, JsonObject body) throws Exception {
    HttpRequest<Buffer> req = with.request(method, port, "127.0.0.1", path);
    headers.forEach(req::putHeader);
    var f = body == null ? req.send() : req.sendJsonObject(body);
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  /** What vcmon's own page sends with a write: the cookie, its origin and the CSRF token. */
  Map<String, String> page(Session s) {
    return Map.of(
        "Cookie", s.cookie, "Origin", "http://127.0.0.1:" + port, "Sec-Fetch-Site", "same-origin",
        "X-CSRF-Token", s.csrf);
  }

  record Session(String operator, String cookie, String csrf, String setCookie) {}

  Session signIn(String token) throws Exception {
    HttpResponse<Buffer> r =
        send(HttpMethod.POST, "/api/v1/session", Map.of("Origin", "http://127.0.0.1:" + port),
            new JsonObject().put("token", token));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    List<String> set = r.cookies();
    assertThat(set).hasSize(1);
    String setCookie = set.get(0);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    JsonObject body = r.bodyAsJsonObject();
    return new Session(body.getString("operator"), cookie, body.getString("csrf"), setCookie);
  }

  JsonObject maintenance(String site) {
    LocalDateTime now = LocalDateTime.now(ZoneId.of("Asia/Ho_Chi_Minh"));
    return new JsonObject()
        .put("site", site)
        .put("start", now.plusHours(1).format(LOCAL))
        .put("end", now.plusHours(2).format(LOCAL))
        .put("note", "<b>đổi switch</b>");
  }

  int windows() throws Exception {
    return send(HttpMethod.GET, "/api/v1/maintenance", Map.of(), null).bodyAsJsonObject().getJsonArray("windows").size();
  }

  JsonArray audit() throws Exception {
    HttpResponse<Buffer> r = send(HttpMethod.GET, "/api/v1/audit?limit=50", bearer(ADMIN), null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonArray();
  }

  static String line(Object entry) {
    JsonObject e = (JsonObject) entry;
    return e.getString("operator") + " " + e.getString("action") + " " + e.getString("target");
  }

  @Test
  void operatorsSignInActWithTheCookieOnlyFromTheirOwnPagesAndEveryWriteIsAudited() throws Exception {
    PackagedAgent.requireBuilt();
    HostTools.require("fping");
    port = PackagedAgent.freePort();
    cfg = dir.resolve("vcmon.yaml");
    Files.writeString(cfg, config("  operators:\n    - { name: lan, token_env: VCMON_IT_LAN }\n"));
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    startAgent();

    // A wrong token is refused, and five lock the address out (another loopback address here).
    WebClient guesser = WebClient.create(vertx, new WebClientOptions().setLocalAddress("127.0.94.66"));
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> wrong =
          send(guesser, HttpMethod.POST, "/api/v1/session", Map.of(), new JsonObject().put("token", LAN + "x"));
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.cookies()).as("no cookie for a wrong token").isEmpty();
      assertThat(wrong.bodyAsString()).doesNotContain(LAN);
    }
    HttpResponse<Buffer> locked =
        send(guesser, HttpMethod.POST, "/api/v1/session", Map.of(), new JsonObject().put("token", LAN));
    assertThat(locked.statusCode()).as("locked out, even with the right token").isEqualTo(429);
    assertThat(locked.getHeader("Retry-After")).isNotNull();
    assertThat(locked.cookies()).isEmpty();

    // The right token: a session cookie with the required attributes (plain HTTP: not Secure).
    Session lan = signIn(LAN);
    assertThat(lan.operator()).isEqualTo("lan");
    assertThat(lan.csrf()).hasSizeGreaterThanOrEqualTo(32);
    assertThat(lan.setCookie()).startsWith("vcmon_session=").doesNotContain(LAN);
    // Attribute names are case-insensitive (RFC 6265).
    assertThat(lan.setCookie().toLowerCase(Locale.ROOT))
        .contains("; path=/", "; httponly", "; samesite=strict", "; max-age=604800")
        .doesNotContain("secure");
    JsonObject who = send(HttpMethod.GET, "/api/v1/session", Map.of("Cookie", lan.cookie()), null).bodyAsJsonObject();
    assertThat(who.getString("operator")).isEqualTo("lan");
    assertThat(who.getString("csrf")).isEqualTo(lan.csrf());
    assertThat(send(HttpMethod.GET, "/api/v1/session", Map.of(), null).statusCode()).isEqualTo(401);

    // With the cookie but without the CSRF header: refused, nothing stored.
    HttpResponse<Buffer> noCsrf =
        send(HttpMethod.POST, "/api/v1/maintenance",
            Map.of("Cookie", lan.cookie(), "Origin", "http://127.0.0.1:" + port), maintenance("ha-thuong"));
    assertThat(noCsrf.statusCode()).isEqualTo(403);
    assertThat(noCsrf.bodyAsJsonObject().getString("error")).contains("X-CSRF-Token");
    HttpResponse<Buffer> wrongCsrf =
        send(HttpMethod.POST, "/api/v1/maintenance",
            Map.of("Cookie", lan.cookie(), "X-CSRF-Token", lan.csrf() + "x"), maintenance("ha-thuong"));
    assertThat(wrongCsrf.statusCode()).isEqualTo(403);
    // From another origin, CSRF token or not: refused.
    HttpResponse<Buffer> crossOrigin =
        send(HttpMethod.POST, "/api/v1/maintenance",
            Map.of("Cookie", lan.cookie(), "Origin", "http://evil.example", "X-CSRF-Token", lan.csrf()),
            maintenance("ha-thuong"));
    assertThat(crossOrigin.statusCode()).isEqualTo(403);
    assertThat(crossOrigin.bodyAsJsonObject().getString("error")).contains("another origin");
    HttpResponse<Buffer> crossSite =
        send(HttpMethod.POST, "/api/v1/maintenance",
            Map.of("Cookie", lan.cookie(), "Sec-Fetch-Site", "cross-site", "X-CSRF-Token", lan.csrf()),
            maintenance("ha-thuong"));
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(windows()).as("nothing stored by the refused writes").isZero();

    // From the page, with the CSRF token: done, and audited under lan.
    HttpResponse<Buffer> added = send(HttpMethod.POST, "/api/v1/maintenance", page(lan), maintenance("ha-thuong"));
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
    long windowId = added.bodyAsJsonObject().getLong("id");
    // The bearer token keeps working, audited under its operator.
    assertThat(
            send(HttpMethod.PUT, "/api/v1/sites/ha-thuong/rollout", bearer(ADMIN), new JsonObject().put("stage", "commissioned"))
                .statusCode())
        .isEqualTo(200);
    assertThat(send(HttpMethod.DELETE, "/api/v1/maintenance/" + windowId, bearer(LAN), null).statusCode()).isEqualTo(204);

    // The audit log: operators only, newest first, the note kept as the text it was.
    assertThat(send(HttpMethod.GET, "/api/v1/audit", Map.of(), null).statusCode()).isEqualTo(401);
    HttpResponse<Buffer> viaCookie = send(HttpMethod.GET, "/api/v1/audit", Map.of("Cookie", lan.cookie()), null);
    assertThat(viaCookie.statusCode()).isEqualTo(200);
    assertThat(send(HttpMethod.GET, "/api/v1/audit?limit=0", bearer(ADMIN), null).statusCode()).isEqualTo(400);
    assertThat(send(HttpMethod.GET, "/api/v1/audit?limit=5000", bearer(ADMIN), null).statusCode()).isEqualTo(400);
    JsonArray log = audit();
    assertThat(log.stream().map(SessionIT::line).toList())
        .containsExactly(
            "lan maintenance.remove window " + windowId,
            "admin rollout.set ha-thuong",
            "lan maintenance.add ha-thuong",
            "lan session.sign_in ");
    assertThat(log.getJsonObject(2).getString("detail")).contains("<b>đổi switch</b>");
    assertThat(log.getJsonObject(1).getString("detail")).isEqualTo("stage commissioned");
    assertThat(log.getJsonObject(0).getString("at")).endsWith("Z");
    assertThat(log.encode()).doesNotContain(LAN).doesNotContain(ADMIN).doesNotContain(lan.csrf());

    // Signing out ends the session: the cookie no longer acts.
    HttpResponse<Buffer> out = send(HttpMethod.DELETE, "/api/v1/session", page(lan), null);
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(out.cookies()).hasSize(1);
    assertThat(out.cookies().get(0).toLowerCase(Locale.ROOT)).startsWith("vcmon_session=;").contains("max-age=0");
    HttpResponse<Buffer> after = send(HttpMethod.POST, "/api/v1/maintenance", page(lan), maintenance("ha-thuong"));
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(send(HttpMethod.GET, "/api/v1/session", Map.of("Cookie", lan.cookie()), null).statusCode()).isEqualTo(401);

    // An operator removed by a reload can no longer act, with its cookie or its token.
    Session again = signIn(LAN);
    Files.writeString(cfg, config(""));
    HttpResponse<Buffer> reload = send(HttpMethod.POST, "/api/v1/admin/reload", bearer(ADMIN), null);
    assertThat(reload.statusCode()).as(reload.bodyAsString()).isEqualTo(200);
    assertThat(reload.bodyAsJsonObject().getJsonArray("applied").getList()).contains("http.operators");
    assertThat(send(HttpMethod.POST, "/api/v1/maintenance", page(again), maintenance("ha-thuong")).statusCode())
        .isEqualTo(401);
    assertThat(send(HttpMethod.GET, "/api/v1/session", Map.of("Cookie", again.cookie()), null).statusCode())
        .isEqualTo(401);
    assertThat(send(HttpMethod.DELETE, "/api/v1/maintenance/1", bearer(LAN), null).statusCode()).isEqualTo(401);
    assertThat(audit().stream().limit(4).map(SessionIT::line).toList())
        .containsExactly(
            "admin config.reload ",
            "lan session.sign_in ",
            "lan session.sign_out ",
            "lan maintenance.remove window " + windowId);

    // Sessions live in memory: a restart ends them. The audit log is in the store and stays.
    Session admin = signIn(ADMIN);
    assertThat(send(HttpMethod.GET, "/api/v1/session", Map.of("Cookie", admin.cookie()), null).statusCode())
        .isEqualTo(200);
    vcmon.destroy();
    assertThat(vcmon.waitFor(20, TimeUnit.SECONDS)).isTrue();
    startAgent();
    assertThat(send(HttpMethod.GET, "/api/v1/session", Map.of("Cookie", admin.cookie()), null).statusCode())
        .isEqualTo(401);
    assertThat(send(HttpMethod.PUT, "/api/v1/sites/ha-thuong/rollout", page(admin), new JsonObject().put("stage", "connected"))
            .statusCode())
        .isEqualTo(401);
    assertThat(audit().stream().map(SessionIT::line).toList())
        .startsWith("admin session.sign_in ", "admin config.reload ")
        .hasSize(8);
  }
}
