package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.Secret;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.testing.ManualClock;
import org.daitu.vcmon.testing.SelfSignedCert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CORS off by default and on for exactly the configured origins (reads only); HTTPS with HSTS. */
class CorsAndTlsTest {
  private static final String TOKEN = "cors-and-tls-test-token-0123";
  private static final String GRAFANA = "https://grafana.example.vn";

  Vertx vertx = Vertx.vertx();
  int port;

  private int deploy(AgentConfig.Http http) throws Exception {
    Clock clock = new ManualClock(Instant.parse("2020-08-01T07:00:00Z"));
    StateBoard board = HttpHardeningTest.oneSite(clock);
    AdminGate gate =
        new AdminGate(
            http.operators(), AuthFailureLimiter.Settings.DEFAULT, SessionBook.Settings.DEFAULT,
            http.tls() != null, clock, reason -> {});
    AdminRoutes admin =
        new AdminRoutes(gate, null, new HttpHardeningTest.NoActions(), board, ZoneId.of("Asia/Ho_Chi_Minh"), clock);
    WebVerticle web =
        new WebVerticle(http, board, List::of, 30, "agent", List.of(admin, new SessionRoutes(gate, null, clock)));
    await(vertx.deployVerticle(web));
    port = web.actualPort();
    return port;
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  /** Sends the request as written (a browser's preflight included) and reads until close. */
  String raw(String method, String path, String... headers) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
      for (String h : headers) {
        req.append(h).append("\r\n");
      }
      s.getOutputStream().write(req.append("Content-Length: 0\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      return readAll(s.getInputStream());
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    try {
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // a reset after the server gave up on the bytes: what came before is the answer
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private static String head(String reply) {
    int split = reply.indexOf("\r\n\r\n");
    return split < 0 ? reply : reply.substring(0, split);
  }

  @Nested
  class CorsOff {
    @Test
    void noAccessControlHeadersAndNoPreflight() throws Exception {
      deploy(new AgentConfig.Http("127.0.0.1", 0, Secret.of(TOKEN)));
      String get = head(raw("GET", "/api/v1/sites", "Origin: " + GRAFANA));
      assertThat(get).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("Access-Control-");
      assertThat(get).doesNotContain("Strict-Transport-Security");
      String preflight =
          head(raw("OPTIONS", "/api/v1/sites", "Origin: " + GRAFANA, "Access-Control-Request-Method: GET"));
      assertThat(preflight).doesNotStartWith("HTTP/1.1 2").doesNotContainIgnoringCase("Access-Control-");
    }
  }

  @Nested
  class CorsOn {
    @Test
    void readsFromAConfiguredOriginAreAllowed() throws Exception {
      deploy(new AgentConfig.Http("127.0.0.1", 0, Secret.of(TOKEN), List.of(GRAFANA), null));
      for (String path : List.of("/api/v1/sites", "/api/v1/sites/ha-thuong", "/metrics", "/healthz")) {
        String get = head(raw("GET", path, "Origin: " + GRAFANA));
        assertThat(get).as(path).startsWith("HTTP/1.1 200")
            .contains("Access-Control-Allow-Origin: " + GRAFANA).contains("Vary: Origin")
            .doesNotContain("Access-Control-Allow-Credentials");
      }
      String preflight =
          head(raw("OPTIONS", "/api/v1/sites", "Origin: " + GRAFANA, "Access-Control-Request-Method: GET"));
      assertThat(preflight).startsWith("HTTP/1.1 204")
          .contains("Access-Control-Allow-Origin: " + GRAFANA)
          .contains("Access-Control-Allow-Methods: GET, HEAD");
    }

    @Test
    void otherOriginsAndWritesGetNothing() throws Exception {
      deploy(new AgentConfig.Http("127.0.0.1", 0, Secret.of(TOKEN), List.of(GRAFANA), null));
      assertThat(head(raw("GET", "/api/v1/sites", "Origin: https://evil.example")))
          .startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("Access-Control-");
      assertThat(head(raw("GET", "/api/v1/sites", "Origin: " + GRAFANA + ".evil.example")))
          .doesNotContainIgnoringCase("Access-Control-");
      for (String method : List.of("PUT", "POST", "DELETE")) {
        String preflight =
            head(raw("OPTIONS", "/api/v1/sites/ha-thuong/rollout", "Origin: " + GRAFANA,
                "Access-Control-Request-Method: " + method, "Access-Control-Request-Headers: authorization"));
        assertThat(preflight).as(method).doesNotStartWith("HTTP/1.1 2").doesNotContainIgnoringCase("Access-Control-Allow");
      }
      String write =
          head(raw("PUT", "/api/v1/sites/ha-thuong/rollout", "Origin: " + GRAFANA, "Authorization: Bearer " + TOKEN));
      assertThat(write).doesNotContainIgnoringCase("Access-Control-Allow");
    }
  }

  @Nested
  class Tls {
    @TempDir Path dir;

    @Test
    void httpsAnswersWithHstsAndPlainHttpGetsNoApi() throws Exception {
      SelfSignedCert.requireAvailable();
      SelfSignedCert cert = SelfSignedCert.create(dir, "server");
      deploy(new AgentConfig.Http("127.0.0.1", 0, Secret.of(TOKEN), List.of(),
          new AgentConfig.Tls(cert.certFile(), cert.keyFile())));
      HttpClient client = HttpClient.newBuilder().sslContext(cert.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> r =
          client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/v1/sites")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("ha-thuong");
      assertThat(r.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000");
      assertThat(r.headers().firstValue("Content-Security-Policy")).isPresent();

      String plain = raw("GET", "/api/v1/sites");
      assertThat(plain).doesNotStartWith("HTTP/1.1 200").doesNotContain("ha-thuong");
    }

    @Test
    void overHttpsTheSessionCookieIsSecure() throws Exception {
      SelfSignedCert.requireAvailable();
      SelfSignedCert cert = SelfSignedCert.create(dir, "server");
      deploy(new AgentConfig.Http("127.0.0.1", 0, Secret.of(TOKEN), List.of(),
          new AgentConfig.Tls(cert.certFile(), cert.keyFile())));
      HttpClient client = HttpClient.newBuilder().sslContext(cert.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/v1/session"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"" + TOKEN + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"operator\":\"admin\"").doesNotContain(TOKEN);
      String cookie = r.headers().firstValue("Set-Cookie").orElseThrow().toLowerCase(java.util.Locale.ROOT);
      assertThat(cookie).contains("; secure", "; httponly", "; samesite=strict", "; path=/");
    }

    @Test
    void aKeyThatDoesNotBelongStopsTheStartNamingBothFields() throws Exception {
      SelfSignedCert.requireAvailable();
      SelfSignedCert cert = SelfSignedCert.create(dir, "server");
      SelfSignedCert other = SelfSignedCert.create(dir, "other");
      Throwable err =
          catchThrowable(() -> deploy(new AgentConfig.Http("127.0.0.1", 0, null, List.of(),
              new AgentConfig.Tls(cert.certFile(), other.keyFile()))));
      assertThat(err).isNotNull();
      assertThat(err.getMessage())
          .contains("http.tls.cert_file " + cert.certFile())
          .contains("http.tls.key_file " + other.keyFile());
    }
  }
}
