package org.daitu.vcmon.output.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteType;
import org.daitu.vcmon.output.alert.Notification.Severity;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateSnapshot;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** Meeting occurrences and the readiness summary. */
class MeetingReadinessTest {
  static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
  /** Thursday 20/08/2020 07:50 in the district. */
  static final Instant NOW = Instant.parse("2020-08-20T00:50:00Z");
  static final Instant DOWN_AT = Instant.parse("2020-08-20T00:42:00Z");

  static final AgentConfig.Meeting ONE_OFF =
      new AgentConfig.Meeting(
          "Giao ban huyện", Instant.parse("2020-08-20T01:00:00Z"), null, null, List.of(), Duration.ofMinutes(30));
  static final AgentConfig.Meeting WEEKLY =
      new AgentConfig.Meeting(
          "Giao ban tuần", null, DayOfWeek.MONDAY, LocalTime.of(8, 0), List.of("cat-ne", "u-1"), Duration.ofMinutes(30));

  static SiteStatus status(String id, String name, SiteType type, SiteState state, Instant since, IcmpResult icmp) {
    Site site = new Site(id, "", name, type, "198.18.1.1", null, null, RolloutStage.CONNECTED, null);
    return new SiteStatus(site, state, since, null, false, since, icmp, null, null, null, 0, null, since, List.of());
  }

  /** 30 communes: Cát Nê down since 07:42, La Bằng losing 35 % of its echoes, the rest up; plus a router. */
  static StateSnapshot district() {
    List<SiteStatus> s = new ArrayList<>();
    s.add(status("core", "Lõi huyện", SiteType.NETWORK, SiteState.UP, NOW, null));
    s.add(status("cat-ne", "Cát Nê", SiteType.COMMUNE, SiteState.DOWN, DOWN_AT, null));
    double[] rtt = new double[13]; // 13 of 20 echoes answered: 35 % lost
    java.util.Arrays.fill(rtt, 0.02);
    s.add(status("la-bang", "La Bằng", SiteType.COMMUNE, SiteState.DEGRADED, DOWN_AT, IcmpResult.measured(20, rtt)));
    for (int i = 1; i <= 28; i++) {
      s.add(status("u-" + i, "Xã " + i, i == 28 ? SiteType.TOWN : SiteType.COMMUNE, SiteState.UP, NOW, null));
    }
    return new StateSnapshot(NOW, s, 7);
  }

  final Messages vi = new Messages("vi", ZONE);
  final MeetingReadiness readiness = new MeetingReadiness(List.of(ONE_OFF, WEEKLY), vi);

  @Test
  void summaryReadsLikeTheIssue() {
    Notification n = readiness.readiness(ONE_OFF, ONE_OFF.start(), district());
    assertThat(n.text())
        .isEqualTo(
            "28/30 phòng họp sẵn sàng; chưa sẵn sàng: Cát Nê (mất kết nối từ 07:42), La Bằng (mất gói 35 %)");
    assertThat(n.title()).isEqualTo("Sẵn sàng cho cuộc họp Giao ban huyện (08:00)");
    assertThat(n.key()).isEqualTo("readiness:Giao ban huyện:" + ONE_OFF.start().toEpochMilli());
    assertThat(n.kind()).isEqualTo(Notification.Kind.READINESS);
    assertThat(n.severity()).isEqualTo(Severity.WARNING);
    assertThat(n.sites()).hasSize(30);
  }

  @Test
  void englishSummary() {
    MeetingReadiness en = new MeetingReadiness(List.of(ONE_OFF), new Messages("en", ZONE));
    assertThat(en.readiness(ONE_OFF, ONE_OFF.start(), district()).text())
        .isEqualTo("28/30 meeting rooms ready; not ready: Cát Nê (down since 07:42), La Bằng (35 % packet loss)");
  }

  @Test
  void namedRoomsOnly() {
    Notification n = readiness.readiness(WEEKLY, NOW, district());
    assertThat(n.text()).isEqualTo("1/2 phòng họp sẵn sàng; chưa sẵn sàng: Cát Nê (mất kết nối từ 07:42)");
  }

  @Test
  void nextOccurrences() {
    assertThat(readiness.nextStart(WEEKLY, NOW)).contains(Instant.parse("2020-08-24T01:00:00Z"));
    assertThat(readiness.nextStart(WEEKLY, Instant.parse("2020-08-24T01:00:00Z")))
        .as("at the very start it is still this occurrence")
        .contains(Instant.parse("2020-08-24T01:00:00Z"));
    assertThat(readiness.nextStart(WEEKLY, Instant.parse("2020-08-24T01:00:01Z")))
        .contains(Instant.parse("2020-08-31T01:00:00Z"));
    assertThat(readiness.nextStart(ONE_OFF, Instant.parse("2020-08-21T00:00:00Z"))).isEmpty();
    assertThat(readiness.upcoming(NOW)).extracting(o -> o.meeting().name()).containsExactly("Giao ban huyện", "Giao ban tuần");
  }

  @Test
  void dueOnlyInsideTheLeadTime() {
    assertThat(readiness.due(Instant.parse("2020-08-20T00:29:59Z"))).isEmpty();
    assertThat(readiness.due(Instant.parse("2020-08-20T00:30:00Z"))).extracting(o -> o.meeting().name()).containsExactly("Giao ban huyện");
  }

  @Test
  void policySendsEachSummaryOnceAtTheLeadTime() {
    ManualClock clock = new ManualClock(NOW);
    AlertPolicy p = new AlertPolicy(AgentConfig.Alerts.none(), vi, readiness, clock);
    List<String> keys = new ArrayList<>();
    for (Instant at = Instant.parse("2020-08-20T00:00:00Z"); at.isBefore(Instant.parse("2020-08-20T02:00:00Z")); at = at.plusSeconds(60)) {
      p.tick(at, district()).forEach(n -> keys.add(n.key()));
    }
    assertThat(keys).containsExactly("readiness:Giao ban huyện:" + ONE_OFF.start().toEpochMilli());
  }

  @Test
  @SuppressWarnings("unchecked")
  void viewForTheApi() {
    Map<String, Object> v = readiness.view(NOW, district());
    Map<String, Object> next = (Map<String, Object>) v.get("next");
    assertThat(next).containsEntry("name", "Giao ban huyện").containsEntry("start", "2020-08-20T01:00:00Z")
        .containsEntry("expected", 30).containsEntry("ready", 28L);
    List<Map<String, Object>> rooms = (List<Map<String, Object>>) next.get("rooms");
    assertThat(rooms.get(0)).containsEntry("id", "cat-ne").containsEntry("ready", false)
        .containsEntry("reason", "Cát Nê (mất kết nối từ 07:42)");
    assertThat(rooms.get(2)).containsEntry("ready", true).containsEntry("reason", null);
    assertThat(new MeetingReadiness(List.of(), vi).view(NOW, district())).containsEntry("next", null);
  }
}
