package org.daitu.vcmon.cluster.node;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trusts exactly the certificates the cluster's CA signed (the JDK's PKIX checks: signature,
 * validity, CA constraints), and says so plainly when it refuses one: the cluster engine only
 * sees a failed TLS handshake, which it logs, if at all, as a lost connection.
 *
 * <p>Both directions: a connection coming in with a certificate the CA did not sign ("peer
 * refused"), and a member this agent connects to showing such a certificate ("member refused").
 * Neither side can tell which of the two CAs is the cluster's: an agent with a certificate of
 * another CA sees every member refused, and is left alone in a cluster of one; the members see it
 * refused and carry on. A peer retrying every few seconds is logged once a minute. Thread-safe.
 */
final class PeerTrust extends X509ExtendedTrustManager {
  private static final Logger log = LoggerFactory.getLogger(PeerTrust.class);
  static final Duration LOG_EVERY = Duration.ofMinutes(1);

  private final X509ExtendedTrustManager pkix;
  private final X509Certificate ca;
  private final String caSubject;
  private final String channel;
  private final Clock clock;
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

  /**
   * @param pkix the JDK's trust manager over the cluster's CA alone
   * @param channel which connection this guards, for the log ("cluster transport", "key exchange")
   */
  PeerTrust(X509ExtendedTrustManager pkix, X509Certificate ca, String channel, Clock clock) {
    this.pkix = pkix;
    this.ca = ca;
    this.caSubject = ca.getSubjectX500Principal().getName();
    this.channel = channel;
    this.clock = clock;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      refused(true, peer(socket), chain, e);
      throw e;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      pkix.checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      refused(false, peer(socket), chain, e);
      throw e;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      refused(true, peer(engine), chain, e);
      throw e;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      pkix.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      refused(false, peer(engine), chain, e);
      throw e;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      refused(true, "unknown", chain, e);
      throw e;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    try {
      pkix.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      refused(false, "unknown", chain, e);
      throw e;
    }
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }

  private void refused(boolean incoming, String peer, X509Certificate[] chain, CertificateException e) {
    X509Certificate presented = chain == null || chain.length == 0 ? null : chain[0];
    String subject = presented == null ? "none" : presented.getSubjectX500Principal().getName();
    String issuer = presented == null ? "none" : presented.getIssuerX500Principal().getName();
    String key = incoming + "|" + peer + "|" + subject + "|" + issuer;
    long now = clock.millis();
    Long last = lastLogged.get(key);
    if (last != null && now - last < LOG_EVERY.toMillis()) {
      return;
    }
    lastLogged.put(key, now);
    if (incoming) {
      log.warn(
          "Cluster peer refused: {}; it cannot join, send or read channel=\"{}\" peer={} subject=\"{}\""
              + " issuer=\"{}\" cluster_ca=\"{}\" cause=\"{}\"",
          why(presented), channel, peer, subject, issuer, caSubject, e.getMessage());
    } else {
      log.error(
          "Cluster member refused: {}, so the two agents have certificates of different CAs and this"
              + " agent cannot join it. Give every agent the same ca.pem and a certificate made with it"
              + " (cluster-certs) channel=\"{}\" member={} subject=\"{}\" issuer=\"{}\" cluster_ca=\"{}\""
              + " cause=\"{}\"",
          why(presented), channel, peer, subject, issuer, caSubject, e.getMessage());
    }
  }

  /** What is wrong with the certificate shown, in words. */
  private String why(X509Certificate presented) {
    if (presented == null) {
      return "it shows no certificate";
    }
    if (!signedByCa(presented)) {
      return "its certificate is not signed by this agent's cluster CA (cluster.tls.ca_file)";
    }
    return "its certificate is not valid now (valid from " + presented.getNotBefore().toInstant() + " to "
        + presented.getNotAfter().toInstant() + ")";
  }

  private boolean signedByCa(X509Certificate presented) {
    if (!presented.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      return false;
    }
    try {
      presented.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String peer(Socket socket) {
    return socket == null || socket.getInetAddress() == null
        ? "unknown"
        : socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
  }

  private static String peer(SSLEngine engine) {
    return engine == null || engine.getPeerHost() == null
        ? "unknown"
        : engine.getPeerHost() + ":" + engine.getPeerPort();
  }
}
