package org.daitu.vcmon.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code cluster-certs} writes, read back as the agent reads it. */
class ClusterCertificatesTest {
  static final Instant NOW = Instant.parse("2026-03-01T08:00:00Z");

  @Test
  void writesTheCaAndOneCertificateAndKeyPerVantage(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("certs");
    List<Path> files = ClusterCertificates.write(dir, List.of("tinh", "dai-tu"), NOW);
    assertThat(files).extracting(f -> f.getFileName().toString())
        .containsExactly("ca.pem", "ca.key", "tinh.pem", "tinh.key", "dai-tu.pem", "dai-tu.key");
    for (String key : List.of("ca.key", "tinh.key", "dai-tu.key")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
          .as(key).isEqualTo("rw-------");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.pem"))))
        .isEqualTo("rw-r--r--");

    X509Certificate ca = Pem.certificates(Files.readString(dir.resolve("ca.pem"))).get(0);
    X509Certificate tinh = Pem.certificates(Files.readString(dir.resolve("tinh.pem"))).get(0);
    assertThat(ca.getBasicConstraints()).isZero();
    assertThat(ca.getNotAfter().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)).plus(ClusterCertificates.CA_VALIDITY));
    tinh.verify(ca.getPublicKey());
    assertThat(tinh.getBasicConstraints()).isEqualTo(-1);
    assertThat(tinh.getSubjectX500Principal().getName()).isEqualTo("CN=tinh,O=vcmon");
    assertThat(tinh.getSubjectAlternativeNames()).containsExactly(List.of(2, "tinh"));
    assertThat(tinh.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(tinh.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(Duration.between(tinh.getNotBefore().toInstant(), tinh.getNotAfter().toInstant()))
        .isEqualTo(ClusterCertificates.MEMBER_VALIDITY);
    assertThat(Pem.privateKey(Files.readString(dir.resolve("tinh.key"))).getAlgorithm()).isEqualTo("EC");
    assertThat(Files.readString(dir.resolve("tinh.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void refusesToOverwriteAndWritesNothingThen(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("dai-tu.key"), "keep me");
    assertThatThrownBy(() -> ClusterCertificates.write(dir, List.of("tinh", "dai-tu"), NOW))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("dai-tu.key");
    assertThat(dir.resolve("ca.pem")).doesNotExist();
    assertThat(Files.readString(dir.resolve("dai-tu.key"))).isEqualTo("keep me");
  }

  @Test
  void aDirWithTheCaSignsNewVantagesWithIt(@TempDir Path dir) throws Exception {
    ClusterCertificates.write(dir, List.of("tinh"), NOW);
    String caBefore = Files.readString(dir.resolve("ca.pem"));
    List<Path> files = ClusterCertificates.write(dir, List.of("xa-la"), NOW.plus(Duration.ofDays(1)));
    assertThat(files).extracting(f -> f.getFileName().toString()).containsExactly("xa-la.pem", "xa-la.key");
    assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo(caBefore);
    X509Certificate ca = Pem.certificates(caBefore).get(0);
    Pem.certificates(Files.readString(dir.resolve("xa-la.pem"))).get(0).verify(ca.getPublicKey());
    assertThatThrownBy(() -> ClusterCertificates.write(dir, List.of("tinh"), NOW))
        .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("tinh.pem");
  }

  @Test
  void anExistingCaMustBeWholeValidAndItsOwnKey(@TempDir Path tmp) throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    ClusterCertificates.write(a, List.of("tinh"), NOW);
    ClusterCertificates.write(b, List.of("tinh"), NOW);
    Files.delete(a.resolve("ca.key"));
    assertThatThrownBy(() -> ClusterCertificates.write(a, List.of("xa"), NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ca.pem but no ca.key");
    Files.copy(b.resolve("ca.key"), a.resolve("ca.key"));
    assertThatThrownBy(() -> ClusterCertificates.write(a, List.of("xa"), NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not the key of the CA certificate");
    assertThatThrownBy(() -> ClusterCertificates.write(b, List.of("xa"), NOW.plus(ClusterCertificates.CA_VALIDITY)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not valid now");
    assertThat(a.resolve("xa.pem")).doesNotExist();
  }

  @Test
  void refusesVantagesThatAreNotSlugsOrNamedTwice(@TempDir Path dir) {
    assertThatThrownBy(() -> ClusterCertificates.write(dir, List.of("Tinh"), NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slug");
    assertThatThrownBy(() -> ClusterCertificates.write(dir, List.of("tinh", "tinh"), NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("named twice");
    assertThatThrownBy(() -> ClusterCertificates.write(dir, List.of("ca"), NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ca.pem");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void aMemberCertificateNeverOutlivesItsCa() {
    ClusterCertificates.Issued ca = ClusterCertificates.authority("short CA", NOW, Duration.ofDays(30));
    ClusterCertificates.Issued m = ClusterCertificates.member(ca, "tinh", NOW, ClusterCertificates.MEMBER_VALIDITY);
    assertThat(m.certificate().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  @Test
  void readsTraditionalKeysAndRefusesEncryptedOnes() throws Exception {
    ClusterCertificates.Issued m =
        ClusterCertificates.member(ClusterCertificates.authority("CA", NOW, Duration.ofDays(30)), "tinh", NOW, Duration.ofDays(1));
    // As openssl ecparam -name prime256v1 -genkey -noout writes it (a throwaway key).
    String traditional = "-----BEGIN EC PRIVATE KEY-----\n"
        + "MHcCAQEEILqJHoV7c8LH9+krHEvvl6kYKQpmRitEhND6dQ8MRi/joAoGCCqGSM49\n"
        + "AwEHoUQDQgAEE6TcwBLz+C+EMz8YryFs41kBQS9ylCzm56dun+IBc9D9PVCMLqPg\n"
        + "/frt6ItSFdhu+DqcJvEbHAYwkwyn5wp6Kw==\n"
        + "-----END EC PRIVATE KEY-----\n";
    assertThat(Pem.privateKey(traditional).getAlgorithm()).isEqualTo("EC");

    StringWriter encrypted = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(encrypted)) {
      w.writeObject(
          new JcaPKCS8Generator(
              m.key(),
              new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider()).setPassword("secret".toCharArray()).build()));
    }
    assertThat(encrypted.toString()).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    assertThatThrownBy(() -> Pem.privateKey(encrypted.toString())).hasMessageContaining("pass phrase");
    assertThatThrownBy(() -> Pem.privateKey("nothing here")).hasMessage("holds no PEM private key");
  }
}
