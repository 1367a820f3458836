package org.daitu.vcmon.probe.trap;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.daitu.vcmon.config.Secret;
import org.daitu.vcmon.config.SnmpProfile;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.log.LogBudget;
import org.daitu.vcmon.probe.snmp.UsmUsers;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.MessageException;
import org.snmp4j.PDU;
import org.snmp4j.PDUv1;
import org.snmp4j.Snmp;
import org.snmp4j.TransportMapping;
import org.snmp4j.TransportStateReference;
import org.snmp4j.event.CounterEvent;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv1;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.USM;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.IpAddress;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.Variable;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for SNMP notifications (v1 and v2c traps, v2c informs, v3 traps and informs) and turns
 * those of known sites into {@link Hint}s. Never decides a state: the monitor checks the sites a
 * hint names, and the checks decide.
 *
 * <p>Everything runs on SNMP4J's one listening thread, never on an event loop. Each datagram is
 * counted once by what became of it ({@link TrapResult}); a datagram from an address that is no
 * site's, or over its sender's rate, is dropped before it is decoded, so a flood costs little and
 * the listener hands the monitor at most a few hints a second per site. v1 and v2c notifications
 * must carry {@code traps.community_env}'s community; v3 ones come from a user of one of {@code
 * traps.profiles}, at that profile's security level or above. Informs are acknowledged once
 * accepted. Dropped datagrams are logged at most a few times a minute.
 */
public final class TrapReceiver {
  private static final Logger log = LoggerFactory.getLogger(TrapReceiver.class);

  /** A sender's burst: a router's links flapping together, a codec's boot notifications. */
  static final int BURST = 50;
  /** A sender's steady rate once its burst is spent. */
  static final double PER_SECOND = 10;

  private static final OID SNMP_TRAP_OID = SnmpConstants.snmpTrapOID;

  /** What the receiver tells the rest of the agent; called on the listening thread. */
  public interface Listener {
    /** One datagram, counted by what became of it. */
    void received(TrapResult result);

    /** An accepted notification that asks for checks. */
    void hint(Hint hint);
  }

  private final String host;
  private final int port;
  private final byte[] community;
  private final List<SnmpProfile> profiles;
  private final Listener listener;
  private final RateLimit limit = new RateLimit(PER_SECOND, BURST);
  private final LogBudget logBudget;
  /** Security level each v3 user must reach (its profile's), by user name. */
  private final Map<String, Integer> levels = new HashMap<>();
  private volatile HintRules rules;
  private volatile Snmp snmp;
  /** What became of the datagram being read; set on the listening thread only. */
  private TrapResult outcome;
  /** Whether the datagram being read was a v3 sender's discovery (answered with a report). */
  private boolean discovery;

  /**
   * @param community what v1 and v2c notifications must carry; null refuses them all
   * @param profiles the v3 profiles whose users may send (v1 and v2c ones are ignored)
   */
  public TrapReceiver(
      String host, int port, Secret community, List<SnmpProfile> profiles, Inventory inventory,
      Listener listener, Clock clock) {
    this.host = host;
    this.port = port;
    this.community = community == null ? null : community.reveal().getBytes(StandardCharsets.UTF_8);
    this.profiles = profiles.stream().filter(p -> p.version() == SnmpProfile.Version.V3).toList();
    this.listener = listener;
    this.rules = new HintRules(inventory);
    this.logBudget = new LogBudget(5, Duration.ofMinutes(1), clock);
    for (SnmpProfile p : this.profiles) {
      levels.put(p.user(), level(p));
    }
  }

  /** A reloaded inventory: its addresses are the known senders from now on. */
  public void inventory(Inventory next) {
    rules = new HintRules(next);
  }

  /** The port bound (the one asked, or the one chosen for port 0); -1 before {@link #open}. */
  public int port() {
    Snmp s = snmp;
    if (s == null) {
      return -1;
    }
    for (TransportMapping<?> t : s.getMessageDispatcher().getTransportMappings()) {
      if (t.getListenAddress() instanceof UdpAddress a) {
        return a.getPort();
      }
    }
    return -1;
  }

  /** Socket receive buffer asked for (the kernel caps it at net.core.rmem_max). */
  static final int RECEIVE_BUFFER_BYTES = 1 << 20;

  /** Binds the port and starts listening; blocking I/O, call it on a worker. */
  public void open() throws IOException {
    UdpAddress at = new UdpAddress(InetAddress.getByName(host), port);
    DefaultUdpTransportMapping transport;
    try {
      transport = new DefaultUdpTransportMapping(at, false);
    } catch (IOException e) {
      throw new IOException(
          "cannot listen for SNMP notifications on " + host + ":" + port + " (traps.listen): "
              + e.getMessage() + (port < 1024 ? "; ports under 1024 need root or CAP_NET_BIND_SERVICE" : ""),
          e);
    }
    // room for a burst while this thread is busy: what the kernel drops beyond it is never counted
    transport.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
    CounterSupport counters = new CounterSupport();
    counters.addCounterListener(this::counter);
    USM usm = new USM(UsmUsers.protocols(), new OctetString(MPv3.createLocalEngineID()), 0, counters);
    for (SnmpProfile p : profiles) {
      usm.addUser(UsmUsers.of(p));
    }
    MessageDispatcherImpl dispatcher =
        new MessageDispatcherImpl() {
          @Override
          public <A extends Address> void processMessage(
              TransportMapping<? super A> source, A from, ByteBuffer message,
              TransportStateReference state) {
            read(() -> super.processMessage(source, from, message, state), from);
          }
        };
    dispatcher.addCounterListener(this::counter);
    dispatcher.addMessageProcessingModel(new MPv1());
    dispatcher.addMessageProcessingModel(new MPv2c());
    dispatcher.addMessageProcessingModel(new MPv3(usm));
    Snmp s = new Snmp(dispatcher, transport);
    s.addCommandResponder(responder());
    s.listen();
    snmp = s;
    log.info("Listening for SNMP notifications address={} port={} v3_users={}", host, port(), levels.keySet());
  }

  /** Stops listening; blocking I/O, call it on a worker. */
  public void close() {
    Snmp s = snmp;
    snmp = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        log.warn("Closing the SNMP notification socket failed", e);
      }
    }
  }

  /** One datagram, from the listening thread: filtered, decoded, counted once. */
  private void read(Runnable decode, Address from) {
    String ip = from instanceof IpAddress a ? a.getInetAddress().getHostAddress() : null;
    HintRules r = rules;
    if (ip == null || !r.known(ip)) {
      drop(TrapResult.UNKNOWN_SOURCE, ip, "not the address of a site");
      return;
    }
    if (!limit.allow(ip, System.nanoTime())) {
      drop(TrapResult.RATE_LIMITED, ip, "over " + (int) PER_SECOND + " a second");
      return;
    }
    outcome = null;
    discovery = false;
    try {
      decode.run();
    } catch (RuntimeException undecodable) {
      // SNMP4J's BER decoding throws on some damaged datagrams (see BerDecodingFuzzTest)
      outcome = TrapResult.MALFORMED;
    }
    if (outcome == null && discovery) {
      return; // a v3 sender learning this engine's ID or time: the real message follows
    }
    TrapResult result = outcome == null ? TrapResult.MALFORMED : outcome;
    if (result == TrapResult.ACCEPTED) {
      listener.received(result);
    } else {
      drop(result, ip, why(result));
    }
  }

  private void drop(TrapResult result, String ip, String why) {
    listener.received(result);
    OptionalLong left = logBudget.take();
    if (left.isPresent()) {
      log.warn(
          "SNMP notification dropped result={} source={} reason=\"{}\" dropped_unlogged={}",
          result.label(), ip, why, left.getAsLong());
    }
  }

  private static String why(TrapResult r) {
    return switch (r) {
      case BAD_COMMUNITY -> "wrong community (traps.community_env)";
      case BAD_USER -> "unknown v3 user, wrong key or too low a security level (traps.profiles)";
      case MALFORMED -> "not a readable SNMP notification";
      default -> r.label();
    };
  }

  /** SNMP4J counts what it refuses; the counters say why a v3 message never reached us. */
  private void counter(CounterEvent e) {
    OID c = e.getOid();
    if (c.equals(SnmpConstants.usmStatsUnknownUserNames)
        || c.equals(SnmpConstants.usmStatsWrongDigests)
        || c.equals(SnmpConstants.usmStatsDecryptionErrors)
        || c.equals(SnmpConstants.usmStatsUnsupportedSecLevels)) {
      outcome = TrapResult.BAD_USER;
    } else if (c.equals(SnmpConstants.snmpInASNParseErrs) || c.equals(SnmpConstants.snmpInBadVersions)) {
      outcome = TrapResult.MALFORMED;
    } else if (c.equals(SnmpConstants.usmStatsUnknownEngineIDs)
        || c.equals(SnmpConstants.usmStatsNotInTimeWindows)) {
      discovery = true;
    }
  }

  private CommandResponder responder() {
    return new CommandResponder() {
      @Override
      public <A extends Address> void processPdu(CommandResponderEvent<A> event) {
        event.setProcessed(true);
        outcome = accept(event);
        if (outcome != TrapResult.ACCEPTED) {
          return;
        }
        PDU pdu = event.getPDU();
        if (pdu.getType() == PDU.INFORM) {
          acknowledge(event);
        }
        String trapOid = trapOid(pdu);
        if (trapOid == null) {
          outcome = TrapResult.MALFORMED; // a notification that does not say what it is
          return;
        }
        String ip = event.getPeerAddress() instanceof IpAddress a ? a.getInetAddress().getHostAddress() : null;
        Meaning meaning = Meaning.of(trapOid);
        log.debug("SNMP notification source={} trap={}", ip, meaning.name());
        rules.hint(ip, meaning).ifPresent(listener::hint);
      }
    };
  }

  /** Whether the PDU is a notification with the right credentials. */
  private TrapResult accept(CommandResponderEvent<?> event) {
    PDU pdu = event.getPDU();
    if (pdu == null
        || (pdu.getType() != PDU.TRAP && pdu.getType() != PDU.V1TRAP && pdu.getType() != PDU.INFORM)) {
      return TrapResult.MALFORMED;
    }
    if (event.getSecurityModel() == SecurityModel.SECURITY_MODEL_USM) {
      Integer needed = levels.get(new String(event.getSecurityName(), StandardCharsets.UTF_8));
      return needed != null && event.getSecurityLevel() >= needed ? TrapResult.ACCEPTED : TrapResult.BAD_USER;
    }
    return community != null && MessageDigest.isEqual(community, event.getSecurityName())
        ? TrapResult.ACCEPTED
        : TrapResult.BAD_COMMUNITY;
  }

  private static void acknowledge(CommandResponderEvent<?> event) {
    PDU response = (PDU) event.getPDU().clone();
    response.setType(PDU.RESPONSE);
    response.setErrorStatus(PDU.noError);
    response.setErrorIndex(0);
    try {
      event.getMessageDispatcher().returnResponsePdu(
          event.getMessageProcessingModel(), event.getSecurityModel(), event.getSecurityName(),
          event.getSecurityLevel(), response, event.getMaxSizeResponsePDU(), event.getStateReference(),
          new StatusInformation());
    } catch (MessageException e) {
      log.debug("Could not acknowledge an inform", e);
    }
  }

  /** The notification's OID: snmpTrapOID.0 (v2c, v3), or RFC 3584's for a v1 trap. */
  static String trapOid(PDU pdu) {
    if (pdu instanceof PDUv1 v1) {
      OID enterprise = v1.getEnterprise();
      return Meaning.v1TrapOid(
          enterprise == null ? null : enterprise.toDottedString(), v1.getGenericTrap(), v1.getSpecificTrap());
    }
    Variable v = pdu.getVariable(SNMP_TRAP_OID);
    return v instanceof OID oid ? oid.toDottedString() : null;
  }

  private static int level(SnmpProfile p) {
    if (p.privProtocol() != null) {
      return SecurityLevel.AUTH_PRIV;
    }
    return p.authProtocol() != null ? SecurityLevel.AUTH_NOPRIV : SecurityLevel.NOAUTH_NOPRIV;
  }
}
