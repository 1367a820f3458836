package org.daitu.vcmon.inventory;

import java.util.regex.Pattern;

/**
 * Whether a site address is written as an IP address rather than a host name, judged by its shape
 * only: never resolved, so it never blocks. Stateless and thread-safe.
 */
public final class IpLiteral {
  private IpLiteral() {}

  /** Four decimal numbers 0 to 255 without leading zeros, as {@code inet_pton} accepts them. */
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  /** Digits and dots only: meant as an IPv4 address, whether or not a valid one. */
  private static final Pattern DOTTED = Pattern.compile("[0-9.]+");

  /** A valid IPv4 address in dotted-quad form, e.g. {@code 198.18.1.10}. */
  public static boolean isIpv4(String address) {
    return address != null && IPV4.matcher(address).matches();
  }

  /**
   * Written as an address, not a name: only digits and dots (e.g. {@code 300.1.1.1}, which {@link
   * #isIpv4} rejects), or containing a colon as IPv6 does. Such text must not go to DNS.
   */
  public static boolean looksLikeAddress(String address) {
    return address != null && (DOTTED.matcher(address).matches() || address.contains(":"));
  }

  /** A valid IPv4 address, or text with a colon (IPv6, possibly with a zone like {@code %eth0}). */
  public static boolean isIpLiteral(String address) {
    return isIpv4(address) || (address != null && address.contains(":"));
  }

  /**
   * An IPv4 address reserved for documentation (RFC 5737: 192.0.2.0/24, 198.51.100.0/24,
   * 203.0.113.0/24): the placeholders of the example config, never a real endpoint.
   */
  public static boolean isDocumentation(String address) {
    return isIpv4(address)
        && (address.startsWith("192.0.2.")
            || address.startsWith("198.51.100.")
            || address.startsWith("203.0.113."));
  }
}
