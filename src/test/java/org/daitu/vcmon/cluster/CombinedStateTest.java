package org.daitu.vcmon.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.daitu.vcmon.state.SiteState.DEGRADED;
import static org.daitu.vcmon.state.SiteState.DOWN;
import static org.daitu.vcmon.state.SiteState.MAINTENANCE;
import static org.daitu.vcmon.state.SiteState.PLANNED;
import static org.daitu.vcmon.state.SiteState.UNKNOWN;
import static org.daitu.vcmon.state.SiteState.UNREACHABLE;
import static org.daitu.vcmon.state.SiteState.UP;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.daitu.vcmon.cluster.ClusterMessages.Text;
import org.daitu.vcmon.cluster.VantageView.Standing;
import org.daitu.vcmon.state.SiteState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CombinedStateTest {
  /** 07:00 in Asia/Ho_Chi_Minh, so minute 42 reads "07:42". */
  private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
  private static final Instant AT = at(60);
  private static final String SITE = "ha-thuong";
  private static final Set<String> EVERY = Set.of();
  private static final Set<String> BOTH = Set.of("tinh", "dai-tu");
  private static final String GOOD = "ping and SNMP answer";
  private static final String LOST = "no answer to 5 pings";
  private static final String BEHIND = "parent core is DOWN";
  private static final CombinedState COMBINED = new CombinedState(ZoneId.of("Asia/Ho_Chi_Minh"));

  /** One row: who watches, the verdicts, who is live and blind, and what the site is then. */
  record Scenario(
      String name,
      Set<String> watchers,
      List<VantageVerdict> verdicts,
      Set<String> live,
      Set<String> blind,
      SiteState parent,
      SiteState state,
      Instant since,
      String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> scenarios() {
    return Stream.of(
            new Scenario(
                "one live vantage: its UP verdict as it is",
                EVERY, List.of(v("tinh", UP, 5, GOOD)), Set.of("tinh"), Set.of(), null,
                UP, at(5), GOOD),
            new Scenario(
                "one live vantage: its DOWN verdict as it is",
                EVERY, List.of(v("tinh", DOWN, 42, LOST)), Set.of("tinh"), Set.of(), null,
                DOWN, at(42), LOST),
            new Scenario(
                "one live vantage: its UNKNOWN reason passes through",
                EVERY, List.of(v("tinh", UNKNOWN, 0, "not checked yet")), Set.of("tinh"), Set.of(), null,
                UNKNOWN, at(0), "not checked yet"),
            new Scenario(
                "every vantage DOWN: DOWN since the last of them, the first one's reason",
                EVERY, List.of(v("tinh", DOWN, 40, LOST), v("dai-tu", DOWN, 42, "no answer to 3 pings")),
                BOTH, Set.of(), null,
                DOWN, at(42), "no answer to 3 pings"),
            new Scenario(
                "every vantage UNREACHABLE: UNREACHABLE",
                EVERY, List.of(v("tinh", UNREACHABLE, 40, BEHIND), v("dai-tu", UNREACHABLE, 41, BEHIND)),
                BOTH, Set.of(), UP,
                UNREACHABLE, at(41), BEHIND),
            new Scenario(
                "DOWN from one, UP from another: UP, naming the vantage that cannot reach it",
                EVERY, List.of(v("tinh", UP, 0, GOOD), v("dai-tu", DOWN, 42, LOST)), BOTH, Set.of(), null,
                UP, at(0), GOOD + "; not reachable from dai-tu (DOWN since 07:42)"),
            new Scenario(
                "UNREACHABLE from one, DEGRADED from another: DEGRADED, naming it",
                EVERY,
                List.of(v("tinh", DEGRADED, 3, "packet loss 30 % (limit 20 %)"), v("dai-tu", UNREACHABLE, 42, BEHIND)),
                BOTH, Set.of(), DOWN,
                DEGRADED, at(3), "packet loss 30 % (limit 20 %); not reachable from dai-tu (UNREACHABLE since 07:42)"),
            new Scenario(
                "UP beats DEGRADED, and a degraded vantage is not named",
                EVERY, List.of(v("tinh", DEGRADED, 10, "RTT 900 ms (limit 500 ms)"), v("dai-tu", UP, 20, GOOD)),
                BOTH, Set.of(), null,
                UP, at(20), GOOD),
            new Scenario(
                "each vantage that cannot reach it is named, in id order",
                EVERY,
                List.of(v("tinh", UP, 0, GOOD), v("ha-noi", UNREACHABLE, 30, BEHIND), v("dai-tu", DOWN, 42, LOST)),
                Set.of("tinh", "ha-noi", "dai-tu"), Set.of(), null,
                UP, at(0),
                GOOD + "; not reachable from dai-tu (DOWN since 07:42)"
                    + "; not reachable from ha-noi (UNREACHABLE since 07:30)"),
            new Scenario(
                "several vantages UP: the earliest since, the first one's reason",
                EVERY, List.of(v("tinh", UP, 4, GOOD), v("dai-tu", UP, 9, "ping answers")), BOTH, Set.of(), null,
                UP, at(4), "ping answers"),
            new Scenario(
                "a vantage that left is not counted as DOWN",
                EVERY, List.of(v("tinh", UP, 0, GOOD), v("dai-tu", DOWN, 42, LOST)), Set.of("tinh"), Set.of(), null,
                UP, at(0), GOOD),
            new Scenario(
                "a vantage that left does not hold the site UP either",
                EVERY, List.of(v("tinh", DOWN, 42, LOST), v("dai-tu", UP, 0, GOOD)), Set.of("tinh"), Set.of(), null,
                DOWN, at(42), LOST),
            new Scenario(
                "only departed vantages watch it: UNKNOWN, saying so",
                Set.of("dai-tu"), List.of(v("dai-tu", DOWN, 42, LOST)), Set.of("tinh"), Set.of(), null,
                UNKNOWN, AT, "no live vantage watches the site"),
            new Scenario(
                "UNKNOWN from a vantage does not override a live verdict",
                EVERY,
                List.of(v("tinh", UNKNOWN, 30, "vcmon's own uplink is down: self-check targets 10.0.0.1 do not answer"),
                    v("dai-tu", DOWN, 42, LOST)),
                BOTH, Set.of(), null,
                DOWN, at(42), LOST),
            new Scenario(
                "a live vantage without a verdict yet does not override one",
                EVERY, List.of(v("dai-tu", UP, 2, GOOD)), BOTH, Set.of(), null,
                UP, at(2), GOOD),
            new Scenario(
                "no live vantage has a verdict yet: UNKNOWN, naming them",
                EVERY, List.of(), BOTH, Set.of(), null,
                UNKNOWN, AT, "no verdict yet from dai-tu, tinh"),
            new Scenario(
                "a vantage the site's list does not name is not counted",
                Set.of("tinh"), List.of(v("tinh", UP, 0, GOOD), v("dai-tu", DOWN, 42, LOST)), BOTH, Set.of(), null,
                UP, at(0), GOOD),
            new Scenario(
                "MAINTENANCE from any vantage wins: a window still reaching the others",
                EVERY, List.of(v("tinh", MAINTENANCE, 30, "maintenance window 4"), v("dai-tu", DOWN, 42, LOST)),
                BOTH, Set.of(), null,
                MAINTENANCE, at(30), "maintenance window 4"),
            new Scenario(
                "PLANNED wins over checked states: a reload still reaching the others",
                EVERY,
                List.of(
                    v("tinh", PLANNED, 1, "rollout stage planned: not expected to answer yet"),
                    v("dai-tu", DOWN, 42, LOST)),
                BOTH, Set.of(), null,
                PLANNED, at(1), "rollout stage planned: not expected to answer yet"),
            new Scenario(
                "MAINTENANCE wins over PLANNED, as on one agent",
                EVERY,
                List.of(v("tinh", PLANNED, 1, "rollout stage planned: not expected to answer yet"),
                    v("dai-tu", MAINTENANCE, 30, "maintenance window 4")),
                BOTH, Set.of(), null,
                MAINTENANCE, at(30), "maintenance window 4"),
            new Scenario(
                "a blind vantage's DOWN is not counted",
                EVERY, List.of(v("tinh", UP, 0, GOOD), v("dai-tu", DOWN, 42, LOST)), BOTH, Set.of("dai-tu"), null,
                UP, at(0), GOOD),
            new Scenario(
                "a blind vantage that sees the site answer still counts: it has a path",
                EVERY, List.of(v("tinh", DOWN, 42, LOST), v("dai-tu", UP, 0, GOOD)), BOTH, Set.of("dai-tu"), null,
                UP, at(0), GOOD + "; not reachable from tinh (DOWN since 07:42)"),
            new Scenario(
                "only blind vantages watch it: UNKNOWN, saying so, never DOWN",
                Set.of("dai-tu"), List.of(v("dai-tu", DOWN, 42, LOST)), BOTH, Set.of("dai-tu"), null,
                UNKNOWN, AT, "every live vantage watching the site is blind: dai-tu"),
            new Scenario(
                "DOWN and UNREACHABLE with the parent out: UNREACHABLE, the parent's alert covers it",
                EVERY, List.of(v("tinh", UNREACHABLE, 40, BEHIND), v("dai-tu", DOWN, 42, LOST)),
                BOTH, Set.of(), DOWN,
                UNREACHABLE, at(42), BEHIND),
            new Scenario(
                "DOWN and UNREACHABLE with the parent UNREACHABLE too: UNREACHABLE",
                EVERY, List.of(v("tinh", UNREACHABLE, 40, BEHIND), v("dai-tu", DOWN, 42, LOST)),
                BOTH, Set.of(), UNREACHABLE,
                UNREACHABLE, at(42), BEHIND),
            new Scenario(
                "DOWN and UNREACHABLE with the parent online: DOWN, a real outage seen past the parent",
                EVERY, List.of(v("tinh", UNREACHABLE, 40, BEHIND), v("dai-tu", DOWN, 42, LOST)),
                BOTH, Set.of(), UP,
                DOWN, at(42), LOST),
            new Scenario(
                "DOWN and UNREACHABLE with the parent not known: DOWN, never silence",
                EVERY, List.of(v("tinh", UNREACHABLE, 40, BEHIND), v("dai-tu", DOWN, 42, LOST)),
                BOTH, Set.of(), null,
                DOWN, at(42), LOST),
            new Scenario(
                "a time on another day is written with its date",
                EVERY, List.of(v("tinh", UP, 0, GOOD), v("dai-tu", DOWN, 42 - 24 * 60, LOST)), BOTH, Set.of(), null,
                UP, at(0), GOOD + "; not reachable from dai-tu (DOWN since 2026-03-01 07:42)"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void combines(Scenario s) {
    Combined c =
        COMBINED.combine(
            new WatchedSite(SITE, s.watchers()), byVantage(s.verdicts()), view(s.live(), s.blind()),
            s.parent(), null, AT);
    assertThat(c.siteId()).isEqualTo(SITE);
    assertThat(c.state()).isEqualTo(s.state());
    assertThat(c.since()).isEqualTo(s.since());
    assertThat(c.reason()).isEqualTo(s.reason());
  }

  @Test
  void sinceIsKeptWhileTheStateStaysTheSame() {
    Combined before = combine(List.of(v("tinh", UP, 0, GOOD), v("dai-tu", UP, 1, GOOD)), BOTH, null, at(1));
    Combined after = combine(List.of(v("tinh", UP, 0, GOOD), v("dai-tu", DOWN, 42, LOST)), BOTH, before, at(42));
    assertThat(after.state()).isEqualTo(UP);
    assertThat(after.since()).isEqualTo(at(0));
    assertThat(after.reason()).isEqualTo(GOOD + "; not reachable from dai-tu (DOWN since 07:42)");
  }

  @Test
  void aChangeOfStateBeginsWhenTheInputsChanged() {
    Combined before = combine(List.of(v("tinh", UP, 0, GOOD), v("dai-tu", DOWN, 42, LOST)), BOTH, null, at(42));
    Combined agreed = combine(List.of(v("tinh", DOWN, 50, LOST), v("dai-tu", DOWN, 42, LOST)), BOTH, before, at(50));
    assertThat(agreed.state()).isEqualTo(DOWN);
    assertThat(agreed.since()).isEqualTo(at(50));
  }

  @Test
  void aMemberLeavingChangesTheStateWhenItLeavesNotWhenItsVerdictBegan() {
    List<VantageVerdict> verdicts = List.of(v("tinh", UP, 0, GOOD), v("dai-tu", DOWN, 42, LOST));
    Combined before = combine(verdicts, BOTH, null, at(42));
    Combined after = combine(verdicts, Set.of("dai-tu"), before, at(55));
    assertThat(after.state()).isEqualTo(DOWN);
    assertThat(after.since()).as("DOWN from when tinh left, not backdated to 07:42").isEqualTo(at(55));
  }

  @Test
  void sinceNeverGoesBeforeThePreviousChange() {
    Combined before = combine(List.of(v("tinh", DOWN, 50, LOST)), Set.of("tinh"), null, at(50));
    Combined after = combine(List.of(v("tinh", UP, 45, GOOD)), Set.of("tinh"), before, at(45));
    assertThat(after.state()).isEqualTo(UP);
    assertThat(after.since()).as("a clock behind ours").isEqualTo(at(50));
  }

  @Test
  void aFirstResultIsNeverLaterThanTheInputs() {
    Combined first = combine(List.of(v("tinh", UP, 70, GOOD)), Set.of("tinh"), null, at(60));
    assertThat(first.since()).as("a clock ahead of ours").isEqualTo(at(60));
  }

  @Test
  void eachVantageIsShownWithHowItTookPart() {
    BlindVantage blind = new BlindVantage("ha-noi", 30, 30, "tinh", 29);
    ClusterView cluster =
        new ClusterView(Set.of("tinh", "dai-tu", "ha-noi", "lang-son", "cao-bang"), Map.of("ha-noi", blind));
    List<VantageVerdict> verdicts =
        List.of(
            v("tinh", UP, 0, GOOD), v("ha-noi", DOWN, 40, LOST), v("bac-kan", DOWN, 41, LOST),
            v("dai-tu", UNKNOWN, 5, "not checked yet"), v("cao-bang", DOWN, 42, LOST));
    Combined c =
        COMBINED.combine(
            new WatchedSite(SITE, Set.of("tinh", "dai-tu", "ha-noi", "lang-son", "bac-kan")),
            byVantage(verdicts), cluster, null, null, AT);
    assertThat(c.vantages())
        .extracting(VantageView::vantage, VantageView::state, VantageView::standing, VantageView::leftOut)
        .containsExactly(
            tuple("bac-kan", DOWN, Standing.LEFT, ClusterMessages.leftTheCluster("bac-kan")),
            tuple("cao-bang", DOWN, Standing.NOT_WATCHING, ClusterMessages.doesNotWatch("cao-bang")),
            tuple("dai-tu", UNKNOWN, Standing.NO_VERDICT, null),
            tuple("ha-noi", DOWN, Standing.BLIND, blind.reason()),
            tuple("lang-son", UNKNOWN, Standing.NO_VERDICT, null),
            tuple("tinh", UP, Standing.COUNTED, null));
    VantageView silent = c.vantages().get(4);
    assertThat(silent.since()).isNull();
    assertThat(silent.reason()).isEqualTo("no verdict yet");
    assertThat(c.state()).isEqualTo(UP);
    assertThat(c.reason()).isEqualTo(GOOD);
  }

  @Test
  void theClusterPartsOfTheReasonComeInBothLanguages() {
    Combined c =
        combine(
            List.of(v("tinh", UP, 0, GOOD), v("dai-tu", DOWN, 42, LOST), v("ha-noi", UNREACHABLE, 43, BEHIND)),
            Set.of("tinh", "dai-tu", "ha-noi"), null, AT);
    assertThat(c.notes())
        .containsExactly(
            new Text(
                "not reachable from dai-tu (DOWN since 07:42)",
                "không tới được từ dai-tu (mất kết nối từ 07:42)"),
            new Text(
                "not reachable from ha-noi (UNREACHABLE since 07:43)",
                "không tới được từ ha-noi (cấp trên mất kết nối từ 07:43)"));
    Combined lone = combine(List.of(), Set.of("tinh"), null, AT);
    assertThat(lone.notes())
        .containsExactly(new Text("no verdict yet from tinh", "chưa có kết quả từ tinh"));
    assertThat(combine(List.of(v("tinh", UP, 0, GOOD)), Set.of("tinh"), null, AT).notes()).isEmpty();
  }

  @Test
  void aLongReasonIsCutLikeEveryReason() {
    String longReason = "x".repeat(290);
    Combined c = combine(List.of(v("tinh", UP, 0, longReason), v("dai-tu", DOWN, 42, LOST)), BOTH, null, AT);
    assertThat(c.reason()).hasSize(300).startsWith(longReason).endsWith("…");
  }

  @Test
  void aVerdictFiledUnderAnotherVantageOrSiteIsRefused() {
    WatchedSite site = WatchedSite.byEveryVantage(SITE);
    ClusterView cluster = ClusterView.allSeeing(BOTH);
    assertThatThrownBy(
            () -> COMBINED.combine(site, Map.of("tinh", v("dai-tu", UP, 0, GOOD)), cluster, null, null, AT))
        .isInstanceOf(IllegalArgumentException.class);
    VantageVerdict elsewhere = new VantageVerdict("tan-thai", "tinh", UP, at(0), GOOD);
    assertThatThrownBy(() -> COMBINED.combine(site, Map.of("tinh", elsewhere), cluster, null, null, AT))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Combined combine(
      List<VantageVerdict> verdicts, Set<String> live, Combined previous, Instant at) {
    return COMBINED.combine(
        WatchedSite.byEveryVantage(SITE), byVantage(verdicts), ClusterView.allSeeing(live), null, previous, at);
  }

  private static ClusterView view(Set<String> live, Set<String> blind) {
    Map<String, BlindVantage> b = new HashMap<>();
    blind.forEach(v -> b.put(v, new BlindVantage(v, 30, 30, "tinh", 30)));
    return new ClusterView(live, b);
  }

  private static Map<String, VantageVerdict> byVantage(List<VantageVerdict> verdicts) {
    Map<String, VantageVerdict> m = new HashMap<>();
    verdicts.forEach(v -> m.put(v.vantage(), v));
    return m;
  }

  private static VantageVerdict v(String vantage, SiteState state, int minute, String reason) {
    return new VantageVerdict(SITE, vantage, state, at(minute), reason);
  }

  private static Instant at(int minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }
}
