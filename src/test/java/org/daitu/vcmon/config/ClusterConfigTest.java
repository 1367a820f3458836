package org.daitu.vcmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.pki.ClusterCertificates.Issued;
import org.daitu.vcmon.testing.ClusterPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster:} and its certificate checks, with certificates made in the test by the code of
 * {@code cluster-certs}: expired, not yet valid, from another CA, with another member's key.
 */
class ClusterConfigTest {
  @TempDir Path dir;
  Issued ca;
  Instant now = Instant.now();

  @BeforeEach
  void certificates() throws Exception {
    ca = ClusterPki.ca("vcmon cluster CA", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)));
    ClusterPki.write(dir, "ca", ca, false);
    ClusterPki.write(dir, "tinh", ClusterPki.member(ca, "tinh", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365))), true);
    ClusterPki.write(dir, "dai-tu", ClusterPki.member(ca, "dai-tu", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365))), true);
  }

  private Path config(String cluster, String siteExtra) throws Exception {
    Path file = dir.resolve("vcmon.yaml");
    Files.writeString(
        file,
        cluster
            + "sites:\n  - { id: ha-thuong, name: Hà Thượng, type: xã, address: 198.18.1.10" + siteExtra + " }\n");
    return file;
  }

  private static String cluster(String cert, String key) {
    return "cluster:\n"
        + "  name: thai-nguyen\n"
        + "  vantage: tinh\n"
        + "  listen: 127.0.0.21:7800\n"
        + "  members: [127.0.0.21:7800, 127.0.0.22:7800]\n"
        + "  tls: { ca_file: ca.pem, cert_file: " + cert + ", key_file: " + key + " }\n";
  }

  private List<String> problems(Path file) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertThat(e).as("the config must be refused").isNotNull();
    return e.problems().stream().map(ConfigProblem::render).toList();
  }

  @Test
  void aClusterWithItsCertificatesLoads() throws Exception {
    AgentConfig cfg = ConfigLoader.load(config(cluster("tinh.pem", "tinh.key"), ", vantages: [tinh, dai-tu]"), Map.of());
    assertThat(cfg.clustered()).isTrue();
    AgentConfig.Cluster c = cfg.cluster();
    assertThat(c.name()).isEqualTo("thai-nguyen");
    assertThat(c.vantage()).isEqualTo("tinh");
    assertThat(c.listen()).isEqualTo(new AgentConfig.HostPort("127.0.0.21", 7800));
    assertThat(c.members()).extracting(Object::toString).containsExactly("127.0.0.21:7800", "127.0.0.22:7800");
    assertThat(c.tls().caFile()).isEqualTo(dir.resolve("ca.pem"));
    assertThat(c.tls().keyFile()).isEqualTo(dir.resolve("tinh.key"));
    assertThat(cfg.inventory().site("ha-thuong").orElseThrow().vantages()).containsExactly("tinh", "dai-tu");
  }

  @Test
  void withoutClusterTheAgentRunsAlone() throws Exception {
    AgentConfig cfg = ConfigLoader.load(config("", ""), Map.of());
    assertThat(cfg.clustered()).isFalse();
    assertThat(cfg.inventory().site("ha-thuong").orElseThrow().vantages()).isEmpty();
  }

  @Test
  void anIpv6ListenAddressIsWrittenInBrackets() throws Exception {
    String yaml = cluster("tinh.pem", "tinh.key")
        .replace("127.0.0.21:7800, 127.0.0.22:7800", "\"[fd00::5]:7800\", 127.0.0.22:7800")
        .replace("listen: 127.0.0.21:7800", "listen: \"[fd00::5]:7800\"");
    AgentConfig cfg = ConfigLoader.load(config(yaml, ""), Map.of());
    assertThat(cfg.cluster().listen()).isEqualTo(new AgentConfig.HostPort("fd00::5", 7800));
    assertThat(cfg.cluster().listen().toString()).isEqualTo("[fd00::5]:7800");
  }

  @Test
  void anExpiredCertificateSaysWhenItEnded() throws Exception {
    Instant end = now.minus(Duration.ofDays(2));
    ClusterPki.write(dir, "old", ClusterPki.member(ca, "tinh", now.minus(Duration.ofDays(1000)), end), true);
    assertThat(problems(config(cluster("old.pem", "old.key"), "")))
        .singleElement()
        .asString()
        .startsWith("cluster.tls.cert_file (line 6): the certificate expired on ")
        .contains(dir.resolve("old.pem").toString())
        .contains("cluster-certs DIR VANTAGE...");
  }

  @Test
  void aCertificateNotYetValidSaysFromWhen() throws Exception {
    ClusterPki.write(dir, "early", ClusterPki.member(ca, "tinh", now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(30))), true);
    assertThat(problems(config(cluster("early.pem", "early.key"), "")))
        .singleElement()
        .asString()
        .contains("the certificate is valid only from ")
        .contains("check this machine's clock");
  }

  @Test
  void aCertificateOfAnotherCaIsRefused() throws Exception {
    Issued other = ClusterPki.ca("vcmon cluster CA", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)));
    ClusterPki.write(dir, "foreign", ClusterPki.member(other, "tinh", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))), true);
    // Same CA name, other key: only the signature tells them apart.
    assertThat(problems(config(cluster("foreign.pem", "foreign.key"), "")))
        .singleElement()
        .asString()
        .contains("cluster.tls.cert_file (line 6): is not signed by the cluster's CA in cluster.tls.ca_file");
  }

  @Test
  void anotherMembersKeyIsRefused() throws Exception {
    assertThat(problems(config(cluster("tinh.pem", "dai-tu.key"), "")))
        .singleElement()
        .asString()
        .contains("cluster.tls.key_file (line 6): the key does not belong to the certificate in cluster.tls.cert_file");
  }

  @Test
  void aMemberCertificateGivenAsTheCaIsRefused() throws Exception {
    String yaml = cluster("tinh.pem", "tinh.key").replace("ca_file: ca.pem", "ca_file: dai-tu.pem");
    assertThat(problems(config(yaml, "")))
        .singleElement()
        .asString()
        .contains("cluster.tls.ca_file (line 6): is not a CA certificate");
  }

  @Test
  void anotherVantagesCertificateIsRefused() throws Exception {
    assertThat(problems(config(cluster("dai-tu.pem", "dai-tu.key"), "")))
        .singleElement()
        .asString()
        .contains("is made for CN \"dai-tu\", not for this agent's vantage \"tinh\"");
  }

  @Test
  void theOwnListenAddressMustBeAMember() throws Exception {
    String yaml = cluster("tinh.pem", "tinh.key").replace("[127.0.0.21:7800, ", "[");
    assertThat(problems(config(yaml, "")))
        .singleElement()
        .asString()
        .startsWith("cluster.members (line 5): does not hold this agent's cluster.listen (127.0.0.21:7800)");
  }
}
