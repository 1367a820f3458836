package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.daitu.vcmon.probe.snmp.SnmpClient.ErrorStatus;
import org.daitu.vcmon.probe.snmp.SnmpClient.RequestFailed;
import org.junit.jupiter.api.Test;
import org.snmp4j.PDU;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * GETBULK rows read with GETNEXT from an SNMPv1 agent in memory, which answers as RFC 1157 says:
 * noSuchName (with the error-index) for a GET of a missing object and for a GETNEXT past its last
 * object, never an exception value. The walk and the recipe run over it unchanged.
 */
class GetNextRowsTest {
  private static final OID DESCR = Mib.IF_DESCR;
  private static final OID ADMIN = Mib.IF_ADMIN_STATUS;
  private static final OID OPER = Mib.IF_OPER_STATUS;
  /** ifLastChange: the column after ifOperStatus. */
  private static final OID LAST_CHANGE = new OID("1.3.6.1.2.1.2.2.1.9");

  @Test
  void aTableIsReadRowByRowAndTheRowsStopOnceEveryColumnLeftItsColumn() {
    V1Agent agent = new V1Agent().system().ifaces(3).set(new OID(LAST_CHANGE).append(1), new TimeTicks(0));

    TableWalk w = walk(agent, List.of(DESCR, ADMIN, OPER), 64);

    assertThat(w.column(0).values()).extracting(Variable::toString).containsExactly("if1", "if2", "if3");
    assertThat(w.column(2)).hasSize(3);
    assertThat(w.truncated()).isFalse();
    // three rows, and one that shows every column past its end: no round trip wasted beyond it
    assertThat(agent.getNexts).hasSize(4);
    assertThat(w.requests()).isEqualTo(1);
  }

  @Test
  void theEndOfTheAgentsViewEndsThatColumnAndTheOthersAreAskedAgain() {
    // ifOperStatus is the last thing the agent shows: its GETNEXT past row 2 is noSuchName
    V1Agent agent = new V1Agent().ifaces(2);
    GetNextRows rows = new GetNextRows(agent::getNext);

    List<VariableBinding> answer = rows.rows(List.of(DESCR, ADMIN, OPER), 16).result();

    assertThat(answer).hasSize(9);
    assertThat(answer.subList(6, 9))
        .containsExactly(
            new VariableBinding(new OID(ADMIN).append(1), new Integer32(1)),
            new VariableBinding(new OID(OPER).append(1), new Integer32(1)),
            new VariableBinding(new OID(OPER).append(2), Null.endOfMibView));
    // the third row: asked with three OIDs, refused at index 3, asked again without it
    assertThat(agent.getNexts).hasSize(4);
    assertThat(agent.getNexts.get(3)).containsExactly(new OID(DESCR).append(2), new OID(ADMIN).append(2));
  }

  @Test
  void aWalkThatRunsIntoTheEndOfTheViewEndsCleanly() {
    V1Agent agent = new V1Agent().ifaces(2);
    TableWalk w = walk(agent, List.of(OPER), 64);
    assertThat(w.done()).isTrue();
    assertThat(w.truncated()).isFalse();
    assertThat(w.column(0)).hasSize(2);
  }

  @Test
  void anEmptyViewEndsEveryColumnAtOnce() {
    V1Agent agent = new V1Agent();
    List<VariableBinding> answer =
        new GetNextRows(agent::getNext).rows(List.of(DESCR, OPER), 16).result();
    assertThat(answer)
        .containsExactly(
            new VariableBinding(DESCR, Null.endOfMibView), new VariableBinding(OPER, Null.endOfMibView));
    assertThat(agent.getNexts).hasSize(2);
  }

  @Test
  void aLongTableTakesAsManyCallsAsWithGetBulkAndNoMoreRows() {
    V1Agent v1 = new V1Agent().system().ifaces(40);
    FakeSnmpClient bulk = new FakeSnmpClient().system("s", "d", FakeSnmpClient.NET_SNMP, 1);
    for (int i = 1; i <= 40; i++) {
      bulk.iface(i, "if" + i, 1, i % 2 == 0 ? 2 : 1);
    }

    TableWalk overV1 = walk(v1, List.of(DESCR, ADMIN, OPER), 64);
    TableWalk overBulk = new TableWalk(List.of(DESCR, ADMIN, OPER), 64);
    run(bulk, overBulk);

    for (int c = 0; c < 3; c++) {
      assertThat(overV1.column(c)).isEqualTo(overBulk.column(c)).hasSize(40);
    }
    assertThat(overV1.requests()).isEqualTo(overBulk.requests()).isEqualTo(3);
    assertThat(overV1.truncated()).isFalse();
    // 40 rows and the one past them, asked again without ifOperStatus (the agent's last object)
    assertThat(v1.getNexts).hasSize(42);
  }

  @Test
  void maxRowsCutsTheTableAsWithGetBulk() {
    V1Agent agent = new V1Agent().ifaces(100);
    TableWalk w = walk(agent, List.of(DESCR, OPER), 20);
    assertThat(w.column(0)).hasSize(20);
    assertThat(w.truncated()).isTrue();
    // 16 rows, the 4 left, then the one row the walk asks to see whether there are more
    assertThat(agent.getNexts).hasSize(21);
  }

  @Test
  void aContinuationNotHandedOutIsReadOneRowAtATime() {
    V1Agent agent = new V1Agent().ifaces(5);
    GetNextRows rows = new GetNextRows(agent::getNext);
    List<VariableBinding> answer = rows.rows(List.of(new OID(DESCR).append(2)), 16).result();
    // fewer rows than asked is within the contract; the walk asks again from there
    assertThat(answer).containsExactly(new VariableBinding(new OID(DESCR).append(3), new OctetString("if3")));
  }

  @Test
  void aTimeoutFailsTheRowsAsItFailsAGetBulk() {
    V1Agent agent = new V1Agent().ifaces(5);
    agent.failAfter = 2;
    Future<List<VariableBinding>> f = new GetNextRows(agent::getNext).rows(List.of(DESCR), 16);
    assertThat(f.failed()).isTrue();
    assertThat(((RequestFailed) f.cause()).failure()).isEqualTo(FakeSnmpClient.timeout());
  }

  @Test
  void anotherErrorStatusFailsTheRows() {
    V1Agent agent = new V1Agent().ifaces(5);
    agent.answer = oids -> new ErrorStatus(PDU.genErr, 1, oids.get(0));
    Future<List<VariableBinding>> f = new GetNextRows(agent::getNext).rows(List.of(DESCR), 16);
    assertThat(((RequestFailed) f.cause()).failure()).isEqualTo(new ErrorStatus(PDU.genErr, 1, DESCR));
  }

  @Test
  void aNoSuchNameThatNamesNoBindingEndsEveryColumn() {
    V1Agent agent = new V1Agent().ifaces(5);
    agent.answer = oids -> new ErrorStatus(PDU.noSuchName, 0, null);
    List<VariableBinding> answer =
        new GetNextRows(agent::getNext).rows(List.of(DESCR, OPER), 16).result();
    assertThat(answer).extracting(VariableBinding::getVariable)
        .containsExactly(Null.endOfMibView, Null.endOfMibView);
    assertThat(agent.getNexts).hasSize(1);
  }

  @Test
  void anAgentThatDoesNotMoveForwardCostsOneRow() {
    V1Agent agent = new V1Agent().ifaces(5);
    OID stuck = new OID(DESCR).append(1);
    agent.stuck = stuck;
    TableWalk w = walk(agent, List.of(DESCR), 64);
    assertThat(w.done()).isTrue();
    assertThat(w.truncated()).isTrue();
    assertThat(agent.getNexts).hasSize(2);
  }

  @Test
  void thePollRecipeReadsAV1AgentUnchanged() {
    V1Agent agent = new V1Agent().system().ifaces(2);
    SnmpResult r =
        new PollRecipe(VendorProfiles.standard(), 64).run(agent).result();
    assertThat(r.status()).as(r.reason()).isEqualTo(SnmpStatus.OK);
    assertThat(r.sysName()).isEqualTo("old-cpe");
    assertThat(r.uptimeTicks()).isEqualTo(4242);
    assertThat(r.interfaces())
        .containsExactly(FakeSnmpClient.row(1, "if1", 1, 1), FakeSnmpClient.row(2, "if2", 1, 2));
  }

  private static TableWalk walk(V1Agent agent, List<OID> columns, int maxRows) {
    TableWalk w = new TableWalk(columns, maxRows);
    run(agent, w);
    return w;
  }

  private static void run(SnmpClient agent, TableWalk w) {
    while (!w.done()) {
      TableWalk.Request r = w.nextRequest();
      Future<List<VariableBinding>> f = agent.getBulk(r.oids(), r.maxRepetitions());
      assertThat(f.succeeded()).as(String.valueOf(f.cause())).isTrue();
      w.accept(f.result());
    }
  }

  /**
   * An SNMPv1 agent in memory: GET and GETNEXT only, noSuchName instead of exception values.
   * Futures are complete when returned. getBulk goes through {@link GetNextRows}, as the real
   * client's does for v1 targets.
   */
  private static final class V1Agent implements SnmpClient {
    private final NavigableMap<OID, Variable> mib = new TreeMap<>();
    private final GetNextRows rows = new GetNextRows(this::getNext);
    final List<List<OID>> getNexts = new ArrayList<>();
    /** A failure to answer every GETNEXT with instead, or null. */
    Function<List<OID>, Failure> answer;
    /** GETNEXTs answered before every further one times out. */
    int failAfter = Integer.MAX_VALUE;
    /** An OID the agent answers to every GETNEXT of it, or null. */
    OID stuck;

    V1Agent set(OID oid, Variable value) {
      mib.put(oid, value);
      return this;
    }

    V1Agent system() {
      set(Mib.SYS_DESCR, new OctetString("Old CPE router"));
      set(Mib.SYS_OBJECT_ID, new OID(FakeSnmpClient.NET_SNMP));
      set(Mib.SYS_UPTIME, new TimeTicks(4242));
      return set(Mib.SYS_NAME, new OctetString("old-cpe"));
    }

    V1Agent ifaces(int n) {
      for (int i = 1; i <= n; i++) {
        set(new OID(DESCR).append(i), new OctetString("if" + i));
        set(new OID(ADMIN).append(i), new Integer32(1));
        set(new OID(OPER).append(i), new Integer32(i % 2 == 0 ? 2 : 1));
      }
      return this;
    }

    @Override
    public Future<List<VariableBinding>> get(List<OID> oids) {
      List<VariableBinding> out = new ArrayList<>();
      for (int i = 0; i < oids.size(); i++) {
        Variable v = mib.get(oids.get(i));
        if (v == null) {
          return failed(new ErrorStatus(PDU.noSuchName, i + 1, oids.get(i)));
        }
        out.add(new VariableBinding(oids.get(i), v));
      }
      return Future.succeededFuture(out);
    }

    @Override
    public Future<List<VariableBinding>> getBulk(List<OID> oids, int maxRepetitions) {
      return rows.rows(oids, maxRepetitions);
    }

    Future<List<VariableBinding>> getNext(List<OID> oids) {
      getNexts.add(List.copyOf(oids));
      if (getNexts.size() > failAfter) {
        return failed(FakeSnmpClient.timeout());
      }
      if (answer != null) {
        return failed(answer.apply(oids));
      }
      List<VariableBinding> out = new ArrayList<>();
      for (int i = 0; i < oids.size(); i++) {
        OID next = oids.get(i).equals(stuck) ? stuck : mib.higherKey(oids.get(i));
        if (next == null) {
          return failed(new ErrorStatus(PDU.noSuchName, i + 1, oids.get(i)));
        }
        out.add(new VariableBinding(next, mib.get(next)));
      }
      return Future.succeededFuture(out);
    }

    private static Future<List<VariableBinding>> failed(Failure failure) {
      return Future.failedFuture(new RequestFailed(failure));
    }
  }
}
