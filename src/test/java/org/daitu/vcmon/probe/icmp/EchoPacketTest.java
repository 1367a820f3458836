package org.daitu.vcmon.probe.icmp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EchoPacketTest {

  /** An IPv4 packet from 127.66.1.2 carrying {@code icmp}, as a raw socket hands it over. */
  private static byte[] ipv4(byte[] icmp) {
    byte[] p = new byte[20 + icmp.length];
    p[0] = 0x45; // version 4, 5-word header
    p[9] = 1; // ICMP
    p[12] = 127;
    p[13] = 66;
    p[14] = 1;
    p[15] = 2;
    System.arraycopy(icmp, 0, p, 20, icmp.length);
    return p;
  }

  /** The reply a host sends to {@code request}: type 0, checksum fixed up. */
  private static byte[] replyTo(byte[] request) {
    byte[] r = request.clone();
    r[0] = EchoPacket.ECHO_REPLY;
    r[2] = 0;
    r[3] = 0;
    int sum = EchoPacket.checksum(r, 0, r.length);
    r[2] = (byte) (sum >> 8);
    r[3] = (byte) sum;
    return r;
  }

  @Test
  void requestCarriesIdentifierSequenceAndAValidChecksum() {
    byte[] request = new byte[8 + EchoEngine.PAYLOAD];
    EchoPacket.request(request, 0xBEEF, 0x1234);
    assertThat(request[0]).isEqualTo((byte) 8);
    assertThat(request[4] & 0xff).isEqualTo(0xBE);
    assertThat(request[7] & 0xff).isEqualTo(0x34);
    assertThat(EchoPacket.checksum(request, 0, request.length)).isZero();
  }

  @Test
  void replyGivesSourceIdentifierAndSequence() {
    byte[] request = new byte[8 + EchoEngine.PAYLOAD];
    EchoPacket.request(request, 4242, 65535);
    byte[] packet = ipv4(replyTo(request));
    EchoPacket.Reply r = EchoPacket.reply(packet, packet.length);
    assertThat(r).isNotNull();
    assertThat(r.source()).containsExactly(127, 66, 1, 2);
    assertThat(r.identifier()).isEqualTo(4242);
    assertThat(r.sequence()).isEqualTo(65535);
  }

  @Test
  void anythingButAnIntactEchoReplyIsIgnored() {
    byte[] request = new byte[8 + EchoEngine.PAYLOAD];
    EchoPacket.request(request, 1, 2);
    byte[] ownRequest = ipv4(request); // loopback shows our own requests too
    assertThat(EchoPacket.reply(ownRequest, ownRequest.length)).isNull();
    byte[] damaged = ipv4(replyTo(request));
    damaged[30] ^= 0x55;
    assertThat(EchoPacket.reply(damaged, damaged.length)).as("bad checksum").isNull();
    byte[] good = ipv4(replyTo(request));
    assertThat(EchoPacket.reply(good, 25)).as("truncated").isNull();
    good[0] = 0x65;
    assertThat(EchoPacket.reply(good, good.length)).as("not IPv4").isNull();
  }

  @Test
  void aDatagramReplyComesWithoutIpHeaderAndItsSourceFromRecvfrom() {
    byte[] request = new byte[8 + EchoEngine.PAYLOAD];
    EchoPacket.request(request, 777, 513);
    byte[] reply = replyTo(request);
    byte[] source = {127, 66, 1, 3};
    EchoPacket.Reply r = EchoPacket.datagramReply(reply, reply.length, source);
    assertThat(r).isNotNull();
    assertThat(r.source()).containsExactly(127, 66, 1, 3);
    assertThat(r.sequence()).isEqualTo(513);
    source[3] = 9;
    assertThat(r.source()[3]).as("a copy: the buffer is reused for the next reply").isEqualTo((byte) 3);
    assertThat(EchoPacket.datagramReply(request, request.length, source)).as("a request").isNull();
    assertThat(EchoPacket.datagramReply(reply, 7, source)).as("truncated").isNull();
  }

  @Test
  void aRefusedDatagramSocketNamesTheGroupTheSysctlAndTheFix() {
    assertThat(RawIcmpSocket.datagramRefused("Permission denied", 999, "1 0"))
        .isEqualTo("cannot open an ICMP datagram socket: Permission denied (group 999 is not in"
            + " net.ipv4.ping_group_range \"1 0\"; allow it with: sysctl -w"
            + " net.ipv4.ping_group_range=\"0 2147483647\")");
  }
}
