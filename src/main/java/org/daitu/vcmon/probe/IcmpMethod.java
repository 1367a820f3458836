package org.daitu.vcmon.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.daitu.vcmon.config.AgentConfig;

/**
 * Which way vcmon pings, decided once at start from what the config asks ({@code
 * probe.icmp.engine}) and what this machine allows, and why. Pure: the attempts to open a socket
 * are handed in and tried only when the decision needs them, in this order:
 *
 * <ul>
 *   <li>engine {@code fping}: fping; when it is not installed, a raw ICMP socket (CAP_NET_RAW),
 *       else a datagram ICMP socket (a group in {@code net.ipv4.ping_group_range});
 *   <li>engine {@code socket}: a raw ICMP socket; when it is refused, fping; when fping is not
 *       installed either, a datagram ICMP socket.
 * </ul>
 *
 * When nothing works the method is {@link Kind#NONE} and {@code why} names every way tried, why
 * it failed and how to allow it.
 *
 * @param kind the method in use
 * @param why why this one: what the config asked, or what failed before it
 */
public record IcmpMethod(Kind kind, String why) {

  /** The ways to ping; {@link #label} is what the log, the API and /readyz show. */
  public enum Kind {
    FPING("fping"),
    RAW_SOCKET("raw socket"),
    DATAGRAM_SOCKET("datagram socket"),
    NONE("none");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * @param fpingMissing why fping cannot be run (not installed, with the fix), or null when it is
   *     there
   * @param raw opens the raw socket: null when it opened, else why not
   * @param datagram opens the datagram socket: null when it opened, else why not
   */
  public static IcmpMethod decide(
      AgentConfig.IcmpEngine engine, String fpingMissing, Supplier<String> raw, Supplier<String> datagram) {
    List<String> failed = new ArrayList<>();
    if (engine == AgentConfig.IcmpEngine.SOCKET) {
      String r = raw.get();
      if (r == null) {
        return new IcmpMethod(Kind.RAW_SOCKET, "probe.icmp.engine: socket");
      }
      failed.add(r);
      if (fpingMissing == null) {
        return new IcmpMethod(Kind.FPING, String.join("; ", failed));
      }
      failed.add(fpingMissing);
    } else {
      if (fpingMissing == null) {
        return new IcmpMethod(Kind.FPING, "probe.icmp.engine: fping");
      }
      failed.add(fpingMissing);
      String r = raw.get();
      if (r == null) {
        return new IcmpMethod(Kind.RAW_SOCKET, String.join("; ", failed));
      }
      failed.add(r);
    }
    String d = datagram.get();
    if (d == null) {
      return new IcmpMethod(Kind.DATAGRAM_SOCKET, String.join("; ", failed));
    }
    failed.add(d);
    return new IcmpMethod(Kind.NONE, "no way to ping: " + String.join("; ", failed));
  }
}
