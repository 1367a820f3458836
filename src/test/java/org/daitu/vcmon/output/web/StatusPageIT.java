package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.app.Agent;
import org.daitu.vcmon.testing.HeadlessChromium;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.TestConfig;
import org.daitu.vcmon.testing.Snmpd;
import org.daitu.vcmon.testing.SyntheticIfMib;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real headless Chromium against a real agent: the 30 units of the district
 * pinged for real on loopback (127.0.0.11–40) plus a network site named with HTML. One commune
 * is made silent for real by an nftables table of this test ({@value #NFT_TABLE}), and its row
 * must turn DOWN through the live event stream, without a reload. The network site is polled over
 * SNMP (a real snmpd with a three-row interface table, vcmon reading two): its row says the table
 * was read in part.
 *
 * <p>Nothing is downloaded: Selenium is pointed at Debian's chromium and chromedriver. Skipped,
 * saying why, without them, without fping, or without root and nft.
 */
class StatusPageIT {
  private static final String NFT_TABLE = "vcmon_it_page";
  private static final String HTML_NAME = "<img src=x onerror=alert(1)>Xã thử";
  private static final String HTML_ID = "html-name";
  private static final int UNITS = 30;

  @TempDir static Path dir;
  private static Vertx vertx;
  private static Agent agent;
  private static WebClient client;
  private static ChromeDriver driver;
  private static boolean nftTable;
  private static List<String> unitIds;
  private static Snmpd snmpd;

  @BeforeAll
  static void start() throws Exception {
    HeadlessChromium.require();
    HostTools.require("fping");
    HostTools.requireRoot("to silence a site with nftables");
    HostTools.require("nft");
    HostTools.requireAvailable(SyntheticIfMib.unavailableReason());

    unitIds = seedIds();
    assertThat(unitIds).hasSize(UNITS);
    TestConfig config = TestConfig.in(dir)
        .section("probe", "{ interval: 2s, timeout: 500ms, recheck_interval: 1s, icmp: { packets: 3, period: 100ms },"
            + " snmp: { max_interfaces: 2 } }")
        .section("snmp_profiles", "{ it: { version: 2c, community: it-ro } }")
        .section("rollout", "{ target: 30, deadline: 2020-08-31 }")
        .section("seeds", Path.of("seeds/dai-tu-2020-units.csv").toAbsolutePath().toString());
    for (int i = 0; i < UNITS; i++) {
      config.site(unitIds.get(i), "address: 127.0.0." + (11 + i));
    }
    // A network site, so the counts stay those of the district: 30 units, target 30. Its
    // interface table has three rows, one more than vcmon reads.
    SyntheticIfMib table =
        new SyntheticIfMib()
            .iface(1, "ether1", "Intel 82574L", null, 6, 1, 1)
            .iface(2, "ether2", "Intel 82574L", null, 6, 1, 2)
            .iface(3, "ether3", "Intel 82574L", null, 6, 1, 2)
            .address("127.0.0.41", 1);
    Path snmpdDir = dir.resolve("snmpd");
    snmpd =
        table.serve(Snmpd.builder(snmpdDir).listen("127.0.0.41", 0).community("it-ro"),
            snmpdDir.resolve("mib")).start();
    config.site(HTML_ID, "name: \"" + HTML_NAME + "\", type: network, address: 127.0.0.41, snmp: { profile: it, port: "
        + snmpd.port() + " }");

    vertx = Vertx.vertx();
    agent = await(TestAgent.start(vertx, config.load()));
    client = WebClient.create(vertx);
    waitForApi("all 31 sites UP", body -> states(body).getInteger("UP") == UNITS + 1);

    driver = HeadlessChromium.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (nftTable) {
      run("nft", "delete", "table", "ip", NFT_TABLE);
    }
    if (driver != null) {
      driver.quit();
    }
    if (agent != null) {
      await(agent.stop());
    }
    if (snmpd != null) {
      snmpd.close();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void pageShowsTheDistrictAndFollowsAStateChangeLive() throws Exception {
    driver.get("http://127.0.0.1:" + agent.httpPort() + "/");
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    wait.until(d -> d.findElements(By.cssSelector("#sites tr.site")).size() == UNITS + 1);

    // Vietnamese by default, the district's counts.
    assertThat(text("h1")).isEqualTo("Phòng họp trực tuyến — huyện Đại Từ");
    assertThat(counters()).containsExactly("Đã kết nối 30/30", "Đang trực tuyến 30/30");
    assertThat(driver.findElements(By.cssSelector("#sites tr.site[data-state='UP']"))).hasSize(UNITS + 1);
    assertThat(text("tr.site[data-site='hung-son'] .name")).isEqualTo("Hùng Sơn");
    assertThat(text("tr.site[data-site='hung-son'] td.state")).isEqualTo("Hoạt động");
    assertThat(text("#deadline")).startsWith("Hạn hoàn thành: 31 tháng 8, 2020");

    // The HTML name is text: shown literally, never an element.
    assertThat(text("tr.site[data-site='" + HTML_ID + "'] .name")).isEqualTo(HTML_NAME);
    assertThat(driver.findElements(By.cssSelector("#sites img"))).isEmpty();
    assertThat(driver.findElements(By.tagName("img"))).isEmpty();

    // A cut interface table is said, under the reason; the site is still UP.
    String htmlRow = "tr.site[data-site='" + HTML_ID + "']";
    assertThat(text(htmlRow + " td.reason .partial"))
        .isEqualTo("chỉ đọc được một phần bảng cổng mạng (probe.snmp.max_interfaces)");
    assertThat(driver.findElements(By.cssSelector("#sites td.reason .partial"))).hasSize(1);

    // The map: one marker per site with coordinates, the others listed beside it.
    JsonArray sites = get("/api/v1/sites").getJsonArray("sites");
    Set<String> located = new HashSet<>();
    Set<String> unlocatedUnits = new HashSet<>();
    for (int i = 0; i < sites.size(); i++) {
      JsonObject s = sites.getJsonObject(i);
      if (s.getValue("location") != null) {
        located.add(s.getString("id"));
      } else if (!s.getString("type").equals("network")) {
        unlocatedUnits.add(s.getString("id"));
      }
    }
    assertThat(located).hasSize(19);
    assertThat(attributes("#map g.marker", "data-site")).containsExactlyInAnyOrderElementsOf(located);
    assertThat(attributes("#no-coords-list li", "data-site")).containsExactlyInAnyOrderElementsOf(unlocatedUnits);
    assertThat(texts("#map g.marker text.state-text")).containsOnly("Hoạt động");

    // English with the switch.
    driver.findElement(By.id("lang-en")).click();
    wait.until(d -> text("h1").equals("Online meeting rooms — Đại Từ district"));
    assertThat(counters()).containsExactly("Connected 30/30", "Online now 30/30");
    assertThat(text("tr.site[data-site='hung-son'] td.state")).isEqualTo("Up");
    assertThat(text("#deadline")).startsWith("Deadline: 31 August 2020");
    assertThat(driver.getCurrentUrl()).endsWith("?lang=en");
    assertThat(text("tr.site[data-site='" + HTML_ID + "'] td.reason .partial"))
        .isEqualTo("interface table read in part (probe.snmp.max_interfaces)");

    // A commune with coordinates goes silent for real; the page must follow without a reload.
    String victim = unitIds.stream().filter(located::contains).findFirst().orElseThrow();
    String victimAddress = "127.0.0." + (unitIds.indexOf(victim) + 11);
    JavascriptExecutor js = driver;
    js.executeScript("window.itMarker = 'same page';");
    Object loadedAt = js.executeScript("return window.vcmonPage.loadedAt;");
    Result drop =
        run(
            "nft",
            "add table ip " + NFT_TABLE + " ; "
                + "add chain ip " + NFT_TABLE + " input { type filter hook input priority 0 ; policy accept ; } ; "
                + "add rule ip " + NFT_TABLE + " input ip daddr " + victimAddress + " drop");
    nftTable = drop.exitCode == 0;
    assertThat(drop.exitCode).as("nft: %s", drop.output).isZero();

    String row = "tr.site[data-site='" + victim + "']";
    wait.until(d -> attributes(row, "data-state").equals(List.of("DOWN")));
    assertThat(text(row + " td.state")).isEqualTo("Down");
    assertThat(js.executeScript("return window.itMarker;")).as("no reload").isEqualTo("same page");
    assertThat(js.executeScript("return window.vcmonPage.loadedAt;")).isEqualTo(loadedAt);
    assertThat(((Number) js.executeScript("return window.vcmonPage.events;")).longValue())
        .as("the change came as a live event")
        .isPositive();
    // Problems first: the DOWN group is the first group of the table.
    assertThat(attributes("#sites tbody", "data-state")).first().isEqualTo("DOWN");
    assertThat(text("#map g.marker[data-site='" + victim + "'] text.state-text")).isEqualTo("Down");
    wait.until(d -> counters().equals(List.of("Connected 30/30", "Online now 29/30")));
    wait.until(d -> !d.findElements(By.cssSelector("#open-incidents tr.incident")).isEmpty());

    // Screenshots for the docs, in Vietnamese, with the outage on screen.
    driver.findElement(By.id("lang-vi")).click();
    wait.until(d -> text(row + " td.state").equals("Mất kết nối"));
    assertThat(text(row + " td.reason")).as("the reason in Vietnamese too").isEqualTo("không trả lời 3 gói ping");
    assertThat(driver.getCurrentUrl()).doesNotContain("lang=");
    screenshot(390, 844, 2600, "status-page-phone.png");
    screenshot(1280, 900, 6000, "status-page.png");
    assertThat(js.executeScript("return window.itMarker;")).isEqualTo("same page");
  }

  private static List<String> counters() {
    return fresh(
        () ->
            driver.findElements(By.cssSelector(".counter-text")).stream()
                .map(e -> e.getText().strip())
                .collect(Collectors.toList()));
  }

  private static List<String> texts(String css) {
    return fresh(
        () -> driver.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList());
  }

  private static String text(String css) {
    return fresh(() -> driver.findElement(By.cssSelector(css)).getText().strip());
  }

  private static List<String> attributes(String css, String attribute) {
    return fresh(
        () ->
            driver.findElements(By.cssSelector(css)).stream()
                .map(e -> e.getAttribute(attribute))
                .toList());
  }

  /**
   * Reads the page again when a live update replaced an element between finding it and reading
   * it: the page re-renders rows on every event, so a stale element means "read the new one".
   */
  private static <T> T fresh(Supplier<T> read) {
    StaleElementReferenceException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        return read.get();
      } catch (StaleElementReferenceException e) {
        last = e;
      }
    }
    throw last;
  }

  /**
   * The page at this viewport, from the top down to {@code maxHeight} (a phone's page of 31 cards
   * is very long), into target/screenshots and docs/screenshots.
   */
  @SuppressWarnings("unchecked")
  private static void screenshot(int width, int height, int maxHeight, String name) throws Exception {
    driver.manage().window().setSize(new Dimension(width, height));
    // Let the layout settle and the chart redraw at the new width (it waits 200 ms after a resize).
    new WebDriverWait(driver, Duration.ofSeconds(5))
        .until(d -> ((Number) ((JavascriptExecutor) d).executeScript("return window.innerWidth;")).intValue() <= width);
    Thread.sleep(600);
    Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
    Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
    double w = ((Number) driver.executeScript("return window.innerWidth;")).doubleValue();
    double h = Math.min(maxHeight, ((Number) size.get("height")).doubleValue());
    Map<String, Object> shot =
        driver.executeCdpCommand(
            "Page.captureScreenshot",
            Map.of(
                "format", "png",
                "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", w, "height", h, "scale", 1)));
    byte[] png = Base64.getDecoder().decode((String) shot.get("data"));
    Path target = Files.createDirectories(Path.of("target", "screenshots")).resolve(name);
    Files.write(target, png);
    Path docs = Files.createDirectories(Path.of("docs", "screenshots")).resolve(name);
    Files.copy(target, docs, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The slugs of the seeds file, in its order. */
  private static List<String> seedIds() throws IOException {
    List<String> ids = new ArrayList<>();
    List<String> lines = Files.readAllLines(Path.of("seeds/dai-tu-2020-units.csv"), StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        ids.add(line.split(",", 3)[1]);
      }
    }
    return ids;
  }

  private static JsonObject states(JsonObject body) {
    return body.getJsonObject("summary").getJsonObject("states");
  }

  private static JsonObject get(String path) throws Exception {
    return await(client.get(agent.httpPort(), "127.0.0.1", path).send()).bodyAsJsonObject();
  }

  private static void waitForApi(String what, Predicate<JsonObject> condition) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    JsonObject last = null;
    while (System.nanoTime() < end) {
      last = get("/api/v1/sites");
      if (condition.test(last)) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("not within 40s: " + what + "; last summary: " + last.getJsonObject("summary"));
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String... argv) throws InterruptedException {
    try {
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(process.waitFor(), output);
    } catch (IOException e) {
      return new Result(-1, String.valueOf(e.getMessage()));
    }
  }
}
