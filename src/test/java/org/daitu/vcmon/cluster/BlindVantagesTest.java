package org.daitu.vcmon.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.state.SiteState.DEGRADED;
import static org.daitu.vcmon.state.SiteState.DOWN;
import static org.daitu.vcmon.state.SiteState.MAINTENANCE;
import static org.daitu.vcmon.state.SiteState.PLANNED;
import static org.daitu.vcmon.state.SiteState.UNKNOWN;
import static org.daitu.vcmon.state.SiteState.UNREACHABLE;
import static org.daitu.vcmon.state.SiteState.UP;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.daitu.vcmon.cluster.ClusterMessages.Text;
import org.daitu.vcmon.state.SiteState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BlindVantagesTest {
  private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
  private static final Set<String> BOTH = Set.of("tinh", "dai-tu");
  private static final CombinedState COMBINED = new CombinedState(ZoneId.of("Asia/Ho_Chi_Minh"));

  /** What one vantage says about sites s{from} to s{to - 1}. */
  record Sight(String vantage, SiteState state, int from, int to) {}

  /** One row: how many sites (every vantage watches each), what each vantage sees, who is blind. */
  record Scenario(String name, int sites, List<Sight> sights, Set<String> live, Set<String> blind) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> scenarios() {
    return Stream.of(
            new Scenario(
                "30 sites DOWN from one vantage and UP from another: that one is blind",
                30, List.of(new Sight("dai-tu", DOWN, 0, 30), new Sight("tinh", UP, 0, 30)), BOTH, Set.of("dai-tu")),
            new Scenario(
                "30 sites DOWN from every vantage: a district outage, nobody is blind",
                30, List.of(new Sight("dai-tu", DOWN, 0, 30), new Sight("tinh", DOWN, 0, 30)), BOTH, Set.of()),
            new Scenario(
                "a single-vantage cluster is never blind here (its self-check is)",
                30, List.of(new Sight("dai-tu", DOWN, 0, 30)), Set.of("dai-tu"), Set.of()),
            new Scenario(
                "the only witness has left: its old verdicts witness nothing",
                30, List.of(new Sight("dai-tu", DOWN, 0, 30), new Sight("tinh", UP, 0, 30)),
                Set.of("dai-tu"), Set.of()),
            new Scenario(
                "two sites out of two is two outages, not blindness",
                2, List.of(new Sight("dai-tu", DOWN, 0, 2), new Sight("tinh", UP, 0, 2)), BOTH, Set.of()),
            new Scenario(
                "four of four out is still under the minimum",
                4, List.of(new Sight("dai-tu", DOWN, 0, 4), new Sight("tinh", UP, 0, 4)), BOTH, Set.of()),
            new Scenario(
                "five of five out, seen online elsewhere: blind",
                5, List.of(new Sight("dai-tu", DOWN, 0, 5), new Sight("tinh", UP, 0, 5)), BOTH, Set.of("dai-tu")),
            new Scenario(
                "exactly half out is not more than half",
                20,
                List.of(new Sight("dai-tu", DOWN, 0, 10), new Sight("dai-tu", UP, 10, 20),
                    new Sight("tinh", UP, 0, 20)),
                BOTH, Set.of()),
            new Scenario(
                "eleven of twenty out, seen online elsewhere: blind",
                20,
                List.of(new Sight("dai-tu", DOWN, 0, 11), new Sight("dai-tu", UP, 11, 20),
                    new Sight("tinh", UP, 0, 20)),
                BOTH, Set.of("dai-tu")),
            new Scenario(
                "a witness seeing only half of them online is not enough",
                30,
                List.of(new Sight("dai-tu", DOWN, 0, 30), new Sight("tinh", UP, 0, 15),
                    new Sight("tinh", DOWN, 15, 30)),
                BOTH, Set.of()),
            new Scenario(
                "a witness seeing most of them online is",
                30,
                List.of(new Sight("dai-tu", DOWN, 0, 30), new Sight("tinh", UP, 0, 16),
                    new Sight("tinh", DOWN, 16, 30)),
                BOTH, Set.of("dai-tu")),
            new Scenario(
                "UNREACHABLE is out and DEGRADED is online",
                30, List.of(new Sight("dai-tu", UNREACHABLE, 0, 30), new Sight("tinh", DEGRADED, 0, 30)),
                BOTH, Set.of("dai-tu")),
            new Scenario(
                "UNKNOWN, PLANNED and MAINTENANCE count neither way",
                30,
                List.of(
                    new Sight("dai-tu", MAINTENANCE, 0, 10), new Sight("dai-tu", PLANNED, 10, 20),
                    new Sight("dai-tu", UNKNOWN, 20, 26), new Sight("dai-tu", DOWN, 26, 30),
                    new Sight("tinh", UP, 0, 30)),
                BOTH, Set.of()),
            new Scenario(
                "the other vantage's few outs do not make it blind too",
                30,
                List.of(
                    new Sight("dai-tu", DOWN, 0, 20), new Sight("dai-tu", UP, 20, 30),
                    new Sight("tinh", UP, 0, 20), new Sight("tinh", DOWN, 20, 30)),
                BOTH, Set.of("dai-tu")),
            new Scenario(
                "a split network, each losing two thirds: no witness sees most of the other's outs",
                30,
                List.of(
                    new Sight("dai-tu", DOWN, 0, 20), new Sight("dai-tu", UP, 20, 30),
                    new Sight("tinh", UP, 0, 10), new Sight("tinh", DOWN, 10, 30)),
                BOTH, Set.of()))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void findsTheBlind(Scenario s) {
    assertThat(BlindVantages.find(sites(s.sites(), Set.of()), verdicts(s.sights()), s.live()).keySet())
        .containsExactlyInAnyOrderElementsOf(s.blind());
  }

  @Test
  void saysWhyWithTheWitnessThatSeesTheMost() {
    List<Sight> sights =
        List.of(
            new Sight("dai-tu", DOWN, 0, 30), new Sight("tinh", UP, 0, 20), new Sight("tinh", DOWN, 20, 30),
            new Sight("ha-noi", UP, 0, 28), new Sight("ha-noi", DOWN, 28, 30));
    BlindVantage blind =
        BlindVantages.find(sites(30, Set.of()), verdicts(sights), Set.of("tinh", "dai-tu", "ha-noi")).get("dai-tu");
    assertThat(blind).isEqualTo(new BlindVantage("dai-tu", 30, 30, "ha-noi", 28));
    assertThat(blind.reason())
        .isEqualTo(
            new Text(
                "vantage dai-tu is blind: 30 of its 30 sites are out from it while ha-noi sees 28 of them online",
                "điểm giám sát dai-tu mất tầm nhìn: không tới được 30/30 điểm nó theo dõi,"
                    + " trong khi ha-noi vẫn thấy 28 điểm trong số đó hoạt động"));
  }

  @Test
  void onlyTheSitesAVantageWatchesCount() {
    List<Sight> sights = List.of(new Sight("dai-tu", DOWN, 0, 30), new Sight("tinh", UP, 0, 30));
    assertThat(BlindVantages.find(sites(30, Set.of("dai-tu")), verdicts(sights), BOTH))
        .as("tinh's verdicts on sites it no longer watches are stale: no witness")
        .isEmpty();
    assertThat(BlindVantages.find(sites(30, Set.of("tinh")), verdicts(sights), BOTH))
        .as("dai-tu's verdicts on sites it does not watch do not make it blind")
        .isEmpty();
  }

  @Test
  void aBlindVantageCausesNoCombinedDown() {
    List<WatchedSite> sites = new ArrayList<>(sites(30, Set.of()));
    sites.add(new WatchedSite("only-dai-tu", Set.of("dai-tu")));
    List<Sight> sights = List.of(new Sight("dai-tu", DOWN, 0, 30), new Sight("tinh", UP, 0, 30));
    Map<String, Map<String, VantageVerdict>> verdicts = verdicts(sights);
    verdicts.put("only-dai-tu", Map.of("dai-tu", verdict("only-dai-tu", "dai-tu", DOWN)));
    ClusterView cluster = ClusterView.of(sites, verdicts, BOTH);
    assertThat(cluster.blind()).containsOnlyKeys("dai-tu");
    for (WatchedSite site : sites.subList(0, 30)) {
      Combined c = combine(site, verdicts, cluster);
      assertThat(c.state()).isEqualTo(UP);
      assertThat(c.reason()).as("no thirty 'not reachable from dai-tu'").isEqualTo("r");
    }
    Combined onlyBlind = combine(sites.get(30), verdicts, cluster);
    assertThat(onlyBlind.state()).as("seen by a blind vantage only: not known, not DOWN").isEqualTo(UNKNOWN);
    assertThat(onlyBlind.reason()).isEqualTo("every live vantage watching the site is blind: dai-tu");
  }

  @Test
  void aRealDistrictOutageStillPages() {
    List<WatchedSite> sites = sites(30, Set.of());
    Map<String, Map<String, VantageVerdict>> verdicts =
        verdicts(List.of(new Sight("dai-tu", DOWN, 0, 30), new Sight("tinh", DOWN, 0, 30)));
    ClusterView cluster = ClusterView.of(sites, verdicts, BOTH);
    assertThat(cluster.blind()).isEmpty();
    assertThat(sites).allSatisfy(site -> assertThat(combine(site, verdicts, cluster).state()).isEqualTo(DOWN));
  }

  @Test
  void aSingleVantageClusterGivesItsOwnVerdicts() {
    List<WatchedSite> sites = sites(30, Set.of());
    Map<String, Map<String, VantageVerdict>> verdicts =
        verdicts(List.of(new Sight("tinh", DOWN, 0, 10), new Sight("tinh", UP, 10, 30)));
    ClusterView cluster = ClusterView.of(sites, verdicts, Set.of("tinh"));
    assertThat(cluster.blind()).isEmpty();
    for (WatchedSite site : sites) {
      VantageVerdict own = verdicts.get(site.id()).get("tinh");
      Combined c = combine(site, verdicts, cluster);
      assertThat(List.of(c.state(), c.since(), c.reason())).containsExactly(own.state(), own.since(), own.reason());
    }
  }

  private static Combined combine(
      WatchedSite site, Map<String, Map<String, VantageVerdict>> verdicts, ClusterView cluster) {
    return COMBINED.combine(site, verdicts.getOrDefault(site.id(), Map.of()), cluster, null, null, T0.plusSeconds(60));
  }

  private static List<WatchedSite> sites(int count, Set<String> watchers) {
    List<WatchedSite> sites = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sites.add(new WatchedSite("s" + i, watchers));
    }
    return sites;
  }

  private static Map<String, Map<String, VantageVerdict>> verdicts(List<Sight> sights) {
    Map<String, Map<String, VantageVerdict>> bySite = new HashMap<>();
    for (Sight s : sights) {
      for (int i = s.from(); i < s.to(); i++) {
        String site = "s" + i;
        bySite.computeIfAbsent(site, k -> new HashMap<>()).put(s.vantage(), verdict(site, s.vantage(), s.state()));
      }
    }
    return bySite;
  }

  private static VantageVerdict verdict(String site, String vantage, SiteState state) {
    return new VantageVerdict(site, vantage, state, T0, "r");
  }
}
