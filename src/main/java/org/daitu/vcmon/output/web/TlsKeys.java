package org.daitu.vcmon.output.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.KeyMatch;

/**
 * Turns {@code http.tls} into server options. The files are loaded once before listening, the way
 * the server will load them, and the key is matched against the certificate: Netty would accept a
 * mismatched pair and fail every handshake later, leaving a server that answers nobody.
 */
final class TlsKeys {
  private TlsKeys() {}

  /** Sets TLS on {@code options} when {@code tls} is set; fails naming both fields when the pair is unusable. */
  static Future<Void> apply(Vertx vertx, AgentConfig.Tls tls, HttpServerOptions options) {
    if (tls == null) {
      return Future.succeededFuture();
    }
    PemKeyCertOptions pem =
        new PemKeyCertOptions().setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString());
    options.setSsl(true).setKeyCertOptions(pem);
    // Reads files: on a worker.
    return vertx.executeBlocking(
        () -> {
          String fields =
              "http.tls.cert_file " + tls.certFile() + " and http.tls.key_file " + tls.keyFile();
          X509KeyManager keys = null;
          try {
            for (KeyManager km : pem.getKeyManagerFactory(vertx).getKeyManagers()) {
              if (km instanceof X509KeyManager x) {
                keys = x;
              }
            }
          } catch (Exception e) {
            throw new IllegalStateException(
                "cannot load " + fields + ": " + e.getClass().getSimpleName()
                    + " (both must be PEM files: the certificate, and its unencrypted private key)");
          }
          String alias = keys == null ? null : first(keys.getServerAliases("RSA", null), keys.getServerAliases("EC", null));
          PrivateKey key = alias == null ? null : keys.getPrivateKey(alias);
          X509Certificate[] chain = alias == null ? null : keys.getCertificateChain(alias);
          if (key == null || chain == null || chain.length == 0 || !KeyMatch.belongs(key, chain[0].getPublicKey())) {
            throw new IllegalStateException(
                "the key in http.tls.key_file " + tls.keyFile() + " does not belong to the certificate in"
                    + " http.tls.cert_file " + tls.certFile() + " (give the key the certificate was made with)");
          }
          return null;
        });
  }

  private static String first(String[] a, String[] b) {
    if (a != null && a.length > 0) {
      return a[0];
    }
    return b != null && b.length > 0 ? b[0] : null;
  }
}
