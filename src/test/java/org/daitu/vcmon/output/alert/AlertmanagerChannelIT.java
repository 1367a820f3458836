package org.daitu.vcmon.output.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.HostTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Alertmanager channel against a real Alertmanager (Debian's prometheus-alertmanager) on
 * loopback: vcmon's alerts show up in its API with the right labels, stay alive through re-sends,
 * and resolve on recovery.
 */
class AlertmanagerChannelIT {
  @TempDir Path dir;
  Process alertmanager;
  Path log;
  int port;
  Vertx vertx;
  WebClient client;
  Context context;
  AlertmanagerChannel channel;

  @BeforeEach
  void start() throws Exception {
    Path am = HostTools.require("prometheus-alertmanager");
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(
        config,
        "global: { resolve_timeout: 5m }\n"
            + "route: { receiver: nowhere }\n"
            + "receivers: [ { name: nowhere } ]\n");
    log = dir.resolve("alertmanager.log");
    alertmanager =
        new ProcessBuilder(
                am.toString(),
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (!alertmanager.isAlive()) {
        fail("alertmanager exited with " + alertmanager.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        if (await(client.getAbs(url() + "/-/ready").send()).statusCode() == 200) {
          break;
        }
      } catch (Exception notListeningYet) {
        // retried below
      }
      if (System.nanoTime() > deadline) {
        fail("alertmanager not ready within 30s:\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
    context = vertx.getOrCreateContext();
    channel =
        new AlertmanagerChannel(
            "alertmanager-1",
            vertx,
            client,
            new AgentConfig.AlertmanagerTarget(url() + "/", Duration.ofSeconds(1), "info", true),
            Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      context.runOnContext(v -> channel.close());
      await(vertx.close());
    }
    if (alertmanager != null) {
      alertmanager.destroy();
      if (!alertmanager.waitFor(10, TimeUnit.SECONDS)) {
        alertmanager.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Runs on the channel's context, as the outbox does. */
  <T> T onContext(Supplier<Future<T>> work) throws Exception {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(p));
    return await(p.future());
  }

  JsonArray alerts() throws Exception {
    return await(client.getAbs(url() + "/api/v2/alerts").send()).bodyAsJsonArray();
  }

  JsonObject alertFor(String site) throws Exception {
    JsonArray all = alerts();
    for (int i = 0; i < all.size(); i++) {
      JsonObject a = all.getJsonObject(i);
      if (site.equals(a.getJsonObject("labels").getString("site"))) {
        return a;
      }
    }
    return null;
  }

  static Notification notification(
      String key, Notification.Kind kind, Notification.Severity severity, boolean resolved,
      Instant at, List<Notification.SiteLine> sites) {
    return new Notification(key, kind, severity, resolved, at, "Tiêu đề " + key, "Nội dung " + key, sites);
  }

  @Test
  void alertsAppearWithLabelsStayAliveAndResolveOnRecovery() throws Exception {
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Notification digest =
        notification(
            "digest:1",
            Notification.Kind.DIGEST,
            Notification.Severity.CRITICAL,
            false,
            t0,
            List.of(
                new Notification.SiteLine("ha-thuong", "Hà Thượng", "DOWN", "UP", t0, "no ping"),
                new Notification.SiteLine("cat-ne", "Cát Nê", "DOWN", "UP", t0, "no ping")));
    onContext(() -> channel.send(digest));

    JsonObject down = alertFor("ha-thuong");
    assertThat(down).as("ha-thuong's alert in Alertmanager").isNotNull();
    assertThat(down.getJsonObject("labels"))
        .isEqualTo(
            new JsonObject()
                .put("alertname", "VcmonSiteDown")
                .put("site", "ha-thuong")
                .put("severity", "critical")
                .put("state", "DOWN"));
    assertThat(down.getJsonObject("annotations").getString("summary")).isEqualTo("Tiêu đề digest:1");
    assertThat(down.getJsonObject("annotations").getString("description")).isEqualTo("Nội dung digest:1");
    assertThat(down.getJsonObject("status").getString("state")).isEqualTo("active");
    assertThat(alertFor("cat-ne")).isNotNull();

    // The re-send (every second here) pushes endsAt (now + resolve_timeout) forward.
    Instant firstEnds = Instant.parse(down.getString("endsAt"));
    Thread.sleep(2_500);
    assertThat(Instant.parse(alertFor("ha-thuong").getString("endsAt"))).isAfter(firstEnds);

    Instant t1 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Notification recovery =
        notification(
            "site:ha-thuong:UP",
            Notification.Kind.SITE,
            Notification.Severity.INFO,
            true,
            t1,
            List.of(new Notification.SiteLine("ha-thuong", "Hà Thượng", "UP", "DOWN", t1, "answers again")));
    onContext(() -> channel.send(recovery));
    assertThat(alertFor("ha-thuong")).as("resolved alerts leave the active list").isNull();
    assertThat(alertFor("cat-ne")).isNotNull();
    assertThat(onContext(() -> Future.succeededFuture(channel.firing()))).containsExactly("cat-ne");
  }

  @Test
  void aDegradedSiteIsAWarningWithItsOwnAlertName() throws Exception {
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    onContext(
        () ->
            channel.send(
                notification(
                    "site:cat-ne:DEGRADED",
                    Notification.Kind.SITE,
                    Notification.Severity.WARNING,
                    false,
                    t0,
                    List.of(new Notification.SiteLine("cat-ne", "Cát Nê", "DEGRADED", "UP", t0, "loss 40%")))));
    JsonObject labels = alertFor("cat-ne").getJsonObject("labels");
    assertThat(labels.getString("alertname")).isEqualTo("VcmonSiteDegraded");
    assertThat(labels.getString("severity")).isEqualTo("warning");
  }

  JsonObject alertForVantage(String vantage) throws Exception {
    JsonArray all = alerts();
    for (int i = 0; i < all.size(); i++) {
      JsonObject a = all.getJsonObject(i);
      if (vantage.equals(a.getJsonObject("labels").getString("vantage"))) {
        return a;
      }
    }
    return null;
  }

  @Test
  void aLostMemberIsOneAlertUntilItIsBack() throws Exception {
    onContext(() -> channel.send(MemberNoticesTest.left()));
    JsonObject lost = alertForVantage("dai-tu");
    assertThat(lost).as("dai-tu's alert in Alertmanager").isNotNull();
    assertThat(lost.getJsonObject("labels"))
        .isEqualTo(new JsonObject().put("alertname", "VcmonMemberLeft").put("vantage", "dai-tu").put("severity", "warning"));
    assertThat(lost.getJsonObject("annotations").getString("summary")).isEqualTo("[CẢNH BÁO] vcmon dai-tu mất liên lạc với cụm");
    assertThat(lost.getJsonObject("status").getString("state")).isEqualTo("active");
    assertThat(onContext(() -> Future.succeededFuture(channel.firing()))).containsExactly("member:dai-tu");

    onContext(() -> channel.send(MemberNoticesTest.returned()));
    assertThat(alertForVantage("dai-tu")).as("resolved when it is back").isNull();
    assertThat(onContext(() -> Future.succeededFuture(channel.firing()))).isEmpty();
  }
}
