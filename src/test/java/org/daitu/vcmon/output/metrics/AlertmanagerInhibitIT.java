package org.daitu.vcmon.output.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.testing.HostTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped config/alertmanager.yml in a real Alertmanager (Debian's prometheus-alertmanager):
 * alerts shaped like the rules' output are posted, and the uplink alert must silence exactly the
 * communes behind it. Its webhooks point at a loopback placeholder, so nothing leaves the machine.
 */
class AlertmanagerInhibitIT {
  private static final Path PROJECT = Path.of("").toAbsolutePath();
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  private static Process alertmanager;
  private static Path log;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    HostTools.require("prometheus-alertmanager");
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    log = dir.resolve("alertmanager.log");
    alertmanager =
        new ProcessBuilder(
                ToolRun.find("prometheus-alertmanager").orElseThrow().toString(),
                "--config.file=" + PROJECT.resolve("config/alertmanager.yml"),
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                // No gossip port: a single test instance needs no cluster.
                "--cluster.listen-address=")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      if (!alertmanager.isAlive()) {
        fail("alertmanager exited with " + alertmanager.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        if (send(HttpRequest.newBuilder(uri("/-/ready"))).statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // retried below
      }
      if (System.nanoTime() > deadline) {
        fail("alertmanager not ready within 30s:\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (alertmanager != null) {
      alertmanager.destroy();
      if (!alertmanager.waitFor(10, TimeUnit.SECONDS)) {
        alertmanager.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void downUplinkSilencesOnlyTheCommunesBehindIt() throws Exception {
    JsonArray alerts =
        new JsonArray()
            .add(alert("VcmonUplinkDown", "critical", "district-core", Map.of("scope", "uplink", "parent", "district-core")))
            .add(alert("VcmonSiteDown", "critical", "ha-thuong", Map.of("parent", "district-core")))
            .add(alert("VcmonSiteDegraded", "warning", "cat-ne", Map.of("parent", "district-core")))
            .add(alert("VcmonSiteDown", "critical", "la-bang", Map.of("parent", "switch-b")))
            .add(alert("VcmonSiteDown", "critical", "hung-son", Map.of()))
            // The same commune name seen by another vantage point: its uplink is not DOWN there.
            .add(alert("VcmonSiteDown", "critical", "ha-thuong", Map.of("parent", "district-core", "instance", "b:8080")));
    HttpResponse<String> posted =
        send(
            HttpRequest.newBuilder(uri("/api/v2/alerts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(alerts.encode())));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);

    Map<String, String> states = new TreeMap<>();
    JsonArray listed = new JsonArray(send(HttpRequest.newBuilder(uri("/api/v2/alerts"))).body());
    for (int i = 0; i < listed.size(); i++) {
      JsonObject a = listed.getJsonObject(i);
      JsonObject labels = a.getJsonObject("labels");
      states.put(
          labels.getString("alertname") + " " + labels.getString("site") + " @" + labels.getString("instance"),
          a.getJsonObject("status").getString("state")
              + (a.getJsonObject("status").getJsonArray("inhibitedBy").isEmpty() ? "" : " (inhibited)"));
    }
    assertThat(states)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "VcmonUplinkDown district-core @a:8080", "active",
                "VcmonSiteDown ha-thuong @a:8080", "suppressed (inhibited)",
                "VcmonSiteDegraded cat-ne @a:8080", "suppressed (inhibited)",
                "VcmonSiteDown la-bang @a:8080", "active",
                "VcmonSiteDown hung-son @a:8080", "active",
                "VcmonSiteDown ha-thuong @b:8080", "active"));
  }

  private static JsonObject alert(String name, String severity, String site, Map<String, String> extra) {
    JsonObject labels =
        new JsonObject()
            .put("alertname", name)
            .put("severity", severity)
            .put("site", site)
            .put("job", "vcmon")
            .put("instance", "a:8080");
    extra.forEach(labels::put);
    return new JsonObject().put("labels", labels).put("annotations", new JsonObject().put("summary", name + " " + site));
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
