package org.daitu.vcmon.output.alert;

/**
 * A channel could not deliver. The message names the channel and the cause and never contains a
 * secret (no token, password or secret header; a URL only as scheme, host and port).
 */
public final class DeliveryException extends RuntimeException {
  public DeliveryException(String channel, String cause) {
    super(channel + ": " + cause);
  }

  public DeliveryException(String channel, String cause, Throwable e) {
    super(channel + ": " + cause, e);
  }

  /** scheme://host:port of a URL: enough to find the peer, nothing of a path or query that may hold a token. */
  static String peer(String url) {
    try {
      java.net.URI u = java.net.URI.create(url);
      return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    } catch (IllegalArgumentException e) {
      return "(unparsable URL)";
    }
  }

  /** The cause of a failed future, short: its message, or its type when it has none. */
  static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
