package org.daitu.vcmon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.daitu.vcmon.pki.ClusterCertificates;
import org.daitu.vcmon.pki.ClusterCertificates.Issued;
import org.daitu.vcmon.pki.Pem;

/**
 * Cluster certificates for tests, made by the same code as {@code cluster-certs}
 * ({@link ClusterCertificates}) but with any validity: expired, not yet valid, from another CA.
 *
 * <p>{@link #main} rewrites the PEM files of the golden config cases
 * ({@code src/test/resources/config/invalid/data/cluster/}); their dates are fixed, so the
 * expected reports never change with the day they run.
 */
public final class ClusterPki {
  private ClusterPki() {}

  /** A CA valid from {@code from} to {@code to}. */
  public static Issued ca(String name, Instant from, Instant to) {
    return ClusterCertificates.authority(name, from.plus(Duration.ofHours(1)), Duration.between(from, to));
  }

  /** A member certificate for {@code vantage} valid from {@code from} to {@code to} (capped by the CA). */
  public static Issued member(Issued ca, String vantage, Instant from, Instant to) {
    return ClusterCertificates.member(ca, vantage, from.plus(Duration.ofHours(1)), Duration.between(from, to));
  }

  /** Writes {@code dir/name.pem} and, unless {@code keyToo} is false, {@code dir/name.key}. */
  public static Path write(Path dir, String name, Issued issued, boolean keyToo) throws IOException {
    Files.createDirectories(dir);
    Path pem = dir.resolve(name + ".pem");
    Files.writeString(pem, Pem.text(issued.certificate()), StandardCharsets.US_ASCII);
    if (keyToo) {
      Files.writeString(dir.resolve(name + ".key"), Pem.text(issued.key()), StandardCharsets.US_ASCII);
    }
    return pem;
  }

  /** Rewrites the golden cases' files: {@code java ... ClusterPki src/test/resources/config/invalid/data/cluster}. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/config/invalid/data/cluster");
    Instant y2020 = Instant.parse("2020-01-01T00:00:00Z");
    Instant y2120 = Instant.parse("2120-01-01T00:00:00Z");
    Issued ca = ca("vcmon cluster CA", y2020, y2120);
    write(dir, "ca", ca, false);
    write(dir, "tinh", member(ca, "tinh", y2020, Instant.parse("2119-01-01T00:00:00Z")), true);
    write(dir, "dai-tu", member(ca, "dai-tu", y2020, Instant.parse("2119-01-01T00:00:00Z")), true);
    write(dir, "expired", member(ca, "tinh", y2020, Instant.parse("2021-01-01T00:00:00Z")), true);
    write(dir, "future", member(ca, "tinh", Instant.parse("2099-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z")), true);
    Issued other = ca("another cluster CA", y2020, y2120);
    write(dir, "other-ca", other, false);
    write(dir, "foreign", member(other, "tinh", y2020, Instant.parse("2119-01-01T00:00:00Z")), true);
  }
}
