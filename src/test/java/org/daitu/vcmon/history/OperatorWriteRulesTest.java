package org.daitu.vcmon.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.daitu.vcmon.state.SiteState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Which operator write wins, whatever order they arrive in: table tests of the pure rules. */
class OperatorWriteRulesTest {
  static final Instant T0 = Instant.parse("2026-03-01T01:00:00Z");

  static Instant at(Integer seconds) {
    return seconds == null ? null : T0.plusSeconds(seconds);
  }

  @ParameterizedTest(name = "({0}s, {1}) over ({2}s, {3}) -> {4}")
  @CsvSource(
      nullValues = "-",
      value = {
        // at, id, current at, current id, replaces
        "10, tinh:a,   -,  -,        true", // nothing written yet
        "10, tinh:a,   5,  dai-tu:z, true", // later wins, whatever the ids
        "5,  tinh:z,   10, dai-tu:a, false", // an earlier write arriving late loses
        "10, tinh:b,   10, tinh:a,   true", // same millisecond: the greater id wins
        "10, dai-tu:z, 10, tinh:a,   false",
        "10, tinh:a,   10, tinh:a,   false", // the one in force, again
        "10, tinh:a,   10, -,        true", // a stage stored without an op id (none since migration 3)
      })
  void lastWriterWinsByTimeThenId(int at, String id, Integer currentAt, String currentId, boolean replaces) {
    assertThat(OperatorWriteRules.replaces(at(at), id, at(currentAt), currentId)).isEqualTo(replaces);
  }

  /** Every order of the same writes ends with the same winner on every agent. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("stageWrites")
  void everyArrivalOrderEndsWithTheSameStage(String name, List<OperatorOp> writes, String winner) {
    for (List<OperatorOp> order : permutations(writes)) {
      OperatorOp inForce = null;
      for (OperatorOp op : order) {
        if (OperatorWriteRules.replaces(op.at(), op.id(), inForce == null ? null : inForce.at(),
            inForce == null ? null : inForce.id())) {
          inForce = op;
        }
      }
      assertThat(inForce.id()).as("order %s", order.stream().map(OperatorOp::id).toList()).isEqualTo(winner);
      assertThat(Collections.max(order, OperatorWriteRules.ORDER).id()).isEqualTo(winner);
    }
  }

  static Stream<Arguments> stageWrites() {
    return Stream.of(
        Arguments.of("latest time", List.of(stage("tinh:1", 0), stage("dai-tu:1", 30), stage("tinh:2", 20)), "dai-tu:1"),
        Arguments.of("tie on time, by id", List.of(stage("tinh:1", 10), stage("dai-tu:9", 10)), "tinh:1"),
        Arguments.of("one write", List.of(stage("tinh:1", 10)), "tinh:1"));
  }

  static OperatorOp stage(String id, int seconds) {
    return new OperatorOp(id, at(seconds), OperatorOp.STAGE_SET, id.substring(0, id.indexOf(':')), "{}");
  }

  @ParameterizedTest(name = "{0} -> stands: {1}")
  @CsvSource({
    "'add',                 true",
    "'remove',              false", // a removal for an add never seen
    "'add,remove',          false",
    "'remove,add',          false", // the removal arrived first: the add is not applied
    "'add,add',             true", // the same add twice
    "'remove,add,remove',   false",
    "'',                    false",
  })
  void aRemovalWinsWhateverTheOrder(String arrivals, boolean stands) {
    Set<String> seen = new HashSet<>();
    for (String a : arrivals.split(",")) {
      if (!a.isBlank()) {
        seen.add(a.equals("add") ? OperatorOp.MAINTENANCE_ADD : OperatorOp.MAINTENANCE_REMOVE);
      }
    }
    assertThat(OperatorWriteRules.windowStands(seen)).isEqualTo(stands);
  }

  /** Incidents of one site on the agent that applies the acknowledgement. */
  static final List<Incident> HERE =
      List.of(
          incident(1, 0, 100), // [0, 100)
          incident(2, 200, 200), // opened and closed in one batch
          incident(3, 300, 400),
          incident(4, 500, null)); // open

  @ParameterizedTest(name = "acknowledged [{0}, {1}) -> incident {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        // opened_at, closed_at of the incident acknowledged elsewhere, id matched here
        "0,   100, 1", // the same times: every agent records the same combined transitions
        "50,  -,   1", // opened here earlier, still open there: the interval contains it
        "99,  120, 1",
        "100, 150, -", // here it closed at 100: no incident here covers [100, 150)
        "200, 200, 2", // a zero-length outage is still found
        "290, 350, 3", // opened here 10 s later: the nearest overlapping one
        "320, -,   3",
        "250, 420, 3",
        "150, -,   2", // open there since 150 (here it came and went): the nearest that overlaps
        "450, -,   4", // open there; here it opened after a restart: the open one
        "600, -,   4", // contained in the open one
        "420, 480, -", // an outage this agent never saw
      })
  void anAcknowledgementFindsItsIncidentByTimes(int openedAt, Integer closedAt, Long expected) {
    Optional<Incident> found = OperatorWriteRules.incidentFor(HERE, at(openedAt), at(closedAt));
    assertThat(found.map(Incident::id)).isEqualTo(Optional.ofNullable(expected));
  }

  static Incident incident(long id, int opened, Integer closed) {
    return new Incident(id, "ha-thuong", SiteState.DOWN, at(opened), at(closed), "no answer", null, null, null);
  }

  static <T> List<List<T>> permutations(List<T> items) {
    if (items.size() <= 1) {
      return List.of(items);
    }
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<T> rest = new ArrayList<>(items);
      T first = rest.remove(i);
      for (List<T> p : permutations(rest)) {
        List<T> one = new ArrayList<>();
        one.add(first);
        one.addAll(p);
        out.add(one);
      }
    }
    return out;
  }
}
