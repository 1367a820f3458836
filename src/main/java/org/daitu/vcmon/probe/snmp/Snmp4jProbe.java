package org.daitu.vcmon.probe.snmp;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.SnmpProfile;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SnmpProbe;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.CommunityTarget;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.PduHandle;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.AuthMD5;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.PrivDES;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * The SNMP probe over SNMP4J: one {@link Snmp} session on one UDP socket for the whole agent,
 * fully asynchronous.
 *
 * <p>Every request carries its own timeout and retries on its {@link Target}, so a thousand
 * silent sites cost one timeout each, in parallel, never one after the other. SNMP4J calls back
 * on its own threads; each answer is handed back to the Vert.x context of the caller of
 * {@link #poll}, where the rest of the poll and the caller's handlers run.
 *
 * <p>SNMPv3 users of every v3 profile are registered in one USM (keys are localized per engine
 * after engine-ID discovery). USM knows a user by name only, so two profiles may not give the
 * same user name different credentials: the constructor rejects that.
 *
 * <p>Life cycle: {@link #start()} opens the socket, {@link #close()} closes it; polls after
 * close end as UNAVAILABLE.
 */
public final class Snmp4jProbe implements SnmpProbe {
  private static final OID[] SYSTEM = {Mib.SYS_DESCR, Mib.SYS_OBJECT_ID, Mib.SYS_UPTIME, Mib.SYS_NAME};
  /** A bound for reports whose request ended before they came (late or duplicated answers). */
  private static final int MAX_KEPT_REPORTS = 10_000;
  private static final Pattern DOTTED = Pattern.compile("[0-9.]+");
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
          + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  private final Vertx vertx;
  private final Duration timeout;
  private final int retries;
  private final int maxInterfaces;
  private final VendorProfiles vendors;
  private final Map<String, SnmpProfile> usersByName = new HashMap<>();
  private final SecurityProtocols protocols;
  private volatile Snmp snmp;
  private volatile MPv3 mpv3;
  /**
   * REPORT PDUs seen per request ID. SNMP4J drops unauthenticated reports such as
   * usmStatsWrongDigests (RFC 3412 §7.2.11.b) and lets the request time out; kept here, they
   * turn that timeout into the reason the agent gave. Entries leave when the request ends.
   */
  private final Map<Integer, PDU> reports = new ConcurrentHashMap<>();
  /** How to end each request in flight when the probe closes under it. */
  private final Map<ResponseListener, Runnable> inFlight = new ConcurrentHashMap<>();

  /**
   * @param profiles every credential profile sites may use; v3 users are registered up front
   * @param timeout how long one request waits for its answer (probe.timeout)
   * @param snmpCfg retries per request and the interface-row bound
   */
  public Snmp4jProbe(
      Vertx vertx, Map<String, SnmpProfile> profiles, Duration timeout, AgentConfig.Snmp snmpCfg) {
    this(vertx, profiles, timeout, snmpCfg, VendorProfiles.standard());
  }

  /** As above, with a vendor registry of one's own (for more vendors, or tests). */
  public Snmp4jProbe(
      Vertx vertx,
      Map<String, SnmpProfile> profiles,
      Duration timeout,
      AgentConfig.Snmp snmpCfg,
      VendorProfiles vendors) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("SNMP timeout must be positive, got " + timeout);
    }
    if (snmpCfg.retries() < 0) {
      throw new IllegalArgumentException("probe.snmp.retries must be >= 0, got " + snmpCfg.retries());
    }
    if (snmpCfg.maxInterfaces() < 0) {
      throw new IllegalArgumentException(
          "probe.snmp.max_interfaces must be >= 0, got " + snmpCfg.maxInterfaces());
    }
    this.retries = snmpCfg.retries();
    this.maxInterfaces = snmpCfg.maxInterfaces();
    this.vendors = Objects.requireNonNull(vendors, "vendors");
    this.protocols = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.none);
    protocols.addAuthenticationProtocol(new AuthMD5());
    protocols.addAuthenticationProtocol(new AuthSHA());
    protocols.addAuthenticationProtocol(new AuthHMAC192SHA256());
    protocols.addAuthenticationProtocol(new AuthHMAC384SHA512());
    protocols.addPrivacyProtocol(new PrivDES());
    protocols.addPrivacyProtocol(new PrivAES128());
    protocols.addPrivacyProtocol(new PrivAES256());
    for (SnmpProfile p : profiles.values()) {
      if (p.version() == SnmpProfile.Version.V3) {
        SnmpProfile other = usersByName.putIfAbsent(p.user(), p);
        if (other != null && !sameCredentials(other, p)) {
          throw new IllegalArgumentException(
              "SNMPv3 user '" + p.user() + "' has different credentials in profiles '"
                  + other.name() + "' and '" + p.name()
                  + "': one agent can hold only one set per user name; use one profile");
        }
      }
    }
  }

  /** Opens the UDP socket (on a worker thread: binding is blocking I/O). */
  public Future<Void> start() {
    return vertx.executeBlocking(
        () -> {
          DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping();
          USM usm = new USM(protocols, new OctetString(MPv3.createLocalEngineID()), 0);
          for (SnmpProfile p : usersByName.values()) {
            usm.addUser(usmUser(p));
          }
          MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
          dispatcher.addMessageProcessingModel(new MPv2c());
          MPv3 mp = new MPv3(usm);
          dispatcher.addMessageProcessingModel(mp);
          Snmp s = new Snmp(dispatcher, transport);
          Snmp.ReportHandler standard = s.getReportHandler();
          s.setReportHandler(
              new Snmp.ReportHandler() {
                @Override
                public <A extends Address> void processReport(
                    PduHandle handle, CommandResponderEvent<A> event) {
                  PDU report = event.getPDU();
                  if (report != null && report.size() > 0 && reports.size() < MAX_KEPT_REPORTS) {
                    reports.put(handle.getTransactionID(), report);
                  }
                  standard.processReport(handle, event);
                }
              });
          s.listen();
          mpv3 = mp;
          snmp = s;
          return null;
        });
  }

  /** Closes the socket; polls still in flight end as UNAVAILABLE. */
  public Future<Void> close() {
    Snmp s = snmp;
    snmp = null;
    if (s == null) {
      return Future.succeededFuture();
    }
    List<Runnable> pending = new ArrayList<>(inFlight.values());
    inFlight.clear();
    pending.forEach(Runnable::run);
    return vertx.executeBlocking(
        () -> {
          s.close();
          return null;
        });
  }

  @Override
  public Future<SnmpResult> poll(String address, int port, SnmpProfile profile) {
    Context ctx = vertx.getOrCreateContext();
    Promise<SnmpResult> result = Promise.promise();
    Snmp s = snmp;
    if (s == null) {
      result.complete(SnmpResult.failed(SnmpStatus.UNAVAILABLE, "SNMP probe is not started"));
      return result.future();
    }
    if (profile.version() == SnmpProfile.Version.V3) {
      SnmpProfile known = usersByName.get(profile.user());
      if (known == null || !sameCredentials(known, profile)) {
        result.complete(
            SnmpResult.failed(
                SnmpStatus.UNAVAILABLE,
                "SNMPv3 profile '" + profile.name() + "' was not given to the SNMP probe at start"));
        return result.future();
      }
    }
    if (port < 1 || port > 65535) {
      result.complete(
          SnmpResult.failed(SnmpStatus.UNAVAILABLE, "invalid SNMP port " + port + " (1-65535)"));
      return result.future();
    }
    resolve(ctx, address)
        .compose(ip -> new Poll(s, ctx, target(new UdpAddress(ip, port), profile), profile).run())
        .onComplete(
            ar -> {
              SnmpResult r = ar.succeeded() ? ar.result() : unavailable(ar.cause());
              onContext(ctx, () -> result.complete(r));
            });
    return result.future();
  }

  private static SnmpResult unavailable(Throwable cause) {
    if (cause instanceof UnknownHostException) {
      return SnmpResult.failed(SnmpStatus.UNAVAILABLE, cause.getMessage());
    }
    return SnmpResult.failed(SnmpStatus.UNAVAILABLE, "SNMP probe error: " + cause);
  }

  /**
   * IP literals are parsed here (the JDK does no lookup for them); host names are resolved on a
   * worker, because the JDK resolver blocks. Fails with an UnknownHostException whose message is
   * the reason to report.
   */
  private static Future<InetAddress> resolve(Context ctx, String address) {
    if (address == null || address.isBlank()) {
      return Future.failedFuture(new UnknownHostException("no address given for the SNMP agent"));
    }
    if (DOTTED.matcher(address).matches() || address.contains(":")) {
      if (DOTTED.matcher(address).matches() && !IPV4.matcher(address).matches()) {
        // "300.1.1.1" would otherwise go to DNS as a host name
        return Future.failedFuture(
            new UnknownHostException("invalid IPv4 address '" + address + "'"));
      }
      try {
        return Future.succeededFuture(InetAddress.getByName(address));
      } catch (UnknownHostException e) {
        return Future.failedFuture(
            new UnknownHostException("invalid IP address '" + address + "'"));
      }
    }
    return ctx.executeBlocking(() -> InetAddress.getByName(address))
        .recover(
            e -> Future.failedFuture(
                new UnknownHostException("cannot resolve host name '" + address + "'")));
  }

  private Target<UdpAddress> target(UdpAddress address, SnmpProfile profile) {
    Target<UdpAddress> t;
    if (profile.version() == SnmpProfile.Version.V3) {
      UserTarget<UdpAddress> u = new UserTarget<>();
      u.setSecurityModel(SecurityModel.SECURITY_MODEL_USM);
      u.setSecurityName(new OctetString(profile.user()));
      u.setSecurityLevel(
          profile.authProtocol() == null ? SecurityLevel.NOAUTH_NOPRIV
              : profile.privProtocol() == null ? SecurityLevel.AUTH_NOPRIV
              : SecurityLevel.AUTH_PRIV);
      u.setVersion(SnmpConstants.version3);
      t = u;
    } else {
      CommunityTarget<UdpAddress> c = new CommunityTarget<>();
      c.setCommunity(new OctetString(profile.community().reveal()));
      c.setVersion(SnmpConstants.version2c);
      t = c;
    }
    t.setAddress(address);
    t.setTimeout(timeout.toMillis());
    t.setRetries(retries);
    return t;
  }

  private UsmUser usmUser(SnmpProfile p) {
    OID auth = p.authProtocol() == null ? null : authOid(p.authProtocol());
    OID priv = p.privProtocol() == null ? null : privOid(p.privProtocol());
    return new UsmUser(
        new OctetString(p.user()),
        auth,
        p.authPassword() == null ? null : new OctetString(p.authPassword().reveal()),
        priv,
        p.privPassword() == null ? null : new OctetString(p.privPassword().reveal()));
  }

  private static OID authOid(SnmpProfile.AuthProtocol a) {
    switch (a) {
      case MD5:
        return AuthMD5.ID;
      case SHA:
        return AuthSHA.ID;
      case SHA256:
        return AuthHMAC192SHA256.ID;
      case SHA512:
        return AuthHMAC384SHA512.ID;
      default:
        throw new IllegalArgumentException("unsupported auth protocol " + a);
    }
  }

  private static OID privOid(SnmpProfile.PrivProtocol p) {
    switch (p) {
      case DES:
        return PrivDES.ID;
      case AES:
        return PrivAES128.ID;
      case AES256:
        return PrivAES256.ID;
      default:
        throw new IllegalArgumentException("unsupported privacy protocol " + p);
    }
  }

  private static boolean sameCredentials(SnmpProfile a, SnmpProfile b) {
    return Objects.equals(a.user(), b.user())
        && a.authProtocol() == b.authProtocol()
        && Objects.equals(a.authPassword(), b.authPassword())
        && a.privProtocol() == b.privProtocol()
        && Objects.equals(a.privPassword(), b.privPassword());
  }

  private static void onContext(Context ctx, Runnable action) {
    if (Vertx.currentContext() == ctx) {
      action.run();
    } else {
      ctx.runOnContext(v -> action.run());
    }
  }

  /** A step of a poll that ended the poll: carries the result to report. */
  private static final class Stop extends Exception {
    final SnmpResult result;

    Stop(SnmpResult result) {
      super(result.reason(), null, false, false);
      this.result = result;
    }
  }

  /** One poll of one endpoint: system group, interfaces, vendor objects. Runs on {@code ctx}. */
  private final class Poll {
    private final Snmp session;
    private final Context ctx;
    private final Target<UdpAddress> target;
    private final SnmpProfile profile;

    Poll(Snmp session, Context ctx, Target<UdpAddress> target, SnmpProfile profile) {
      this.session = session;
      this.ctx = ctx;
      this.target = target;
      this.profile = profile;
    }

    Future<SnmpResult> run() {
      PDU get = pdu(PDU.GET);
      for (OID oid : SYSTEM) {
        get.add(new VariableBinding(oid));
      }
      return exchange(get)
          .compose(
              response -> {
                SnmpResult system = SnmpReplies.system(response);
                if (!system.ok()) {
                  return Future.succeededFuture(system);
                }
                VendorProfile vendor = vendors.forSysObjectId(system.sysObjectId());
                Future<List<InterfaceStatus>> ifs =
                    interfaces().otherwise(e -> List.of());
                return ifs.compose(
                    rows ->
                        vendor(vendor)
                            .otherwise(e -> VendorProfile.Reading.NOTHING)
                            .map(reading -> complete(system, rows, vendor, reading)));
              })
          .recover(
              e -> e instanceof Stop
                  ? Future.succeededFuture(((Stop) e).result)
                  : Future.failedFuture(e));
    }

    private SnmpResult complete(
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

    private Future<List<InterfaceStatus>> interfaces() {
      TableWalk walk =
          new TableWalk(List.of(Mib.IF_DESCR, Mib.IF_ADMIN_STATUS, Mib.IF_OPER_STATUS), maxInterfaces);
      return walk(walk).map(v -> InterfaceRows.of(walk.column(0), walk.column(1), walk.column(2), maxInterfaces));
    }

    private Future<VendorProfile.Reading> vendor(VendorProfile vendor) {
      Future<Map<OID, Variable>> scalars;
      if (vendor.scalars().isEmpty()) {
        scalars = Future.succeededFuture(Map.of());
      } else {
        PDU get = pdu(PDU.GET);
        vendor.scalars().forEach(oid -> get.add(new VariableBinding(oid)));
        scalars =
            exchange(get)
                .map(
                    r -> {
                      Map<OID, Variable> m = new LinkedHashMap<>();
                      for (VariableBinding vb : r.getVariableBindings()) {
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
              chain = chain.compose(v -> walk(w));
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

    private Future<Void> walk(TableWalk w) {
      if (w.done()) {
        return Future.succeededFuture();
      }
      return exchange(w.nextRequest(pdu(PDU.GETBULK)))
          .compose(
              response -> {
                w.accept(response);
                return walk(w);
              });
    }

    /** A PDU of the right class: v3 needs a ScopedPDU. */
    private PDU pdu(int type) {
      PDU p = target.getVersion() == SnmpConstants.version3 ? new ScopedPDU() : new PDU();
      p.setType(type);
      return p;
    }

    /**
     * Sends one request and completes, on {@code ctx}, with the agent's answer; fails with
     * {@link Stop} when there is no usable answer (timeout, report, error-status, local error).
     */
    private Future<PDU> exchange(PDU request) {
      Promise<PDU> answer = Promise.promise();
      AtomicBoolean ended = new AtomicBoolean();
      ResponseListener listener =
          new ResponseListener() {
            @Override
            public <A extends Address> void onResponse(ResponseEvent<A> event) {
              // without cancel SNMP4J keeps the request (and retries it) until it times out
              session.cancel(event.getRequest(), this);
              PDU report =
                  event.getRequest() == null ? null
                      : reports.remove(event.getRequest().getRequestID().getValue());
              if (!ended.compareAndSet(false, true)) {
                return;
              }
              inFlight.remove(this);
              Object outcome = outcome(event, report);
              onContext(
                  ctx,
                  () -> {
                    if (outcome instanceof PDU) {
                      answer.complete((PDU) outcome);
                    } else {
                      answer.fail((Stop) outcome);
                    }
                  });
            }
          };
      // SNMP4J drops pending requests silently on close: close() ends them through this
      inFlight.put(
          listener,
          () -> {
            if (ended.compareAndSet(false, true)) {
              session.cancel(request, listener);
              onContext(ctx, () -> answer.fail(new Stop(SnmpResult.failed(
                  SnmpStatus.UNAVAILABLE, "SNMP request failed locally: the probe was closed"))));
            }
          });
      try {
        session.send(request, target, null, listener);
      } catch (IOException | RuntimeException e) {
        inFlight.remove(listener);
        if (ended.compareAndSet(false, true)) {
          answer.fail(
              new Stop(SnmpResult.failed(SnmpStatus.UNAVAILABLE,
                  "cannot send SNMP request: " + e.getMessage())));
        }
      }
      return answer.future();
    }

    /** The answer PDU, or a {@link Stop} saying why there is none. Runs on an SNMP4J thread. */
    private Object outcome(ResponseEvent<?> event, PDU report) {
      PDU response = event.getResponse();
      if (event.getError() != null) {
        return new Stop(SnmpResult.failed(SnmpStatus.UNAVAILABLE,
            "SNMP request failed locally: " + event.getError()));
      }
      if (response == null && target.getVersion() == SnmpConstants.version3) {
        // forget the engine ID: the next poll discovers it again, which both follows an agent
        // that was replaced and gives the evidence below once more
        MPv3 mp = mpv3;
        if (mp != null) {
          mp.removeEngineID(target.getAddress());
        }
        if (report != null) {
          return new Stop(SnmpReplies.unansweredAfterReport(report, profile.user()));
        }
      }
      if (response == null) {
        return new Stop(SnmpResult.failed(SnmpStatus.TIMEOUT,
            SnmpReplies.timeoutReason(timeout, retries + 1)));
      }
      if (response.getType() == PDU.REPORT) {
        return new Stop(SnmpReplies.report(response, profile.user()));
      }
      String error = SnmpReplies.errorStatus(response);
      if (error != null) {
        return new Stop(SnmpResult.failed(SnmpStatus.AGENT_ERROR, error));
      }
      return response;
    }
  }
}
