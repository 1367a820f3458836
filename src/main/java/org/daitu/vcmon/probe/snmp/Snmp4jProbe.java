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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.daitu.vcmon.inventory.IpLiteral;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.SnmpProfile;
import org.daitu.vcmon.probe.SnmpProbe;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.snmp4j.CommunityTarget;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;

/**
 * The SNMP probe over SNMP4J: fully asynchronous, usually one UDP socket for the whole agent.
 *
 * <p>What a poll asks and how it reads the answers is {@link PollRecipe}'s; this class chooses
 * the session for the profile, builds the {@link Snmp4jClient} for the target, runs the recipe
 * through it and hands the result back to the caller's context.
 *
 * <p>Every request carries its own timeout and retries on its {@link Target}, so a thousand
 * silent sites cost one timeout each, in parallel, never one after the other. SNMP4J calls back
 * on its own threads; each answer is handed back to the Vert.x context of the caller of
 * {@link #poll}, where the rest of the poll and the caller's handlers run.
 *
 * <p>SNMPv3 users of the v3 profiles are registered up front in a USM (keys are localized per
 * engine after engine-ID discovery). A USM knows a user by name only, yet districts give one
 * user name a different password per commune or vendor; so profiles are grouped into
 * {@link Session}s, each an {@link Snmp} with its own USM and socket. v1 and v2c profiles and
 * all v3 profiles whose user names do not conflict share the first session; each further
 * credential set for a user name already taken costs one more session, never more than needed.
 *
 * <p>SNMPv1 agents are polled with the same recipe: tables are read with GETNEXT instead of
 * GETBULK, one row per round trip (see {@link GetNextRows}). An agent that speaks only v1 does
 * not answer v2c at all (net-snmp drops the request), so polled as 2c it looks exactly like a
 * dead agent: TIMEOUT. Nothing here guesses the version; the profile says it.
 *
 * <p>Agents are not trusted (see Snmp4jProbeHostileIT): a session reads datagrams only from
 * agents it has requests in flight to, keeps REPORTs only for those requests, and every walk
 * and value read is bounded and type-checked; garbage ends a poll as a TIMEOUT, values of the
 * wrong type as AGENT_ERROR or unknown values, never as an exception.
 *
 * <p>Life cycle: {@link #start()} opens the sockets, {@link #close()} closes them; polls after
 * close end as UNAVAILABLE.
 */
public final class Snmp4jProbe implements SnmpProbe {

  private final Vertx vertx;
  private final Duration timeout;
  private final int retries;
  private final PollRecipe recipe;
  private final SecurityProtocols protocols;
  /** Never empty; the first one serves v1, v2c and every v3 user without a conflict. */
  private final List<Session> sessions;
  private final Map<String, Session> sessionByProfile = new HashMap<>();
  /** How to end each request in flight when the probe closes under it. */
  private final Map<ResponseListener, Runnable> inFlight = new ConcurrentHashMap<>();

  /**
   * @param profiles every credential profile sites may use; v3 users are registered up front,
   *     and profiles giving one user name different credentials get sessions of their own
   * @param timeout how long one request waits for its answer (probe.timeout); a poll's table
   *     walks stop after ten of these (see {@link PollRecipe#walkBudget})
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
    this.recipe =
        new PollRecipe(
            Objects.requireNonNull(vendors, "vendors"),
            snmpCfg.maxInterfaces(),
            PollRecipe.walkBudget(timeout),
            System::nanoTime);
    this.protocols = UsmUsers.protocols();
    this.sessions = Session.group(profiles.values());
    for (Session s : sessions) {
      s.profileNames().forEach(name -> sessionByProfile.put(name, s));
    }
  }

  /** How many sockets the profiles need: 1 unless one v3 user name has several credentials. */
  int sessionCount() {
    return sessions.size();
  }

  /**
   * The session that polls with this profile: the first one for v1 and v2c; for v3 the one the
   * profile was put in at construction, as long as the credentials are still the same. A v3
   * profile known under another name but with identical credentials uses that user's session.
   * Null when no USM holds these credentials.
   */
  private Session sessionFor(SnmpProfile profile) {
    if (profile.version() != SnmpProfile.Version.V3) {
      return sessions.get(0);
    }
    Session named = sessionByProfile.get(profile.name());
    if (named != null && named.holds(profile)) {
      return named;
    }
    for (Session s : sessions) {
      if (s.holds(profile)) {
        return s;
      }
    }
    return null;
  }

  /** REPORT PDUs held for requests in flight, over all sessions: bounded, for tests. */
  int keptReports() {
    return sessions.stream().mapToInt(Session::keptReports).sum();
  }

  /** Opens every session's UDP socket (on a worker thread: binding is blocking I/O). */
  public Future<Void> start() {
    return vertx.executeBlocking(
        () -> {
          try {
            for (Session s : sessions) {
              s.open(protocols);
            }
          } catch (IOException | RuntimeException e) {
            // all or nothing: a half-started probe would hold sockets nobody closes
            for (Session s : sessions) {
              Snmp opened = s.detach();
              if (opened != null) {
                try {
                  opened.close();
                } catch (IOException closing) {
                  e.addSuppressed(closing);
                }
              }
            }
            throw e;
          }
          return null;
        });
  }

  /** Closes every session's socket; polls still in flight end as UNAVAILABLE. */
  public Future<Void> close() {
    List<Snmp> open = new ArrayList<>();
    for (Session s : sessions) {
      Snmp snmp = s.detach();
      if (snmp != null) {
        open.add(snmp);
      }
    }
    if (open.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Runnable> pending = new ArrayList<>(inFlight.values());
    inFlight.clear();
    pending.forEach(Runnable::run);
    return vertx.executeBlocking(
        () -> {
          for (Snmp snmp : open) {
            snmp.close();
          }
          return null;
        });
  }

  @Override
  public Future<SnmpResult> poll(
      String address, int port, SnmpProfile profile, List<String> interfaces) {
    Context ctx = vertx.getOrCreateContext();
    Promise<SnmpResult> result = Promise.promise();
    if (sessions.get(0).snmp() == null) {
      result.complete(notStarted());
      return result.future();
    }
    Session session = sessionFor(profile);
    if (session == null) {
      result.complete(
          SnmpResult.failed(
              SnmpStatus.UNAVAILABLE,
              "SNMPv3 profile '" + profile.name() + "' was not given to the SNMP probe at start"));
      return result.future();
    }
    Snmp s = session.snmp();
    if (s == null) {
      result.complete(notStarted());
      return result.future();
    }
    if (port < 1 || port > 65535) {
      result.complete(
          SnmpResult.failed(SnmpStatus.UNAVAILABLE, "invalid SNMP port " + port + " (1-65535)"));
      return result.future();
    }
    resolve(ctx, address)
        .compose(
            ip -> recipe.run(client(session, s, ctx, new UdpAddress(ip, port), profile), ip, interfaces))
        .onComplete(
            ar -> {
              SnmpResult r = ar.succeeded() ? ar.result() : unavailable(ar.cause());
              Snmp4jClient.onContext(ctx, () -> result.complete(r));
            });
    return result.future();
  }

  private Snmp4jClient client(
      Session session, Snmp s, Context ctx, UdpAddress agent, SnmpProfile profile) {
    return new Snmp4jClient(session, s, ctx, target(agent, profile), profile.user(), inFlight);
  }

  /**
   * The client a poll of {@code ip:port} with {@code profile} uses, for tests of single requests
   * on the wire; its futures complete on {@code ctx}. Null when the probe is not started or has
   * no session for the profile.
   */
  SnmpClient client(Context ctx, InetAddress ip, int port, SnmpProfile profile) {
    Session session = sessionFor(profile);
    Snmp s = session == null ? null : session.snmp();
    return s == null ? null : client(session, s, ctx, new UdpAddress(ip, port), profile);
  }

  private static SnmpResult notStarted() {
    return SnmpResult.failed(SnmpStatus.UNAVAILABLE, "SNMP probe is not started");
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
    if (IpLiteral.looksLikeAddress(address)) {
      if (!address.contains(":") && !IpLiteral.isIpv4(address)) {
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
      c.setVersion(
          profile.version() == SnmpProfile.Version.V1
              ? SnmpConstants.version1
              : SnmpConstants.version2c);
      t = c;
    }
    t.setAddress(address);
    t.setTimeout(timeout.toMillis());
    t.setRetries(retries);
    return t;
  }
}
