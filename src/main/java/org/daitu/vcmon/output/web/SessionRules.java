package org.daitu.vcmon.output.web;

import java.security.MessageDigest;
import java.util.Locale;

/**
 * What a request carrying a session cookie must show to act: that it comes from vcmon's own pages
 * ({@link #sameOrigin}) and that it knows the session's CSRF token ({@link #csrfMatches}). Pure.
 */
final class SessionRules {
  private SessionRules() {}

  /**
   * Whether a request comes from a page of this very server. A browser says so in {@code
   * Sec-Fetch-Site} (only {@code same-origin} passes) and in {@code Origin} (it must be this
   * server's scheme, host and port, as the request's {@code Host} names them). Either header
   * saying otherwise refuses; a client sending neither (a script, not a browser) passes, since
   * the CSRF token is still required of it.
   *
   * @param origin the {@code Origin} header, or null
   * @param fetchSite the {@code Sec-Fetch-Site} header, or null
   * @param host the {@code Host} header (host and port as the client wrote them), or null
   * @param https whether the server speaks HTTPS
   */
  static boolean sameOrigin(String origin, String fetchSite, String host, boolean https) {
    if (fetchSite != null && !fetchSite.strip().equalsIgnoreCase("same-origin")) {
      return false;
    }
    if (origin == null) {
      return true;
    }
    if (host == null || host.isBlank()) {
      return false;
    }
    String expected = (https ? "https://" : "http://") + host.strip().toLowerCase(Locale.ROOT);
    String given = origin.strip().toLowerCase(Locale.ROOT);
    return given.equals(expected) || given.equals(withoutDefaultPort(expected, https));
  }

  /** Whether the {@code X-CSRF-Token} header is the session's token; constant time. */
  static boolean csrfMatches(String expected, String presented) {
    if (expected == null || presented == null) {
      return false;
    }
    return MessageDigest.isEqual(
        OperatorTokens.digest(expected), OperatorTokens.digest(presented.strip()));
  }

  /** {@code http://host:80} as a browser writes it: {@code http://host}. */
  private static String withoutDefaultPort(String origin, boolean https) {
    String port = https ? ":443" : ":80";
    return origin.endsWith(port) ? origin.substring(0, origin.length() - port.length()) : origin;
  }
}
