package org.daitu.vcmon.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost with its PEM key, made by the openssl
 * program (Debian package openssl), and an {@link SSLContext} that trusts exactly it.
 */
public record SelfSignedCert(Path certFile, Path keyFile) {

  public static boolean available() {
    return Files.isExecutable(Path.of("/usr/bin/openssl"));
  }

  /** Skips the test, or fails it under {@code CI=true}, when openssl is not installed. */
  public static void requireAvailable() {
    HostTools.require(Path.of("/usr/bin/openssl"));
  }

  /** Writes {@code NAME-cert.pem} and {@code NAME-key.pem} (PKCS#8, unencrypted) into {@code dir}. */
  public static SelfSignedCert create(Path dir, String name) throws IOException, InterruptedException {
    Path cert = dir.resolve(name + "-cert.pem");
    Path key = dir.resolve(name + "-key.pem");
    run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout", key.toString(), "-out", cert.toString());
    return new SelfSignedCert(cert, key);
  }

  /** The same key, encrypted with a pass phrase, written to {@code file}. */
  public Path encryptedKey(Path file) throws IOException, InterruptedException {
    run(file.getParent(), "openssl", "pkey", "-in", keyFile.toString(), "-aes256",
        "-passout", "pass:phrase-for-test", "-out", file.toString());
    return file;
  }

  /** TLS client context trusting only this certificate. */
  public SSLContext clientContext() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certFile)) {
      trust.setCertificateEntry("vcmon", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static void run(Path dir, String... argv) throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "openssl", ".log");
    Process p = new ProcessBuilder(List.of(argv)).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", argv) + " failed: " + Files.readString(log));
    }
    Files.delete(log);
  }
}
