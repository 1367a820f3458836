package org.daitu.vcmon.probe.icmp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;

/**
 * A Linux raw ICMP socket ({@code socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)}) through libc, the
 * socket fping itself uses. Needs CAP_NET_RAW, which vcmon's systemd unit already grants for
 * fping. The kernel hands such a socket every ICMP packet the host receives; an ICMP filter
 * keeps only echo replies. Sends and receives whole packets: an echo request without IP header
 * out, an IPv4 packet with its header in.
 *
 * <p>Linux x86-64 and arm64 only (struct layouts below). {@link #send} may be called from one
 * thread while another blocks in {@link #receive}.
 */
final class RawIcmpSocket implements AutoCloseable {
  private static final int AF_INET = 2;
  private static final int SOCK_RAW = 3;
  private static final int IPPROTO_ICMP = 1;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int SO_RCVBUF = 8;
  private static final int SOL_RAW = 255;
  private static final int ICMP_FILTER = 1;
  private static final int EAGAIN = 11;
  private static final int EINTR = 4;

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

  private static native int close(int fd) throws LastErrorException;

  private final int fd;
  private volatile boolean closed;

  private RawIcmpSocket(int fd) {
    this.fd = fd;
  }

  /**
   * Opens the socket; fails with a message a user can act on (no permission, not Linux).
   *
   * @param receiveTimeoutMillis how long one {@link #receive} waits before returning nothing
   */
  static RawIcmpSocket open(int receiveTimeoutMillis) throws IOException {
    if (!LOADED) {
      throw new IOException(LOAD_PROBLEM);
    }
    int fd;
    try {
      fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    } catch (LastErrorException e) {
      throw new IOException(
          "cannot open a raw ICMP socket: "
              + e.getMessage()
              + " (needs CAP_NET_RAW, as fping does: run as root or grant the capability)");
    }
    RawIcmpSocket s = new RawIcmpSocket(fd);
    try {
      // only echo replies (type 0) pass: every other ICMP type is filtered in the kernel
      setsockopt(fd, SOL_RAW, ICMP_FILTER, int32(~1), 4);
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval(receiveTimeoutMillis), 16);
      // replies of thousands of sites can arrive together: room for a few thousand packets
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, int32(4 << 20), 4);
    } catch (LastErrorException e) {
      s.close();
      throw new IOException("cannot configure the raw ICMP socket: " + e.getMessage());
    }
    return s;
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
    if (closed) {
      throw new IOException("raw ICMP socket closed");
    }
    try {
      return (int) recv(fd, buf, buf.length, 0);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == EAGAIN || e.getErrorCode() == EINTR) {
        return 0;
      }
      throw new IOException("raw ICMP socket: " + e.getMessage());
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
