package org.daitu.vcmon.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.daitu.vcmon.state.SiteState.DEGRADED;
import static org.daitu.vcmon.state.SiteState.DOWN;
import static org.daitu.vcmon.state.SiteState.MAINTENANCE;
import static org.daitu.vcmon.state.SiteState.UNKNOWN;
import static org.daitu.vcmon.state.SiteState.UNREACHABLE;
import static org.daitu.vcmon.state.SiteState.UP;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.daitu.vcmon.history.IncidentRules.Close;
import org.daitu.vcmon.history.IncidentRules.FirstConnected;
import org.daitu.vcmon.history.IncidentRules.Link;
import org.daitu.vcmon.history.IncidentRules.Open;
import org.daitu.vcmon.history.IncidentRules.Ref;
import org.daitu.vcmon.history.IncidentRules.Step;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IncidentRulesTest {
  private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
  private static final Map<String, String> PARENTS = Map.of("child", "core", "other", "core");

  /** One row: what is stored before, the batch, and the steps the rules must decide. */
  record Scenario(
      String name,
      List<Incident> open,
      Set<String> connected,
      List<Transition> batch,
      List<Step> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> scenarios() {
    return Stream.of(
            new Scenario(
                "down without an open incident opens one",
                List.of(),
                Set.of(),
                List.of(t("a", UP, DOWN, 0)),
                List.of(new Open("a", DOWN, at(0), "r", null))),
            new Scenario(
                "unreachable without an open incident opens one of that kind",
                List.of(),
                Set.of(),
                List.of(t("a", UP, UNREACHABLE, 0)),
                List.of(new Open("a", UNREACHABLE, at(0), "r", null))),
            new Scenario(
                "down with an open incident opens nothing",
                List.of(open(7, "a", 0, null)),
                Set.of("a"),
                List.of(t("a", UNREACHABLE, DOWN, 5)),
                List.of()),
            new Scenario(
                "up closes the open incident",
                List.of(open(7, "a", 0, null)),
                Set.of("a"),
                List.of(t("a", DOWN, UP, 9)),
                List.of(new Close(Ref.stored(7), at(9)))),
            new Scenario(
                "degraded closes the open incident",
                List.of(open(7, "a", 0, null)),
                Set.of("a"),
                List.of(t("a", DOWN, DEGRADED, 9)),
                List.of(new Close(Ref.stored(7), at(9)))),
            new Scenario(
                "maintenance and unknown neither open nor close",
                List.of(open(7, "a", 0, null)),
                Set.of(),
                List.of(t("a", DOWN, MAINTENANCE, 3), t("b", UP, UNKNOWN, 3)),
                List.of()),
            new Scenario(
                "online without an open incident closes nothing",
                List.of(),
                Set.of("a"),
                List.of(t("a", UP, DEGRADED, 1), t("a", DEGRADED, UP, 2)),
                List.of()),
            new Scenario(
                "a close is never before the opening, even if the clock stepped back",
                List.of(open(7, "a", 10, null)),
                Set.of("a"),
                List.of(t("a", DOWN, UP, 4)),
                List.of(new Close(Ref.stored(7), at(10)))),
            new Scenario(
                "opened and closed within one batch",
                List.of(),
                Set.of("a"),
                List.of(t("a", UP, DOWN, 0), t("a", DOWN, UP, 30)),
                List.of(new Open("a", DOWN, at(0), "r", null), new Close(Ref.openedBy(0), at(30)))),
            new Scenario(
                "first up ever sets first-connected",
                List.of(),
                Set.of(),
                List.of(t("a", UNKNOWN, UP, 2)),
                List.of(new FirstConnected("a", at(2)))),
            new Scenario(
                "first-connected is never moved later",
                List.of(),
                Set.of("a"),
                List.of(t("a", UNKNOWN, UP, 2)),
                List.of()),
            new Scenario(
                "first-connected once per batch, the earliest up",
                List.of(),
                Set.of(),
                List.of(t("a", UNKNOWN, UP, 1), t("a", UP, DOWN, 2), t("a", DOWN, UP, 3)),
                List.of(
                    new FirstConnected("a", at(1)),
                    new Open("a", DOWN, at(2), "r", null),
                    new Close(Ref.openedBy(1), at(3)))),
            new Scenario(
                "degraded is not connected",
                List.of(),
                Set.of(),
                List.of(t("a", UNKNOWN, DEGRADED, 1)),
                List.of()),
            new Scenario(
                "unreachable is linked to the parent's stored open incident",
                List.of(open(3, "core", 0, null)),
                Set.of(),
                List.of(t("child", UP, UNREACHABLE, 1)),
                List.of(new Open("child", UNREACHABLE, at(1), "r", Ref.stored(3)))),
            new Scenario(
                "unreachable is linked to the parent's incident opened earlier in the batch",
                List.of(),
                Set.of(),
                List.of(t("core", UP, DOWN, 0), t("child", UP, UNREACHABLE, 0), t("other", UP, UNREACHABLE, 0)),
                List.of(
                    new Open("core", DOWN, at(0), "r", null),
                    new Open("child", UNREACHABLE, at(0), "r", Ref.openedBy(0)),
                    new Open("other", UNREACHABLE, at(0), "r", Ref.openedBy(0)))),
            new Scenario(
                "a parent whose transition comes later in the batch is not found",
                List.of(),
                Set.of(),
                List.of(t("child", UP, UNREACHABLE, 0), t("core", UP, DOWN, 0)),
                List.of(
                    new Open("child", UNREACHABLE, at(0), "r", null),
                    new Open("core", DOWN, at(0), "r", null))),
            new Scenario(
                "a down child is not linked to its parent",
                List.of(open(3, "core", 0, null)),
                Set.of(),
                List.of(t("child", UP, DOWN, 1)),
                List.of(new Open("child", DOWN, at(1), "r", null))),
            new Scenario(
                "an open incident that becomes unreachable is linked, not reopened",
                List.of(open(3, "core", 0, null), open(8, "child", 0, null)),
                Set.of(),
                List.of(t("child", DOWN, UNREACHABLE, 1)),
                List.of(new Link(Ref.stored(8), Ref.stored(3)))),
            new Scenario(
                "an incident already linked to that parent incident is not linked again",
                List.of(open(3, "core", 0, null), open(8, "child", 0, 3L)),
                Set.of(),
                List.of(t("child", DOWN, UNREACHABLE, 1)),
                List.of()),
            new Scenario(
                "a link made in the batch is not made twice",
                List.of(open(3, "core", 0, null), open(8, "child", 0, null)),
                Set.of(),
                List.of(t("child", DOWN, UNREACHABLE, 1), t("child", UNREACHABLE, UNREACHABLE, 2)),
                List.of(new Link(Ref.stored(8), Ref.stored(3)))),
            new Scenario(
                "a child re-linked to the parent's new incident",
                List.of(open(8, "child", 0, 3L)),
                Set.of(),
                List.of(t("core", UP, DOWN, 5), t("child", DOWN, UNREACHABLE, 6)),
                List.of(
                    new Open("core", DOWN, at(5), "r", null),
                    new Link(Ref.stored(8), Ref.openedBy(0)))),
            new Scenario(
                "unreachable without a parent in the map opens an unlinked incident",
                List.of(open(3, "core", 0, null)),
                Set.of(),
                List.of(t("orphan", UP, UNREACHABLE, 1)),
                List.of(new Open("orphan", UNREACHABLE, at(1), "r", null))),
            new Scenario(
                "the parent's closed incident is not a cause",
                List.of(open(3, "core", 0, null)),
                Set.of("core"),
                List.of(t("core", DOWN, UP, 4), t("child", UP, UNREACHABLE, 5)),
                List.of(
                    new Close(Ref.stored(3), at(4)),
                    new Open("child", UNREACHABLE, at(5), "r", null))))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void decides(Scenario s) {
    Map<String, Incident> open = new HashMap<>();
    s.open().forEach(i -> open.put(i.siteId(), i));
    assertThat(IncidentRules.decide(s.batch(), PARENTS, open, s.connected()))
        .containsExactlyElementsOf(s.expected());
  }

  @Test
  void looksUpTheBatchSitesAndTheParentsOfUnreachableOnes() {
    List<Transition> batch =
        List.of(t("a", UP, DOWN, 0), t("child", UP, UNREACHABLE, 0), t("other", UP, DOWN, 0));
    assertThat(IncidentRules.sitesToLookUp(batch, PARENTS))
        .containsExactly("a", "child", "core", "other");
    assertThat(IncidentRules.sitesGoingUp(List.of(t("a", DOWN, UP, 0), t("b", UP, DEGRADED, 0))))
        .containsExactly("a");
  }

  @Test
  void aChangeOfADegradedSitesCausesOpensAndClosesNothing() {
    Transition causes =
        new Transition("a", DEGRADED, DEGRADED, at(1), "new: x", true, false, List.of("x"), List.of());
    Map<String, Incident> open = new HashMap<>(Map.of("a", open(3, "a", 0, null)));
    assertThat(IncidentRules.decide(List.of(causes), PARENTS, open, Set.of())).isEmpty();
    assertThat(IncidentRules.decide(List.of(t("a", DEGRADED, DEGRADED, 1)), PARENTS, open, Set.of()))
        .as("a plain change to the same online state closes, as before")
        .containsExactly(new Close(Ref.stored(3), at(1)));
  }

  @Test
  void aReferenceIsAnIdOrAnOpeningStepNotBoth() {
    assertThatThrownBy(() -> new Ref(1L, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ref(null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static Transition t(String site, SiteState from, SiteState to, int seconds) {
    return new Transition(site, from, to, at(seconds), "r", true, false);
  }

  private static Incident open(long id, String site, int openedSeconds, Long parent) {
    return new Incident(id, site, DOWN, at(openedSeconds), null, "r", parent, null, null);
  }
}
