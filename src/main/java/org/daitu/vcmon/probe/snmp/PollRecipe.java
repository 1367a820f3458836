package org.daitu.vcmon.probe.snmp;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.snmp4j.PDU;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.SMIConstants;
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
 *   <li>Walk the interface table (ifDescr, ifType, ifAdminStatus, ifOperStatus, ifName, ifAlias)
 *       side by side with GETBULK, up to {@code maxInterfaces} rows (see {@link TableWalk}).
 *   <li>When there are rows: GET the ifIndex of the polled address from IP-MIB (the old
 *       ipAddrTable and the newer ipAddressTable in one request) and, only when that interface is
 *       an aggregate nobody named, whether it has member ports (one ifStackTable step). Then
 *       {@link InterfaceSelection} decides which rows judge the site.
 *   <li>Choose the vendor profile by sysObjectID; GET its scalars, then walk each of its columns,
 *       one after the other, with the same bound.
 * </ol>
 *
 * <p>An agent that answers a GET with noSuchName (SNMPv1's "no such object", which some v2c
 * agents keep) refuses the whole request for one object: the GET is made again without it, at
 * most once per object asked, and the object is a problem.
 *
 * <p>The system group decides the status. An interface walk that fails or runs out of time keeps
 * the rows read so far and says the table is partial; a failed IP-MIB read leaves no row carrying
 * the polled address. A vendor object or column the agent refuses or fails is a problem and its
 * values unknown; the rest is read, unless the agent fell silent, then the rest of the vendor read
 * is not asked. The poll is still OK. Table walks stop starting requests once the poll's walk
 * budget is spent.
 *
 * <p>Stateless and thread-safe: one recipe serves every poll, each run's state lives in its own
 * futures. The run's handlers run wherever the client completes its futures.
 */
final class PollRecipe {
  static final List<OID> SYSTEM =
      List.of(Mib.SYS_DESCR, Mib.SYS_OBJECT_ID, Mib.SYS_UPTIME, Mib.SYS_NAME);
  static final List<OID> INTERFACES = InterfaceRows.COLUMNS;
  /**
   * The most time one poll spends walking tables. A poll is due again every probe.interval (30 s
   * by default); a walk that could take longer ends as a partial table instead.
   */
  static final Duration MAX_WALK_BUDGET = Duration.ofSeconds(30);

  private final VendorProfiles vendors;
  private final int maxInterfaces;
  private final Duration walkBudget;
  private final LongSupplier nanoTime;

  /** @param maxInterfaces rows read per table (probe.snmp.max_interfaces), 0 reads none */
  PollRecipe(VendorProfiles vendors, int maxInterfaces) {
    this(vendors, maxInterfaces, MAX_WALK_BUDGET, System::nanoTime);
  }

  /**
   * @param walkBudget time after which a poll starts no further table request
   * @param nanoTime the monotonic clock the budget is measured on
   */
  PollRecipe(
      VendorProfiles vendors, int maxInterfaces, Duration walkBudget, LongSupplier nanoTime) {
    if (maxInterfaces < 0) {
      throw new IllegalArgumentException("maxInterfaces must be >= 0, got " + maxInterfaces);
    }
    this.vendors = Objects.requireNonNull(vendors, "vendors");
    this.maxInterfaces = maxInterfaces;
    this.walkBudget = Objects.requireNonNull(walkBudget, "walkBudget");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * The walk budget for polls whose requests wait {@code requestTimeout} each: ten of them, at
   * most {@link #MAX_WALK_BUDGET}. Enough for thousands of rows on a LAN, and bounded on a slow
   * link, where the table then ends as partial.
   */
  static Duration walkBudget(Duration requestTimeout) {
    Duration tenRequests = requestTimeout.multipliedBy(10);
    return tenRequests.compareTo(MAX_WALK_BUDGET) < 0 ? tenRequests : MAX_WALK_BUDGET;
  }

  /** Polls without a polled address or named interfaces: no row judges the site. */
  Future<SnmpResult> run(SnmpClient agent) {
    return run(agent, null, List.of());
  }

  /**
   * Polls the agent behind {@code agent}. Fails only on a bug or a local fault other than a
   * {@link SnmpClient.RequestFailed}; an agent's silence or refusal is a result.
   *
   * @param polled the address the request went to (the IP-MIB key of the site's own link); null
   *     when unknown
   * @param named the site's {@code sites[].snmp.interfaces}
   */
  Future<SnmpResult> run(SnmpClient agent, InetAddress polled, List<String> named) {
    long deadline = nanoTime.getAsLong() + walkBudget.toNanos();
    return getEach(agent, SYSTEM)
        .compose(
            answer -> {
              SnmpResult system = SnmpReplies.system(answer.bindings(), answer.refused());
              VendorProfile vendor = vendors.forSysObjectId(system.sysObjectId());
              return interfaces(agent, polled, named, deadline)
                  .compose(
                      table ->
                          vendor(agent, vendor, deadline)
                              .otherwise(e -> broken(vendor, e))
                              .map(reading -> complete(system, table, vendor, reading)));
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
      SnmpResult system, InterfaceRows.Table table, VendorProfile vendor,
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
        table.rows(),
        vendor.name(),
        reading.activeCalls(),
        reading.registrationFailures(),
        system.vendor(),
        problems,
        table.cut());
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

  /**
   * The interface rows, judged, and whether they are the whole table ({@code cut} when not: the
   * row bound, the time budget, or a request that failed part way).
   */
  private Future<InterfaceRows.Table> interfaces(
      SnmpClient agent, InetAddress polled, List<String> named, long deadline) {
    TableWalk walk = new TableWalk(INTERFACES, maxInterfaces);
    return walk(agent, walk, deadline)
        .recover(
            e -> {
              if (!(e instanceof SnmpClient.RequestFailed)) {
                return Future.failedFuture(e);
              }
              walk.stop(); // what was read is still true: keep it, and say it is a part
              return Future.succeededFuture();
            })
        .compose(
            v -> {
              Map<OID, SortedMap<OID, Variable>> columns = new LinkedHashMap<>();
              for (int i = 0; i < INTERFACES.size(); i++) {
                columns.put(INTERFACES.get(i), walk.column(i));
              }
              InterfaceRows.Table read = InterfaceRows.of(columns, maxInterfaces);
              boolean partial = read.cut() || walk.truncated();
              return judge(agent, read.rows(), polled, named)
                  .map(rows -> new InterfaceRows.Table(rows, partial));
            });
  }

  /** Marks the row carrying the polled address and lets {@link InterfaceSelection} judge. */
  private static Future<List<InterfaceStatus>> judge(
      SnmpClient agent, List<InterfaceStatus> rows, InetAddress polled, List<String> named) {
    if (rows.isEmpty() || polled == null) {
      return Future.succeededFuture(InterfaceSelection.judge(rows, named, false));
    }
    return polledIfIndex(agent, polled)
        .compose(
            index -> {
              List<InterfaceStatus> marked = new ArrayList<>(rows.size());
              InterfaceStatus carrier = null;
              for (InterfaceStatus r : rows) {
                if (index.isPresent() && r.index() == index.getAsLong()) {
                  r = new InterfaceStatus(r.index(), r.name(), r.descr(), r.alias(), r.type(),
                      r.adminStatus(), r.operStatus(), true, null);
                  carrier = r;
                }
                marked.add(r);
              }
              if (carrier == null || !InterfaceSelection.needsMembers(carrier, named)) {
                return Future.succeededFuture(InterfaceSelection.judge(marked, named, false));
              }
              return hasMembers(agent, carrier.index())
                  .map(members -> InterfaceSelection.judge(marked, named, members));
            });
  }

  /**
   * The ifIndex IP-MIB gives the polled address: ipAdEntIfIndex for IPv4, else ipAddressIfIndex
   * (the only one agents without the old table have, and the only one for IPv6). Empty when the
   * agent has neither or does not answer.
   */
  static Future<OptionalLong> polledIfIndex(SnmpClient agent, InetAddress polled) {
    byte[] bytes = polled.getAddress();
    List<OID> oids = new ArrayList<>();
    if (polled instanceof Inet4Address) {
      oids.add(append(new OID(Mib.IP_AD_ENT_IF_INDEX), bytes));
    }
    // InetAddressType ipv4(1) or ipv6(2), then the address as a length-prefixed octet string
    OID newer = new OID(Mib.IP_ADDRESS_IF_INDEX).append(bytes.length == 4 ? 1 : 2)
        .append(bytes.length);
    oids.add(append(newer, bytes));
    return agent.get(oids)
        .map(
            response -> {
              for (OID oid : oids) {
                Variable v = SnmpReplies.value(response, oid);
                // InterfaceIndex is an INTEGER 1..2147483647
                if (v != null && v.getSyntax() == SMIConstants.SYNTAX_INTEGER && v.toLong() > 0) {
                  return OptionalLong.of(v.toLong());
                }
              }
              return OptionalLong.empty();
            })
        .recover(
            e -> e instanceof SnmpClient.RequestFailed
                ? Future.succeededFuture(OptionalLong.empty())
                : Future.failedFuture(e));
  }

  /**
   * Whether ifStackTable builds interface {@code index} on another one: its first entry
   * (ifStackStatus.index.lower) names a lower layer other than 0. False when the agent has no
   * such entry, or does not answer.
   */
  static Future<Boolean> hasMembers(SnmpClient agent, long index) {
    // an OID keeps sub-identifiers as 32-bit ints: the cast keeps an index above 2^31 as it is
    OID higher = new OID(Mib.IF_STACK_STATUS).append((int) index);
    return agent.getBulk(List.of(higher), 1)
        .map(
            response -> {
              if (response.isEmpty()) {
                return false;
              }
              OID oid = response.get(0).getOid();
              return oid != null && oid.size() == higher.size() + 1 && oid.startsWith(higher)
                  && oid.getUnsigned(higher.size()) != 0;
            })
        .recover(
            e -> e instanceof SnmpClient.RequestFailed
                ? Future.succeededFuture(false)
                : Future.failedFuture(e));
  }

  private static OID append(OID oid, byte[] bytes) {
    for (byte b : bytes) {
      oid.append(b & 0xff);
    }
    return oid;
  }

  private Future<VendorProfile.Reading> vendor(
      SnmpClient agent, VendorProfile vendor, long deadline) {
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
            chain = chain.compose(v -> read.column(agent, column, columns, deadline));
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
    Future<Void> column(
        SnmpClient agent, OID column, Map<OID, SortedMap<OID, Variable>> columns, long deadline) {
      columns.put(column, new TreeMap<>());
      if (silent) {
        return Future.succeededFuture(); // one timeout is enough: do not wait for more
      }
      TableWalk w = new TableWalk(List.of(column), maxInterfaces);
      return walk(agent, w, deadline)
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

  /**
   * Runs the walk to its end, or until the budget is spent. An answer that is already there (an
   * agent in memory) is taken in a loop rather than by recursion, so a long walk over a fast
   * client cannot overflow the stack. tooBig asks again with fewer rows; any other failure fails
   * the future, the rows read so far staying in the walk.
   */
  private Future<Void> walk(SnmpClient agent, TableWalk w, long deadline) {
    while (true) {
      if (!w.done() && nanoTime.getAsLong() - deadline > 0) {
        w.stop();
      }
      if (w.done()) {
        return Future.succeededFuture();
      }
      TableWalk.Request next = w.nextRequest();
      Future<List<VariableBinding>> answer = agent.getBulk(next.oids(), next.maxRepetitions());
      if (!answer.isComplete()) {
        return answer.transform(ar -> step(w, ar)).compose(v -> walk(agent, w, deadline));
      }
      Future<Void> stepped = step(w, answer);
      if (stepped.failed()) {
        return stepped;
      }
    }
  }

  /** Takes one answer into the walk: its rows, or tooBig (ask again, smaller), or a failure. */
  private static Future<Void> step(TableWalk w, AsyncResult<List<VariableBinding>> answer) {
    if (answer.succeeded()) {
      w.accept(answer.result());
      return Future.succeededFuture();
    }
    if (answer.cause() instanceof SnmpClient.RequestFailed failed
        && failed.failure() instanceof SnmpClient.ErrorStatus status
        && status.status() == PDU.tooBig) {
      w.tooBig(); // asks half as many rows next, or ends the walk when one row was too big
      return Future.succeededFuture();
    }
    return Future.failedFuture(answer.cause());
  }
}
