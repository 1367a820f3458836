package org.daitu.vcmon.probe.snmp;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snmp4j.PDU;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;

/**
 * {@link SnmpClient#getBulk} for SNMPv1 agents, which have no GETBULK (RFC 1157): the same rows,
 * read with one GETNEXT per row, so {@link TableWalk} works unchanged.
 *
 * <p>Where v1 differs, the answer is turned into what a GETBULK agent would have sent (the
 * mapping RFC 3584 §4.2 gives proxies):
 *
 * <ul>
 *   <li>v1 has no endOfMibView: a GETNEXT past the last object the agent shows fails with
 *       noSuchName, its error-index naming the binding. That column ends with an endOfMibView
 *       binding and the others are asked again without it, so a walk ends cleanly. A noSuchName
 *       that names no binding ends every column still asked.
 *   <li>Any other failure (timeout, another error-status) fails the rows, as it fails a GETBULK.
 * </ul>
 *
 * <p>Round trips are bounded and few: at most {@code maxRepetitions} rows, plus one request per
 * column that reaches the end of the agent's view; and the rows stop early once every column has
 * left the column it was read under, where a GETBULK agent would have sent rows the walk throws
 * away. The column of each OID this object handed out is remembered until the next call, so a
 * walk that goes on from its last OID is known to be in that column still. An OID it never handed
 * out is taken as a column of its own: its rows then stop after one, which the contract allows
 * (fewer rows, never wrong ones).
 *
 * <p>Not thread-safe: one per client, and a client belongs to one poll.
 */
final class GetNextRows {

  /** One GETNEXT to the agent: one binding per OID asked, failing as a client request does. */
  interface GetNext {
    Future<List<VariableBinding>> next(List<OID> oids);
  }

  private final GetNext agent;
  /** The column each OID of the last call's answer was read under. */
  private Map<OID, OID> columnOf = Map.of();

  GetNextRows(GetNext agent) {
    this.agent = agent;
  }

  /** The rows a GETBULK of {@code oids} without non-repeaters would give, as that contract says. */
  Future<List<VariableBinding>> rows(List<OID> oids, int maxRepetitions) {
    if (oids.isEmpty() || maxRepetitions < 1) {
      return Future.succeededFuture(List.of());
    }
    Call call = new Call(oids, maxRepetitions);
    return call.next().map(v -> {
      columnOf = call.seen;
      return call.out;
    });
  }

  /** The state of one {@link #rows} call. */
  private final class Call {
    private final int width;
    private final int maxRows;
    private final OID[] cursor;
    private final OID[] column;
    private final boolean[] ended;
    private final boolean[] left;
    private final List<VariableBinding> out = new ArrayList<>();
    private final Map<OID, OID> seen = new HashMap<>();
    private int rows;

    Call(List<OID> oids, int maxRows) {
      this.width = oids.size();
      this.maxRows = maxRows;
      this.cursor = oids.toArray(new OID[0]);
      this.column = new OID[width];
      for (int k = 0; k < width; k++) {
        column[k] = columnOf.getOrDefault(cursor[k], cursor[k]);
      }
      this.ended = new boolean[width];
      this.left = new boolean[width];
    }

    /** Reads rows until the bound, or until no column has more to give. */
    Future<Void> next() {
      if (rows >= maxRows || finished()) {
        return Future.succeededFuture();
      }
      List<Integer> asked = new ArrayList<>();
      for (int k = 0; k < width; k++) {
        if (!ended[k]) {
          asked.add(k);
        }
      }
      return ask(asked).compose(answers -> {
        row(answers);
        return next();
      });
    }

    private boolean finished() {
      for (int k = 0; k < width; k++) {
        if (!ended[k] && !left[k]) {
          return false;
        }
      }
      return true;
    }

    /**
     * One GETNEXT of the columns {@code asked}: their answers by column. A noSuchName ends the
     * column it names (or all of them) and asks the rest again.
     */
    private Future<Map<Integer, VariableBinding>> ask(List<Integer> asked) {
      if (asked.isEmpty()) {
        return Future.succeededFuture(Map.of());
      }
      List<OID> oids = new ArrayList<>(asked.size());
      asked.forEach(k -> oids.add(cursor[k]));
      return agent.next(oids)
          .map(vbs -> {
            Map<Integer, VariableBinding> answers = new HashMap<>();
            for (int i = 0; i < asked.size(); i++) {
              if (i < vbs.size() && vbs.get(i) != null) {
                answers.put(asked.get(i), vbs.get(i));
              } else {
                // an answer short of bindings: nothing more to read in those columns
                ended[asked.get(i)] = true;
              }
            }
            return answers;
          })
          .recover(e -> {
            if (!(e instanceof SnmpClient.RequestFailed failed)
                || !(failed.failure() instanceof SnmpClient.ErrorStatus status)
                || status.status() != PDU.noSuchName) {
              return Future.failedFuture(e);
            }
            int index = status.index();
            if (index < 1 || index > asked.size()) {
              asked.forEach(k -> ended[k] = true);
              return Future.succeededFuture(Map.of());
            }
            List<Integer> rest = new ArrayList<>(asked);
            ended[rest.remove(index - 1)] = true;
            return ask(rest);
          });
    }

    /** Adds one row: each column's answer, or endOfMibView under its last OID once it ended. */
    private void row(Map<Integer, VariableBinding> answers) {
      for (int k = 0; k < width; k++) {
        VariableBinding vb = answers.get(k);
        if (ended[k] || vb == null) {
          ended[k] = true;
          out.add(new VariableBinding(cursor[k], Null.endOfMibView));
          continue;
        }
        out.add(vb);
        OID oid = vb.getOid();
        if (vb.getVariable().isException() || oid == null) {
          // v1 has no exception values; an agent sending one has nothing more to give here
          ended[k] = true;
          continue;
        }
        boolean forward = oid.compareTo(cursor[k]) > 0;
        if (forward && oid.startsWith(column[k]) && oid.size() > column[k].size()) {
          seen.put(oid, column[k]);
        } else {
          left[k] = true;
        }
        if (forward) {
          cursor[k] = oid;
        } else {
          // asked again it would answer the same: a GETBULK agent doing so is cut by the walk
          ended[k] = true;
        }
      }
      rows++;
    }
  }
}
