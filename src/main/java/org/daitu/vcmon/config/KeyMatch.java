package org.daitu.vcmon.config;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** Whether a private key belongs to a certificate's public key: one signature, made and checked. */
public final class KeyMatch {
  private KeyMatch() {}

  /** True when {@code key} signs what {@code certKey} verifies; also true for algorithms not known here. */
  public static boolean belongs(PrivateKey key, PublicKey certKey) {
    String alg =
        switch (certKey.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "EdDSA", "Ed25519" -> "Ed25519";
          default -> null;
        };
    if (alg == null) {
      return true;
    }
    try {
      byte[] probe = "vcmon".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(alg);
      signer.initSign(key);
      signer.update(probe);
      byte[] sig = signer.sign();
      Signature verifier = Signature.getInstance(alg);
      verifier.initVerify(certKey);
      verifier.update(probe);
      return verifier.verify(sig);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false; // a key of another algorithm than the certificate's
    }
  }
}
