package org.daitu.vcmon.probe.snmp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.daitu.vcmon.config.SnmpProfile;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.TransportMapping;
import org.snmp4j.TransportStateReference;
import org.snmp4j.mp.MPv1;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.PduHandle;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.OctetString;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * One SNMP4J stack of the probe: an {@link Snmp} with its own USM, MPv3 and UDP socket.
 *
 * <p>Why more than one: a USM holds one set of credentials per user name, and localizes keys
 * and caches engine IDs for that user only. Districts reuse one user name ("vcmon") with a
 * different password per commune or vendor, so each conflicting credential set needs a USM of
 * its own, and a USM needs its own MPv3, dispatcher and socket. {@link #group} keeps that to
 * the minimum: everything that does not conflict shares the first session.
 *
 * <p>Everything learnt from the wire (engine IDs, localized keys, REPORT PDUs) stays inside
 * one session, so sessions cannot mix each other's answers up.
 */
final class Session {
  /** A bound for reports kept at once; only requests in flight have any, so it is never hit. */
  private static final int MAX_KEPT_REPORTS = 10_000;

  private final int index;
  /** The v3 users of this session by user name: at most one credential set per name. */
  private final Map<String, SnmpProfile> usersByName = new HashMap<>();
  private final Set<String> profileNames = new LinkedHashSet<>();
  /**
   * REPORT PDUs seen per request ID. SNMP4J drops unauthenticated reports such as
   * usmStatsWrongDigests (RFC 3412 §7.2.11.b) and lets the request time out; kept here, they
   * turn that timeout into the reason the agent gave. Entries leave when the request ends.
   * Per session, because request IDs are only unique within one dispatcher.
   */
  private final Map<Integer, PDU> reports = new ConcurrentHashMap<>();
  /**
   * Request IDs of the requests in flight. Only their REPORTs are kept: anyone who can send a
   * datagram could otherwise fill {@link #reports} with random IDs that no request ever takes.
   */
  private final Set<Integer> awaited = ConcurrentHashMap.newKeySet();
  /**
   * Agents with requests in flight, with how many. Datagrams from anywhere else are dropped
   * before decoding: SNMP4J matches answers by request ID only, so an answer from another
   * address (a spoofer, or a device answering from the wrong interface) would otherwise be
   * taken as the agent's, and it would also end the request, leaving the real answer unread.
   */
  private final Map<Address, Integer> peers = new ConcurrentHashMap<>();
  private volatile MessageDispatcherImpl dispatcher;
  private volatile Snmp snmp;
  private volatile MPv3 mpv3;

  private Session(int index) {
    this.index = index;
  }

  /**
   * Puts each profile in the first session where its user name is free or has the same
   * credentials, opening a new session only when none fits. v1 and v2c profiles need no USM and
   * go to the first session. The result always has at least one session: v1 and v2c polls use
   * the first.
   */
  static List<Session> group(Collection<SnmpProfile> profiles) {
    List<Session> sessions = new ArrayList<>();
    sessions.add(new Session(0));
    for (SnmpProfile p : profiles) {
      Session home = sessions.get(0);
      if (p.version() == SnmpProfile.Version.V3) {
        home = null;
        for (Session s : sessions) {
          if (s.fits(p)) {
            home = s;
            break;
          }
        }
        if (home == null) {
          home = new Session(sessions.size());
          sessions.add(home);
        }
        home.usersByName.putIfAbsent(p.user(), p);
      }
      home.profileNames.add(p.name());
    }
    return List.copyOf(sessions);
  }

  /** Names of the profiles {@link #group} put here. */
  Set<String> profileNames() {
    return Collections.unmodifiableSet(profileNames);
  }

  /** 0 for the shared first session, 1.. for the sessions of conflicting credentials. */
  int index() {
    return index;
  }

  /** Whether this session's USM holds the user of a v3 profile with exactly its credentials. */
  boolean holds(SnmpProfile p) {
    SnmpProfile known = usersByName.get(p.user());
    return known != null && sameCredentials(known, p);
  }

  private boolean fits(SnmpProfile p) {
    return !usersByName.containsKey(p.user()) || holds(p);
  }

  /** Opens the socket with the users registered; blocking I/O (call on a worker). */
  void open(SecurityProtocols protocols) throws IOException {
    DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping();
    USM usm = new USM(protocols, new OctetString(MPv3.createLocalEngineID()), 0);
    for (SnmpProfile p : usersByName.values()) {
      usm.addUser(UsmUsers.of(p));
    }
    MessageDispatcherImpl dispatcher =
        new MessageDispatcherImpl() {
          @Override
          public <A extends Address> void processMessage(
              TransportMapping<? super A> source, A from, ByteBuffer message,
              TransportStateReference state) {
            if (from == null || !peers.containsKey(from)) {
              return;
            }
            try {
              super.processMessage(source, from, message, state);
            } catch (RuntimeException undecodable) {
              // SNMP4J's BER decoding throws IllegalArgumentException or
              // BufferUnderflowException on some damaged datagrams (see BerDecodingFuzzTest).
              // SNMP4J swallows them itself unless SNMP4JSettings.forwardRuntimeExceptions is
              // on, a JVM-wide switch anything may flip; either way a datagram that cannot be
              // read is dropped like other garbage and the socket's listener thread lives on
            }
          }
        };
    // v1 always, like v2c: a reload may bring community profiles of either version
    dispatcher.addMessageProcessingModel(new MPv1());
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
            int id = handle.getTransactionID();
            if (report != null && report.size() > 0 && awaited.contains(id)
                && reports.size() < MAX_KEPT_REPORTS) {
              reports.put(id, firstBinding(report));
            }
            standard.processReport(handle, event);
          }
        });
    s.listen();
    this.dispatcher = dispatcher;
    mpv3 = mp;
    snmp = s;
  }

  /** The open {@link Snmp}, or null before {@link #open} and after {@link #detach}. */
  Snmp snmp() {
    return snmp;
  }

  /** Stops handing out the {@link Snmp} and returns it for closing (null if not open). */
  Snmp detach() {
    Snmp s = snmp;
    snmp = null;
    reports.clear();
    awaited.clear();
    peers.clear();
    return s;
  }

  /**
   * Announces a request to {@code agent} before it is sent: from now on the agent's datagrams
   * are read and a REPORT for the returned request ID is kept. Every call needs one {@link #end}.
   *
   * @return the request ID to put in the PDU (SNMP4J keeps a non-zero one)
   */
  int begin(Address agent) {
    MessageDispatcherImpl d = dispatcher;
    int id = 0;
    while (id == 0) {
      // the dispatcher's own sequence, so the ID cannot collide with SNMP4J's internal requests
      id = d == null ? 1 : d.getNextRequestID();
    }
    awaited.add(id);
    peers.merge(agent, 1, Integer::sum);
    return id;
  }

  /** Ends what {@link #begin} started; returns the REPORT kept for the request, or null. */
  PDU end(Address agent, int requestId) {
    awaited.remove(requestId);
    peers.computeIfPresent(agent, (a, n) -> n == 1 ? null : n - 1);
    return reports.remove(requestId);
  }

  /** Only the first binding of a REPORT says anything (its counter): keep no more. */
  private static PDU firstBinding(PDU report) {
    PDU kept = report instanceof ScopedPDU ? new ScopedPDU() : new PDU();
    kept.setType(report.getType());
    kept.setRequestID(report.getRequestID());
    kept.add(report.get(0));
    return kept;
  }

  /** How many REPORTs are kept now. */
  int keptReports() {
    return reports.size();
  }

  /** Forgets the agent's engine ID so the next request discovers it again. */
  void forgetEngineId(Address agent) {
    MPv3 mp = mpv3;
    if (mp != null) {
      mp.removeEngineID(agent);
    }
  }

  private static boolean sameCredentials(SnmpProfile a, SnmpProfile b) {
    return Objects.equals(a.user(), b.user())
        && a.authProtocol() == b.authProtocol()
        && Objects.equals(a.authPassword(), b.authPassword())
        && a.privProtocol() == b.privProtocol()
        && Objects.equals(a.privPassword(), b.privPassword());
  }

  @Override
  public String toString() {
    return "SNMP session " + index + " (v3 users " + usersByName.keySet() + ")";
  }
}
