package org.daitu.vcmon.output.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteType;
import org.daitu.vcmon.output.alert.Notification.Kind;
import org.daitu.vcmon.output.alert.Notification.Severity;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateSnapshot;
import org.daitu.vcmon.state.Transition;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The alert policy, driven by transitions and ticks as the notifier would drive it. */
class AlertPolicyTest {
  static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
  /** 07:42 on 12/08 in the district. */
  static final Instant T0 = Instant.parse("2020-08-12T00:42:00Z");
  static final Duration WINDOW = Duration.ofSeconds(10);

  /** A small district: a core router, Cát Nê and La Bằng, 12 communes behind the core, and 20 more. */
  static final class District {
    final Map<String, SiteStatus> sites = new LinkedHashMap<>();
    String blind;
    /** The tracker's view of the sites being confirmed; null: none (several agents). */
    Set<String> confirming;

    District() {
      add("core", "Lõi huyện", SiteType.NETWORK, null);
      add("cat-ne", "Cát Nê", SiteType.COMMUNE, null);
      add("la-bang", "La Bằng", SiteType.COMMUNE, null);
      for (int i = 1; i <= 12; i++) {
        add("behind-" + i, "Xã Sau " + i, SiteType.COMMUNE, "core");
      }
      for (int i = 1; i <= 16; i++) {
        add("x-" + i, "Xã " + i, SiteType.COMMUNE, null);
      }
    }

    void add(String id, String name, SiteType type, String parent) {
      Site site = new Site(id, "", name, type, "198.18.1.1", null, parent, RolloutStage.CONNECTED, null);
      sites.put(id, status(site, SiteState.UP, T0.minus(Duration.ofDays(1)), null));
    }

    static SiteStatus status(Site site, SiteState state, Instant since, String reason) {
      return new SiteStatus(site, state, since, reason, false, since, null, null, null, null, 0, null, since, List.of());
    }

    /** Moves a site and returns the transition the tracker would publish. */
    Transition move(String id, SiteState to, Instant at, String reason, boolean announce) {
      SiteStatus old = sites.get(id);
      sites.put(id, status(old.site(), to, at, reason));
      return new Transition(id, old.state(), to, at, reason, announce, !announce);
    }

    Transition move(String id, SiteState to, Instant at, String reason) {
      return move(id, to, at, reason, true);
    }

    StateSnapshot snap(Instant at) {
      return new StateSnapshot(at, new ArrayList<>(sites.values()), 1, blind, null, confirming);
    }
  }

  final District d = new District();
  final ManualClock clock = new ManualClock(T0);

  static AgentConfig.Alerts cfg(String language, Duration reminder) {
    AgentConfig.Alerts n = AgentConfig.Alerts.none();
    return new AgentConfig.Alerts(
        language, WINDOW, 3, Duration.ofMinutes(10), reminder, List.of(), List.of(), List.of(), List.of());
  }

  static AlertPolicy policy(String language, Duration reminder, ManualClock clock) {
    Messages m = new Messages(language, ZONE);
    return new AlertPolicy(cfg(language, reminder), m, new MeetingReadiness(List.of(), m), clock);
  }

  final AlertPolicy policy = policy("vi", Duration.ZERO, clock);

  List<Notification> feed(Transition... ts) {
    clock.advance(Duration.between(clock.instant(), ts[0].at()));
    return policy.onTransitions(List.of(ts), d.snap(clock.instant()));
  }

  List<Notification> tick(Instant at) {
    return policy.tick(at, d.snap(at));
  }

  @Test
  void downIsHeldForTheWindowThenAnnouncedOnceWithExactText() {
    assertThat(feed(d.move("cat-ne", SiteState.DOWN, T0, "không trả lời ping"))).isEmpty();
    assertThat(tick(T0.plusSeconds(9))).as("window still open").isEmpty();
    List<Notification> out = tick(T0.plus(WINDOW));
    assertThat(out).hasSize(1);
    Notification n = out.get(0);
    assertThat(n.key()).isEqualTo("site:cat-ne:DOWN:" + T0.toEpochMilli());
    assertThat(n.kind()).isEqualTo(Kind.SITE);
    assertThat(n.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(n.resolved()).isFalse();
    assertThat(n.title()).isEqualTo("[NGHIÊM TRỌNG] Cát Nê mất kết nối");
    assertThat(n.text()).isEqualTo("Cát Nê mất kết nối từ 07:42. Lý do: không trả lời ping.");
    assertThat(n.sites()).singleElement().satisfies(s -> {
      assertThat(s.id()).isEqualTo("cat-ne");
      assertThat(s.state()).isEqualTo("DOWN");
      assertThat(s.previousState()).isEqualTo("UP");
      assertThat(s.since()).isEqualTo(T0);
    });
    assertThat(tick(T0.plusSeconds(60))).as("announced once").isEmpty();
  }

  @Test
  void aReloadKeepsAnnouncedOutagesAndSpeaksTheNewLanguage() {
    feed(d.move("cat-ne", SiteState.DOWN, T0, "không trả lời ping"));
    assertThat(tick(T0.plus(WINDOW))).hasSize(1);
    Messages en = new Messages("en", ZONE);
    policy.reconfigure(cfg("en", Duration.ZERO), en, new MeetingReadiness(List.of(), en));
    assertThat(tick(T0.plusSeconds(60))).as("not announced again").isEmpty();
    feed(d.move("cat-ne", SiteState.UP, T0.plus(Duration.ofMinutes(30)), null));
    assertThat(tick(T0.plus(Duration.ofMinutes(31)))).singleElement().satisfies(n -> {
      assertThat(n.resolved()).isTrue();
      assertThat(n.title()).isEqualTo("[RESOLVED] Cát Nê is back");
      assertThat(n.text()).contains("after 30").contains("since");
    });
  }

  @Test
  void flappingChangesAreNotAnnounced() {
    feed(d.move("cat-ne", SiteState.DOWN, T0, "không trả lời ping", false));
    feed(d.move("cat-ne", SiteState.UP, T0.plusSeconds(30), null, false));
    assertThat(tick(T0.plusSeconds(60))).isEmpty();
  }

  @Test
  void maintenanceIsSilent() {
    assertThat(feed(d.move("cat-ne", SiteState.MAINTENANCE, T0, "bảo trì"))).isEmpty();
    assertThat(feed(d.move("la-bang", SiteState.DOWN, T0.plusSeconds(1), "x"))).isEmpty();
    // La Bằng went into maintenance before the window closed: its DOWN is dropped.
    d.move("la-bang", SiteState.MAINTENANCE, T0.plusSeconds(5), "bảo trì", true);
    assertThat(tick(T0.plusSeconds(30))).isEmpty();
  }

  @Test
  void blindIsSilentAndAnOutageFromBeforeIsNotReannounced() {
    feed(d.move("cat-ne", SiteState.DOWN, T0, "không trả lời ping"));
    assertThat(tick(T0.plus(WINDOW))).hasSize(1);
    // The uplink fails: held DOWNs of the others are dropped, nothing goes out.
    feed(d.move("la-bang", SiteState.DOWN, T0.plusSeconds(20), "x"));
    d.blind = "không ping được bộ định tuyến lõi";
    assertThat(feed(d.move("cat-ne", SiteState.UNKNOWN, T0.plusSeconds(25), "mù"))).isEmpty();
    assertThat(tick(T0.plusSeconds(60))).isEmpty();
    d.blind = null;
    feed(d.move("cat-ne", SiteState.DOWN, T0.plusSeconds(120), "không trả lời ping"));
    assertThat(tick(T0.plusSeconds(200))).as("Cát Nê was announced before the blind spell").isEmpty();
    // When it comes back the recovery counts the whole outage.
    feed(d.move("cat-ne", SiteState.UP, T0.plus(Duration.ofMinutes(125)), null));
    List<Notification> out = tick(T0.plus(Duration.ofMinutes(126)));
    assertThat(out).singleElement().satisfies(n -> {
      assertThat(n.resolved()).isTrue();
      assertThat(n.text()).contains("sau 2 giờ 5 phút mất kết nối");
    });
  }

  @Test
  void parentDownNamesItsUnreachableChildrenInOneMessage() {
    List<Transition> ts = new ArrayList<>();
    ts.add(d.move("core", SiteState.DOWN, T0, "không trả lời ping"));
    for (int i = 1; i <= 12; i++) {
      ts.add(d.move("behind-" + i, SiteState.UNREACHABLE, T0, "tuyến trên mất kết nối"));
    }
    clock.advance(Duration.ZERO);
    assertThat(policy.onTransitions(ts, d.snap(T0))).isEmpty();
    List<Notification> out = tick(T0.plus(WINDOW));
    assertThat(out).singleElement().satisfies(n -> {
      assertThat(n.kind()).isEqualTo(Kind.SITE);
      assertThat(n.title()).isEqualTo("[NGHIÊM TRỌNG] Lõi huyện mất kết nối");
      assertThat(n.text())
          .endsWith(
              "\n12 điểm phía sau không liên lạc được: "
                  + String.join(", ", IntStream.rangeClosed(1, 12).mapToObj(i -> "Xã Sau " + i).toList()));
      assertThat(n.sites()).hasSize(13);
      assertThat(n.sites().get(1).state()).isEqualTo("UNREACHABLE");
    });
  }

  @Test
  void aChildBecomingUnreachableAloneDoesNotAlert() {
    feed(d.move("behind-3", SiteState.UNREACHABLE, T0, "tuyến trên mất kết nối"));
    feed(d.move("behind-3", SiteState.UP, T0.plusSeconds(60), null));
    assertThat(tick(T0.plusSeconds(120))).isEmpty();
  }

  @Test
  void aStormOfTwentyIsOneDigestListingThemAll() {
    List<Transition> ts = new ArrayList<>();
    for (int i = 1; i <= 16; i++) {
      ts.add(d.move("x-" + i, SiteState.DOWN, T0.plusMillis(i * 300L), "không trả lời ping"));
    }
    ts.add(d.move("cat-ne", SiteState.DOWN, T0.plusSeconds(6), "không trả lời ping"));
    ts.add(d.move("la-bang", SiteState.DOWN, T0.plusSeconds(7), "không trả lời ping"));
    ts.add(d.move("behind-1", SiteState.DOWN, T0.plusSeconds(8), "không trả lời ping"));
    ts.add(d.move("behind-2", SiteState.DOWN, T0.plusSeconds(9), "không trả lời ping"));
    for (Transition t : ts) {
      assertThat(feed(t)).isEmpty();
    }
    // A storm keeps the window open while changes come: nothing until a quiet window passed.
    assertThat(tick(T0.plusMillis(300).plus(WINDOW))).isEmpty();
    List<Notification> out = tick(T0.plusSeconds(9).plus(WINDOW));
    assertThat(out).singleElement().satisfies(n -> {
      assertThat(n.kind()).isEqualTo(Kind.DIGEST);
      assertThat(n.key()).isEqualTo("digest:" + T0.plusMillis(300).toEpochMilli());
      assertThat(n.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(n.title()).isEqualTo("20/30 xã mất kết nối — nghi sự cố đường truyền huyện");
      assertThat(n.sites()).hasSize(20).extracting(Notification.SiteLine::state).containsOnly("DOWN");
      assertThat(n.text().lines()).hasSize(21).contains("- Cát Nê: mất kết nối từ 07:42 (không trả lời ping)");
    });
    assertThat(tick(T0.plusSeconds(60))).isEmpty();
  }

  @Test
  void aStormSpreadOverAWholeCheckIntervalIsStillOneDigest() {
    // 16 communes cut at once are confirmed over 20 s (each at its own offset in the interval).
    for (int i = 1; i <= 16; i++) {
      assertThat(feed(d.move("x-" + i, SiteState.DOWN, T0.plusMillis(i * 1250L), "không trả lời ping"))).isEmpty();
    }
    assertThat(tick(T0.plusSeconds(21))).isEmpty();
    List<Notification> out = tick(T0.plusSeconds(20).plus(WINDOW));
    assertThat(out).singleElement().satisfies(n -> {
      assertThat(n.kind()).isEqualTo(Kind.DIGEST);
      assertThat(n.sites()).hasSize(16);
    });
  }

  @Test
  void anOutageAnnouncedBeforeARestartIsNotAnnouncedAgainAndItsRecoveryCountsFromItsStart() {
    policy.restore(Map.of("cat-ne", T0.minus(Duration.ofHours(2))));
    feed(d.move("cat-ne", SiteState.DOWN, T0, "không trả lời ping"));
    assertThat(tick(T0.plus(WINDOW))).isEmpty();
    feed(d.move("cat-ne", SiteState.UP, T0.plusSeconds(60), null));
    assertThat(tick(T0.plusSeconds(60).plus(WINDOW))).singleElement().satisfies(n -> {
      assertThat(n.resolved()).isTrue();
      assertThat(n.text()).contains("2 giờ 1 phút");
    });
  }

  @Test
  void twoChangesInTheWindowAreTwoMessages() {
    feed(d.move("cat-ne", SiteState.DOWN, T0, "a"));
    feed(d.move("la-bang", SiteState.DOWN, T0.plusSeconds(3), "b"));
    assertThat(tick(T0.plus(WINDOW)))
        .extracting(Notification::key)
        .containsExactly(
            "site:cat-ne:DOWN:" + T0.toEpochMilli(),
            "site:la-bang:DOWN:" + T0.plusSeconds(3).toEpochMilli());
  }

  @Test
  void aChangeAfterTheWindowClosedReleasesTheHeldOnesFirst() {
    feed(d.move("cat-ne", SiteState.DOWN, T0, "a"));
    List<Notification> out = feed(d.move("la-bang", SiteState.DOWN, T0.plusSeconds(30), "b"));
    assertThat(out).extracting(Notification::key).containsExactly("site:cat-ne:DOWN:" + T0.toEpochMilli());
  }

  @Test
  void downAndBackWithinTheWindowSaysNothing() {
    feed(d.move("cat-ne", SiteState.DOWN, T0, "a"));
    feed(d.move("cat-ne", SiteState.UP, T0.plusSeconds(5), null));
    assertThat(tick(T0.plusSeconds(30))).isEmpty();
  }

  @Test
  void recoveryCarriesTheOutageDuration() {
    feed(d.move("cat-ne", SiteState.DOWN, T0, "không trả lời ping"));
    tick(T0.plus(WINDOW));
    Instant back = T0.plus(Duration.ofMinutes(125));
    feed(d.move("cat-ne", SiteState.UP, back, null));
    List<Notification> out = tick(back.plus(WINDOW));
    assertThat(out).singleElement().satisfies(n -> {
      assertThat(n.key()).isEqualTo("site:cat-ne:UP:" + back.toEpochMilli());
      assertThat(n.resolved()).isTrue();
      assertThat(n.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(n.title()).isEqualTo("[ĐÃ KHÔI PHỤC] Cát Nê đã kết nối lại");
      assertThat(n.text())
          .isEqualTo(
              "Cát Nê đã kết nối lại lúc 09:47, sau 2 giờ 5 phút mất kết nối (từ 07:42)."
                  + " Hiện tại: hoạt động bình thường.");
    });
  }

  /** What the tracker publishes when a DEGRADED site's causes change. */
  Transition causes(String id, Instant at, List<String> added, List<String> cleared) {
    return new Transition(id, SiteState.DEGRADED, SiteState.DEGRADED, at, "x", true, false, added, cleared);
  }

  @Test
  void aNewCauseOfAWarnedDegradedSiteIsAWarningHeldForTheDigest() {
    feed(d.move("la-bang", SiteState.DEGRADED, T0, "cổng ether3 down"));
    assertThat(tick(T0.plus(Duration.ofMinutes(10)))).hasSize(1);
    Instant at = T0.plus(Duration.ofMinutes(12));
    assertThat(feed(causes("la-bang", at, List.of("SNMP silent: timeout"), List.of()))).isEmpty();
    List<Notification> out = tick(at.plus(WINDOW));
    assertThat(out).singleElement().satisfies(n -> {
      assertThat(n.key()).isEqualTo("causes:la-bang:" + at.toEpochMilli());
      assertThat(n.severity()).isEqualTo(Severity.WARNING);
      assertThat(n.resolved()).isFalse();
      assertThat(n.title()).isEqualTo("[CẢNH BÁO] La Bằng có lỗi mới");
      assertThat(n.text())
          .isEqualTo("La Bằng vẫn chất lượng kém; lúc 07:54 có thêm: SNMP silent: timeout. Hiện tại: cổng ether3 down.");
      assertThat(n.sites()).singleElement().satisfies(l -> assertThat(l.state()).isEqualTo("DEGRADED"));
    });
    Acceptance warnings = Acceptance.of("warning", true);
    Acceptance noDegraded = Acceptance.of("info", false);
    assertThat(warnings.accepts(out.get(0))).isTrue();
    assertThat(noDegraded.accepts(out.get(0))).as("a channel without DEGRADED warnings").isFalse();
  }

  @Test
  void aClearedCauseIsToldInEnglishToo() {
    AlertPolicy p = policy("en", Duration.ZERO, clock);
    p.onTransitions(List.of(d.move("la-bang", SiteState.DEGRADED, T0, "interface ether3 down")), d.snap(T0));
    p.tick(T0.plus(Duration.ofMinutes(10)), d.snap(T0.plus(Duration.ofMinutes(10))));
    Instant at = T0.plus(Duration.ofMinutes(12));
    clock.advance(Duration.between(clock.instant(), at));
    p.onTransitions(List.of(causes("la-bang", at, List.of(), List.of("packet loss 60% (limit 50%)"))), d.snap(at));
    assertThat(p.tick(at.plus(WINDOW), d.snap(at.plus(WINDOW)))).singleElement().satisfies(n -> {
      assertThat(n.title()).isEqualTo("[WARNING] La Bằng has fewer faults, still degraded");
      assertThat(n.text())
          .isEqualTo("La Bằng is still degraded; at 07:54 cleared: packet loss 60% (limit 50%). Now: interface ether3 down.");
    });
  }

  @Test
  void causesOfADegradedSiteNotYetWarnedAboutWaitForTheWarning() {
    feed(d.move("la-bang", SiteState.DEGRADED, T0, "mất gói 35 %"));
    Instant at = T0.plus(Duration.ofMinutes(2));
    feed(causes("la-bang", at, List.of("SNMP silent: timeout"), List.of()));
    assertThat(tick(at.plus(WINDOW))).isEmpty();
    assertThat(tick(T0.plus(Duration.ofMinutes(10))))
        .singleElement()
        .satisfies(n -> assertThat(n.key()).startsWith("degraded:"));
  }

  @Test
  void aChangeOfCausesWhileFlappingIsNotAnnounced() {
    feed(d.move("la-bang", SiteState.DEGRADED, T0, "mất gói 35 %"));
    tick(T0.plus(Duration.ofMinutes(10)));
    Instant at = T0.plus(Duration.ofMinutes(12));
    feed(new Transition("la-bang", SiteState.DEGRADED, SiteState.DEGRADED, at, "x", false, true, List.of("y"), List.of()));
    assertThat(tick(at.plus(WINDOW))).isEmpty();
  }

  @ParameterizedTest(name = "DEGRADED for {0} min: warning {1}")
  @CsvSource({"5, false", "9, false", "10, true", "30, true"})
  void degradedWarnsOnlyOnceItLasted(int minutes, boolean warned) {
    feed(d.move("la-bang", SiteState.DEGRADED, T0, "mất gói 35 %"));
    List<Notification> all = new ArrayList<>();
    for (int m = 0; m < minutes; m++) {
      all.addAll(tick(T0.plus(Duration.ofMinutes(m + 1))));
    }
    Instant end = T0.plus(Duration.ofMinutes(minutes)).plusSeconds(30);
    all.addAll(feed(d.move("la-bang", SiteState.UP, end, null)));
    all.addAll(tick(end.plus(WINDOW)));
    if (!warned) {
      assertThat(all).isEmpty();
      return;
    }
    assertThat(all).hasSize(2);
    Notification w = all.get(0);
    assertThat(w.key()).isEqualTo("degraded:la-bang:" + T0.toEpochMilli());
    assertThat(w.severity()).isEqualTo(Severity.WARNING);
    assertThat(w.resolved()).isFalse();
    assertThat(w.title()).isEqualTo("[CẢNH BÁO] La Bằng chất lượng kém");
    assertThat(w.text()).isEqualTo("La Bằng chất lượng kém từ 07:42 (đã 10 phút). Lý do: mất gói 35 %.");
    Notification r = all.get(1);
    assertThat(r.resolved()).isTrue();
    assertThat(r.severity()).isEqualTo(Severity.WARNING);
    assertThat(r.key()).isEqualTo("site:la-bang:UP:" + end.toEpochMilli());
  }

  @Test
  void remindersAtTheInterval() {
    AlertPolicy p = policy("vi", Duration.ofMinutes(30), clock);
    p.onTransitions(List.of(d.move("cat-ne", SiteState.DOWN, T0, "không trả lời ping")), d.snap(T0));
    List<String> keys = new ArrayList<>();
    List<Notification> all = new ArrayList<>();
    for (int s = 10; s <= 95 * 60; s += 10) {
      Instant at = T0.plusSeconds(s);
      all.addAll(p.tick(at, d.snap(at)));
    }
    all.forEach(n -> keys.add(n.key()));
    assertThat(keys)
        .containsExactly(
            "site:cat-ne:DOWN:" + T0.toEpochMilli(),
            "reminder:cat-ne:" + T0.toEpochMilli() + ":1",
            "reminder:cat-ne:" + T0.toEpochMilli() + ":2",
            "reminder:cat-ne:" + T0.toEpochMilli() + ":3");
    assertThat(all.get(1).title()).isEqualTo("[NHẮC LẠI] Cát Nê vẫn mất kết nối");
    assertThat(all.get(1).text()).isEqualTo("Cát Nê vẫn mất kết nối từ 07:42 (đã 30 phút). Lý do: không trả lời ping.");
    assertThat(all.get(1).at()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
  }

  @Test
  void theNextOutagesRemindersHaveTheirOwnKeys() {
    AlertPolicy p = policy("vi", Duration.ofMinutes(30), clock);
    List<String> keys = new ArrayList<>();
    for (Instant start : List.of(T0, T0.plus(Duration.ofHours(2)))) {
      p.onTransitions(List.of(d.move("cat-ne", SiteState.DOWN, start, "x")), d.snap(start));
      for (int m = 1; m <= 35; m++) {
        Instant at = start.plus(Duration.ofMinutes(m));
        p.tick(at, d.snap(at)).forEach(n -> keys.add(n.key()));
      }
      Instant back = start.plus(Duration.ofMinutes(40));
      p.onTransitions(List.of(d.move("cat-ne", SiteState.UP, back, null)), d.snap(back));
      p.tick(back.plus(WINDOW), d.snap(back.plus(WINDOW))).forEach(n -> keys.add(n.key()));
    }
    assertThat(keys.stream().filter(k -> k.startsWith("reminder:")))
        .as("two outages, two first reminders: the store keeps one message per key")
        .hasSize(2)
        .doesNotHaveDuplicates();
  }

  @Test
  void anOutageMaybeNotQueuedBeforeARestartIsAnnouncedUnderItsOwnKeyAndItsRecoveryFollows() {
    Instant opened = T0.minusSeconds(5); // the earlier run was killed 5 s into the outage
    policy.restoreUnsure(Map.of("cat-ne", opened));
    List<Transition> restart = new ArrayList<>();
    restart.add(d.move("cat-ne", SiteState.DOWN, T0.plusSeconds(20), "không trả lời ping"));
    for (int i = 1; i <= 4; i++) {
      restart.add(d.move("x-" + i, SiteState.DOWN, T0.plusSeconds(20), "x")); // a digest for these
    }
    assertThat(feed(restart.toArray(Transition[]::new)))
        .as("at once, alone, under the key the earlier run gave it: the outbox drops it if that run had queued it")
        .extracting(Notification::key)
        .containsExactly("site:cat-ne:DOWN:" + opened.toEpochMilli());
    assertThat(tick(T0.plusSeconds(20).plus(WINDOW))).singleElement()
        .satisfies(n -> assertThat(n.sites()).extracting(l -> l.id()).doesNotContain("cat-ne"));
    feed(d.move("cat-ne", SiteState.UNKNOWN, T0.plusSeconds(60), "?"));
    feed(d.move("cat-ne", SiteState.DOWN, T0.plusSeconds(70), "x"));
    Instant back = T0.plusSeconds(100);
    feed(d.move("cat-ne", SiteState.UP, back, null));
    assertThat(tick(back.plus(WINDOW))).as("announced once, then its recovery").singleElement().satisfies(n -> {
      assertThat(n.resolved()).isTrue();
      assertThat(n.text()).contains("sau 1 phút mất kết nối (từ 07:41)");
    });
  }

  @Test
  void anOutageThatEndedWhileVcmonWasDownStillGetsItsRecovery() {
    policy.restoreUnsure(Map.of("cat-ne", T0.minusSeconds(5)));
    feed(d.move("cat-ne", SiteState.UP, T0.plusSeconds(20), null));
    assertThat(tick(T0.plusSeconds(20).plus(WINDOW))).singleElement().satisfies(n -> assertThat(n.resolved()).isTrue());
  }

  @Test
  void noRemindersByDefault() {
    feed(d.move("cat-ne", SiteState.DOWN, T0, "x"));
    assertThat(tick(T0.plus(WINDOW))).hasSize(1);
    assertThat(tick(T0.plus(Duration.ofDays(1)))).isEmpty();
  }

  @Test
  void englishTexts() {
    AlertPolicy p = policy("en", Duration.ofMinutes(30), clock);
    p.onTransitions(List.of(d.move("cat-ne", SiteState.DOWN, T0, "no ping reply")), d.snap(T0));
    Notification down = p.tick(T0.plus(WINDOW), d.snap(T0.plus(WINDOW))).get(0);
    assertThat(down.title()).isEqualTo("[CRITICAL] Cát Nê is down");
    assertThat(down.text()).isEqualTo("Cát Nê is down since 07:42. Reason: no ping reply.");
    Instant late = T0.plus(Duration.ofHours(1)).plus(Duration.ofDays(1));
    Notification reminder = p.tick(late, d.snap(late)).get(0);
    assertThat(reminder.text())
        .isEqualTo("Cát Nê is still down since 07:42 12/08 (for 1 day 1 h). Reason: no ping reply.");
    Instant back = late.plusSeconds(60);
    p.onTransitions(List.of(d.move("cat-ne", SiteState.UP, back, null)), d.snap(back));
    Notification up = p.tick(back.plus(WINDOW), d.snap(back.plus(WINDOW))).get(0);
    assertThat(up.title()).isEqualTo("[RESOLVED] Cát Nê is back");
    assertThat(up.text()).isEqualTo("Cát Nê is back at 08:43 after 1 day 1 h down (since 07:42 12/08). Now: up.");
  }

  @Test
  void keysAreStableAcrossInstances() {
    List<List<String>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      District fresh = new District();
      ManualClock c = new ManualClock(T0);
      AlertPolicy p = policy("vi", Duration.ofMinutes(15), c);
      List<String> keys = new ArrayList<>();
      List<Transition> storm = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        storm.add(fresh.move("x-" + i, SiteState.DOWN, T0.plusSeconds(i), "x"));
      }
      p.onTransitions(storm, fresh.snap(T0));
      p.onTransitions(List.of(fresh.move("la-bang", SiteState.DEGRADED, T0.plusSeconds(60), "y")), fresh.snap(T0));
      for (int m = 0; m <= 40; m++) {
        Instant at = T0.plus(Duration.ofMinutes(m));
        p.tick(at, fresh.snap(at)).forEach(n -> keys.add(n.key()));
      }
      runs.add(keys);
    }
    assertThat(runs.get(0)).isEqualTo(runs.get(1)).contains("digest:" + T0.plusSeconds(1).toEpochMilli(),
        "degraded:la-bang:" + T0.plusSeconds(60).toEpochMilli(), "reminder:x-1:" + T0.plusSeconds(1).toEpochMilli() + ":2");
  }
  @Test
  void aRecoveryHeldWhenVcmonGoesBlindIsToldOnceItSeesAgain() {
    feed(d.move("cat-ne", SiteState.DOWN, T0, "không trả lời ping"));
    assertThat(tick(T0.plus(WINDOW))).hasSize(1);
    feed(d.move("cat-ne", SiteState.UP, T0.plusSeconds(600), null));
    d.blind = "không ping được bộ định tuyến lõi";
    assertThat(tick(T0.plusSeconds(605))).isEmpty();
    d.blind = null;
    Instant seen = T0.plusSeconds(900);
    feed(d.move("cat-ne", SiteState.UP, seen, null));
    assertThat(tick(seen.plus(WINDOW))).singleElement().satisfies(n -> {
      assertThat(n.resolved()).isTrue();
      assertThat(n.text()).contains("sau 15 phút mất kết nối (từ 07:42)");
    });
  }

  @Test
  void backToDegradedIsARecoveryThenADegradedWarningLater() {
    feed(d.move("cat-ne", SiteState.DOWN, T0, "x"));
    tick(T0.plus(WINDOW));
    Instant back = T0.plus(Duration.ofMinutes(5));
    feed(d.move("cat-ne", SiteState.DEGRADED, back, "mất gói 60 %"));
    assertThat(tick(back.plus(WINDOW))).singleElement().satisfies(n -> {
      assertThat(n.resolved()).isTrue();
      assertThat(n.key()).isEqualTo("site:cat-ne:DEGRADED:" + back.toEpochMilli());
      assertThat(n.text()).endsWith("Hiện tại: chất lượng kém.");
    });
    assertThat(tick(back.plus(Duration.ofMinutes(10))))
        .extracting(Notification::key)
        .containsExactly("degraded:cat-ne:" + back.toEpochMilli());
  }

  @Test
  void aClockSteppedBackDoesNotHoldTheAlertUntilItCatchesUp() {
    assertThat(feed(d.move("cat-ne", SiteState.DOWN, T0, "không trả lời ping"))).isEmpty();
    // NTP steps the clock back one hour: the window closes at once instead of in an hour and 10 s.
    assertThat(tick(T0.minus(Duration.ofHours(1)).plusSeconds(1)))
        .extracting(Notification::key)
        .containsExactly("site:cat-ne:DOWN:" + T0.toEpochMilli());
    Instant back = T0.minus(Duration.ofHours(1)).plusSeconds(30);
    feed(d.move("cat-ne", SiteState.UP, back, null));
    assertThat(tick(back.plus(WINDOW))).singleElement().satisfies(n -> {
      assertThat(n.resolved()).isTrue();
      assertThat(n.text()).as("an outage that \"ended before it began\" lasted no time").contains("sau 0 giây mất kết nối");
    });
  }

  /**
   * Both sides of a partition confirm the same outage at their own moments; with several agents
   * the keys name the online spell it ended, which both knew, so both send the same keys.
   */
  @Test
  void withSeveralAgentsBothSidesOfAPartitionNameAnOutageAlike() {
    Instant spell = T0.minus(Duration.ofHours(3));
    List<String> keys = new ArrayList<>();
    for (long detectedAfter : new long[] {4, 11}) {
      District side = new District();
      ManualClock c = new ManualClock(spell);
      AlertPolicy p = policy("vi", Duration.ofMinutes(5), c).severalAgents();
      side.move("cat-ne", SiteState.UNKNOWN, spell.minusSeconds(60), "not checked yet");
      p.onTransitions(List.of(side.move("cat-ne", SiteState.UP, spell, "ping answers")), side.snap(spell));
      Instant down = T0.plusSeconds(detectedAfter);
      c.advance(Duration.between(c.instant(), down));
      p.onTransitions(List.of(side.move("cat-ne", SiteState.DOWN, down, "no answer")), side.snap(down));
      Instant later = down.plus(WINDOW);
      c.advance(WINDOW);
      List<Notification> out = new ArrayList<>(p.tick(later, side.snap(later)));
      Instant reminderDue = down.plus(Duration.ofMinutes(5));
      out.addAll(p.tick(reminderDue, side.snap(reminderDue)));
      Instant back = reminderDue.plusSeconds(detectedAfter);
      c.advance(Duration.between(c.instant(), back));
      p.onTransitions(List.of(side.move("cat-ne", SiteState.UP, back, "ping answers")), side.snap(back));
      out.addAll(p.tick(back.plus(WINDOW), side.snap(back.plus(WINDOW))));
      assertThat(out).extracting(Notification::resolved).containsExactly(false, false, true);
      keys.add(String.join(" ", out.stream().map(Notification::key).toList()));
    }
    String id = "after-" + spell.toEpochMilli();
    assertThat(keys.get(0))
        .isEqualTo("site:cat-ne:DOWN:" + id + " reminder:cat-ne:" + id + ":1 site:cat-ne:UP:" + id);
    assertThat(keys.get(1)).as("the other side").isEqualTo(keys.get(0));
  }

  /** With the tracker's view of the sites being confirmed: nothing is held that has nothing to wait for. */
  @Nested
  class NoNeedlessHold {
    List<Notification> down(Instant at, String... ids) {
      List<Transition> ts = new ArrayList<>();
      for (String id : ids) {
        ts.add(d.move(id, SiteState.DOWN, at, "không trả lời ping"));
      }
      clock.advance(Duration.between(clock.instant(), at));
      return policy.onTransitions(ts, d.snap(at));
    }

    static Set<String> set(String ids) {
      return ids.isBlank() ? Set.of() : Set.of(ids.split(";"));
    }

    /**
     * Sites confirmed DOWN together while others are (or are not) being confirmed: how many
     * messages go out at once, and how many of them are digests.
     */
    @ParameterizedTest(name = "{0} DOWN while [{1}] confirming: {2} at once")
    @CsvSource({
      // down             , confirming      , sent at once, digests
      "cat-ne             ,                 , 1, 0",
      "cat-ne             , la-bang         , 0, 0",
      "cat-ne             , cat-ne          , 1, 0", // only itself (answering again): nothing else to wait for
      "cat-ne;la-bang     ,                 , 2, 0",
      "cat-ne;la-bang     , x-1             , 0, 0",
      "cat-ne;la-bang;x-1 ,                 , 0, 0", // min_sites: a storm keeps its window
      "x-1;x-2;x-3;x-4    , x-5             , 0, 0",
    })
    void aChangeIsHeldOnlyWhileAnotherSiteIsBeingConfirmed(String down, String confirming, int sent, int digests) {
      d.confirming = set(confirming == null ? "" : confirming);
      List<Notification> out = down(T0, down.split(";"));
      assertThat(out).hasSize(sent);
      assertThat(out).filteredOn(n -> n.kind() == Kind.DIGEST).hasSize(digests);
      assertThat(out).allSatisfy(n -> assertThat(n.key()).isEqualTo("site:" + n.sites().get(0).id() + ":DOWN:" + T0.toEpochMilli()));
    }

    @Test
    void aHeldChangeGoesOutAtTheTickThatSeesTheOtherConfirmationEndWithoutAnOutage() {
      d.confirming = Set.of("la-bang");
      assertThat(down(T0, "cat-ne")).isEmpty();
      assertThat(tick(T0.plusSeconds(1))).as("la-bang still being confirmed").isEmpty();
      d.confirming = Set.of(); // la-bang answered again: a lost echo, not an outage
      assertThat(tick(T0.plusSeconds(2))).singleElement()
          .satisfies(n -> assertThat(n.key()).isEqualTo("site:cat-ne:DOWN:" + T0.toEpochMilli()));
    }

    @Test
    void aStormWhoseSitesAreConfirmedOneAfterAnotherIsOneDigest() {
      d.confirming = Set.of("la-bang", "x-1");
      assertThat(down(T0, "cat-ne")).isEmpty();
      d.confirming = Set.of("x-1");
      assertThat(down(T0.plusSeconds(2), "la-bang")).isEmpty();
      d.confirming = Set.of();
      assertThat(down(T0.plusSeconds(4), "x-1")).as("three sites: a storm, its window slides").isEmpty();
      assertThat(tick(T0.plusSeconds(13))).isEmpty();
      assertThat(tick(T0.plusSeconds(14))).singleElement().satisfies(n -> {
        assertThat(n.kind()).isEqualTo(Kind.DIGEST);
        assertThat(n.sites()).extracting(Notification.SiteLine::id).containsExactly("cat-ne", "la-bang", "x-1");
      });
    }

    @Test
    void aLoneRecoveryGoesOutAtOnceToo() {
      d.confirming = Set.of();
      assertThat(down(T0, "cat-ne")).hasSize(1);
      Instant back = T0.plusSeconds(60);
      clock.advance(Duration.between(clock.instant(), back));
      assertThat(policy.onTransitions(List.of(d.move("cat-ne", SiteState.UP, back, null)), d.snap(back)))
          .singleElement()
          .satisfies(n -> assertThat(n.resolved()).isTrue());
    }

    @Test
    void withoutAViewOfTheSitesBeingConfirmedTheWholeWindowApplies() {
      d.confirming = null;
      assertThat(down(T0, "cat-ne")).isEmpty();
      assertThat(tick(T0.plusSeconds(9))).isEmpty();
      assertThat(tick(T0.plus(WINDOW))).hasSize(1);
    }
  }
}
