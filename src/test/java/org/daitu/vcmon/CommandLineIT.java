package org.daitu.vcmon;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.testing.HostTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a user runs it: the README's demo command shows sites changing state in
 * the API, a reload is refused for want of a file, SIGTERM stops it with exit 0, and an invalid
 * config exits 2 before anything starts.
 */
class CommandLineIT {
  static final Path JAR = Path.of("target", "vcmon.jar");

  static Process start(Path log, String... args) throws IOException {
    return start(log, Map.of(), args);
  }

  /** The jar with {@code env} added to this JVM's environment; stdout and stderr both go to {@code log}. */
  static Process start(Path log, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static JsonObject sites(HttpClient http, int port) {
    try {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sites")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
    } catch (IOException | InterruptedException e) {
      return null; // not listening yet
    }
  }

  static String stateOf(JsonObject body, String id) {
    JsonArray list = body.getJsonArray("sites");
    return list.stream().map(JsonObject.class::cast).filter(s -> s.getString("id").equals(id))
        .map(s -> s.getString("state")).findFirst().orElse(null);
  }

  @Test
  void theDemoShowsSitesChangingStateAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    HostTools.requireBuilt(JAR, "mvn package builds it");
    HostTools.require("fping");
    int port = freePort();
    Path log = dir.resolve("demo.log");
    Process demo = start(log, "--demo", "--port", String.valueOf(port));
    try {
      HttpClient http = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      boolean allUpSeen = false;
      boolean catNeDown = false;
      boolean laBangDegraded = false;
      JsonObject body = null;
      while (System.nanoTime() < deadline && !(allUpSeen && catNeDown && laBangDegraded)) {
        body = sites(http, port);
        if (body != null) {
          assertThat(body.getJsonObject("summary").getString("mode")).isEqualTo("demo");
          allUpSeen |= body.getJsonObject("summary").getJsonObject("states").getInteger("UP") == 31;
          catNeDown |= "DOWN".equals(stateOf(body, "cat-ne"));
          laBangDegraded |= "DEGRADED".equals(stateOf(body, "la-bang"));
        }
        Thread.sleep(500);
      }
      assertThat(allUpSeen)
          .as("all 31 sites UP at some point; last answer %s; log:%n%s", body, Files.readString(log, StandardCharsets.UTF_8))
          .isTrue();
      assertThat(catNeDown).as("cat-ne went DOWN (scripted link cut)").isTrue();
      assertThat(laBangDegraded).as("la-bang went DEGRADED (scripted SNMP off)").isTrue();
      // The demo has no config file: a reload says so, and SIGHUP leaves it running.
      HttpResponse<String> reload = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/admin/reload"))
              .POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(reload.statusCode()).isEqualTo(409);
      assertThat(new JsonObject(reload.body()).getString("error")).contains("--demo").contains("nothing to reload");
      assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(demo.pid())).start().waitFor()).isZero();
      Thread.sleep(500);
      assertThat(demo.isAlive()).isTrue();
      demo.destroy(); // SIGTERM
      assertThat(demo.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(demo.exitValue()).isZero();
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(out).contains("DEMO MODE").contains("Demo scenario (simulated fault)").contains("Stopped")
          .contains("Config reload not possible trigger=sighup");
    } finally {
      demo.destroyForcibly();
    }
  }

  @Test
  void aStoreThatCannotBeOpenedStopsTheStartWithThePathAndTheCause(@TempDir Path dir) throws Exception {
    HostTools.requireBuilt(JAR, "mvn package builds it");
    Path db = dir.resolve("history.db");
    Files.writeString(db, "this is not a database, just some text that happens to be here\n".repeat(100));
    Path cfg = dir.resolve("vcmon.yaml");
    Files.writeString(
        cfg,
        "http: { host: 127.0.0.1, port: 0 }\nstore: { path: history.db }\n"
            + "sites:\n  - { id: ha-thuong, name: Hà Thượng, type: xã, address: 127.0.0.11 }\n");
    Path log = dir.resolve("out.log");
    Process p = start(log, "--config", cfg.toString());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(out).contains("vcmon: could not start: history store " + db);
    assertThat(Files.readString(db)).as("the file is left as it was").startsWith("this is not a database");
  }

  @Test
  void anInvalidConfigExits2AndListsEveryProblem(@TempDir Path dir) throws Exception {
    HostTools.requireBuilt(JAR, "mvn package builds it");
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(cfg, "probe: { interval: soon }\nsites:\n  - { id: Bad Id, address: 10.0.0.1 }\n");
    Path log = dir.resolve("out.log");
    Process p = start(log, "--config", cfg.toString());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(log, StandardCharsets.UTF_8))
        .contains(cfg + ": ")
        .contains("probe.interval (line 1)")
        .contains("sites[0].id (line 3)")
        .doesNotContain("Exception");
  }
}
