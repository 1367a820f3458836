package org.daitu.vcmon.pki;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's own certificate authority and one certificate per vantage, as {@code java -jar
 * vcmon.jar cluster-certs DIR VANTAGE...} makes them: every key is EC P-256, signed with
 * SHA-256/ECDSA. The CA is valid {@link #CA_VALIDITY} (ten years) and may only sign member
 * certificates (path length 0); a member's certificate is valid {@link #MEMBER_VALIDITY} (three
 * years, never past the CA's end), names the vantage as its CN and as a DNS name, and may act as
 * TLS server and client (each agent is both). Both start an hour back, so an agent whose clock is
 * a little behind accepts a certificate made a minute ago.
 *
 * <p>The CA's key is only needed to make certificates: keep it offline. Stateless.
 */
public final class ClusterCertificates {
  public static final Duration CA_VALIDITY = Duration.ofDays(3653);
  public static final Duration MEMBER_VALIDITY = Duration.ofDays(1096);
  static final Duration BACKDATE = Duration.ofHours(1);
  private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final int SLUG_MAX = 64;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final java.time.format.DateTimeFormatter CA_NAME_DATE =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", java.util.Locale.ROOT)
          .withZone(java.time.ZoneOffset.UTC);

  private ClusterCertificates() {}

  /** A certificate with its private key. */
  public record Issued(X509Certificate certificate, PrivateKey key) {}

  /** A new CA, valid from an hour before {@code now} for {@code validity}. */
  public static Issued authority(String commonName, Instant now, Duration validity) {
    try {
      KeyPair pair = newKeyPair();
      X500Principal subject = new X500Principal("CN=" + commonName + ",O=vcmon");
      Instant from = now.minus(BACKDATE);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
                  subject, serial(), Date.from(from), Date.from(from.plus(validity)), subject, pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new Issued(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("making the CA certificate failed", e);
    }
  }

  /**
   * A member's certificate for {@code vantage}, signed by {@code ca}, valid from an hour before
   * {@code now} for {@code validity} or until the CA ends, whichever is first.
   */
  public static Issued member(Issued ca, String vantage, Instant now, Duration validity) {
    try {
      KeyPair pair = newKeyPair();
      Instant from = now.minus(BACKDATE);
      Instant to = from.plus(validity);
      Instant caEnd = ca.certificate().getNotAfter().toInstant();
      if (to.isAfter(caEnd)) {
        to = caEnd;
      }
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
                  ca.certificate(), serial(), Date.from(from), Date.from(to),
                  new X500Principal("CN=" + vantage + ",O=vcmon"), pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
              .addExtension(
                  Extension.extendedKeyUsage, false,
                  new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
              .addExtension(
                  Extension.subjectAlternativeName, false,
                  new GeneralNames(new GeneralName(GeneralName.dNSName, vantage)))
              .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
      return new Issued(sign(b, ca.key()), pair.getPrivate());
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("making the certificate of " + vantage + " failed", e);
    }
  }

  /**
   * The CA kept in {@code ca.pem} and {@code ca.key}, to sign more vantages' certificates with:
   * it must be a CA, valid now, and the key must be its own.
   *
   * @throws IllegalArgumentException saying which file is wrong and why
   */
  static Issued existingAuthority(Path caPem, Path caKey, Instant now) throws IOException {
    List<X509Certificate> certs = Pem.certificates(Files.readString(caPem, StandardCharsets.US_ASCII));
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(caPem + " holds no PEM certificate");
    }
    X509Certificate cert = certs.get(0);
    if (cert.getBasicConstraints() < 0) {
      throw new IllegalArgumentException(caPem + " is not a CA certificate: it may not sign others");
    }
    if (now.isAfter(cert.getNotAfter().toInstant()) || now.isBefore(cert.getNotBefore().toInstant())) {
      throw new IllegalArgumentException(caPem + " is not valid now (valid " + cert.getNotBefore().toInstant()
          + " to " + cert.getNotAfter().toInstant() + "): make a new CA in a new DIR");
    }
    PrivateKey key;
    try {
      key = Pem.privateKey(Files.readString(caKey, StandardCharsets.US_ASCII));
    } catch (Pem.PemException e) {
      throw new IllegalArgumentException(caKey + ": " + e.getMessage());
    }
    try {
      byte[] probe = "vcmon".getBytes(StandardCharsets.US_ASCII);
      java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new IllegalArgumentException(caKey + " is not the key of the CA certificate in " + caPem);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(caKey + " is not the key of the CA certificate in " + caPem + " (" + e.getMessage() + ")");
    }
    return new Issued(cert, key);
  }

  /** Why {@code vantage} cannot be a vantage id, or null when it can. */
  public static String vantageProblem(String vantage) {
    if (!SLUG.matcher(vantage).matches()) {
      return "must be a slug: lower-case letters and digits, words joined by \"-\"";
    }
    if (vantage.length() > SLUG_MAX) {
      return "must be at most " + SLUG_MAX + " characters";
    }
    return null;
  }

  /**
   * Writes {@code DIR/ca.pem}, {@code DIR/ca.key} and {@code DIR/VANTAGE.pem}, {@code
   * DIR/VANTAGE.key} for each vantage; the directory is made if missing. Key files are created
   * readable by their owner only (0600). Nothing is overwritten: when any of the files exists,
   * none is written.
   *
   * @return the files written, in order
   * @throws IllegalArgumentException for a vantage id that is not a slug, or named twice
   * @throws FileAlreadyExistsException naming the first file that exists
   */
  public static List<Path> write(Path dir, List<String> vantages, Instant now) throws IOException {
    Set<String> names = new LinkedHashSet<>();
    for (String v : vantages) {
      String problem = vantageProblem(v);
      if (problem != null) {
        throw new IllegalArgumentException("vantage \"" + v + "\" " + problem);
      }
      if (!names.add(v) || v.equals("ca")) {
        throw new IllegalArgumentException(
            v.equals("ca") ? "\"ca\" cannot be a vantage: ca.pem is the CA's file" : "vantage \"" + v + "\" is named twice");
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("name at least one vantage");
    }
    Path caPem = dir.resolve("ca.pem");
    Path caKey = dir.resolve("ca.key");
    boolean reuse = Files.exists(caPem) || Files.exists(caKey);
    if (reuse && !(Files.exists(caPem) && Files.exists(caKey))) {
      throw new IllegalArgumentException(
          dir + " has " + (Files.exists(caPem) ? "ca.pem but no ca.key" : "ca.key but no ca.pem")
              + ": to sign with an existing CA both are needed; to make a new CA use a new DIR");
    }
    List<Path> files = new ArrayList<>(reuse ? List.of() : List.of(caPem, caKey));
    for (String v : names) {
      files.add(dir.resolve(v + ".pem"));
      files.add(dir.resolve(v + ".key"));
    }
    for (Path f : files) {
      if (Files.exists(f)) {
        throw new FileAlreadyExistsException(f.toString(), null, "exists; nothing was written");
      }
    }
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    Issued ca;
    if (reuse) {
      ca = existingAuthority(caPem, caKey, now);
    } else {
      // The date in its name tells one CA from another in certificates and logs.
      ca = authority("vcmon cluster CA " + CA_NAME_DATE.format(now), now, CA_VALIDITY);
      written.add(create(caPem, Pem.text(ca.certificate()), false));
      written.add(create(caKey, Pem.text(ca.key()), true));
    }
    for (String v : names) {
      Issued m = member(ca, v, now, MEMBER_VALIDITY);
      written.add(create(dir.resolve(v + ".pem"), Pem.text(m.certificate()), false));
      written.add(create(dir.resolve(v + ".key"), Pem.text(m.key()), true));
    }
    return written;
  }

  /** Creates a new file (never replaces one); a secret one is 0600 from its first byte. */
  private static Path create(Path file, String text, boolean secret) throws IOException {
    Set<PosixFilePermission> mode =
        PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--");
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (posix) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(mode));
    } else {
      Files.createFile(file);
    }
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(text.getBytes(StandardCharsets.US_ASCII));
    }
    if (posix) {
      Files.setPosixFilePermissions(file, mode); // the umask may have taken bits off
    }
    return file;
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }
}
