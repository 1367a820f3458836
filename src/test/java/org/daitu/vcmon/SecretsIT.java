package org.daitu.vcmon;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.Poll;
import org.daitu.vcmon.testing.Snmpd;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret ever leaves vcmon. The packaged jar runs with known, distinctive secrets (a v2c
 * community, v3 auth and priv passwords, a Telegram bot token, an SMTP password, a webhook header
 * value, the admin token); the test drives every read endpoint, every write without a token, with a
 * wrong one and with the right one and bad input, bad query parameters, unknown paths and methods
 * not allowed; the channels fail (HTTP 500, refused connections) and an SNMPv3 agent refuses the
 * password, so their errors are logged; {@code check-config} reads an invalid config holding the
 * secrets. Every response head and body, and all the process printed, is then searched for every
 * secret, and for any 8 characters in a row of the admin token: none may appear.
 */
class SecretsIT {
  private static final String COMMUNITY = "cmty-Qz7wPk2Lm9Xr";
  private static final String AUTH_PASSWORD = "authpw-Hn4Vb8Tc1Ws6";
  private static final String PRIV_PASSWORD = "privpw-Jd3Fg5Ky7Ue2";
  private static final String BOT_TOKEN = "7312849560:AAtgtok-Rb6Nm1Zq8Lp3Vx";
  private static final String SMTP_PASSWORD = "smtppw-Ce9Gs2Dk4Ya7";
  private static final String HOOK_HEADER = "Bearer hookhdr-Wt5Mp8Qn3Bv1";
  private static final String ADMIN_TOKEN = "admintok-Xf6Lr2Hs9Kj4Pw7Tz";

  private static final Map<String, String> ENV =
      Map.of(
          "VCMON_SECRETS_COMMUNITY", COMMUNITY,
          "VCMON_SECRETS_AUTH", AUTH_PASSWORD,
          "VCMON_SECRETS_PRIV", PRIV_PASSWORD,
          "VCMON_SECRETS_TELEGRAM", BOT_TOKEN,
          "VCMON_SECRETS_SMTP", SMTP_PASSWORD,
          "VCMON_SECRETS_HOOK", HOOK_HEADER,
          "VCMON_SECRETS_ADMIN", ADMIN_TOKEN);

  /** Client addresses: writes without or with a wrong token get locked out; the right token's never. */
  private static final String ANONYMOUS = "127.0.0.2";
  private static final String GUESSER = "127.0.0.3";
  private static final String ADMIN = "127.0.0.4";

  @TempDir Path dir;
  private final StringBuilder captured = new StringBuilder();
  private final Map<String, Integer> statuses = new LinkedHashMap<>();
  private int port;

  @Test
  void noSecretAppearsInAnyAnswerLogOrError() throws Exception {
    HostTools.requireBuilt(CommandLineIT.JAR, "mvn package builds it");
    HostTools.require("fping");
    HostTools.requireAvailable(Snmpd.unavailableReason());

    // A channel endpoint that always fails, and a port where nobody listens.
    AtomicInteger failedPosts = new AtomicInteger();
    HttpServer failing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    failing.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          failedPosts.incrementAndGet();
          byte[] body = "{\"ok\":false,\"description\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(500, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    failing.start();
    int closed = CommandLineIT.freePort();
    int failingPort = failing.getAddress().getPort();
    port = CommandLineIT.freePort();

    try (Snmpd v2c = Snmpd.builder(dir.resolve("v2c")).listen("127.0.0.61", 0).community(COMMUNITY).start();
        Snmpd v3 =
            Snmpd.builder(dir.resolve("v3")).listen("127.0.0.62", 0)
                .v3User("vcuser", "agent-auth-pass-1", "agent-priv-pass-1").start()) {
      Path cfg = TestConfig.in(dir)
          .section("http", "{ host: 127.0.0.1, port: " + port + ", admin_token_env: VCMON_SECRETS_ADMIN }")
          .section("probe", "{ interval: 2s, timeout: 500ms, recheck_interval: 1s, icmp: { packets: 2, period: 100ms } }")
          .section("state", "{ down_after: 2, up_after: 1 }")
          .section("snmp_profiles", String.join("\n",
              "",
              "  v2c: { version: 2c, community_env: VCMON_SECRETS_COMMUNITY }",
              "  v3: { version: 3, user: vcuser, auth_protocol: SHA, auth_password_env: VCMON_SECRETS_AUTH,",
              "        priv_protocol: AES, priv_password_env: VCMON_SECRETS_PRIV }"))
          .section("alerts", String.join("\n",
              "",
              "  digest: { window: 0s }",
              "  degraded_after: 0s",
              "  webhooks:",
              "    - { url: \"http://127.0.0.1:" + failingPort + "/hook\", headers_env: { Authorization: VCMON_SECRETS_HOOK }, degraded: true }",
              "    - { url: \"http://127.0.0.1:" + closed + "/hook\", headers_env: { Authorization: VCMON_SECRETS_HOOK }, degraded: true }",
              "  telegram:",
              "    - { bot_token_env: VCMON_SECRETS_TELEGRAM, chat_id: \"42\", api_base: \"http://127.0.0.1:" + failingPort + "\", degraded: true }",
              "    - { bot_token_env: VCMON_SECRETS_TELEGRAM, chat_id: \"42\", api_base: \"http://127.0.0.1:" + closed + "\", degraded: true }",
              "  email:",
              "    - { host: 127.0.0.1, port: " + closed + ", starttls: false, username: vcmon, password_env: VCMON_SECRETS_SMTP,",
              "        from: vcmon@example.vn, to: [it@example.vn], degraded: true }"))
          .site("ha-thuong",
              "name: Hà Thượng, type: xã, address: 127.0.0.61, snmp: { profile: v2c, port: " + v2c.port() + " }")
          .site("cat-ne", "name: Cát Nê, type: xã, address: 127.0.0.62, snmp: { profile: v3, port: " + v3.port() + " }")
          .site("cu-van", "name: Cù Vân, type: xã, address: 127.0.0.63, snmp: { profile: v2c, port: " + closed + " }")
          .write();
      Path log = dir.resolve("vcmon.log");
      Process vcmon = CommandLineIT.start(log, ENV, "--config", cfg.toString());
      try {
        waitUntil(() -> statusOf(ANONYMOUS, "GET", "/healthz") == 200, 60, "vcmon listening", log);
        // The v3 password is refused and the site is DEGRADED; the channels fail to tell about it.
        waitUntil(
            () -> body(ANONYMOUS, "GET", "/api/v1/sites/cat-ne").contains("SNMPv3 authentication failed"),
            60, "the SNMPv3 auth failure in the API", log);
        waitUntil(
            () -> {
              String out = read(log);
              return failedPosts.get() >= 2
                  && out.contains("Notification not delivered channel=webhook-1")
                  && out.contains("Notification not delivered channel=webhook-2")
                  && out.contains("Notification not delivered channel=telegram-1")
                  && out.contains("Notification not delivered channel=telegram-2")
                  && out.contains("Notification not delivered channel=email-1");
            },
            60, "every channel's failure logged", log);

        driveEveryEndpoint();

        vcmon.destroy(); // SIGTERM
        assertThat(vcmon.waitFor(20, TimeUnit.SECONDS)).isTrue();
      } finally {
        vcmon.destroyForcibly();
      }
      captured.append("\n--- vcmon output ---\n").append(read(log));
    } finally {
      failing.stop(0);
    }
    captured.append("\n--- check-config ---\n").append(checkConfigOfInvalidFile());

    String all = captured.toString();
    // The paths that could leak were taken: without these the search below would prove nothing.
    assertThat(all)
        .contains("SNMPv3 authentication failed: wrong auth password for user vcuser")
        .contains("reason=missing")
        .contains("reason=invalid")
        .contains("reason=locked")
        .contains("Notification not delivered channel=telegram-1")
        .contains("Notification not delivered channel=email-1")
        .contains("vcmon_admin_auth_failures_total")
        .contains("http.admin_token_env (line 1): the token must be at least 16 characters")
        .contains("snmp_profiles.both.community_env");
    assertThat(statuses.values()).contains(200, 201, 204, 400, 401, 404, 409, 413, 429, 431);
    // Kept for reading when the search below fails.
    Files.writeString(Path.of("target", "SecretsIT-captured.txt"), all);
    assertThat(leaks(all)).as("secrets found in what vcmon showed (target/SecretsIT-captured.txt)").isEmpty();
  }

  /** The detector itself: a reason that began to include the community would be caught. */
  @Test
  void theSearchFindsASecretInAReason() {
    assertThat(leaks("{\"reason\":\"no SNMP answer (community " + COMMUNITY + ")\"}")).isNotEmpty();
    assertThat(leaks("remote=127.0.0.3 token=" + ADMIN_TOKEN.substring(5, 14))).isNotEmpty();
    assertThat(leaks("Authorization: " + HOOK_HEADER.substring(7))).isNotEmpty();
    assertThat(leaks("nothing to see: " + "<secret>")).isEmpty();
  }

  /** What of each secret shows in {@code text}: a whole secret, or 8+ characters of the admin token. */
  static Set<String> leaks(String text) {
    Set<String> found = new LinkedHashSet<>();
    for (String secret :
        List.of(COMMUNITY, AUTH_PASSWORD, PRIV_PASSWORD, BOT_TOKEN, BOT_TOKEN.substring(BOT_TOKEN.indexOf(':') + 1),
            SMTP_PASSWORD, HOOK_HEADER, HOOK_HEADER.substring("Bearer ".length()))) {
      if (text.contains(secret)) {
        found.add(secret);
      }
    }
    for (int i = 0; i + 8 <= ADMIN_TOKEN.length(); i++) {
      String piece = ADMIN_TOKEN.substring(i, i + 8);
      if (text.contains(piece)) {
        found.add("admin token piece " + piece);
      }
    }
    return found;
  }

  private void driveEveryEndpoint() throws Exception {
    String month = LocalDate.now(ZoneId.of("Asia/Ho_Chi_Minh")).toString().substring(0, 7);
    List<String> reads =
        List.of(
            "/", "/index.html", "/app.js", "/app.css", "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js",
            "/api/v1/sites", "/api/v1/sites/ha-thuong", "/api/v1/sites/cat-ne", "/api/v1/sites/cu-van",
            "/api/v1/sites/no-such-site", "/api/v1/sites/Bad%20Id", "/api/v1/incidents",
            "/api/v1/incidents?open=true", "/api/v1/incidents?open=maybe", "/api/v1/incidents?limit=abc",
            "/api/v1/incidents?from=yesterday", "/api/v1/availability", "/api/v1/availability?month=" + month,
            "/api/v1/availability?month=2020-13", "/api/v1/rollout", "/api/v1/readiness",
            "/api/v1/report.csv?month=" + month, "/api/v1/report.csv", "/api/v1/report.csv?month=x",
            "/api/v1/maintenance", "/api/v1/probes", "/api/v1/session", "/api/v1/audit", "/metrics", "/healthz", "/readyz", "/nope", "/api/v1/nope",
            "/api/v1/sites/..%2F..%2Fetc%2Fpasswd", "/../../etc/passwd",
            "/site/ha-thuong", "/site/no-such-site", "/site.js", "/text.js", "/favicon.svg", "/favicon.ico",
            "/api/v1/sites/ha-thuong/history", "/api/v1/sites/ha-thuong/history?days=0",
            "/api/v1/sites/ha-thuong/samples", "/api/v1/sites/ha-thuong/samples?hours=x");
    for (String path : reads) {
      request(ANONYMOUS, "GET", path, null, null);
    }
    request(ANONYMOUS, "HEAD", "/api/v1/sites", null, null);
    events();

    String rollout = "/api/v1/sites/ha-thuong/rollout";
    List<String[]> writes =
        List.of(
            new String[] {"PUT", rollout, "{\"stage\":\"connected\"}"},
            new String[] {"POST", "/api/v1/maintenance", "{\"site\":\"all\",\"weekly\":{\"day\":\"sunday\",\"from\":\"22:00\",\"to\":\"23:00\"}}"},
            new String[] {"DELETE", "/api/v1/maintenance/1", null},
            new String[] {"POST", "/api/v1/incidents/1/ack", "{\"note\":\"on it\"}"},
            new String[] {"POST", "/api/v1/admin/reload", "{}"},
            new String[] {"DELETE", "/api/v1/session", null});
    // No token, then a token off by one character (what a typo gives): refused, then locked out.
    for (String[] w : writes) {
      request(ANONYMOUS, w[0], w[1], null, w[2]);
      request(ANONYMOUS, w[0], w[1], "Bearer", w[2]);
    }
    String typo = ADMIN_TOKEN.substring(0, ADMIN_TOKEN.length() - 1) + "x";
    for (String[] w : writes) {
      request(GUESSER, w[0], w[1], "Bearer " + typo, w[2]);
      request(GUESSER, w[0], w[1], "Basic " + ADMIN_TOKEN.substring(3), w[2]);
    }
    String right = "Bearer " + ADMIN_TOKEN;
    for (String[] w : writes) {
      request(ADMIN, w[0], w[1], right, w[2]);
    }
    // Signing in (the token in the body), who is signed in, the audit log of the writes above.
    request(GUESSER, "POST", "/api/v1/session", null, "{\"token\":\"" + typo + "\"}");
    request(ADMIN, "POST", "/api/v1/session", null, "{\"token\":\"" + ADMIN_TOKEN + "\"}");
    request(ADMIN, "GET", "/api/v1/session", right, null);
    request(ADMIN, "GET", "/api/v1/audit?limit=1000", right, null);
    // The right token with bad bodies and ids.
    for (String body :
        List.of("{not json", "[1,2]", "\"text\"", "", "{\"stage\":\"bogus\"}", "{\"stage\":17}")) {
      request(ADMIN, "PUT", rollout, right, body);
    }
    request(ADMIN, "PUT", "/api/v1/sites/no-such-site/rollout", right, "{\"stage\":\"connected\"}");
    for (String body :
        List.of("{}", "{\"site\":\"nowhere\",\"start\":\"2020-08-10 22:00\",\"end\":\"2020-08-10 23:00\"}",
            "{\"site\":\"all\",\"start\":\"tomorrow\",\"end\":\"2020-08-10 23:00\"}",
            "{\"site\":\"all\",\"weekly\":{\"day\":\"chunhat\",\"from\":\"22:00\",\"to\":\"23:00\"}}",
            "{\"site\":\"all\",\"weekly\":\"sunday\"}", "{\"site\":\"all\",\"note\":\"" + "x".repeat(600) + "\"}",
            "{\"note\":\"" + "y".repeat(20_000) + "\"}")) {
      request(ADMIN, "POST", "/api/v1/maintenance", right, body);
    }
    request(ADMIN, "DELETE", "/api/v1/maintenance/abc", right, null);
    request(ADMIN, "DELETE", "/api/v1/maintenance/-1", right, null);
    request(ADMIN, "DELETE", "/api/v1/maintenance/99999", right, null);
    request(ADMIN, "POST", "/api/v1/incidents/abc/ack", right, "{\"note\":\"x\"}");
    request(ADMIN, "POST", "/api/v1/incidents/99999/ack", right, "{\"note\":\"x\"}");
    request(ADMIN, "POST", "/api/v1/incidents/1/ack", right, "{\"note\":\"\"}");
    // Methods not allowed, and requests the HTTP decoder refuses.
    for (String[] m :
        List.of(new String[] {"DELETE", "/api/v1/sites"}, new String[] {"PATCH", "/api/v1/sites/ha-thuong"},
            new String[] {"POST", "/metrics"}, new String[] {"PUT", "/healthz"}, new String[] {"OPTIONS", "/api/v1/sites"},
            new String[] {"TRACE", "/"})) {
      request(ADMIN, m[0], m[1], right, null);
    }
    raw(ANONYMOUS, "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    raw(ANONYMOUS, "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    raw(ANONYMOUS, "\u0001\u0002 not http\r\n\r\n");
    // After the writes: the metric and the stage show in reads too.
    request(ANONYMOUS, "GET", "/metrics", null, null);
    request(ANONYMOUS, "GET", "/api/v1/sites", null, null);
  }

  /** One HTTP/1.1 request from {@code from}, head and body captured. */
  private String request(String from, String method, String path, String authorization, String body) throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if (authorization != null) {
      req.append("Authorization: ").append(authorization).append("\r\n");
    }
    if (body != null) {
      req.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
    }
    req.append("\r\n");
    byte[] head = req.toString().getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + bytes.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(bytes, 0, all, head.length, bytes.length);
    return send(from, method + " " + path, all, 10_000);
  }

  private void raw(String from, String request) throws IOException {
    send(from, "raw", request.getBytes(StandardCharsets.ISO_8859_1), 10_000);
  }

  /** The live event stream: a few seconds of it, then the connection is dropped. */
  private void events() throws IOException {
    send(ANONYMOUS, "GET /api/v1/events",
        "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        3_000);
  }

  private String send(String from, String what, byte[] request, int readMillis) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(readMillis);
      s.getOutputStream().write(request);
      s.getOutputStream().flush();
      String reply = readAll(s.getInputStream());
      captured.append("\n--- ").append(what).append(" from ").append(from).append(" ---\n").append(reply);
      if (reply.matches("(?s)HTTP/1\\.1 \\d{3}.*")) {
        statuses.merge(what + " " + reply.substring(9, 12), Integer.parseInt(reply.substring(9, 12)), (a, b) -> b);
      }
      return reply;
    }
  }

  private static String readAll(InputStream in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      // an event stream: what came so far is the sample
    } catch (IOException e) {
      // reset after the answer
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private int statusOf(String from, String method, String path) {
    try {
      String r = request(from, method, path, null, null);
      return r.startsWith("HTTP/1.1 ") ? Integer.parseInt(r.substring(9, 12)) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  private String body(String from, String method, String path) {
    try {
      return request(from, method, path, null, null);
    } catch (IOException e) {
      return "";
    }
  }

  /** {@code check-config} on a broken config that holds every secret, some of them literally. */
  private String checkConfigOfInvalidFile() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        String.join(
            "\n",
            "http: { port: 99999, admin_token_env: VCMON_SECRETS_SHORT_ADMIN }",
            "snmp_profiles:",
            "  lit: { version: 2c, community: \"" + COMMUNITY + "\", bogus: 1 }",
            "  both: { version: 2c, community: \"" + COMMUNITY + "\", community_env: VCMON_SECRETS_COMMUNITY }",
            "  mixed: { version: 2c, community: \"" + COMMUNITY + "\", auth_password: \"" + AUTH_PASSWORD + "\" }",
            "  v3lit: { version: 3, user: vcuser, auth_protocol: SHAX, auth_password: \"" + AUTH_PASSWORD + "\",",
            "           priv_protocol: AESX, priv_password: \"" + PRIV_PASSWORD + "\" }",
            "  v3env: { version: 3, user: vcuser, auth_protocol: SHA, auth_password_env: VCMON_SECRETS_AUTH,",
            "           priv_protocol: AES, priv_password_env: VCMON_SECRETS_PRIV, community: \"" + COMMUNITY + "\" }",
            "alerts:",
            "  webhooks: [ { url: \"ftp://x\", headers: { Authorization: \"" + HOOK_HEADER + "\" }, headers_env: { Authorization: VCMON_SECRETS_HOOK } } ]",
            "  telegram: [ { bot_token_env: VCMON_SECRETS_TELEGRAM, bot_token: \"" + BOT_TOKEN + "\", chat_id: phong it } ]",
            "  email: [ { host: smtp.example.vn, port: 70000, username: vcmon, password_env: VCMON_SECRETS_SMTP, password: \"" + SMTP_PASSWORD + "\", from: x, to: [] } ]",
            "sites:",
            "  - { id: Bad Id, address: 127.0.0.1, snmp: { profile: nope } }",
            "  - { id: ok-site, name: Xã, type: xã, address: 127.0.0.9, snmp: { profile: v3env, port: 70000 } }",
            ""));
    Path out = dir.resolve("check.log");
    Map<String, String> env = new LinkedHashMap<>(ENV);
    // A token too short to be accepted, made of the admin token: its refusal must not show it.
    env.put("VCMON_SECRETS_SHORT_ADMIN", ADMIN_TOKEN.substring(0, 12));
    Process p = CommandLineIT.start(out, env, "check-config", bad.toString());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    return read(out);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** {@link Poll#until} with vcmon's log in the failure message. */
  private static void waitUntil(BooleanSupplier condition, int seconds, String what, Path log) throws InterruptedException {
    try {
      Poll.until(condition, Duration.ofSeconds(seconds), Duration.ofMillis(250), what);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; log:\n" + read(log), e);
    }
  }
}
