package org.daitu.vcmon.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM text to certificates and keys and back. Keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}, what
 * {@code cluster-certs} writes) or the traditional OpenSSL RSA and EC forms; keys encrypted with a
 * pass phrase are refused (the agent starts unattended). Stateless.
 */
public final class Pem {
  private Pem() {}

  /** Why a PEM text gave no key; the message is for a person and never holds the key. */
  public static final class PemException extends Exception {
    PemException(String message) {
      super(message);
    }
  }

  /** Every certificate in the text, in order; empty when it holds none. */
  public static List<X509Certificate> certificates(String text) {
    if (!text.contains("-----BEGIN CERTIFICATE-----")) {
      return List.of();
    }
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (var c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      return List.copyOf(out);
    } catch (CertificateException | ClassCastException e) {
      return List.of();
    }
  }

  /** The first private key in the text. */
  public static PrivateKey privateKey(String text) throws PemException {
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PKCS8EncryptedPrivateKeyInfo
            || o instanceof org.bouncycastle.openssl.PEMEncryptedKeyPair) {
          throw new PemException("the key is encrypted with a pass phrase");
        }
      }
    } catch (PEMException e) {
      throw new PemException("holds no valid PEM private key");
    } catch (IOException | RuntimeException e) {
      throw new PemException("holds no valid PEM private key");
    }
    throw new PemException("holds no PEM private key");
  }

  /** A certificate as PEM text. */
  public static String text(X509Certificate cert) {
    return write(cert);
  }

  /** A private key as PKCS#8 PEM text ({@code BEGIN PRIVATE KEY}). */
  public static String text(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null));
    } catch (PemGenerationException e) {
      throw new IllegalStateException("encoding a private key failed", e);
    }
  }

  private static String write(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new IllegalStateException("writing PEM to memory failed", e);
    }
    return out.toString();
  }
}
