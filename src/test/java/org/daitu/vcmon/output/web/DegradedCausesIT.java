package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.daitu.vcmon.app.Agent;
import org.daitu.vcmon.app.AgentParts;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.history.StateChange;
import org.daitu.vcmon.output.alert.Notification;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.store.SqliteStore;
import org.daitu.vcmon.testing.FakeIcmpProbe;
import org.daitu.vcmon.testing.FakeSnmpProbe;
import org.daitu.vcmon.testing.HeadlessChromium;
import org.daitu.vcmon.testing.Poll;
import org.daitu.vcmon.testing.RecordingChannel;
import org.daitu.vcmon.testing.TestAgent;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A site already DEGRADED for four down ports whose SNMP agent then falls silent, through the
 * whole agent on scripted probes: the new cause is a change of its own in the history and on a
 * channel that takes DEGRADED warnings, and the page in a real Chromium shows the short reason,
 * every cause on hover and how old the SNMP facts are.
 */
class DegradedCausesIT {
  private static final String ADDRESS = "127.0.0.11";

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final FakeIcmpProbe icmp = new FakeIcmpProbe();
  private final FakeSnmpProbe snmp = new FakeSnmpProbe();
  private final RecordingChannel channel = new RecordingChannel("recording-1");
  private Agent agent;
  private ChromeDriver driver;

  @AfterEach
  void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (agent != null) {
      await(agent.stop());
    }
    await(vertx.close());
  }

  static SnmpResult portsDown(String... names) {
    List<InterfaceStatus> rows = new ArrayList<>();
    rows.add(new InterfaceStatus(1, "uplink", "uplink", null, 6, 1, 1, true, InterfaceStatus.Judged.POLLED_ADDRESS));
    for (int i = 0; i < names.length; i++) {
      rows.add(new InterfaceStatus(2 + i, names[i], names[i], null, 6, 1, 2, false, InterfaceStatus.Judged.NAMED));
    }
    return new SnmpResult(
        SnmpStatus.OK, null, 360_000, "ha-thuong", "codec", "1.3.6.1.4.1.8072.3.2.10", rows, "generic",
        null, List.of());
  }

  @Test
  void snmpFallingSilentOnADegradedSiteIsSeenStoredAndSent() throws Exception {
    HeadlessChromium.require();
    AgentConfig cfg =
        TestConfig.in(dir)
            .section("probe", "{ interval: 1s, timeout: 500ms, recheck_interval: 500ms, icmp: { packets: 2, period: 100ms } }")
            .section("state", "{ down_after: 3, up_after: 2 }")
            .section("alerts", "{ degraded_after: 0s, digest: { window: 0s } }")
            .section("snmp_profiles", "{ p: { version: 2c, community: public } }")
            .site("ha-thuong", "name: Hà Thượng, type: xã, address: " + ADDRESS + ", snmp: { profile: p }")
            .load();
    SqliteStore store = new SqliteStore(vertx, cfg.store().path());
    snmp.script(ADDRESS, portsDown("ether3", "ether4", "ether5", "ether6"));
    agent = await(TestAgent.start(vertx, cfg, new AgentParts(Clock.systemUTC(), store, icmp, snmp, List.of(channel))));
    Poll.until(() -> state() == SiteState.DEGRADED, Duration.ofSeconds(15), "DEGRADED for the ports");
    Poll.until(() -> !channel.delivered().isEmpty(), Duration.ofSeconds(15), "the DEGRADED warning");
    Instant before = Instant.now();

    snmp.silent(ADDRESS);
    Poll.until(() -> agent.board().snapshot().site("ha-thuong").orElseThrow().causes().size() == 5,
        Duration.ofSeconds(15), "SNMP silent added to the causes");

    List<StateChange> changes = await(store.changes(before.minusSeconds(60), Instant.now().plusSeconds(1)));
    assertThat(changes)
        .filteredOn(c -> c.from() == SiteState.DEGRADED && c.to() == SiteState.DEGRADED)
        .singleElement()
        .satisfies(c -> assertThat(c.reason()).isEqualTo("new: SNMP silent: no SNMP answer within 1s (2 attempts)"));
    Poll.until(() -> channel.delivered().size() == 2, Duration.ofSeconds(10), "the new-cause warning");
    Notification n = channel.delivered().get(1);
    assertThat(n.title()).isEqualTo("[CẢNH BÁO] Hà Thượng có lỗi mới");
    assertThat(n.severity()).isEqualTo(Notification.Severity.WARNING);

    driver = HeadlessChromium.start(dir);
    driver.get("http://127.0.0.1:" + agent.httpPort() + "/");
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    String cell = "tr.site[data-site='ha-thuong'] td.reason";
    wait.until(d -> !d.findElements(By.cssSelector(cell + " .stale")).isEmpty());
    assertThat(driver.findElement(By.cssSelector(cell + " .reason-text")).getText())
        .isEqualTo("4 cổng mất kết nối: ether3, ether4, ether5, …; "
            + "SNMP không trả lời: không có trả lời SNMP sau 1s (2 lần thử)");
    assertThat(driver.findElement(By.cssSelector(cell + " > span")).getAttribute("title").split("\n"))
        .containsExactly(
            "cổng mạng ether3 không hoạt động", "cổng mạng ether4 không hoạt động",
            "cổng mạng ether5 không hoạt động", "cổng mạng ether6 không hoạt động",
            "SNMP không trả lời: không có trả lời SNMP sau 1s (2 lần thử)");
    assertThat(driver.findElement(By.cssSelector(cell + " .stale")).getText())
        .matches("SNMP trả lời lần cuối \\d+ giây trước");
  }

  private SiteState state() {
    return agent.board().snapshot().site("ha-thuong").orElseThrow().state();
  }
}
