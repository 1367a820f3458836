package org.daitu.vcmon.probe.snmp;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * What one SNMP poll of an endpoint asks and how it reads the answers, over any
 * {@link SnmpClient}:
 *
 * <ol>
 *   <li>GET the system group. Without an answer the poll ends here, with the status the failure
 *       stands for (TIMEOUT, AGENT_ERROR naming the object, AUTH_FAILURE, UNAVAILABLE); an
 *       answer without a TimeTicks sysUpTime.0 is an AGENT_ERROR.
 *   <li>Walk ifDescr, ifAdminStatus and ifOperStatus side by side with GETBULK, bounded by
 *       {@code maxInterfaces} rows (see {@link TableWalk}).
 *   <li>Choose the vendor profile by sysObjectID; GET its scalars, then walk each of its columns,
 *       one after the other, with the same bound.
 * </ol>
 *
 * <p>The system group decides the status. A failed interface walk leaves the interfaces empty, a
 * failed vendor read leaves the vendor's values unknown; the poll is still OK.
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
    return agent.get(SYSTEM)
        .compose(
            response -> {
              SnmpResult system = SnmpReplies.system(response);
              if (!system.ok()) {
                return Future.succeededFuture(system);
              }
              VendorProfile vendor = vendors.forSysObjectId(system.sysObjectId());
              return interfaces(agent)
                  .otherwise(e -> List.of())
                  .compose(
                      rows ->
                          vendor(agent, vendor)
                              .otherwise(e -> VendorProfile.Reading.NOTHING)
                              .map(reading -> complete(system, rows, vendor, reading)));
            })
        .recover(
            e -> e instanceof SnmpClient.RequestFailed failed
                ? Future.succeededFuture(SnmpReplies.failed(failed.failure()))
                : Future.failedFuture(e));
  }

  private static SnmpResult complete(
      SnmpResult system, List<InterfaceStatus> rows, VendorProfile vendor,
      VendorProfile.Reading reading) {
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
        reading.registrationFailures());
  }

  private Future<List<InterfaceStatus>> interfaces(SnmpClient agent) {
    TableWalk walk = new TableWalk(INTERFACES, maxInterfaces);
    return walk(agent, walk)
        .map(v -> InterfaceRows.of(walk.column(0), walk.column(1), walk.column(2), maxInterfaces));
  }

  private Future<VendorProfile.Reading> vendor(SnmpClient agent, VendorProfile vendor) {
    Future<Map<OID, Variable>> scalars;
    if (vendor.scalars().isEmpty()) {
      scalars = Future.succeededFuture(Map.of());
    } else {
      scalars =
          agent.get(vendor.scalars())
              .map(
                  response -> {
                    Map<OID, Variable> m = new LinkedHashMap<>();
                    for (VariableBinding vb : response) {
                      m.put(vb.getOid(), vb.getVariable());
                    }
                    return m;
                  });
    }
    return scalars.compose(
        values -> {
          List<TableWalk> walks = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (OID column : vendor.columns()) {
            TableWalk w = new TableWalk(List.of(column), maxInterfaces);
            walks.add(w);
            chain = chain.compose(v -> walk(agent, w));
          }
          return chain.map(
              v -> {
                Map<OID, SortedMap<OID, Variable>> columns = new LinkedHashMap<>();
                for (int i = 0; i < walks.size(); i++) {
                  columns.put(vendor.columns().get(i), walks.get(i).column(0));
                }
                return vendor.read(values, columns);
              });
        });
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
