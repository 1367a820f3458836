package org.daitu.vcmon.probe.icmp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Linux ICMP socket through libc, of one of two kinds:
 *
 * <ul>
 *   <li>raw ({@code socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)}), the socket fping itself uses. Needs
 *       CAP_NET_RAW, which vcmon's systemd unit already grants for fping. The kernel hands such a
 *       socket every ICMP packet the host receives; an ICMP filter keeps only echo replies. An
 *       echo request without IP header goes out, an IPv4 packet with its header comes in.
 *   <li>datagram ({@code socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)}, a "ping socket", as the
 *       {@code ping} command uses): no privilege, but only for a process whose group is in the
 *       sysctl {@code net.ipv4.ping_group_range}. The kernel sets the echo identifier itself and
 *       hands the socket only the replies to its own echoes, without IP header: the sender's
 *       address comes from {@code recvfrom}, and replies are told apart by sequence number.
 * </ul>
 *
 * <p>Linux x86-64 and arm64 only (struct layouts below). {@link #send} may be called from one
 * thread while another blocks in {@link #receive}.
 */
final class RawIcmpSocket implements AutoCloseable {
  private static final int AF_INET = 2;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_RAW = 3;
  private static final int IPPROTO_ICMP = 1;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int SO_RCVBUF = 8;
  private static final int SOL_RAW = 255;
  private static final int ICMP_FILTER = 1;
  private static final int EAGAIN = 11;
  private static final int EINTR = 4;

  /** Where the kernel says which groups may open datagram ICMP sockets ("low high"). */
  static final String PING_GROUP_RANGE = "/proc/sys/net/ipv4/ping_group_range";

  private static final boolean LOADED;
  private static final String LOAD_PROBLEM;

  static {
    boolean loaded = false;
    String problem = null;
    try {
      Native.register(RawIcmpSocket.class, "c");
      loaded = true;
    } catch (LinkageError | RuntimeException e) {
      problem = "cannot load libc through JNA: " + e.getMessage();
    }
    LOADED = loaded;
    LOAD_PROBLEM = problem;
  }

  private static native int socket(int domain, int type, int protocol) throws LastErrorException;

  private static native int setsockopt(int fd, int level, int name, byte[] value, int length)
      throws LastErrorException;

  private static native long sendto(int fd, byte[] buf, long length, int flags, byte[] addr, int addrLength)
      throws LastErrorException;

  private static native long recv(int fd, byte[] buf, long length, int flags) throws LastErrorException;

  private static native long recvfrom(int fd, byte[] buf, long length, int flags, byte[] addr, int[] addrLength)
      throws LastErrorException;

  private static native int getgid();

  private static native int close(int fd) throws LastErrorException;

  private final int fd;
  private final boolean datagram;
  private volatile boolean closed;

  private RawIcmpSocket(int fd, boolean datagram) {
    this.fd = fd;
    this.datagram = datagram;
  }

  /** A datagram ("ping") socket: replies come without IP header and with the kernel's identifier. */
  boolean datagram() {
    return datagram;
  }

  /**
   * Opens a raw socket; fails with a message a user can act on (no permission, not Linux).
   *
   * @param receiveTimeoutMillis how long one {@link #receive} waits before returning nothing
   */
  static RawIcmpSocket open(int receiveTimeoutMillis) throws IOException {
    return open(false, receiveTimeoutMillis);
  }

  /**
   * Opens a datagram ("ping") socket; fails with why and how to allow it: the group of this
   * process must be in {@code net.ipv4.ping_group_range}.
   */
  static RawIcmpSocket openDatagram(int receiveTimeoutMillis) throws IOException {
    return open(true, receiveTimeoutMillis);
  }

  private static RawIcmpSocket open(boolean datagram, int receiveTimeoutMillis) throws IOException {
    if (!LOADED) {
      throw new IOException(LOAD_PROBLEM);
    }
    int fd;
    try {
      fd = socket(AF_INET, datagram ? SOCK_DGRAM : SOCK_RAW, IPPROTO_ICMP);
    } catch (LastErrorException e) {
      throw new IOException(
          datagram
              ? datagramRefused(e.getMessage(), getgid(), pingGroupRange())
              : "cannot open a raw ICMP socket: "
                  + e.getMessage()
                  + " (needs CAP_NET_RAW, as fping does: run as root or grant the capability)");
    }
    RawIcmpSocket s = new RawIcmpSocket(fd, datagram);
    try {
      if (!datagram) {
        // only echo replies (type 0) pass: every other ICMP type is filtered in the kernel
        setsockopt(fd, SOL_RAW, ICMP_FILTER, int32(~1), 4);
      }
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval(receiveTimeoutMillis), 16);
      // replies of thousands of sites can arrive together: room for a few thousand packets
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, int32(4 << 20), 4);
    } catch (LastErrorException e) {
      s.close();
      throw new IOException(
          "cannot configure the " + (datagram ? "ICMP datagram" : "raw ICMP") + " socket: " + e.getMessage());
    }
    return s;
  }

  /** Why a datagram socket was refused, and the sysctl that allows it. */
  static String datagramRefused(String error, int gid, String range) {
    return "cannot open an ICMP datagram socket: "
        + error
        + " (group "
        + gid
        + " is not in net.ipv4.ping_group_range \""
        + range
        + "\"; allow it with: sysctl -w net.ipv4.ping_group_range=\"0 2147483647\")";
  }

  /** The sysctl's value as "low high", or "unknown" when it cannot be read. */
  static String pingGroupRange() {
    // not Files.readString: it trusts the size a /proc file reports and reads too little
    try (InputStream in = Files.newInputStream(Path.of(PING_GROUP_RANGE))) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip().replaceAll("\\s+", " ");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Sends one ICMP message to an IPv4 address; false when the kernel refused it (logged by caller). */
  boolean send(byte[] icmp, byte[] ipv4) {
    byte[] addr = new byte[16]; // struct sockaddr_in, family in host order (little-endian)
    addr[0] = AF_INET;
    System.arraycopy(ipv4, 0, addr, 4, 4);
    try {
      return sendto(fd, icmp, icmp.length, 0, addr, addr.length) == icmp.length;
    } catch (LastErrorException e) {
      return false; // no route, buffer full: that echo is lost, as fping would count it
    }
  }

  /**
   * Waits for one packet (at most the receive timeout); returns its length, or 0 when none
   * came. Fails only when the socket is closed or broken.
   */
  int receive(byte[] buf) throws IOException {
    return receive(buf, null);
  }

  /**
   * As {@link #receive(byte[])}; on a datagram socket {@code source} (4 bytes) gets the IPv4
   * address of the sender, which a raw socket reads from the IP header instead.
   */
  int receive(byte[] buf, byte[] source) throws IOException {
    if (closed) {
      throw new IOException("ICMP socket closed");
    }
    try {
      if (datagram && source != null) {
        byte[] addr = new byte[16];
        int n = (int) recvfrom(fd, buf, buf.length, 0, addr, new int[] {addr.length});
        System.arraycopy(addr, 4, source, 0, 4);
        return n;
      }
      return (int) recv(fd, buf, buf.length, 0);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == EAGAIN || e.getErrorCode() == EINTR) {
        return 0;
      }
      throw new IOException("ICMP socket: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        close(fd);
      } catch (LastErrorException ignored) {
        // nothing left to release
      }
    }
  }

  private static byte[] int32(int v) {
    return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
  }

  /** struct timeval {long tv_sec; long tv_usec;} on a 64-bit little-endian machine. */
  private static byte[] timeval(int millis) {
    byte[] t = new byte[16];
    long sec = millis / 1000;
    long usec = (millis % 1000) * 1000L;
    for (int i = 0; i < 8; i++) {
      t[i] = (byte) (sec >> (8 * i));
      t[8 + i] = (byte) (usec >> (8 * i));
    }
    return t;
  }
}
