package org.daitu.vcmon.probe.snmp;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.snmp4j.PDU;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * What one SNMP poll of an endpoint asks and how it reads the answers, over any
 * {@link SnmpClient}:
 *
 * <ol>
 *   <li>GET the system group. Without an answer the poll ends here, with the status the failure
 *       stands for (TIMEOUT, AGENT_ERROR naming the object, AUTH_FAILURE, UNAVAILABLE). An
 *       answer is OK, whatever it holds: an object missing or of the wrong type is a problem
 *       named in the result (see {@link SnmpReplies#system}).
 *   <li>Walk ifDescr, ifAdminStatus and ifOperStatus side by side with GETBULK, bounded by
 *       {@code maxInterfaces} rows (see {@link TableWalk}).
 *   <li>Choose the vendor profile by sysObjectID; GET its scalars, then walk each of its columns,
 *       one after the other, with the same bound.
 * </ol>
 *
 * <p>An agent that answers a GET with noSuchName (SNMPv1's "no such object", which some v2c
 * agents keep) refuses the whole request for one object: the GET is made again without it, at
 * most once per object asked, and the object is a problem.
 *
 * <p>The system group decides the status. A failed interface walk leaves the interfaces empty.
 * A vendor object or column the agent refuses or fails is a problem and its values unknown; the
 * rest is read, unless the agent fell silent, then the rest of the vendor read is not asked.
 *
 * <p>Stateless and thread-safe: one recipe serves every poll, each run's state lives in its own
 * futures. The run's handlers run wherever the client completes its futures.
 */
final class PollRecipe {
  static final List<OID> SYSTEM =
      List.of(Mib.SYS_DESCR, Mib.SYS_OBJECT_ID, Mib.SYS_UPTIME, Mib.SYS_NAME);
  static final List<OID> INTERFACES =
      List.of(Mib.IF_DESCR, Mib.IF_ADMIN_STATUS, Mib.IF_OPER_STATUS);

  private final VendorProfiles vendors;
  private final int maxInterfaces;

  /** @param maxInterfaces rows read per table (probe.snmp.max_interfaces), 0 reads none */
  PollRecipe(VendorProfiles vendors, int maxInterfaces) {
    if (maxInterfaces < 0) {
      throw new IllegalArgumentException("maxInterfaces must be >= 0, got " + maxInterfaces);
    }
    this.vendors = Objects.requireNonNull(vendors, "vendors");
    this.maxInterfaces = maxInterfaces;
  }

  /**
   * Polls the agent behind {@code agent}. Fails only on a bug or a local fault other than a
   * {@link SnmpClient.RequestFailed}; an agent's silence or refusal is a result.
   */
  Future<SnmpResult> run(SnmpClient agent) {
    return getEach(agent, SYSTEM)
        .compose(
            answer -> {
              SnmpResult system = SnmpReplies.system(answer.bindings(), answer.refused());
              VendorProfile vendor = vendors.forSysObjectId(system.sysObjectId());
              return interfaces(agent)
                  .otherwise(e -> List.of())
                  .compose(
                      rows ->
                          vendor(agent, vendor)
                              .otherwise(e -> broken(vendor, e))
                              .map(reading -> complete(system, rows, vendor, reading)));
            })
        .recover(
            e -> e instanceof SnmpClient.RequestFailed failed
                ? Future.succeededFuture(SnmpReplies.failed(failed.failure()))
                : Future.failedFuture(e));
  }

  /** A vendor profile that failed on its own (a bug): its values unknown, the poll still OK. */
  private static VendorProfile.Reading broken(VendorProfile vendor, Throwable e) {
    String problem = vendor.name() + " objects not read: " + e.getClass().getSimpleName();
    return new VendorProfile.Reading(null, List.of(), List.of(problem));
  }

  private static SnmpResult complete(
      SnmpResult system, List<InterfaceStatus> rows, VendorProfile vendor,
      VendorProfile.Reading reading) {
    List<String> problems = new ArrayList<>(system.problems());
    problems.addAll(reading.problems());
    return new SnmpResult(
        SnmpStatus.OK,
        null,
        system.uptimeTicks(),
        system.sysName(),
        system.sysDescr(),
        system.sysObjectId(),
        rows,
        vendor.name(),
        reading.activeCalls(),
        reading.registrationFailures(),
        system.vendor(),
        problems,
        false);
  }

  /**
   * The bindings a GET got, and the objects the agent refused with noSuchName, which were
   * dropped from it.
   */
  record Answer(List<VariableBinding> bindings, List<OID> refused) {
    Answer {
      bindings = List.copyOf(bindings);
      refused = List.copyOf(refused);
    }
  }

  /**
   * GETs {@code oids}; an object the agent answers noSuchName for is dropped and the rest asked
   * again. Each round drops one object, so there are at most as many rounds as objects. Fails
   * like the client for any other refusal.
   */
  static Future<Answer> getEach(SnmpClient agent, List<OID> oids) {
    return getEach(agent, oids, List.of());
  }

  private static Future<Answer> getEach(SnmpClient agent, List<OID> asked, List<OID> refused) {
    if (asked.isEmpty()) {
      return Future.succeededFuture(new Answer(List.of(), refused));
    }
    return agent.get(asked)
        .map(bindings -> new Answer(bindings, refused))
        .recover(
            e -> {
              OID named = noSuchName(e, asked);
              if (named == null) {
                return Future.failedFuture(e);
              }
              List<OID> rest = new ArrayList<>(asked);
              rest.remove(named);
              List<OID> without = new ArrayList<>(refused);
              without.add(named);
              return getEach(agent, List.copyOf(rest), List.copyOf(without));
            });
  }

  /** The object a noSuchName answer points at, by its error-index; null for anything else. */
  private static OID noSuchName(Throwable e, List<OID> asked) {
    if (e instanceof SnmpClient.RequestFailed failed
        && failed.failure() instanceof SnmpClient.ErrorStatus error
        && error.status() == PDU.noSuchName
        && error.index() >= 1
        && error.index() <= asked.size()) {
      return asked.get(error.index() - 1);
    }
    return null;
  }

  private Future<List<InterfaceStatus>> interfaces(SnmpClient agent) {
    TableWalk walk = new TableWalk(INTERFACES, maxInterfaces);
    return walk(agent, walk)
        .map(v -> InterfaceRows.of(walk.column(0), walk.column(1), walk.column(2), maxInterfaces));
  }

  /**
   * Reads the vendor profile's objects. Never fails for the agent's refusal or silence: that is
   * a problem in the reading, and what was read before is kept.
   */
  private Future<VendorProfile.Reading> vendor(SnmpClient agent, VendorProfile vendor) {
    VendorRead read = new VendorRead(vendor);
    Future<Map<OID, Variable>> scalars;
    if (vendor.scalars().isEmpty()) {
      scalars = Future.succeededFuture(Map.of());
    } else {
      scalars =
          getEach(agent, vendor.scalars())
              .map(
                  answer -> {
                    answer.refused().forEach(
                        o -> read.problems.add(read.name(o) + " missing (noSuchName)"));
                    Map<OID, Variable> m = new LinkedHashMap<>();
                    for (VariableBinding vb : answer.bindings()) {
                      m.put(vb.getOid(), vb.getVariable());
                    }
                    return m;
                  })
              .recover(e -> read.failed(e, vendor.name() + " objects").map(v -> Map.of()));
    }
    return scalars.compose(
        values -> {
          Map<OID, SortedMap<OID, Variable>> columns = new LinkedHashMap<>();
          Future<Void> chain = Future.succeededFuture();
          for (OID column : vendor.columns()) {
            chain = chain.compose(v -> read.column(agent, column, columns));
          }
          return chain.map(
              v -> {
                VendorProfile.Reading reading = vendor.read(values, columns);
                List<String> problems = new ArrayList<>(read.problems);
                problems.addAll(reading.problems());
                return new VendorProfile.Reading(
                    reading.activeCalls(), reading.registrationFailures(), problems);
              });
        });
  }

  /** One vendor read under way: the problems met so far, and whether the agent fell silent. */
  private final class VendorRead {
    final VendorProfile vendor;
    final List<String> problems = new ArrayList<>();
    boolean silent;

    VendorRead(VendorProfile vendor) {
      this.vendor = vendor;
    }

    String name(OID oid) {
      String name = vendor.objectName(oid);
      return name != null ? name : Mib.name(oid);
    }

    /** Walks one column into {@code columns}: empty when it fails or the agent fell silent. */
    Future<Void> column(SnmpClient agent, OID column, Map<OID, SortedMap<OID, Variable>> columns) {
      columns.put(column, new TreeMap<>());
      if (silent) {
        return Future.succeededFuture(); // one timeout is enough: do not wait for more
      }
      TableWalk w = new TableWalk(List.of(column), maxInterfaces);
      return walk(agent, w)
          .map(
              v -> {
                columns.put(column, w.column(0));
                return (Void) null;
              })
          .recover(e -> failed(e, name(column)));
    }

    /**
     * A request for {@code what} got no usable answer: a problem, and silence when it was not
     * the agent's refusal. Fails on for anything but the agent's doing.
     */
    Future<Void> failed(Throwable e, String what) {
      if (!(e instanceof SnmpClient.RequestFailed failed)) {
        return Future.failedFuture(e);
      }
      SnmpClient.Failure f = failed.failure();
      String why = f instanceof SnmpClient.ErrorStatus error
          ? SnmpReplies.errorStatus(
              error.status(), error.object() == null ? null : name(error.object()))
          : SnmpReplies.failed(f).reason();
      problems.add(what + " not read: " + why);
      silent = !(f instanceof SnmpClient.ErrorStatus);
      return Future.succeededFuture();
    }
  }

  private static Future<Void> walk(SnmpClient agent, TableWalk w) {
    if (w.done()) {
      return Future.succeededFuture();
    }
    TableWalk.Request next = w.nextRequest();
    return agent.getBulk(next.oids(), next.maxRepetitions())
        .compose(
            response -> {
              w.accept(response);
              return walk(agent, w);
            });
  }
}
