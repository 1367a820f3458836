package org.daitu.vcmon.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.snmp4j.PDU;
import org.snmp4j.asn1.BER;
import org.snmp4j.asn1.BERInputStream;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * An SNMPv2c responder on loopback that misbehaves on purpose, one {@link Mode} per instance.
 *
 * <p>Raw UDP on its own thread: it decodes just enough of each request (SNMP4J's BER and PDU
 * classes) to know the request ID, type and varbinds, then answers the way the mode says. The
 * well-behaved part is a tiny MIB (system group and a three-row ifTable), so {@link Mode#NORMAL}
 * is a control a probe must poll to OK with exactly {@link #NORMAL_INTERFACES} interfaces.
 *
 * <p>Everything is seeded, so a failing run can be repeated. Traffic goes only to the source of
 * each request, which tests keep on 127.0.0.1.
 */
public final class HostileSnmpAgent implements AutoCloseable {
  /** Interfaces of the well-behaved ifTable. */
  public static final int NORMAL_INTERFACES = 3;
  /** Unsolicited responses sent per request in {@link Mode#FLOOD}, before the real answer. */
  public static final int DEFAULT_FLOOD = 2_000;
  /** Stays under the 65,507 bytes of a UDP datagram over IPv4, with room for the header. */
  private static final int HUGE_BYTES = 60_000;

  public static final OID SYS_DESCR = new OID("1.3.6.1.2.1.1.1.0");
  public static final OID SYS_OBJECT_ID = new OID("1.3.6.1.2.1.1.2.0");
  public static final OID SYS_UPTIME = new OID("1.3.6.1.2.1.1.3.0");
  public static final OID SYS_NAME = new OID("1.3.6.1.2.1.1.5.0");
  public static final OID IF_DESCR = new OID("1.3.6.1.2.1.2.2.1.2");
  public static final OID IF_ADMIN_STATUS = new OID("1.3.6.1.2.1.2.2.1.7");
  public static final OID IF_OPER_STATUS = new OID("1.3.6.1.2.1.2.2.1.8");
  private static final OID FILLER = new OID("1.3.6.1.4.1.99999.7");

  /** How the agent answers. */
  public enum Mode {
    /** A correct agent: the control. */
    NORMAL,
    /** Random bytes (sometimes starting like a SEQUENCE) instead of an answer. */
    MALFORMED,
    /** A correct answer cut short at a random length. */
    TRUNCATED,
    /** A correct answer with another request ID. */
    WRONG_REQUEST_ID,
    /** GETs answered with thousands of extra varbinds, GETBULKs with thousands of rows. */
    HUGE_VARBIND_LIST,
    /**
     * sysUpTime.0 an OctetString, sysName.0 a Counter64, sysObjectID.0 Null, ifAdminStatus an
     * OctetString, ifOperStatus a Counter64.
     */
    WRONG_TYPES,
    /**
     * sysUpTime.0 right, but sysObjectID.0 an OctetString of an OID's raw bytes and the ifTable
     * statuses of the wrong types as in WRONG_TYPES.
     */
    WRONG_TYPES_BESIDE_UPTIME,
    /**
     * A GET that asks sysName.0 answered with error-status noSuchName pointing at it and the
     * request's bindings sent back, as an SNMPv1 agent without the object does (some v2c agents
     * too); everything else as NORMAL.
     */
    NO_SUCH_NAME,
    /** Every GETBULK answered with further rows whose indexes keep growing, never an end. */
    ENDLESS_GETBULK,
    /** Every GETBULK answered from the first row again, whatever it asked for. */
    LOOPING_GETBULK,
    /** A correct answer, sent from a second socket on 127.0.0.2. */
    FROM_WRONG_ADDRESS,
    /** Thousands of unsolicited responses and reports with random IDs, then the real answer. */
    FLOOD
  }

  private final Mode mode;
  private final Random random;
  private final int flood;
  private final DatagramSocket socket;
  private final DatagramSocket otherSocket;
  private final Thread thread;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger sent = new AtomicInteger();
  private volatile boolean closed;

  private HostileSnmpAgent(Mode mode, long seed, int flood) throws SocketException {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.random = new Random(seed);
    this.flood = flood;
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.otherSocket =
        mode == Mode.FROM_WRONG_ADDRESS
            ? new DatagramSocket(new InetSocketAddress(loopback2(), 0))
            : null;
    this.thread = new Thread(this::serve, "hostile-snmp-" + mode.name().toLowerCase());
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts an agent on 127.0.0.1 and an ephemeral port. */
  public static HostileSnmpAgent start(Mode mode, long seed) throws SocketException {
    return new HostileSnmpAgent(mode, seed, DEFAULT_FLOOD);
  }

  /** As above; {@code flood} is the number of unsolicited packets per request in FLOOD. */
  public static HostileSnmpAgent start(Mode mode, long seed, int flood) throws SocketException {
    if (flood < 0) {
      throw new IllegalArgumentException("flood must be >= 0, got " + flood);
    }
    return new HostileSnmpAgent(mode, seed, flood);
  }

  private static InetAddress loopback2() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String address() {
    return socket.getLocalAddress().getHostAddress();
  }

  public int port() {
    return socket.getLocalPort();
  }

  public Mode mode() {
    return mode;
  }

  /** Requests decoded so far. */
  public int requests() {
    return requests.get();
  }

  /** Datagrams sent so far, flood included. */
  public int sent() {
    return sent.get();
  }

  private void serve() {
    byte[] buf = new byte[65_535];
    while (!closed) {
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(in);
      } catch (IOException e) {
        return; // closed
      }
      Request request;
      try {
        request = Request.decode(ByteBuffer.wrap(in.getData(), 0, in.getLength()));
      } catch (IOException | RuntimeException e) {
        continue; // not SNMP: a real agent would drop it too
      }
      requests.incrementAndGet();
      try {
        answer(request, in.getSocketAddress());
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void answer(Request request, SocketAddress to) throws IOException {
    switch (mode) {
      case MALFORMED: {
        byte[] junk = new byte[1 + random.nextInt(300)];
        random.nextBytes(junk);
        if (random.nextBoolean()) {
          junk[0] = 0x30;
        }
        send(socket, junk, to);
        return;
      }
      case TRUNCATED: {
        byte[] whole = request.reply(respond(request));
        send(socket, java.util.Arrays.copyOf(whole, 1 + random.nextInt(whole.length - 1)), to);
        return;
      }
      case WRONG_REQUEST_ID: {
        PDU r = respond(request);
        r.setRequestID(new Integer32(request.pdu.getRequestID().getValue() + 1 + random.nextInt(1000)));
        send(socket, request.reply(r), to);
        return;
      }
      case FROM_WRONG_ADDRESS:
        send(otherSocket, request.reply(respond(request)), to);
        return;
      case FLOOD:
        for (int i = 0; i < flood && !closed; i++) {
          PDU junk = new PDU();
          junk.setType(i % 4 == 0 ? PDU.REPORT : PDU.RESPONSE);
          junk.setRequestID(new Integer32(random.nextInt()));
          // a few hundred bytes each, so a leak would show in the heap
          junk.add(new VariableBinding(SYS_DESCR, new OctetString(new byte[200 + random.nextInt(200)])));
          send(socket, request.reply(junk), to);
        }
        send(socket, request.reply(respond(request)), to);
        return;
      default:
        send(socket, request.reply(respond(request)), to);
    }
  }

  private void send(DatagramSocket from, byte[] data, SocketAddress to) throws IOException {
    from.send(new DatagramPacket(data, data.length, to));
    sent.incrementAndGet();
  }

  /** The answer the mode gives before any damage done to the datagram. */
  private PDU respond(Request request) {
    PDU in = request.pdu;
    PDU out = new PDU();
    out.setType(PDU.RESPONSE);
    out.setRequestID(in.getRequestID());
    if (in.getType() == PDU.GETBULK) {
      bulk(in, out);
    } else if (mode == Mode.NO_SUCH_NAME && indexOf(in, SYS_NAME) > 0) {
      in.getVariableBindings().forEach(vb -> out.add(new VariableBinding(vb.getOid(), new Null())));
      out.setErrorStatus(PDU.noSuchName);
      out.setErrorIndex(indexOf(in, SYS_NAME));
    } else {
      Map<OID, Variable> mib = mib();
      for (VariableBinding vb : in.getVariableBindings()) {
        Variable v = mib.get(vb.getOid());
        out.add(new VariableBinding(vb.getOid(), v == null ? Null.noSuchObject : v));
      }
      if (mode == Mode.HUGE_VARBIND_LIST) {
        for (int i = 1; out.getBERLength() < HUGE_BYTES; i++) {
          out.add(new VariableBinding(new OID(FILLER).append(i), new OctetString("filler " + i)));
        }
      }
    }
    return out;
  }

  private void bulk(PDU in, PDU out) {
    int width = in.size() - Math.max(0, in.getNonRepeaters());
    int reps = Math.max(0, in.getMaxRepetitions());
    if (mode == Mode.HUGE_VARBIND_LIST) {
      reps = Integer.MAX_VALUE; // thousands of rows, whatever was asked
    }
    OID[] cursor = new OID[in.size()];
    for (int i = 0; i < cursor.length; i++) {
      cursor[i] = in.get(i).getOid();
      if (mode == Mode.LOOPING_GETBULK) {
        cursor[i] = column(cursor[i]); // back to the first row
      }
    }
    TreeMap<OID, Variable> mib = mib();
    for (int r = 0; r < reps && width > 0; r++) {
      for (int i = cursor.length - width; i < cursor.length; i++) {
        VariableBinding next;
        if (mode == Mode.ENDLESS_GETBULK || mode == Mode.HUGE_VARBIND_LIST) {
          OID oid = nextRow(cursor[i]);
          next = new VariableBinding(oid, new Integer32(1));
        } else {
          Map.Entry<OID, Variable> e = mib.higherEntry(cursor[i]);
          next = e == null ? new VariableBinding(cursor[i], Null.endOfMibView)
              : new VariableBinding(e.getKey(), e.getValue());
        }
        out.add(next);
        cursor[i] = next.getOid();
      }
      if (mode == Mode.HUGE_VARBIND_LIST && out.getBERLength() > HUGE_BYTES) {
        return;
      }
      if (mode != Mode.HUGE_VARBIND_LIST && out.getBERLength() > 1400) {
        return; // one MTU, as real agents do
      }
    }
  }

  /** The 1-based position of {@code oid} among the request's bindings; 0 when not asked. */
  private static int indexOf(PDU request, OID oid) {
    for (int i = 0; i < request.size(); i++) {
      if (request.get(i).getOid().equals(oid)) {
        return i + 1;
      }
    }
    return 0;
  }

  /** The column an OID belongs to (its first 10 sub-identifiers), e.g. ifDescr. */
  private static OID column(OID oid) {
    return oid.size() > 10 ? new OID(oid.getValue(), 0, 10) : oid;
  }

  /** The next row of an endless column: the index grows by 1, for ever. */
  private static OID nextRow(OID cursor) {
    OID col = column(cursor);
    int index = cursor.size() > col.size() ? cursor.get(col.size()) + 1 : 1;
    return new OID(col).append(index);
  }

  private TreeMap<OID, Variable> mib() {
    TreeMap<OID, Variable> m = new TreeMap<>();
    boolean wrong = mode == Mode.WRONG_TYPES;
    boolean wrongTable = wrong || mode == Mode.WRONG_TYPES_BESIDE_UPTIME;
    m.put(SYS_DESCR, new OctetString("Hostile room codec"));
    m.put(SYS_OBJECT_ID, wrong ? new Null()
        : wrongTable ? new OctetString(new OID("1.3.6.1.4.1.13885.101").toByteArray())
        : new OID("1.3.6.1.4.1.99999.1"));
    m.put(SYS_UPTIME, wrong ? new OctetString("12345") : new TimeTicks(12_345));
    m.put(SYS_NAME, wrong ? new Counter64(42) : new OctetString("hostile"));
    for (int i = 1; i <= NORMAL_INTERFACES; i++) {
      m.put(new OID(IF_DESCR).append(i), new OctetString("eth" + i));
      m.put(new OID(IF_ADMIN_STATUS).append(i), wrongTable ? new OctetString("up") : new Integer32(1));
      m.put(new OID(IF_OPER_STATUS).append(i), wrongTable ? new Counter64(1) : new Integer32(i == 2 ? 2 : 1));
    }
    return m;
  }

  @Override
  public void close() {
    closed = true;
    socket.close();
    if (otherSocket != null) {
      otherSocket.close();
    }
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What the agent reads of a request: version, community and the PDU. */
  private static final class Request {
    final int version;
    final byte[] community;
    final PDU pdu;

    private Request(int version, byte[] community, PDU pdu) {
      this.version = version;
      this.community = community;
      this.pdu = pdu;
    }

    static Request decode(ByteBuffer data) throws IOException {
      BERInputStream in = new BERInputStream(data);
      BER.MutableByte type = new BER.MutableByte();
      BER.decodeHeader(in, type);
      if (type.getValue() != BER.SEQUENCE) {
        throw new IOException("not a SEQUENCE");
      }
      int version = BER.decodeInteger(in, type);
      byte[] community = BER.decodeString(in, type);
      PDU pdu = new PDU();
      pdu.decodeBER(in);
      return new Request(version, community, pdu);
    }

    /** A whole message carrying {@code pdu}, with this request's version and community. */
    byte[] reply(PDU pdu) {
      try {
        Integer32 v = new Integer32(version);
        OctetString c = new OctetString(community);
        int length = v.getBERLength() + c.getBERLength() + pdu.getBERLength();
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 8);
        BER.encodeHeader(out, BER.SEQUENCE, length);
        v.encodeBER(out);
        c.encodeBER(out);
        pdu.encodeBER(out);
        return out.toByteArray();
      } catch (IOException e) {
        throw new IllegalStateException("cannot encode an SNMP reply", e);
      }
    }
  }
}
