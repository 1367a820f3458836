package org.daitu.vcmon.cluster.node;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.pki.Pem;

/**
 * This agent's cluster certificate, key and CA (the PEM files of {@code cluster.tls}, checked
 * when the config was loaded), as the TLS of the cluster's three channels: the JGroups transport
 * and key exchange get an {@link SSLContext} built in memory (no keystore file is ever written),
 * the Vert.x event bus gets the PEM files. Each side of every connection shows its certificate and
 * accepts only certificates signed by the cluster's CA ({@link PeerTrust}). Immutable.
 */
final class ClusterTls {
  /** An agent whose certificate ends within this is warned at start. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  private static final char[] IN_MEMORY = "vcmon".toCharArray();

  private final AgentConfig.ClusterTls files;
  private final X509Certificate ca;
  private final X509Certificate cert;
  private final PrivateKey key;

  private ClusterTls(AgentConfig.ClusterTls files, X509Certificate ca, X509Certificate cert, PrivateKey key) {
    this.files = files;
    this.ca = ca;
    this.cert = cert;
    this.key = key;
  }

  /** Reads the files; they were checked when the config was loaded, so a failure here is rare. */
  static ClusterTls read(AgentConfig.ClusterTls files) throws IOException {
    List<X509Certificate> cas = Pem.certificates(Files.readString(files.caFile(), StandardCharsets.US_ASCII));
    List<X509Certificate> certs = Pem.certificates(Files.readString(files.certFile(), StandardCharsets.US_ASCII));
    if (cas.isEmpty() || certs.isEmpty()) {
      throw new IOException("cluster.tls: " + (cas.isEmpty() ? files.caFile() : files.certFile()) + " holds no certificate");
    }
    try {
      PrivateKey key = Pem.privateKey(Files.readString(files.keyFile(), StandardCharsets.US_ASCII));
      return new ClusterTls(files, cas.get(0), certs.get(0), key);
    } catch (Pem.PemException e) {
      throw new IOException("cluster.tls.key_file " + files.keyFile() + ": " + e.getMessage(), e);
    }
  }

  X509Certificate certificate() {
    return cert;
  }

  /** When this agent's certificate ends. */
  Instant notAfter() {
    return cert.getNotAfter().toInstant();
  }

  /**
   * A TLS context that presents this agent's certificate and trusts the cluster's CA alone.
   *
   * @param channel named in the refusals it logs
   */
  SSLContext context(String channel, Clock clock) throws GeneralSecurityException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try {
      keys.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("an empty in-memory keystore could not be made", e);
    }
    keys.setKeyEntry("member", key, IN_MEMORY, new Certificate[] {cert, ca});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, IN_MEMORY);

    KeyStore anchors = KeyStore.getInstance("PKCS12");
    try {
      anchors.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("an empty in-memory truststore could not be made", e);
    }
    anchors.setCertificateEntry("cluster-ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(anchors);
    X509ExtendedTrustManager pkix = null;
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        pkix = x;
      }
    }
    if (pkix == null) {
      throw new GeneralSecurityException("the JDK offers no X509ExtendedTrustManager");
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        kmf.getKeyManagers(),
        new TrustManager[] {new PeerTrust(pkix, ca, channel, clock)},
        new SecureRandom());
    return ctx;
  }

  /**
   * The event bus over TLS with client certificates: each agent presents its certificate and
   * accepts only the cluster CA's. Vert.x's clustered event bus does not verify host names (peers
   * are addressed by IP); membership of the cluster is the identity that counts.
   */
  EventBusOptions eventBus(EventBusOptions options) {
    return options
        .setSsl(true)
        .setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setCertPath(files.certFile().toString())
                .setKeyPath(files.keyFile().toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(files.caFile().toString()));
  }
}
