package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;
import org.junit.jupiter.api.Test;

/** The walk's bounds, driven by scripted answers (the shapes hostile agents send). */
class TableWalkTest {
  private static final OID ADMIN = Mib.IF_ADMIN_STATUS;
  private static final OID OPER = Mib.IF_OPER_STATUS;
  /** ifLastChange.1: the first cell past both status columns, where an agent goes at their end. */
  private static final OID IF_LAST_CHANGE_1 = new OID("1.3.6.1.2.1.2.2.1.9.1");

  @Test
  void walksTwoColumnsSideBySideUntilBothLeaveTheirSubtree() {
    TableWalk w = new TableWalk(List.of(ADMIN, OPER), 64);
    TableWalk.Request req = w.nextRequest();
    assertThat(req.oids()).containsExactly(ADMIN, OPER);
    assertThat(req.maxRepetitions()).isEqualTo(TableWalk.MAX_REPETITIONS);

    w.accept(answer(
        vb(ADMIN, 1, 1), vb(OPER, 1, 1),
        vb(ADMIN, 2, 1), vb(OPER, 2, 2),
        vb(OPER, 1, 1), vb(new OID("1.3.6.1.2.1.2.2.1.9.1"), 0)));

    assertThat(w.done()).isTrue();
    assertThat(w.truncated()).isFalse();
    assertThat(w.requests()).isEqualTo(1);
    assertThat(w.column(0)).containsOnlyKeys(new OID("1"), new OID("2"));
    assertThat(w.column(1)).hasSize(2);
  }

  @Test
  void continuesAfterTheLastOidSeen() {
    TableWalk w = new TableWalk(List.of(ADMIN), 64);
    w.nextRequest();
    w.accept(answer(vb(ADMIN, 1, 1), vb(ADMIN, 7, 1)));
    assertThat(w.done()).isFalse();
    TableWalk.Request next = w.nextRequest();
    assertThat(next.oids()).containsExactly(new OID(ADMIN).append(7));
  }

  @Test
  void stopsAtMaxRowsAndSaysItWasTruncated() {
    TableWalk w = new TableWalk(List.of(ADMIN), 3);
    TableWalk.Request req = w.nextRequest();
    assertThat(req.maxRepetitions()).isEqualTo(3);
    w.accept(answer(vb(ADMIN, 1, 1), vb(ADMIN, 2, 1), vb(ADMIN, 3, 1), vb(ADMIN, 4, 1)));
    assertThat(w.done()).isTrue();
    assertThat(w.truncated()).isTrue();
    assertThat(w.column(0)).hasSize(3);
  }

  @Test
  void anAgentGoingBackwardsCannotMakeUsLoop() {
    TableWalk w = new TableWalk(List.of(ADMIN), 64);
    w.nextRequest();
    w.accept(answer(vb(ADMIN, 5, 1), vb(ADMIN, 5, 1), vb(ADMIN, 2, 1)));
    assertThat(w.done()).isTrue();
    assertThat(w.truncated()).isTrue();
    assertThat(w.column(0)).containsOnlyKeys(new OID("5"));
  }

  @Test
  void anAgentAnsweringOneRowAtATimeIsReadUpToTheRowBound() {
    TableWalk w = new TableWalk(List.of(ADMIN), 64);
    int index = 0;
    while (!w.done()) {
      w.nextRequest();
      w.accept(answer(vb(ADMIN, ++index, 1)));
      assertThat(w.requests()).isLessThanOrEqualTo(65);
    }
    // every answer is one row: 64 requests for the rows, one more sees the 65th and stops
    assertThat(w.requests()).isEqualTo(65);
    assertThat(w.column(0)).hasSize(64);
    assertThat(w.truncated()).isTrue();
  }

  @Test
  void aTableAnsweredAFewRowsAtATimeIsReadToItsEndNotCut() {
    // the bug behind "64 of 116 rows": a bound on requests that assumed full answers
    TableWalk w = new TableWalk(List.of(ADMIN, OPER), 1000);
    int next = 1;
    while (!w.done()) {
      TableWalk.Request req = w.nextRequest();
      assertThat(req.maxRepetitions()).isEqualTo(TableWalk.MAX_REPETITIONS);
      List<VariableBinding> vbs = new ArrayList<>();
      for (int row = 0; row < 3; row++, next++) {
        // an agent near its message size: 3 rows per answer, whatever was asked
        vbs.add(next <= 116 ? vb(ADMIN, next, 1) : vb(IF_LAST_CHANGE_1, 0));
        vbs.add(next <= 116 ? vb(OPER, next, 1) : vb(IF_LAST_CHANGE_1, 0));
      }
      w.accept(vbs);
    }
    assertThat(w.column(0)).hasSize(116);
    assertThat(w.column(1)).hasSize(116);
    assertThat(w.truncated()).isFalse();
    assertThat(w.requests()).isEqualTo(39);
  }

  @Test
  void tooBigHalvesTheRowsAskedUntilOneRowIsTooBig() {
    TableWalk w = new TableWalk(List.of(ADMIN), 64);
    assertThat(w.nextRequest().maxRepetitions()).isEqualTo(16);
    assertThat(w.tooBig()).isTrue();
    assertThat(w.nextRequest().maxRepetitions()).isEqualTo(8);
    w.accept(answer(vb(ADMIN, 1, 1), vb(ADMIN, 2, 1)));
    // smaller from now on, not only for the request that was too big
    assertThat(w.nextRequest().maxRepetitions()).isEqualTo(8);
    assertThat(w.tooBig()).isTrue();
    assertThat(w.nextRequest().maxRepetitions()).isEqualTo(4);
    assertThat(w.tooBig()).isTrue();
    assertThat(w.nextRequest().maxRepetitions()).isEqualTo(2);
    assertThat(w.tooBig()).isTrue();
    assertThat(w.nextRequest().maxRepetitions()).isEqualTo(1);
    assertThat(w.done()).isFalse();
    // one row does not fit: the walk ends with what it has, and says it is a part
    assertThat(w.tooBig()).isFalse();
    assertThat(w.done()).isTrue();
    assertThat(w.truncated()).isTrue();
    assertThat(w.column(0)).hasSize(2);
    assertThat(w.requests()).isEqualTo(6);
  }

  @Test
  void stopKeepsWhatWasReadAndSaysItIsAPart() {
    TableWalk w = new TableWalk(List.of(ADMIN), 64);
    w.nextRequest();
    w.accept(answer(vb(ADMIN, 1, 1), vb(ADMIN, 2, 1)));
    w.stop();
    assertThat(w.done()).isTrue();
    assertThat(w.truncated()).isTrue();
    assertThat(w.column(0)).hasSize(2);

    TableWalk ended = new TableWalk(List.of(ADMIN), 64);
    ended.nextRequest();
    ended.accept(answer(vb(ADMIN, 1, 1), vb(OPER, 1, 1)));
    ended.stop(); // at the end already: nothing was left out
    assertThat(ended.truncated()).isFalse();
  }

  @Test
  void endOfMibViewAndEmptyAnswersEndTheWalk() {
    TableWalk w = new TableWalk(List.of(ADMIN), 64);
    w.nextRequest();
    w.accept(List.of(new VariableBinding(new OID(ADMIN).append(1), Null.endOfMibView)));
    assertThat(w.done()).isTrue();

    TableWalk empty = new TableWalk(List.of(ADMIN), 64);
    empty.nextRequest();
    empty.accept(List.of());
    assertThat(empty.done()).isTrue();
    assertThat(empty.column(0)).isEmpty();
  }

  @Test
  void zeroRowsAsksNothing() {
    assertThat(new TableWalk(List.of(ADMIN), 0).done()).isTrue();
  }

  static VariableBinding vb(OID column, int index, int value) {
    return new VariableBinding(new OID(column).append(index), new Integer32(value));
  }

  static VariableBinding vb(OID oid, int value) {
    return new VariableBinding(oid, new Integer32(value));
  }

  static List<VariableBinding> answer(VariableBinding... vbs) {
    return List.of(vbs);
  }
}
