package org.daitu.vcmon.output.alert;

/**
 * A channel could not deliver. The message names the channel and the cause and never contains a
 * secret (no token, password or secret header; a URL only as scheme, host and port).
 */
public final class DeliveryException extends RuntimeException {
  private final boolean permanent;

  public DeliveryException(String channel, String cause) {
    this(channel, cause, null, false);
  }

  public DeliveryException(String channel, String cause, Throwable e) {
    this(channel, cause, e, false);
  }

  private DeliveryException(String channel, String cause, Throwable e, boolean permanent) {
    super(channel + ": " + cause, e);
    this.permanent = permanent;
  }

  /**
   * The far end refused the notification in a way no retry can change (the recipient does not
   * exist or does not follow, the bot is not in the chat): the outbox reports it once and stops
   * retrying it.
   */
  public static DeliveryException permanent(String channel, String cause) {
    return new DeliveryException(channel, cause, null, true);
  }

  /** True when retrying cannot help (see {@link #permanent(String, String)}). */
  public boolean isPermanent() {
    return permanent;
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
