package org.daitu.vcmon.probe.icmp;

/**
 * ICMP echo messages (RFC 792): writes a request, reads a reply out of a received IPv4 packet.
 * Pure byte work, no I/O.
 */
final class EchoPacket {
  static final int ECHO_REPLY = 0;
  static final int ECHO_REQUEST = 8;

  private EchoPacket() {}

  /** A reply's sender and the identifier and sequence number it echoes. */
  record Reply(byte[] source, int identifier, int sequence) {}

  /**
   * Fills {@code packet} (8-byte header and any payload after it) as an echo request with this
   * identifier and sequence number, checksum included. The payload is left as it is.
   */
  static void request(byte[] packet, int identifier, int sequence) {
    packet[0] = ECHO_REQUEST;
    packet[1] = 0;
    packet[2] = 0;
    packet[3] = 0;
    packet[4] = (byte) (identifier >> 8);
    packet[5] = (byte) identifier;
    packet[6] = (byte) (sequence >> 8);
    packet[7] = (byte) sequence;
    int sum = checksum(packet, 0, packet.length);
    packet[2] = (byte) (sum >> 8);
    packet[3] = (byte) sum;
  }

  /**
   * The echo reply in the first {@code length} bytes of {@code ip} (an IPv4 packet as a raw
   * socket delivers it, header included), or null when it is anything else or damaged.
   */
  static Reply reply(byte[] ip, int length) {
    if (length < 20 || (ip[0] >> 4 & 0xf) != 4) {
      return null;
    }
    int header = (ip[0] & 0xf) * 4;
    if (header < 20 || length < header + 8) {
      return null;
    }
    if (ip[header] != ECHO_REPLY || ip[header + 1] != 0) {
      return null;
    }
    if (checksum(ip, header, length - header) != 0) {
      return null;
    }
    byte[] source = {ip[12], ip[13], ip[14], ip[15]};
    int id = (ip[header + 4] & 0xff) << 8 | ip[header + 5] & 0xff;
    int seq = (ip[header + 6] & 0xff) << 8 | ip[header + 7] & 0xff;
    return new Reply(source, id, seq);
  }

  /**
   * The echo reply in the first {@code length} bytes of {@code icmp} (an ICMP message without IP
   * header, as a datagram socket delivers it, the kernel having checked it), sent by {@code
   * source}; null when it is anything else or too short.
   */
  static Reply datagramReply(byte[] icmp, int length, byte[] source) {
    if (length < 8 || icmp[0] != ECHO_REPLY || icmp[1] != 0) {
      return null;
    }
    int id = (icmp[4] & 0xff) << 8 | icmp[5] & 0xff;
    int seq = (icmp[6] & 0xff) << 8 | icmp[7] & 0xff;
    return new Reply(source.clone(), id, seq);
  }

  /** The Internet checksum (RFC 1071) of {@code length} bytes; 0 over a message that carries it. */
  static int checksum(byte[] b, int offset, int length) {
    long sum = 0;
    int i = offset;
    int end = offset + length;
    for (; i + 1 < end; i += 2) {
      sum += (b[i] & 0xff) << 8 | b[i + 1] & 0xff;
    }
    if (i < end) {
      sum += (b[i] & 0xff) << 8;
    }
    while (sum >> 16 != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) ~sum & 0xffff;
  }
}
