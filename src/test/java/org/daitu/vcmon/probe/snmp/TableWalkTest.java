package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;

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
  void anAgentAnsweringOneRowAtATimeCostsABoundedNumberOfRequests() {
    TableWalk w = new TableWalk(List.of(ADMIN), 64);
    int index = 0;
    while (!w.done()) {
      w.nextRequest();
      w.accept(answer(vb(ADMIN, ++index, 1)));
      assertThat(w.requests()).isLessThanOrEqualTo(10);
    }
    // 64 rows / 16 per request + 1
    assertThat(w.requests()).isEqualTo(5);
    assertThat(w.truncated()).isTrue();
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
