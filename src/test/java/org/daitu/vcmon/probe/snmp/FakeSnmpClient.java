package org.daitu.vcmon.probe.snmp;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.snmp4j.PDU;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * An agent in memory, for the poll recipe's unit tests: a sorted map OID → value, answered the
 * way an agent does (GET exact, GETBULK row by row through the successors, noSuchObject and
 * endOfMibView where there is nothing), failures scripted per OID, and a record of every
 * request in the order made.
 *
 * <p>Futures are complete when returned, so a recipe run over this client has its result at
 * once, without Vert.x. Not thread-safe: one test, one client.
 */
final class FakeSnmpClient implements SnmpClient {
  /** What net-snmp's own sysObjectID looks like: no vendor profile for it. */
  static final String NET_SNMP = "1.3.6.1.4.1.8072.3.2.10";

  /** One request as the recipe made it: GET, or GETBULK with its max-repetitions. */
  record Request(String type, List<OID> oids, int maxRepetitions) {
    Request {
      oids = List.copyOf(oids);
    }

    static Request get(List<OID> oids) {
      return new Request("GET", oids, 0);
    }

    static Request get(OID... oids) {
      return get(Arrays.asList(oids));
    }

    static Request getBulk(int maxRepetitions, List<OID> oids) {
      return new Request("GETBULK", oids, maxRepetitions);
    }

    static Request getBulk(int maxRepetitions, OID... oids) {
      return getBulk(maxRepetitions, Arrays.asList(oids));
    }

    @Override
    public String toString() {
      return type + (type.equals("GETBULK") ? "(" + maxRepetitions + ")" : "") + " " + oids;
    }
  }

  private final NavigableMap<OID, Variable> mib = new TreeMap<>();
  /** Scripted failures by OID prefix: the failure from the 1-based index and the OID asked. */
  private final Map<OID, BiFunction<Integer, OID, Failure>> failures = new TreeMap<>();
  private final List<Request> requests = new ArrayList<>();
  private int rowsPerAnswer = Integer.MAX_VALUE;
  private int mostBindings = Integer.MAX_VALUE;

  /** Binds {@code oid} to {@code value} (any type, exception values too). */
  FakeSnmpClient set(OID oid, Variable value) {
    mib.put(oid, value);
    return this;
  }

  FakeSnmpClient set(String oid, Variable value) {
    return set(new OID(oid), value);
  }

  /** Unbinds {@code oid}: a GET gets noSuchObject for it. */
  FakeSnmpClient remove(OID oid) {
    mib.remove(oid);
    return this;
  }

  /** The system group, sysUpTime a TimeTicks of {@code uptimeTicks}. */
  FakeSnmpClient system(String sysName, String sysDescr, String sysObjectId, long uptimeTicks) {
    set(Mib.SYS_DESCR, new OctetString(sysDescr));
    set(Mib.SYS_OBJECT_ID, new OID(sysObjectId));
    set(Mib.SYS_UPTIME, new TimeTicks(uptimeTicks));
    return set(Mib.SYS_NAME, new OctetString(sysName));
  }

  /** One ifTable row: ifDescr, ifAdminStatus, ifOperStatus (1 up, 2 down...). */
  FakeSnmpClient iface(long index, String descr, int admin, int oper) {
    set(row(Mib.IF_DESCR, index), new OctetString(descr));
    set(row(Mib.IF_ADMIN_STATUS, index), new Integer32(admin));
    return set(row(Mib.IF_OPER_STATUS, index), new Integer32(oper));
  }

  /**
   * One ifTable row with its ifType and its ifXTable row (ifName, ifAlias); a null text is left
   * out.
   */
  FakeSnmpClient iface(
      long index, String ifName, String descr, String alias, int type, int admin, int oper) {
    if (descr != null) {
      set(row(Mib.IF_DESCR, index), new OctetString(descr));
    }
    set(row(Mib.IF_TYPE, index), new Integer32(type));
    set(row(Mib.IF_ADMIN_STATUS, index), new Integer32(admin));
    set(row(Mib.IF_OPER_STATUS, index), new Integer32(oper));
    if (ifName != null) {
      set(row(Mib.IF_NAME, index), new OctetString(ifName));
    }
    if (alias != null) {
      set(row(Mib.IF_ALIAS, index), new OctetString(alias));
    }
    return this;
  }

  /** IP-MIB puts the IPv4 address {@code dotted} on interface {@code index}, in both tables. */
  FakeSnmpClient address(String dotted, int index) {
    set(new OID(Mib.IP_AD_ENT_IF_INDEX + "." + dotted), new Integer32(index));
    return set(new OID(Mib.IP_ADDRESS_IF_INDEX + ".1.4." + dotted), new Integer32(index));
  }

  /** The cell of {@code column} at ifIndex {@code index} (any unsigned 32-bit value). */
  static OID row(OID column, long index) {
    return new OID(column).append((int) index);
  }

  /**
   * The row the recipe reads from {@link #iface(long, String, int, int)}: named by its ifDescr, of
   * unknown type, not carrying the polled address, not judged.
   */
  static InterfaceStatus row(long index, String descr, int admin, int oper) {
    return new InterfaceStatus(index, descr, descr, null, 0, admin, oper, false, null);
  }

  /** Every request asking an OID under {@code prefix} fails with {@code failure}. */
  FakeSnmpClient failOn(OID prefix, Failure failure) {
    failures.put(prefix, (index, oid) -> failure);
    return this;
  }

  /**
   * Every request asking an OID under {@code prefix} is answered with {@code status}, its
   * error-index pointing at that OID, as an agent does.
   */
  FakeSnmpClient errorStatusOn(OID prefix, int status) {
    failures.put(prefix, (index, oid) -> new ErrorStatus(status, index, oid));
    return this;
  }

  /** Answers at most {@code rows} rows per GETBULK, as agents near their message size do. */
  FakeSnmpClient rowsPerAnswer(int rows) {
    this.rowsPerAnswer = rows;
    return this;
  }

  /**
   * A GETBULK whose answer would hold more than {@code bindings} bindings is refused with tooBig,
   * as an agent does whose answer would not fit its message size.
   */
  FakeSnmpClient tooBigAbove(int bindings) {
    this.mostBindings = bindings;
    return this;
  }

  /** Every request made so far, in order. */
  List<Request> requests() {
    return List.copyOf(requests);
  }

  @Override
  public Future<List<VariableBinding>> get(List<OID> oids) {
    requests.add(Request.get(oids));
    Failure failure = scripted(oids);
    if (failure != null) {
      return Future.failedFuture(new RequestFailed(failure));
    }
    List<VariableBinding> answer = new ArrayList<>();
    for (OID oid : oids) {
      Variable v = mib.get(oid);
      answer.add(new VariableBinding(oid, v == null ? Null.noSuchObject : v));
    }
    return Future.succeededFuture(answer);
  }

  @Override
  public Future<List<VariableBinding>> getBulk(List<OID> oids, int maxRepetitions) {
    requests.add(Request.getBulk(maxRepetitions, oids));
    Failure failure = scripted(oids);
    if (failure != null) {
      return Future.failedFuture(new RequestFailed(failure));
    }
    List<VariableBinding> answer = new ArrayList<>();
    OID[] cursor = oids.toArray(new OID[0]);
    int rows = Math.min(maxRepetitions, rowsPerAnswer);
    for (int row = 0; row < rows; row++) {
      boolean any = false;
      for (int i = 0; i < cursor.length; i++) {
        OID next = mib.higherKey(cursor[i]);
        if (next == null) {
          // RFC 3416 §4.2.3: past the last object, endOfMibView under the OID asked
          answer.add(new VariableBinding(cursor[i], Null.endOfMibView));
        } else {
          answer.add(new VariableBinding(next, mib.get(next)));
          cursor[i] = next;
          any = true;
        }
      }
      if (!any) {
        break; // every column at its end: an agent stops here
      }
    }
    if (answer.size() > mostBindings) {
      return Future.failedFuture(new RequestFailed(new ErrorStatus(PDU.tooBig, 0, null)));
    }
    return Future.succeededFuture(answer);
  }

  private Failure scripted(List<OID> oids) {
    for (int i = 0; i < oids.size(); i++) {
      for (Map.Entry<OID, BiFunction<Integer, OID, Failure>> f : failures.entrySet()) {
        if (oids.get(i).startsWith(f.getKey())) {
          return f.getValue().apply(i + 1, oids.get(i));
        }
      }
    }
    return null;
  }

  /** A timeout as a 300ms timeout with one retry gives. */
  static Timeout timeout() {
    return new Timeout(Duration.ofMillis(300), 2);
  }
}
