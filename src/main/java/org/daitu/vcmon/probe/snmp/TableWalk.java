package org.daitu.vcmon.probe.snmp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * Walks one or more columns of a table side by side with GETBULK, and stops on its own: at the
 * end of each column, after {@code maxRows} rows, and as soon as an agent answers with an OID
 * that does not move forward. Every answer either reads a new row of some column or ends one, so
 * a walk makes at most about {@code columns x (maxRows + 1)} requests whatever the agent does;
 * the caller bounds its time as well (see {@link PollRecipe}).
 *
 * <p>The walk is bounded by rows, not by requests: an agent that answers a few rows at a time
 * (a small message size, long names) is read to the end, not cut after the requests a full
 * answer would have needed.
 *
 * <p>Not thread-safe: one walk belongs to one poll, which runs on one Vert.x context.
 */
final class TableWalk {
  /**
   * Rows asked for per GETBULK. Six interface columns x 16 rows is 96 bindings: within net-snmp's
   * default cap of 100 bindings per answer (maxGetbulkResponses), and a few KB, far below a UDP
   * datagram. An agent that still finds it too big says tooBig, and the walk asks half.
   */
  static final int MAX_REPETITIONS = 16;

  private final List<OID> columns;
  private final OID[] cursor;
  private final boolean[] finished;
  private final List<SortedMap<OID, Variable>> values;
  private final int maxRows;
  private int repetitions = MAX_REPETITIONS;
  private int requests;
  private boolean truncated;
  private List<Integer> inFlight = List.of();
  private int askedRows;

  TableWalk(List<OID> columns, int maxRows) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a table walk needs at least one column");
    }
    if (maxRows < 0) {
      throw new IllegalArgumentException("maxRows must be >= 0, got " + maxRows);
    }
    this.columns = List.copyOf(columns);
    this.cursor = columns.toArray(new OID[0]);
    this.finished = new boolean[columns.size()];
    this.values = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      values.add(new TreeMap<>());
    }
    this.maxRows = maxRows;
    if (maxRows == 0) {
      Arrays.fill(finished, true);
    }
  }

  /** Nothing more to ask. */
  boolean done() {
    for (boolean f : finished) {
      if (!f) {
        return false;
      }
    }
    return true;
  }

  /** Requests sent so far. */
  int requests() {
    return requests;
  }

  /**
   * The walk stopped before the end of the table: on its row bound, on an agent going backwards,
   * or because the caller stopped it (time, a failed request).
   */
  boolean truncated() {
    return truncated;
  }

  /**
   * One GETBULK of the walk, without non-repeaters: the OIDs to start after and how many rows to
   * ask for.
   */
  record Request(List<OID> oids, int maxRepetitions) {
    Request {
      oids = List.copyOf(oids);
    }
  }

  /** The next GETBULK: one OID per unfinished column, its last OID read (or the column). */
  Request nextRequest() {
    if (done()) {
      throw new IllegalStateException("the walk is done");
    }
    List<Integer> active = new ArrayList<>();
    List<OID> oids = new ArrayList<>();
    int most = 0;
    for (int i = 0; i < columns.size(); i++) {
      if (!finished[i]) {
        active.add(i);
        oids.add(cursor[i]);
        most = Math.max(most, values.get(i).size());
      }
    }
    inFlight = active;
    requests++;
    // at the bound, one row more: it tells a table that ends there from one that goes on
    askedRows = Math.max(1, Math.min(repetitions, maxRows - most));
    return new Request(oids, askedRows);
  }

  /**
   * The agent answered the last request with tooBig: ask half as many rows from now on. Returns
   * whether to send the request again; false when one row was already too big, and the walk
   * then ends, truncated.
   */
  boolean tooBig() {
    if (askedRows <= 1) {
      finishAll(true);
      return false;
    }
    repetitions = askedRows / 2;
    return true;
  }

  /** Ends the walk before the end of the table, keeping what was read. */
  void stop() {
    if (!done()) {
      finishAll(true);
    }
  }

  /** Takes the varbinds answering the last {@link #nextRequest()}. */
  void accept(List<? extends VariableBinding> vbs) {
    int width = inFlight.size();
    if (vbs.isEmpty()) {
      finishAll(false);
      return;
    }
    // GETBULK answers row by row: binding k belongs to the (k mod width)-th requested column
    for (int k = 0; k < vbs.size(); k++) {
      int col = inFlight.get(k % width);
      if (finished[col]) {
        continue;
      }
      VariableBinding vb = vbs.get(k);
      OID oid = vb.getOid();
      if (vb.getVariable().isException() || oid == null || !oid.startsWith(columns.get(col))
          || oid.size() <= columns.get(col).size()) {
        finished[col] = true;
        continue;
      }
      if (oid.compareTo(cursor[col]) <= 0) {
        // an agent that does not move forward would make us loop for ever
        finished[col] = true;
        truncated = true;
        continue;
      }
      SortedMap<OID, Variable> column = values.get(col);
      if (column.size() >= maxRows) {
        finished[col] = true;
        truncated = true;
        continue;
      }
      column.put(oid.getSuffix(columns.get(col)), vb.getVariable());
      cursor[col] = oid;
    }
    // each binding above either read a row or ended its column: every answer is progress
  }

  private void finishAll(boolean bound) {
    Arrays.fill(finished, true);
    truncated |= bound;
  }

  /** What was read of the i-th column, keyed by row index (the OID suffix after the column). */
  SortedMap<OID, Variable> column(int i) {
    return Collections.unmodifiableSortedMap(values.get(i));
  }
}
