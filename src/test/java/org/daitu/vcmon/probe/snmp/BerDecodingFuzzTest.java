package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import org.daitu.vcmon.probe.SnmpResult;
import org.junit.jupiter.api.Test;
import org.snmp4j.PDU;
import org.snmp4j.asn1.BER;
import org.snmp4j.asn1.BERInputStream;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.IpAddress;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * Fuzzes the path from a datagram to vcmon's reading of it: random and mutated SNMPv2c messages
 * go through SNMP4J's BER decoding (the message header, then {@link PDU#decodeBER}), and every
 * PDU that decodes goes through all of vcmon's mapping code ({@link SnmpReplies}, {@link
 * TableWalk}, {@link InterfaceRows}, {@link PolycomProfile#read}, {@link VendorProfiles}).
 *
 * <p>Decoding may reject an input with an IOException (that is SNMP4J saying "not SNMP"); the
 * mapping may not throw at all, whatever decoded. The test counts decoded and rejected inputs,
 * prints them, and fails on the first mapping exception with the input in hex, so it can be
 * replayed.
 *
 * <p>Seeded and bounded: 20,000 inputs by default, in a second or two. Longer runs:
 * {@code mvn -o test -Dtest=BerDecodingFuzzTest -Dvcmon.fuzz.iterations=2000000
 * -Dvcmon.fuzz.seed=42}.
 */
class BerDecodingFuzzTest {
  private static final int ITERATIONS = Integer.getInteger("vcmon.fuzz.iterations", 20_000);
  private static final long SEED = Long.getLong("vcmon.fuzz.seed", 20_261_125L);
  private static final int MAX_ROWS = 64;

  @Test
  void whateverSnmp4jDecodesVcmonMapsWithoutThrowing() {
    Random random = new Random(SEED);
    List<byte[]> seeds = seeds();
    int decoded = 0;
    int rejectedIo = 0;
    int rejectedRuntime = 0;
    Map<String, Integer> runtimeKinds = new LinkedHashMap<>();
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] input = i % 10 == 0 ? randomBytes(random) : mutate(seeds.get(random.nextInt(seeds.size())), random);
      PDU pdu;
      try {
        pdu = decode(input);
      } catch (IOException e) {
        rejectedIo++;
        continue;
      } catch (RuntimeException e) {
        // SNMP4J's own robustness, not the mapping's: counted and reported; the probe's
        // dispatcher drops such datagrams (see Session)
        rejectedRuntime++;
        runtimeKinds.merge(e.getClass().getSimpleName(), 1, Integer::sum);
        continue;
      }
      decoded++;
      try {
        map(pdu);
      } catch (RuntimeException e) {
        throw new AssertionError(
            "mapping threw on input " + i + " (seed " + SEED + "): "
                + HexFormat.of().formatHex(input) + " decoded as " + pdu, e);
      }
    }
    System.out.printf(
        "BER fuzz, seed %d: %d inputs, %d decoded and mapped, %d rejected with IOException,"
            + " %d rejected with a runtime exception %s%n",
        SEED, ITERATIONS, decoded, rejectedIo, rejectedRuntime, runtimeKinds);
    assertThat(decoded + rejectedIo + rejectedRuntime).isEqualTo(ITERATIONS);
    // a fuzzer whose inputs never decode tests only the decoder, never the mapping
    assertThat(decoded).isGreaterThan(ITERATIONS / 10);
    assertThat(rejectedIo).isGreaterThan(ITERATIONS / 10);
  }

  /** What SNMP4J does with an incoming v1/v2c message: header, version, community, PDU. */
  private static PDU decode(byte[] message) throws IOException {
    BERInputStream in = new BERInputStream(ByteBuffer.wrap(message));
    BER.MutableByte type = new BER.MutableByte();
    BER.decodeHeader(in, type);
    BER.decodeInteger(in, type);
    BER.decodeString(in, type);
    PDU pdu = new PDU();
    pdu.decodeBER(in);
    return pdu;
  }

  /** Every way the probe reads an answer, as the probe would for any request. */
  private static void map(PDU pdu) {
    SnmpResult system = SnmpReplies.system(pdu.getVariableBindings());
    if (system.ok()) {
      VendorProfiles.standard().forSysObjectId(system.sysObjectId());
    }
    SnmpReplies.errorStatus(pdu);
    SnmpReplies.report(pdu, "vcuser");
    SnmpReplies.unansweredAfterReport(pdu, "vcuser");
    Map<OID, Variable> scalars = new LinkedHashMap<>();
    for (VariableBinding vb : pdu.getVariableBindings()) {
      SnmpReplies.text(vb.getVariable());
      SnmpReplies.number(vb.getVariable());
      Mib.name(vb.getOid());
      scalars.put(vb.getOid(), vb.getVariable());
    }

    TableWalk ifs = new TableWalk(InterfaceRows.COLUMNS, MAX_ROWS);
    walk(ifs, pdu);
    Map<OID, SortedMap<OID, Variable>> ifColumns = new LinkedHashMap<>();
    for (int i = 0; i < InterfaceRows.COLUMNS.size(); i++) {
      ifColumns.put(InterfaceRows.COLUMNS.get(i), ifs.column(i));
    }
    InterfaceSelection.judge(InterfaceRows.of(ifColumns, MAX_ROWS).rows(), List.of("eth0", "3"), true);

    TableWalk sip = new TableWalk(List.of(PolycomProfile.SIP_REGISTRATION), MAX_ROWS);
    walk(sip, pdu);
    Map<OID, SortedMap<OID, Variable>> columns = Map.of(PolycomProfile.SIP_REGISTRATION, sip.column(0));
    PolycomProfile.INSTANCE.read(scalars, columns);
  }

  /** Feeds the same answer to the walk until it stops, as an agent repeating itself would. */
  private static void walk(TableWalk walk, PDU answer) {
    for (int i = 0; i < 100 && !walk.done(); i++) {
      walk.nextRequest();
      walk.accept(answer.getVariableBindings());
    }
    assertThat(walk.done()).as("a walk must end on its own bounds").isTrue();
  }

  private static byte[] randomBytes(Random random) {
    byte[] b = new byte[random.nextInt(120)];
    random.nextBytes(b);
    if (b.length > 0 && random.nextBoolean()) {
      b[0] = 0x30;
    }
    return b;
  }

  /** One to four damages: bit flips, byte values that matter to BER, cuts, inserts, copies. */
  private static byte[] mutate(byte[] seed, Random random) {
    byte[] b = seed.clone();
    int damages = 1 + random.nextInt(4);
    for (int d = 0; d < damages && b.length > 0; d++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(7)) {
        case 0:
          b[at] ^= (byte) (1 << random.nextInt(8));
          break;
        case 1:
          // lengths and tags at the edges of their ranges
          int[] interesting = {0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff, 0x02, 0x04,
              0x05, 0x06, 0x30, 0x40, 0x41, 0x43, 0x46, 0x80, 0x81, 0x82, 0xa2};
          b[at] = (byte) interesting[random.nextInt(interesting.length)];
          break;
        case 2:
          b = Arrays.copyOf(b, at);
          break;
        case 3: {
          byte[] longer = new byte[b.length + 1 + random.nextInt(8)];
          System.arraycopy(b, 0, longer, 0, at);
          System.arraycopy(b, at, longer, longer.length - (b.length - at), b.length - at);
          for (int k = at; k < at + longer.length - b.length; k++) {
            longer[k] = (byte) random.nextInt(256);
          }
          b = longer;
          break;
        }
        case 4: {
          // a chunk of the message copied over another place: nested structures out of place
          int from = random.nextInt(b.length);
          int len = Math.min(1 + random.nextInt(16), Math.min(b.length - from, b.length - at));
          System.arraycopy(b.clone(), from, b, at, len);
          break;
        }
        case 5:
          b[at] = (byte) random.nextInt(256);
          break;
        default:
          // sub-identifiers and integers near the 32-bit limits
          if (at + 5 <= b.length) {
            b[at] = (byte) 0x8f;
            b[at + 1] = (byte) 0xff;
            b[at + 2] = (byte) 0xff;
            b[at + 3] = (byte) 0xff;
            b[at + 4] = (byte) 0x7f;
          }
          break;
      }
    }
    return b;
  }

  /** Well-formed answers of the shapes the probe reads: system group, interface rows, Polycom. */
  private static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(message(response(
        vb(Mib.SYS_DESCR, new OctetString("Room codec")),
        vb(Mib.SYS_OBJECT_ID, new OID("1.3.6.1.4.1.13885.101")),
        vb(Mib.SYS_UPTIME, new TimeTicks(123_456)),
        vb(Mib.SYS_NAME, new OctetString("ha-thuong")))));
    seeds.add(message(response(
        vb(Mib.SYS_DESCR, Null.noSuchObject),
        vb(Mib.SYS_OBJECT_ID, new Null()),
        vb(Mib.SYS_UPTIME, new Counter64(99)),
        vb(Mib.SYS_NAME, new IpAddress("127.0.0.1")))));
    List<VariableBinding> rows = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      rows.add(vb(new OID(Mib.IF_DESCR).append(i), new OctetString("eth" + i)));
      rows.add(vb(new OID(Mib.IF_ADMIN_STATUS).append(i), new Integer32(1)));
      rows.add(vb(new OID(Mib.IF_OPER_STATUS).append(i), new Integer32(i % 2 + 1)));
    }
    rows.add(vb(new OID("1.3.6.1.2.1.2.2.1.9.1"), new TimeTicks(0)));
    rows.add(vb(new OID(Mib.IF_OPER_STATUS).append(9), Null.endOfMibView));
    seeds.add(message(response(rows.toArray(new VariableBinding[0]))));
    seeds.add(message(response(
        vb(PolycomProfile.ACTIVE_CONFERENCES, new Gauge32(2)),
        vb(PolycomProfile.H323_REGISTRATION, new Integer32(3)),
        vb(new OID(PolycomProfile.SIP_REGISTRATION).append(1), new Integer32(3)),
        vb(new OID(PolycomProfile.SIP_REGISTRATION).append(2), new Counter32(2)))));
    PDU error = response(vb(Mib.SYS_NAME, new Null()));
    error.setErrorStatus(PDU.noSuchName);
    error.setErrorIndex(1);
    seeds.add(message(error));
    PDU report = response(vb(new OID("1.3.6.1.6.3.15.1.1.5.0"), new Counter32(7)));
    report.setType(PDU.REPORT);
    seeds.add(message(report));
    return seeds;
  }

  private static VariableBinding vb(OID oid, Variable v) {
    return new VariableBinding(oid, v);
  }

  private static PDU response(VariableBinding... vbs) {
    PDU p = new PDU();
    p.setType(PDU.RESPONSE);
    p.setRequestID(new Integer32(4711));
    for (VariableBinding vb : vbs) {
      p.add(vb);
    }
    return p;
  }

  private static byte[] message(PDU pdu) {
    try {
      Integer32 version = new Integer32(1);
      OctetString community = new OctetString("public");
      int length = version.getBERLength() + community.getBERLength() + pdu.getBERLength();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BER.encodeHeader(out, BER.SEQUENCE, length);
      version.encodeBER(out);
      community.encodeBER(out);
      pdu.encodeBER(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
