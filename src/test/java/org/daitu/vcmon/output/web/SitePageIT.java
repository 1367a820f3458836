package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.logging.Level;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.Await;
import org.daitu.vcmon.testing.HeadlessChromium;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One commune's figures against a real agent pinging two loopback addresses with the real fping:
 * the status page in Debian's Chromium loads without a failed request (the favicon included), and
 * the per-site history answers with today's day in the district's zone, and the 5-minute samples
 * outlive a restart.
 */
class SitePageIT {
  private static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
  private static final String NFT_TABLE = "vcmon_it_sitepage";
  private static final String HTML_NAME = "<b>Xã</b> Hai";
  private static boolean nftTable;
  private static final String TOKEN = "it-token-0123456789abcdef";
  private static final String ACK_NOTE = "<script>window.pwned=1</script> đã báo VNPT";
  private static final String WINDOW_NOTE = "<i>thay codec</i>";

  @TempDir static Path dir;
  private static Vertx vertx;
  private static TestAgent.Running agent;
  private static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    HostTools.require("fping");
    HostTools.requireRoot("to silence a site with nftables");
    HostTools.require("nft");
    // xa-bon never answers: its pings are dropped by a table of this test, so it has an incident.
    Process nft =
        new ProcessBuilder(
                "nft",
                "add table ip " + NFT_TABLE + " ; "
                    + "add chain ip " + NFT_TABLE + " input { type filter hook input priority 0 ; policy accept ; } ; "
                    + "add rule ip " + NFT_TABLE + " input ip daddr 127.0.0.64 drop")
            .inheritIO()
            .start();
    nftTable = nft.waitFor() == 0;
    assertThat(nftTable).as("nft table").isTrue();
    TestConfig config =
        TestConfig.in(dir)
            .section("http", "{ host: 127.0.0.1, port: 0, admin_token_env: IT_TOKEN }")
            .env("IT_TOKEN", TOKEN)
            .section("probe", "{ interval: 1s, timeout: 500ms, recheck_interval: 1s, icmp: { packets: 2, period: 100ms } }")
            .site("xa-mot", "name: \"Xã Một\", type: xã, address: 127.0.0.61")
            .site("xa-hai", "name: \"" + HTML_NAME + "\", type: xã, address: 127.0.0.62")
            .site("xa-bon", "name: \"Xã Bốn\", type: xã, address: 127.0.0.64");
    vertx = Vertx.vertx();
    agent = TestAgent.running(vertx, config.load());
    agent.api().waitFor("two sites UP, one DOWN", Duration.ofSeconds(30),
        body -> ApiClient.count(body, "UP") == 2 && ApiClient.count(body, "DOWN") == 1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (nftTable) {
      new ProcessBuilder("nft", "delete", "table", "ip", NFT_TABLE).inheritIO().start().waitFor();
    }
    if (driver != null) {
      driver.quit();
    }
    if (agent != null) {
      Await.await(agent.agent().stop());
    }
    if (vertx != null) {
      Await.await(vertx.close());
    }
  }

  @Test
  void statusPageLoadsWithoutAFailedRequest() throws Exception {
    browser().get("http://127.0.0.1:" + agent.agent().httpPort() + "/");
    new WebDriverWait(driver, Duration.ofSeconds(30))
        .until(d -> d.findElements(By.cssSelector("#sites tr.site")).size() == 3);
    // The browser asks for the icon after the page loaded; give it time to fail if it would.
    Thread.sleep(1500);
    List<LogEntry> log = driver.manage().logs().get("browser").getAll();
    assertThat(log)
        .as("the browser's console")
        .filteredOn(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
        // A single agent answers 404 to /api/v1/cluster by design (docs/api.md); the page asks once.
        .filteredOn(e -> !e.getMessage().contains("/api/v1/cluster "))
        .isEmpty();
    assertThat(driver.getTitle()).startsWith("vcmon");
    HttpResponse<String> icon = agent.api().get("/favicon.svg");
    assertThat(icon.statusCode()).isEqualTo(200);
    assertThat(icon.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
    HttpResponse<String> ico = agent.api().get("/favicon.ico");
    assertThat(ico.statusCode()).isEqualTo(200);
    assertThat(ico.body()).isEqualTo(icon.body());
  }

  @Test
  void historyGivesTheLastDaysInTheDistrictsZone() throws Exception {
    HttpResponse<String> r = agent.api().get("/api/v1/sites/xa-mot/history?days=3");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray days = new JsonArray(r.body());
    LocalDate today = LocalDate.now(ZONE);
    assertThat(days.stream().map(d -> ((JsonObject) d).getString("day")))
        .containsExactly(today.minusDays(2).toString(), today.minusDays(1).toString(), today.toString());
    // Before vcmon first ran: nothing observed, no ratio. Today: up since it started.
    assertThat(days.getJsonObject(0).getValue("availability_ratio")).isNull();
    JsonObject now = days.getJsonObject(2);
    assertThat(now.getDouble("availability_ratio")).isEqualTo(1.0);
    assertThat(now.getLong("down_seconds")).isZero();
    assertThat(now.fieldNames())
        .containsExactlyInAnyOrder("day", "availability_ratio", "down_seconds", "maintenance_seconds", "gap_seconds");
    assertThat(new JsonArray(agent.api().get("/api/v1/sites/xa-mot/history").body())).hasSize(90);
  }

  @Test
  void historyRefusesUnknownSitesAndBadDays() throws Exception {
    HttpResponse<String> unknown = agent.api().get("/api/v1/sites/xa-khong/history");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getString("error")).contains("xa-khong");
    for (String bad : List.of("0", "367", "abc", "-1")) {
      HttpResponse<String> r = agent.api().get("/api/v1/sites/xa-mot/history?days=" + bad);
      assertThat(r.statusCode()).as("days=%s", bad).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getString("error")).startsWith("days must be").contains(bad);
    }
  }

  /**
   * A second agent of its own pings one commune for a few seconds and stops: the 5-minute point
   * still open is written at stop, and the agent started again on the same store serves it.
   */
  @Test
  void samplesOfAStoppedAgentAreServedAfterItsRestart(@TempDir Path own) throws Exception {
    TestConfig config =
        TestConfig.in(own)
            .section("probe", "{ interval: 1s, timeout: 500ms, recheck_interval: 1s, icmp: { packets: 3, period: 50ms } }")
            .site("xa-ba", "name: \"Xã Ba\", type: xã, address: 127.0.0.63");
    TestAgent.Running first = TestAgent.running(vertx, config.load());
    try {
      first.api().waitFor("xa-ba UP", Duration.ofSeconds(30), body -> ApiClient.count(body, "UP") == 1);
      Thread.sleep(3000);
    } finally {
      Await.await(first.agent().stop());
    }
    TestAgent.Running again = TestAgent.running(vertx, config.load());
    try {
      HttpResponse<String> r = again.api().get("/api/v1/sites/xa-ba/samples?hours=1");
      assertThat(r.statusCode()).isEqualTo(200);
      JsonArray points = new JsonArray(r.body());
      assertThat(points).isNotEmpty();
      int checks = 0;
      for (Object o : points) {
        JsonObject p = (JsonObject) o;
        assertThat(p.fieldNames()).containsExactlyInAnyOrder("at", "rtt_ms_avg", "rtt_ms_max", "loss_ratio", "checks");
        assertThat(java.time.Instant.parse(p.getString("at")).toEpochMilli() % 300_000).isZero();
        assertThat(p.getDouble("rtt_ms_avg")).isPositive().isLessThanOrEqualTo(p.getDouble("rtt_ms_max"));
        assertThat(p.getDouble("loss_ratio")).isZero();
        checks += p.getInteger("checks");
      }
      assertThat(checks).as("checks in %s", points).isGreaterThanOrEqualTo(3);

      // The commune's page draws them.
      ChromeDriver d = browser();
      d.get("http://127.0.0.1:" + again.agent().httpPort() + "/site/xa-ba");
      new WebDriverWait(d, Duration.ofSeconds(30)).until(x -> Boolean.TRUE.equals(
          ((JavascriptExecutor) x).executeScript("return window.vcmonSitePage && window.vcmonSitePage.loaded")));
      assertThat(d.findElements(By.cssSelector("#chart canvas"))).isNotEmpty();
      assertThat(d.findElement(By.id("chart-empty")).isDisplayed()).isFalse();

      assertThat(again.api().get("/api/v1/sites/xa-khong/samples").statusCode()).isEqualTo(404);
      for (String bad : List.of("0", "745", "x")) {
        HttpResponse<String> b = again.api().get("/api/v1/sites/xa-ba/samples?hours=" + bad);
        assertThat(b.statusCode()).as("hours=%s", bad).isEqualTo(400);
        assertThat(new JsonObject(b.body()).getString("error")).startsWith("hours must be").contains(bad);
      }
    } finally {
      Await.await(again.agent().stop());
    }
  }

  @Test
  void eachNameLeadsToItsCommunesPage() throws Exception {
    ChromeDriver d = browser();
    d.get("http://127.0.0.1:" + agent.agent().httpPort() + "/");
    WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(30));
    wait.until(x -> x.findElements(By.cssSelector("#sites tr.site")).size() == 3);
    // The name with markup is a link whose text is the markup, not bold text.
    WebElement link = d.findElement(By.cssSelector("tr.site[data-site='xa-hai'] a.name"));
    assertThat(link.getText()).isEqualTo(HTML_NAME);
    link.click();
    wait.until(x -> Boolean.TRUE.equals(((JavascriptExecutor) x).executeScript("return window.vcmonSitePage && window.vcmonSitePage.loaded")));
    assertThat(d.getCurrentUrl()).endsWith("/site/xa-hai");
    assertThat(d.getTitle()).isEqualTo("vcmon — " + HTML_NAME);
    assertThat(d.findElement(By.id("name")).getText()).isEqualTo(HTML_NAME);
    assertThat(d.findElements(By.cssSelector("#name b"))).isEmpty();
    assertThat(d.findElement(By.id("state")).getText()).isEqualTo("Hoạt động");

    // An acknowledgement and a maintenance window with markup in their notes, through the API.
    JsonObject open = agent.api().json("/api/v1/incidents?site=xa-bon&open=true").getJsonArray("incidents").getJsonObject(0);
    HttpResponse<String> ack =
        agent.api().send("POST", "/api/v1/incidents/" + open.getLong("id") + "/ack", TOKEN,
            new JsonObject().put("note", ACK_NOTE).encode());
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
    LocalDate tomorrow = LocalDate.now(ZONE).plusDays(1);
    HttpResponse<String> window =
        agent.api().send("POST", "/api/v1/maintenance", TOKEN,
            new JsonObject().put("site", "xa-bon").put("start", tomorrow + " 22:00").put("end", tomorrow + " 23:30")
                .put("note", WINDOW_NOTE).encode());
    assertThat(window.statusCode()).as(window.body()).isEqualTo(201);

    // The DOWN commune: its incident with the note as text, the 90-day bar (today observed, the days before without
    // data), the 24-hour chart once a point is stored.
    d.get("http://127.0.0.1:" + agent.agent().httpPort() + "/site/xa-bon");
    wait.until(x -> Boolean.TRUE.equals(((JavascriptExecutor) x).executeScript("return window.vcmonSitePage && window.vcmonSitePage.loaded")));
    assertThat(d.getTitle()).isEqualTo("vcmon — Xã Bốn");
    assertThat(d.findElement(By.id("state")).getText()).isEqualTo("Mất kết nối");
    assertThat(d.findElement(By.id("reason")).getText()).isEqualTo("không trả lời 2 gói ping");
    List<WebElement> days = d.findElements(By.cssSelector("#day-bar .day"));
    assertThat(days).hasSize(90);
    assertThat(days.get(0).getAttribute("class")).isEqualTo("day none");
    assertThat(days.get(89).getAttribute("class")).isEqualTo("day down");
    assertThat(days.get(89).getAttribute("data-day")).isEqualTo(LocalDate.now(ZONE).toString());
    assertThat(d.findElements(By.cssSelector("#incidents tr"))).hasSizeGreaterThanOrEqualTo(2);
    assertThat(d.findElement(By.cssSelector("#incidents tr:nth-child(2)")).getText())
        .contains("đang diễn ra").contains(ACK_NOTE);
    assertThat(d.findElements(By.cssSelector("#incidents script"))).isEmpty();
    assertThat(((JavascriptExecutor) d).executeScript("return window.pwned === undefined")).isEqualTo(true);
    assertThat(d.findElement(By.cssSelector("#maintenance tr:nth-child(2)")).getText()).contains(WINDOW_NOTE);
    assertThat(d.findElements(By.cssSelector("#maintenance i"))).isEmpty();

    // English with the switch.
    d.findElement(By.cssSelector(".lang-switch button[data-lang='en']")).click();
    assertThat(d.findElement(By.id("state")).getText()).isEqualTo("Down");
    assertThat(d.findElement(By.id("reason")).getText()).isEqualTo("no answer to 2 pings");
    assertThat(d.findElement(By.id("days-title")).getText()).isEqualTo("Last 90 days");
    d.findElement(By.cssSelector(".lang-switch button[data-lang='vi']")).click();

    List<LogEntry> log = d.manage().logs().get("browser").getAll();
    assertThat(log).as("the browser's console")
        .filteredOn(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
        .filteredOn(e -> !e.getMessage().contains("/api/v1/cluster "))
        .isEmpty();
    HttpResponse<String> unknown = agent.api().get("/site/xa-khong");
    assertThat(unknown.statusCode()).isEqualTo(404);

    screenshot(d, 1280, 900, "site-page.png");
    screenshot(d, 390, 844, "site-page-phone.png");
  }

  private static ChromeDriver browser() throws Exception {
    if (driver == null) {
      driver = HeadlessChromium.start(dir);
    }
    driver.manage().window().setSize(new Dimension(1280, 900));
    return driver;
  }

  /** The page at this viewport, from the top, into target/screenshots and docs/screenshots. */
  private static void screenshot(ChromeDriver d, int width, int height, String name) throws Exception {
    d.manage().window().setSize(new Dimension(width, height));
    Thread.sleep(600);
    byte[] png = d.getScreenshotAs(OutputType.BYTES);
    Path target = Files.createDirectories(Path.of("target", "screenshots")).resolve(name);
    Files.write(target, png);
    Files.copy(target, Files.createDirectories(Path.of("docs", "screenshots")).resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
