package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.inventory.Location;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteSnmp;
import org.daitu.vcmon.inventory.SiteType;
import org.daitu.vcmon.output.metrics.AgentMetrics;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SiteCheck;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.daitu.vcmon.state.SiteTracker;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP contract: JSON shapes, errors as JSON, readiness, metric names. */
class WebVerticleTest {
  static final AgentConfig.State STATE =
      new AgentConfig.State(3, 2, 0.5, Duration.ofMillis(500), 6, Duration.ofMinutes(15));

  final ManualClock clock = new ManualClock(Instant.parse("2020-08-01T07:00:00Z"));
  final Site haThuong =
      new Site("ha-thuong", "05812", "Hà Thượng", SiteType.COMMUNE, "198.18.1.10",
          new SiteSnmp("v2c", 161), null, RolloutStage.CONNECTED, new Location(21.63694, 105.68972));
  final Site catNe =
      new Site("cat-ne", "05848", "Cát Nê <b>", SiteType.COMMUNE, "198.18.1.11", null, null,
          RolloutStage.INSTALLED, null);
  Vertx vertx;
  WebClient client;
  WebVerticle web;
  SiteTracker tracker;
  StateBoard board;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Inventory inventory = new Inventory(List.of(haThuong, catNe));
    tracker = new SiteTracker(inventory, STATE, clock);
    board = new StateBoard(tracker.snapshot(0));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AgentMetrics metrics = new AgentMetrics(
        registry,
        board::snapshot,
        new AgentConfig.Rollout(30, LocalDate.of(2020, 8, 31)),
        ZoneId.of("Asia/Ho_Chi_Minh"),
        "test");
    web = new WebVerticle(new AgentConfig.Http("127.0.0.1", 0), board, metrics::scrape, 30, "agent");
    vertx.deployVerticle(web).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  HttpResponse<Buffer> get(String path) throws Exception {
    return client.get(web.actualPort(), "127.0.0.1", path).send()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  void checkBothSitesUp() {
    for (int i = 0; i < 2; i++) {
      clock.advance(Duration.ofSeconds(10));
      IcmpResult ok = IcmpResult.measured(5, new double[] {0.020, 0.022, 0.021, 0.020, 0.023});
      SnmpResult snmp =
          new SnmpResult(SnmpStatus.OK, null, 123_400, "ha-thuong", "Polycom RealPresence Group 500",
              "1.3.6.1.4.1.13885.101", List.of(new InterfaceStatus(1, "eth0", "eth0", null, 6, 1, 1, true,
                  InterfaceStatus.Judged.POLLED_ADDRESS)), "polycom", 0,
              List.of(), "Polycom", List.of(), false);
      tracker.apply(new SiteCheck("ha-thuong", clock.instant(), Duration.ofSeconds(1), ok, snmp));
      tracker.apply(new SiteCheck("cat-ne", clock.instant(), Duration.ofSeconds(1), ok, null));
    }
    board.publish(tracker.snapshot(1), List.of());
  }

  @Test
  void aDegradedSiteGivesEveryCauseAndHowOldItsSnmpFactsAre() throws Exception {
    checkBothSitesUp();
    Instant lastAnswer = clock.instant();
    IcmpResult ok = IcmpResult.measured(5, new double[] {0.020, 0.022, 0.021, 0.020, 0.023});
    SnmpResult silent = SnmpResult.failed(SnmpStatus.TIMEOUT, "no SNMP answer within 1s (2 attempts)");
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(10));
      tracker.apply(new SiteCheck("ha-thuong", clock.instant(), Duration.ofSeconds(1), ok, silent));
    }
    board.publish(tracker.snapshot(2), List.of());
    JsonObject s = get("/api/v1/sites").bodyAsJsonObject().getJsonArray("sites").getJsonObject(0);
    assertThat(s.getString("state")).isEqualTo("DEGRADED");
    assertThat(s.getJsonArray("causes").getJsonObject(0).getMap())
        .containsEntry("key", "snmp-silent")
        .containsEntry("text", "SNMP silent: no SNMP answer within 1s (2 attempts)")
        .containsEntry("since", "2020-08-01T07:00:50Z");
    JsonObject snmp = s.getJsonObject("snmp");
    assertThat(snmp.getBoolean("up")).isFalse();
    assertThat(snmp.getString("answered_at")).as("the last answer, not the last check").isEqualTo(lastAnswer.toString());
    assertThat(snmp.getString("sys_name")).isEqualTo("ha-thuong");
  }

  @Test
  void sitesFollowTheContract() throws Exception {
    checkBothSitesUp();
    HttpResponse<Buffer> r = get("/api/v1/sites");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/json; charset=utf-8");
    JsonObject body = r.bodyAsJsonObject();
    JsonObject summary = body.getJsonObject("summary");
    assertThat(summary.getInteger("total")).isEqualTo(2);
    assertThat(summary.getInteger("online")).isEqualTo(2);
    assertThat(summary.getInteger("connected")).isEqualTo(2);
    assertThat(summary.getInteger("target")).isEqualTo(30);
    JsonObject s = body.getJsonArray("sites").getJsonObject(0);
    assertThat(s.getString("id")).isEqualTo("ha-thuong");
    assertThat(s.getString("name")).isEqualTo("Hà Thượng");
    assertThat(s.getString("type")).isEqualTo("xã");
    assertThat(s.getString("state")).isEqualTo("UP");
    assertThat(s.getString("since")).isEqualTo("2020-08-01T07:00:20Z");
    assertThat(s.getString("reason")).isEqualTo("ping and SNMP answer");
    assertThat(s.getJsonObject("icmp").getDouble("loss_ratio")).isEqualTo(0.0);
    assertThat(s.getJsonObject("icmp").getDouble("rtt_seconds")).isCloseTo(0.0212, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.getJsonObject("snmp").getBoolean("up")).isTrue();
    assertThat(s.getJsonObject("snmp").getDouble("uptime_seconds")).isEqualTo(1234.0);
    assertThat(s.getJsonObject("snmp").getString("sys_name")).isEqualTo("ha-thuong");
    assertThat(s.getJsonObject("snmp").getString("vendor")).isEqualTo("Polycom");
    assertThat(s.getJsonObject("snmp").getString("vendor_profile")).isEqualTo("polycom");
    assertThat(s.getJsonObject("snmp").getJsonArray("problems")).isEmpty();
    assertThat(s.getJsonObject("snmp").getJsonArray("interfaces"))
        .containsExactly(
            new JsonObject()
                .put("index", 1).put("name", "eth0").put("descr", "eth0").putNull("alias")
                .put("type", 6).put("admin_status", 1).put("oper_status", 1)
                .put("carries_polled_address", true).put("judged", true)
                .put("judged_because", "carries the polled address"));
    assertThat(s.getJsonObject("snmp").getBoolean("interfaces_partial")).isFalse();
    assertThat(s.getJsonObject("rollout").getString("stage")).isEqualTo("connected");
    assertThat(s.getJsonObject("rollout").getString("first_connected")).isEqualTo("2020-08-01T07:00:20Z");
    assertThat(s.getJsonObject("location").getDouble("lat")).isEqualTo(21.63694);
    JsonObject pingOnly = body.getJsonArray("sites").getJsonObject(1);
    assertThat(pingOnly.getValue("snmp")).isNull();
    assertThat(pingOnly.getString("name")).isEqualTo("Cát Nê <b>");
    assertThat(r.bodyAsString()).doesNotContain("198.18.1.10");
  }

  @Test
  void aPartialAnswerShowsItsProblemsAndNoUptime() throws Exception {
    checkBothSitesUp();
    clock.advance(Duration.ofSeconds(10));
    IcmpResult ok = IcmpResult.measured(5, new double[] {0.020, 0.022, 0.021, 0.020, 0.023});
    SnmpResult partial =
        new SnmpResult(SnmpStatus.OK, null, -1, "ha-thuong", null, "1.3.6.1.4.1.99999.1",
            List.of(), "generic", null, List.of(), null,
            List.of("sysDescr.0 missing (noSuchObject)",
                "sysUpTime.0 is INTEGER, not TimeTicks; reboots cannot be detected"),
            false);
    tracker.apply(new SiteCheck("ha-thuong", clock.instant(), Duration.ofSeconds(1), ok, partial));
    board.publish(tracker.snapshot(2), List.of());

    JsonObject snmp = get("/api/v1/sites/ha-thuong").bodyAsJsonObject().getJsonObject("snmp");
    assertThat(snmp.getBoolean("up")).isTrue();
    assertThat(snmp.getString("status")).isEqualTo("OK");
    assertThat(snmp.containsKey("uptime_seconds")).isTrue();
    assertThat(snmp.getValue("uptime_seconds")).isNull();
    assertThat(snmp.getString("sys_name")).isEqualTo("ha-thuong");
    assertThat(snmp.getValue("vendor")).isNull();
    assertThat(snmp.getString("vendor_profile")).isEqualTo("generic");
    assertThat(snmp.getJsonArray("problems").getList())
        .containsExactly("sysDescr.0 missing (noSuchObject)",
            "sysUpTime.0 is INTEGER, not TimeTicks; reboots cannot be detected");
  }

  @Test
  void beforeTheFirstCheckNumbersAreNullNotNaN() throws Exception {
    JsonObject s = get("/api/v1/sites/ha-thuong").bodyAsJsonObject();
    assertThat(s.getString("state")).isEqualTo("UNKNOWN");
    assertThat(s.getJsonObject("icmp").getValue("loss_ratio")).isNull();
    assertThat(s.getJsonObject("snmp").getValue("uptime_seconds")).isNull();
  }

  @Test
  void unknownSiteAndUnknownPathAreJson404AndBadIdsJson400() throws Exception {
    HttpResponse<Buffer> r = get("/api/v1/sites/nowhere");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("no site with id \"nowhere\"");
    HttpResponse<Buffer> bad = get("/api/v1/sites/Bad%20Id");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("error")).startsWith("invalid site id \"Bad Id\"");
    HttpResponse<Buffer> p = get("/api/v2/nothing");
    assertThat(p.statusCode()).isEqualTo(404);
    assertThat(p.bodyAsJsonObject().getString("path")).isEqualTo("/api/v2/nothing");
  }

  @Test
  void writingToAReadPathIsJson405WithAllow() throws Exception {
    for (String path : List.of("/api/v1/sites", "/metrics", "/api/v2/nothing")) {
      HttpResponse<Buffer> r =
          client.post(web.actualPort(), "127.0.0.1", path).send()
              .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(path).isEqualTo(405);
      assertThat(r.getHeader("Allow")).isEqualTo("GET, HEAD");
      assertThat(r.bodyAsJsonObject().getString("error")).startsWith("method not allowed: POST");
    }
    assertThat(get("/api/v1/sites").statusCode()).isEqualTo(200);
  }

  @Test
  void readyOnlyAfterEverySiteWasChecked() throws Exception {
    HttpResponse<Buffer> before = get("/readyz");
    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(before.bodyAsJsonObject().getJsonArray("reasons").getString(0))
        .isEqualTo("first check cycle not finished: 2 sites not checked yet");
    checkBothSitesUp();
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(get("/healthz").bodyAsJsonObject().getString("status")).isEqualTo("ok");
  }

  @Test
  void metricsUseTheDocumentedNames() throws Exception {
    checkBothSitesUp();
    HttpResponse<Buffer> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("text/plain");
    String text = r.bodyAsString();
    assertThat(text)
        .contains("vcmon_site_up{site=\"ha-thuong\"} 1")
        .contains("vcmon_site_state{site=\"ha-thuong\",state=\"UP\"} 1")
        .contains("vcmon_site_state{site=\"ha-thuong\",state=\"DOWN\"} 0")
        .contains("vcmon_site_info{code=\"05812\",lat=\"21.63694\",lon=\"105.68972\",name=\"Hà Thượng\",parent=\"\",site=\"ha-thuong\",type=\"xã\"} 1")
        .contains("vcmon_icmp_packet_loss_ratio{site=\"ha-thuong\"} 0")
        .contains("vcmon_icmp_rtt_seconds{site=\"ha-thuong\"} 0.0212")
        .contains("vcmon_snmp_up{site=\"ha-thuong\"} 1")
        .contains("vcmon_snmp_uptime_seconds{site=\"ha-thuong\"} 1234")
        .contains("vcmon_sites_online 2")
        .contains("vcmon_rollout_sites_connected 2")
        .contains("vcmon_rollout_sites_target 30")
        // 2020-08-31T00:00+07:00
        .contains("vcmon_rollout_deadline_timestamp_seconds 1.5988068E9")
        .contains("vcmon_site_reboots_total{site=\"ha-thuong\"} 0")
        .doesNotContain("vcmon_snmp_up{site=\"cat-ne\"}");
  }
}
