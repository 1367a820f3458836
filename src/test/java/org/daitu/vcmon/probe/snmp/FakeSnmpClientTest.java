package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.List;
import org.daitu.vcmon.probe.snmp.FakeSnmpClient.Request;
import org.daitu.vcmon.probe.snmp.SnmpClient.ErrorStatus;
import org.daitu.vcmon.probe.snmp.SnmpClient.RequestFailed;
import org.junit.jupiter.api.Test;
import org.snmp4j.PDU;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;

/** The fake answers as an agent would, so the recipe tests stand on solid ground. */
class FakeSnmpClientTest {
  private static final OID A = new OID("1.3.6.1.99.1");
  private static final OID B = new OID("1.3.6.1.99.2");

  private final FakeSnmpClient agent =
      new FakeSnmpClient()
          .set(new OID(A).append(1), new Integer32(11))
          .set(new OID(A).append(2), new Integer32(12))
          .set(new OID(B).append(1), new Integer32(21));

  @Test
  void getAnswersEachOidInOrderAndNoSuchObjectForTheMissing() {
    List<VariableBinding> answer = agent.get(List.of(new OID(B).append(1), A)).result();
    assertThat(answer)
        .containsExactly(
            new VariableBinding(new OID(B).append(1), new Integer32(21)),
            new VariableBinding(A, Null.noSuchObject));
  }

  @Test
  void getBulkWalksTheSuccessorsRowByRowAndEndsWithEndOfMibView() {
    List<VariableBinding> answer = agent.getBulk(List.of(A, B), 16).result();
    assertThat(answer)
        .containsExactly(
            new VariableBinding(new OID(A).append(1), new Integer32(11)),
            new VariableBinding(new OID(B).append(1), new Integer32(21)),
            new VariableBinding(new OID(A).append(2), new Integer32(12)),
            new VariableBinding(new OID(B).append(1), Null.endOfMibView),
            // A's column left behind, its walk goes on into B, as an agent's does
            new VariableBinding(new OID(B).append(1), new Integer32(21)),
            new VariableBinding(new OID(B).append(1), Null.endOfMibView),
            // a row where every column is at the end, and nothing after it
            new VariableBinding(new OID(B).append(1), Null.endOfMibView),
            new VariableBinding(new OID(B).append(1), Null.endOfMibView));
  }

  @Test
  void getBulkAnswersAtMostMaxRepetitionsAndRowsPerAnswer() {
    assertThat(agent.getBulk(List.of(A), 2).result()).hasSize(2);
    assertThat(agent.rowsPerAnswer(1).getBulk(List.of(A), 2).result())
        .containsExactly(new VariableBinding(new OID(A).append(1), new Integer32(11)));
  }

  @Test
  void scriptedFailuresNameTheIndexAndObjectAskedAndEveryRequestIsRecorded() {
    agent.errorStatusOn(B, PDU.noSuchName).failOn(new OID(A).append(2), FakeSnmpClient.timeout());

    Future<List<VariableBinding>> error = agent.get(List.of(A, new OID(B).append(1)));
    assertThat(((RequestFailed) error.cause()).failure())
        .isEqualTo(new ErrorStatus(PDU.noSuchName, 2, new OID(B).append(1)));
    Future<List<VariableBinding>> timeout = agent.getBulk(List.of(new OID(A).append(2)), 5);
    assertThat(((RequestFailed) timeout.cause()).failure()).isEqualTo(FakeSnmpClient.timeout());
    assertThat(agent.get(List.of(A)).succeeded()).isTrue();

    assertThat(agent.requests())
        .containsExactly(
            Request.get(A, new OID(B).append(1)),
            Request.getBulk(5, new OID(A).append(2)),
            Request.get(A));
  }
}
